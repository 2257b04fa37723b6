"""The remote-service worklist page per post (KEY-4): the findings of one's reach, open first,
filtered and paged, the detail in sentences; a status change asked first and made through the
service, a message that stays, buttons that no longer apply disabled; refusals change nothing."""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from gridcare.core.testing import City, signed_in
from gridcare.keyaccounts.models import Finding, KeyAccountEvent
from gridcare.keyaccounts.services.loads import load_import
from gridcare.keyaccounts.services.remote import remote_check
from gridcare.org.access import scope_for
from gridcare.org.models import Staff

pytestmark = pytest.mark.django_db
DAY = date(2026, 11, 2)


@pytest.fixture
def finding(town: City) -> Finding:
    account = town.account
    account.key_account_manager = Staff.objects.get(user=town.kam)
    account.contract_capacity_kva = Decimal(80)
    account.save(update_fields=["key_account_manager", "contract_capacity_kva"])
    lines = ["户号,时间,有功功率(kW)"]
    for m in range(0, 1440, 15):
        lines.append(f"{account.account_no},{DAY} {m // 60:02d}:{m % 60:02d},{100 if 480 <= m < 660 else 40}")
    load_import(scope=scope_for(town.kam), actor=town.kam, file_name="a.csv", data=("\n".join(lines) + "\n").encode())
    remote_check(day=DAY)
    return Finding.objects.get()


def _buttons(page: str, finding: Finding) -> dict[str, bool]:
    """Each status button of the finding's card: whether it can be pressed."""
    card = page[page.index(f'id="finding-{finding.pk}"') :]
    card = card[: card.index("</section>")]
    return {
        value: "disabled" not in attrs
        for attrs, value in (
            (m.group(0), m.group(1)) for m in re.finditer(r'<button name="status" value="(\w+)"[^>]*>', card)
        )
    }


def test_the_manager_sees_the_finding_in_sentences_and_moves_it(town: City, finding: Finding) -> None:
    client = signed_in(town.kam)
    page = client.get("/key-accounts/findings/").content.decode()
    assert "超合同容量" in page and "当日最大视在功率 100.0 kVA，超过合同容量 80 kVA。" in page
    assert f'href="/key-accounts/{town.account.account_no}/diagnosis/"' in page
    shown = re.sub(r"<[^>]+>", "", page)  # the text on screen, not the pickers' values
    assert "overload" not in shown and "max_kva" not in shown
    assert _buttons(page, finding) == {"contacted": True, "resolved": True, "false_alarm": True}
    status_url = f"/key-accounts/findings/{finding.pk}/status/"
    asked = client.post(status_url, {"status": "contacted", "note": "已电话联系厂方"})
    assert asked.status_code == 200 and "确定吗？" in asked.content.decode()
    assert "改为“已联系”，说明：已电话联系厂方" in asked.content.decode()
    finding.refresh_from_db()
    assert finding.status == "open"  # asked, nothing changed yet
    done = client.post(status_url, {"status": "contacted", "note": "已电话联系厂方", "confirmed": "1"})
    assert done.status_code == 302
    finding.refresh_from_db()
    assert (finding.status, finding.note) == ("contacted", "已电话联系厂方")
    after = client.get("/key-accounts/findings/").content.decode()
    assert "已改为“已联系”，并已记入该户的服务记录。" in after
    assert "已改为“已联系”" in client.get("/key-accounts/findings/").content.decode()  # the message stays
    assert _buttons(after, finding) == {"contacted": False, "resolved": True, "false_alarm": True}
    assert "将“超合同容量”由“待处理”改为“已联系”" in after  # the history as a sentence
    closing = client.post(status_url, {"status": "resolved", "note": "", "confirmed": "1"})
    assert closing.status_code == 200 and "请填写处理说明。" in closing.context["items"][0]["form"].errors["note"]
    finding.refresh_from_db()
    assert finding.status == "contacted"
    client.post(status_url, {"status": "false_alarm", "note": "计量更换", "confirmed": "1"})
    finding.refresh_from_db()
    assert finding.status == "false_alarm"
    closed = client.get("/key-accounts/findings/").content.decode()
    assert _buttons(closed, finding) == {"contacted": False, "resolved": False, "false_alarm": False}
    assert "这条发现已处理完毕。" in closed
    again = client.post(status_url, {"status": "resolved", "note": "x", "confirmed": "1"})
    assert again.status_code == 200 and "不能再改为" in again.content.decode()
    finding.refresh_from_db()
    assert finding.status == "false_alarm"


def test_open_first_filters_and_paging(town: City, finding: Finding) -> None:
    later = Finding.objects.create(
        account=town.account,
        kind="missing_data",
        status="resolved",
        first_day=DAY + timedelta(days=3),
        last_day=DAY + timedelta(days=3),
        detail={"missing": "20", "readings": "77"},
        note="已补采",
        updated_at=timezone.now(),
    )
    client = signed_in(town.kam)
    page = client.get("/key-accounts/findings/").content.decode()
    assert page.index(f'id="finding-{finding.pk}"') < page.index(f'id="finding-{later.pk}"')
    assert "当日缺少 20% 的数据（实有 77 个时段）。" in page
    only = client.get("/key-accounts/findings/?status=resolved").content.decode()
    assert f'id="finding-{later.pk}"' in only and f'id="finding-{finding.pk}"' not in only
    kind = client.get("/key-accounts/findings/?kind=overload").content.decode()
    assert f'id="finding-{finding.pk}"' in kind and f'id="finding-{later.pk}"' not in kind
    mine = client.get(f"/key-accounts/findings/?account_no={town.account.account_no}").content.decode()
    assert "共 2 条" in mine
    junk = client.get("/key-accounts/findings/?status=nope&account_no=9999999999")
    assert junk.status_code == 200 and junk.context["filters"].errors


def test_access_per_post(town: City, finding: Finding) -> None:
    status_url = f"/key-accounts/findings/{finding.pk}/status/"
    body = {"status": "contacted", "note": "x", "confirmed": "1"}
    read_only = signed_in(town.planner).get("/key-accounts/findings/").content.decode()
    assert _buttons(read_only, finding) == {"contacted": False, "resolved": False, "false_alarm": False}
    assert "您的岗位只能查看，不能处理发现。" in read_only
    assert signed_in(town.planner).post(status_url, body).status_code == 403
    assert signed_in(town.community).get("/key-accounts/findings/").status_code == 403
    assert signed_in(town.clerk).post(status_url, body).status_code == 403
    assert signed_in(town.other_supervisor).post(status_url, body).status_code == 404
    assert (
        f'id="finding-{finding.pk}"'
        not in signed_in(town.other_supervisor).get("/key-accounts/findings/").content.decode()
    )
    assert signed_in(town.kam).post("/key-accounts/findings/99999/status/", body).status_code == 404
    assert signed_in(town.kam).get(status_url).status_code == 405
    finding.refresh_from_db()
    assert finding.status == "open" and not KeyAccountEvent.objects.filter(type="finding_status").exists()
    assert signed_in(town.supervisor).post(status_url, body).status_code == 302
    finding.refresh_from_db()
    assert finding.status == "contacted"
