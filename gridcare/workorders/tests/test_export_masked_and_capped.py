"""The search's Excel export (issue 18): the rows of the search, phones masked, capped at
EXPORT_MAX_ROWS with a last line saying so."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from gridcare.core.testing import City, signed_in
from gridcare.workorders.tests.conftest import Clock, take


def _sheet(answer: object) -> list[list[object]]:
    body = b"".join(answer.streaming_content)  # type: ignore[attr-defined]
    book = load_workbook(io.BytesIO(body), read_only=True)
    return [list(row) for row in book.active.iter_rows(values_only=True)]


def test_the_excel_export_masks_phones_and_keeps_the_searchs_rows(town: City, clock: Clock) -> None:
    a = take(town.agent, text="路灯不亮", phone="13900001111", type="inquiry")
    take(town.agent, text="电压偏低", phone="13900002222", type="fault")
    answer = signed_in(town.agent).get("/workorders/export/?view=all&type=inquiry&format=xlsx")
    assert answer.status_code == 200
    rows = _sheet(answer)
    assert rows[0][8] == "联系电话"
    assert [(r[0], r[8]) for r in rows[1:]] == [(a.number, "139****1111")]


def test_past_the_cap_the_first_rows_and_a_line_saying_so(town: City, clock: Clock, settings: object) -> None:
    settings.GRIDCARE_WORKORDERS = {**settings.GRIDCARE_WORKORDERS, "EXPORT_MAX_ROWS": 2}  # type: ignore[attr-defined]
    made = []
    for i in range(3):
        made.append(take(town.agent, text=f"路灯不亮{i}", type="inquiry"))
        clock.advance(minutes=1)
    rows = _sheet(signed_in(town.agent).get("/workorders/export/?view=all&format=xlsx"))
    assert [r[0] for r in rows[1:3]] == [made[2].number, made[1].number]
    assert rows[3][0] == "共 3 张工单，仅导出前 2 张；请缩小查询范围后分批导出。"
    assert len(rows) == 4
