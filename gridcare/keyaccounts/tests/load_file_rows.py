"""The row-by-row reading of a load-data file as it was before the columns (KEY-3), kept only as
the tests' reference: the column reading in rules.load_file must give exactly its readings and
problems. Not used by the application. One change: a time in the first eight hours of year 1
raised OverflowError; it is now unreadable, as in rules.load_file.

The file is CSV (UTF-8, with or without BOM, or GB18030 as Chinese systems write it) or Excel
(.xlsx, the first sheet), one reading a row: the account (户号), the time the interval starts, in
Beijing time, the interval's active power in kW and, where the meter has it, its reactive power
in kvar. The header names vary between systems; ``COLUMNS`` lists those accepted. The interval
(15, 30 or 60 minutes) is the most common distance between an account's consecutive readings,
unless the person importing chose one.

Every problem is found, with its row: a value that is not a number, negative active power, the
same account and time twice, a time off the interval's grid — these refuse the file as a whole —
and gaps (missing intervals inside an account's period), which are listed and do not. Whether an
account exists and is a key account, and impossible jumps (which need the contract capacity), are
the service's checks (``jump_problems`` here does the arithmetic)."""

from __future__ import annotations

import csv
import io
import math
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

INTERVALS = (15, 30, 60)
BEIJING = timedelta(hours=8)
MAX_PROBLEMS = 1000  # listed per import; the rest are counted

# Accepted header names (compared without spaces, case and the kind of brackets).
COLUMNS: dict[str, tuple[str, ...]] = {
    "account_no": ("户号", "用户编号", "用户号", "客户编号", "户号(用户编号)", "account_no", "account"),
    "ts": ("时间", "数据时间", "采集时间", "时刻", "日期时间", "冻结时间", "ts", "time", "timestamp", "datetime"),
    "kw": ("有功功率(kw)", "有功功率", "有功(kw)", "总有功功率(kw)", "总有功功率", "p(kw)", "kw"),
    "kvar": ("无功功率(kvar)", "无功功率", "无功(kvar)", "总无功功率(kvar)", "总无功功率", "q(kvar)", "kvar"),
}
REQUIRED = ("account_no", "ts", "kw")
TIME_FORMATS: tuple[str, ...] = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y%m%d %H:%M:%S",
    "%Y%m%d %H:%M",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%dT%H:%M",
    "%Y%m%d%H%M",
)


class FileUnreadable(ValueError):
    """The file cannot be read as a table of readings at all (its sentence says why)."""


@dataclass(frozen=True)
class Problem:
    kind: str  # LoadProblemKind's values
    row: int | None  # the file's line (the header is line 1)
    account_no: str
    detail: str
    blocking: bool = True


@dataclass
class Parsed:
    interval_minutes: int = 0
    rows: list[int] = field(default_factory=list)  # each reading's line
    account_nos: list[str] = field(default_factory=list)
    starts: list[datetime] = field(default_factory=list)  # UTC
    kw: list[float] = field(default_factory=list)
    kvar: list[float | None] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    has_kvar: bool = False

    @property
    def blocking(self) -> bool:
        return any(p.blocking for p in self.problems)


def _header_key(text: Any) -> str:
    value = str(text or "").strip().lower().replace("（", "(").replace("）", ")")
    return re.sub(r"\s+", "", value)


def read_table(file_name: str, data: bytes) -> list[list[Any]]:
    """The file's rows (the header first) as CSV or Excel by its name."""
    if file_name.lower().endswith((".xlsx", ".xlsm")):
        return _excel_rows(data)
    if not file_name.lower().endswith((".csv", ".txt")):
        raise FileUnreadable(_("只能导入 CSV 或 Excel（.xlsx）文件。"))
    if b"\x00" in data:
        raise FileUnreadable(_("文件不是文本格式的 CSV。"))
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return [row for row in csv.reader(io.StringIO(text)) if any(cell.strip() for cell in row)]
    raise FileUnreadable(_("文件编码无法识别，请以 UTF-8 或 GBK 编码导出。"))


def _excel_rows(data: bytes) -> list[list[Any]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise FileUnreadable(_("Excel 文件无法打开。")) from exc
    sheet = book.worksheets[0]
    rows = [list(row) for row in sheet.iter_rows(values_only=True) if any(v not in (None, "") for v in row)]
    book.close()
    return rows


def columns_of(header: Sequence[Any]) -> dict[str, int]:
    """Which column holds what; a required one missing refuses the file."""
    keys = [_header_key(h) for h in header]
    found: dict[str, int] = {}
    for name, aliases in COLUMNS.items():
        for alias in aliases:
            if alias in keys:
                found[name] = keys.index(alias)
                break
    labels = {"account_no": _("户号"), "ts": _("时间"), "kw": _("有功功率(kW)")}
    missing = [str(labels[n]) for n in REQUIRED if n not in found]
    if missing:
        raise FileUnreadable(_("文件缺少列：%(columns)s。") % {"columns": "、".join(missing)})
    return found


def parse_time(value: Any) -> datetime | None:
    """A Beijing time from a cell (text or an Excel datetime), as an aware UTC datetime."""
    local: datetime | None = None
    if isinstance(value, datetime):
        local = value.replace(tzinfo=None)
    else:
        text = str(value or "").strip()
        for pattern in TIME_FORMATS:
            try:
                local = datetime.strptime(text, pattern)  # noqa: DTZ007 (Beijing wall time, made aware below)
                break
            except ValueError:
                continue
        if local is None:
            return None
    try:
        return (local - BEIJING).replace(tzinfo=UTC)
    except OverflowError:  # the one change: the first hours of year 1 were a 500, now unreadable
        return None


def parse_number(value: Any) -> float | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = float(value)
    else:
        try:
            number = float(Decimal(str(value).strip().replace(",", "")))
        except (ArithmeticError, ValueError):
            return None
    return number if math.isfinite(number) else None


def detect_interval(parsed: Parsed) -> int:
    """The most common distance in minutes between an account's consecutive readings."""
    by_account: dict[str, list[datetime]] = defaultdict(list)
    for no, start in zip(parsed.account_nos, parsed.starts, strict=True):
        by_account[no].append(start)
    steps: Counter[int] = Counter()
    for starts in by_account.values():
        starts.sort()
        steps.update(int((b - a).total_seconds() // 60) for a, b in zip(starts, starts[1:], strict=False) if b > a)
    return steps.most_common(1)[0][0] if steps else 15


def parse_rows(rows: Sequence[Sequence[Any]], *, interval_minutes: int | None = None) -> Parsed:
    """The readings of a table (header first) and their problems."""
    if len(rows) < 2:
        raise FileUnreadable(_("文件中没有数据行。"))
    where = columns_of(rows[0])
    parsed = Parsed(has_kvar="kvar" in where)
    for line, row in enumerate(rows[1:], start=2):
        _parse_row(parsed, line, row, where)
    step = interval_minutes or detect_interval(parsed)
    if step not in INTERVALS:
        raise FileUnreadable(
            _("无法确定数据间隔（%(minutes)s 分钟）：只接受 15、30 或 60 分钟的数据。") % {"minutes": step}
        )
    parsed.interval_minutes = step
    _grid_problems(parsed)
    return parsed


def _cell(row: Sequence[Any], index: int | None) -> Any:
    return row[index] if index is not None and index < len(row) else None


def _parse_row(parsed: Parsed, line: int, row: Sequence[Any], where: dict[str, int]) -> None:
    account_no = str(_cell(row, where["account_no"]) or "").strip()[:20]
    start = parse_time(_cell(row, where["ts"]))
    kw = parse_number(_cell(row, where["kw"]))
    raw_kvar = _cell(row, where.get("kvar"))
    kvar = None if raw_kvar in (None, "") else parse_number(raw_kvar)
    bad = []
    if not account_no:
        bad.append(_("户号为空"))
    if start is None:
        bad.append(_("时间“%(value)s”无法识别") % {"value": str(_cell(row, where["ts"]) or "")[:40]})
    if kw is None:
        bad.append(_("有功功率“%(value)s”不是数字") % {"value": str(_cell(row, where["kw"]) or "")[:40]})
    if raw_kvar not in (None, "") and kvar is None:
        bad.append(_("无功功率“%(value)s”不是数字") % {"value": str(raw_kvar)[:40]})
    if bad:
        parsed.problems.append(Problem("bad_value", line, account_no, "；".join(bad)))
        return
    assert start is not None and kw is not None
    if kw < 0:
        parsed.problems.append(Problem("negative", line, account_no, _("有功功率为负值：%(kw)s kW") % {"kw": kw}))
    parsed.rows.append(line)
    parsed.account_nos.append(account_no)
    parsed.starts.append(start)
    parsed.kw.append(kw)
    parsed.kvar.append(kvar)


def beijing_text(start: datetime) -> str:
    return (start + BEIJING).strftime("%Y-%m-%d %H:%M")


def _grid_problems(parsed: Parsed) -> None:
    """Off-grid times, duplicates and gaps, per account."""
    step = timedelta(minutes=parsed.interval_minutes)
    seen: dict[tuple[str, datetime], int] = {}
    by_account: dict[str, list[datetime]] = defaultdict(list)
    for line, no, start in zip(parsed.rows, parsed.account_nos, parsed.starts, strict=True):
        local = start + BEIJING
        if local.second or local.microsecond or (local.hour * 60 + local.minute) % parsed.interval_minutes:
            detail = _("时刻 %(at)s 不在 %(minutes)s 分钟的间隔上") % {
                "at": beijing_text(start),
                "minutes": parsed.interval_minutes,
            }
            parsed.problems.append(Problem("off_grid", line, no, detail))
        if (no, start) in seen:
            detail = _("与第 %(row)s 行时刻相同（%(at)s）") % {"row": seen[(no, start)], "at": beijing_text(start)}
            parsed.problems.append(Problem("duplicate", line, no, detail))
            continue
        seen[(no, start)] = line
        by_account[no].append(start)
    for no, starts in sorted(by_account.items()):
        starts.sort()
        for a, b in zip(starts, starts[1:], strict=False):
            missing = int((b - a) / step) - 1
            if missing > 0:
                detail = _("%(first)s 至 %(last)s 缺少 %(count)s 个数据点") % {
                    "first": beijing_text(a + step),
                    "last": beijing_text(b - step),
                    "count": missing,
                }
                parsed.problems.append(Problem("gap", None, no, detail, blocking=False))


def jump_problems(parsed: Parsed, *, capacity_kva: dict[str, Decimal], jump_percent: Decimal) -> list[Problem]:
    """Consecutive readings of an account whose active power changes by more than
    ``jump_percent`` % of its contract capacity (no capacity: not checked)."""
    order = sorted(range(len(parsed.rows)), key=lambda i: (parsed.account_nos[i], parsed.starts[i]))
    found = []
    step = timedelta(minutes=parsed.interval_minutes)
    for i, j in zip(order, order[1:], strict=False):
        no = parsed.account_nos[i]
        capacity = capacity_kva.get(no, Decimal(0))
        if no != parsed.account_nos[j] or capacity <= 0 or parsed.starts[j] - parsed.starts[i] != step:
            continue
        limit = float(capacity * jump_percent / 100)
        change = abs(parsed.kw[j] - parsed.kw[i])
        if change > limit:
            detail = _("%(at)s 有功功率由 %(a)s kW 突变为 %(b)s kW，超过合同容量的 %(percent)s%%") % {
                "at": beijing_text(parsed.starts[j]),
                "a": f"{parsed.kw[i]:g}",
                "b": f"{parsed.kw[j]:g}",
                "percent": f"{jump_percent:g}",
            }
            found.append(Problem("jump", parsed.rows[j], no, detail))
    return found


def months_of(parsed: Parsed) -> list[str]:
    """The Beijing months the readings fall in."""
    return sorted({(s + BEIJING).strftime("%Y-%m") for s in parsed.starts})
