"""A metering system's load-data export, read and checked (KEY-3). Pure code: no database.

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
the service's checks (``jump_problems`` here does the arithmetic).

Columns, not rows: a month of 15-minute data of a thousand accounts is millions of readings, so
the file is read into text columns (``read_columns``: pyarrow's CSV reader; the ``csv`` module
only for a file pyarrow cannot split into equal rows, and openpyxl for Excel) and every check is
done on whole arrays with numpy and pyarrow compute. Times and numbers in the usual shapes are
converted on the arrays; a cell in any other shape goes through ``parse_time`` / ``parse_number``
one by one, so what is accepted, and the value it gives, is the same either way. Only the first
``MAX_PROBLEMS`` problems of each kind (by row) become sentences; the rest are counted."""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv
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
# The shapes converted on the arrays: each is one of TIME_FORMATS with two-digit fields (Y: year,
# M: month, D: day, h, m, s), where that format's reading and this one's always agree. Any other
# shape (one-digit fields, other spaces, out-of-range values) is left to ``parse_time``.
FAST_TIMES = (
    "YYYY-MM-DD hh:mm:ss",
    "YYYY-MM-DD hh:mm",
    "YYYY/MM/DD hh:mm:ss",
    "YYYY/MM/DD hh:mm",
    "YYYYMMDD hh:mm:ss",
    "YYYYMMDD hh:mm",
    "YYYY-MM-DDThh:mm:ss",
    "YYYY-MM-DDThh:mm",
    "YYYYMMDDhhmm",
)
# What str.strip() removes among ASCII characters (others: the cell goes the one-by-one way).
ASCII_SPACE = " \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f"
US = 1_000_000  # microseconds a second
BEIJING_US = 8 * 3600 * US
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


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
class Columns:
    """A table's data rows as text columns, blank rows left out; ``lines`` numbers the rows the
    way the problems name them (the header is line 1, blank rows are not counted)."""

    header: list[Any]
    lines: np.ndarray[Any, np.dtype[np.int64]]
    cells: dict[str, pa.StringArray]  # COLUMNS' names found in the header → each row's text
    raw_times: list[Any] | None = None  # Excel: the time cells as read (datetimes), for parse_time


@dataclass
class Parsed:
    """The readings of a file (the rows without a bad value, in file order) and its problems.

    ``account_index`` points into ``accounts`` (sorted), ``appearance`` counts the accounts in
    the order the file first names them, ``starts`` are UTC microseconds since the
    epoch, ``kvar`` is NaN where the meter gave none; ``order`` sorts the readings by account,
    time and row."""

    interval_minutes: int = 0
    rows: np.ndarray[Any, np.dtype[np.int64]] = field(default_factory=lambda: np.zeros(0, np.int64))
    accounts: list[str] = field(default_factory=list)
    account_index: np.ndarray[Any, np.dtype[np.int64]] = field(default_factory=lambda: np.zeros(0, np.int64))
    starts: np.ndarray[Any, np.dtype[np.int64]] = field(default_factory=lambda: np.zeros(0, np.int64))
    kw: np.ndarray[Any, np.dtype[np.float64]] = field(default_factory=lambda: np.zeros(0))
    kvar: np.ndarray[Any, np.dtype[np.float64]] = field(default_factory=lambda: np.zeros(0))
    order: np.ndarray[Any, np.dtype[np.int64]] = field(default_factory=lambda: np.zeros(0, np.int64))
    appearance: np.ndarray[Any, np.dtype[np.int64]] = field(default_factory=lambda: np.zeros(0, np.int64))
    first_rows: list[tuple[str, int]] = field(default_factory=list)  # each account's first row, in file order
    problems: list[Problem] = field(default_factory=list)
    bad_rows: int = 0  # rows left out for a bad value
    month_index: np.ndarray[Any, np.dtype[np.int64]] | None = None  # month_index(), once
    has_kvar: bool = False

    @property
    def blocking(self) -> bool:
        return any(p.blocking for p in self.problems)

    @property
    def first_at(self) -> datetime | None:
        return moment(int(self.starts.min())) if self.starts.size else None

    @property
    def last_at(self) -> datetime | None:
        return moment(int(self.starts.max())) if self.starts.size else None

    def account_nos(self) -> pa.StringArray:
        """Each reading's account."""
        return pa.array(self.accounts, pa.string()).take(pa.array(self.account_index))


def moment(microseconds: int) -> datetime:
    return EPOCH + timedelta(microseconds=microseconds)


def _header_key(text: Any) -> str:
    value = str(text or "").strip().lower().replace("（", "(").replace("）", ")")
    return re.sub(r"\s+", "", value)


# -- reading ----------------------------------------------------------------------------------
def read_columns(file_name: str, data: bytes) -> Columns:
    """The file's data rows as text columns, CSV or Excel by its name."""
    if file_name.lower().endswith((".xlsx", ".xlsm")):
        return columns_from_rows(_excel_rows(data), excel=True)
    if not file_name.lower().endswith((".csv", ".txt")):
        raise FileUnreadable(_("只能导入 CSV 或 Excel（.xlsx）文件。"))
    if b"\x00" in data:
        raise FileUnreadable(_("文件不是文本格式的 CSV。"))
    utf8 = data.removeprefix(b"\xef\xbb\xbf")
    if _is_utf8(utf8):
        return _csv_columns(utf8, "utf-8")
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        raise FileUnreadable(_("文件编码无法识别，请以 UTF-8 或 GBK 编码导出。")) from None
    return _csv_columns(text.encode(), "utf-8", text)


def _is_utf8(data: bytes) -> bool:
    """Whether the bytes are UTF-8 (checked in C, without decoding the whole file in Python)."""
    offsets = pa.py_buffer(np.array([0, len(data)], dtype=np.int64).tobytes())
    try:
        pa.Array.from_buffers(pa.large_string(), 1, [None, offsets, pa.py_buffer(data)]).validate(full=True)
    except pa.ArrowInvalid:
        return False
    return True


def _csv_columns(utf8: bytes, encoding: str, text: str | None = None) -> Columns:
    def whole() -> str:
        return text if text is not None else utf8.decode(encoding)

    head = utf8[: 1 << 16].decode(encoding, errors="ignore")
    first = [row for row, _i in zip(_nonblank(head), range(2), strict=False)]
    if len(first) < 2 and len(utf8) > 1 << 16:
        first = [row for row, _i in zip(_nonblank(whole()), range(2), strict=False)]
    if len(first) < 2:
        raise FileUnreadable(_("文件中没有数据行。"))
    header = first[0]
    where = columns_of(header)
    uneven: list[Any] = []

    def note(row: Any) -> str:
        uneven.append(row)
        return "skip"

    names = [f"c{i}" for i in range(len(header))]
    try:
        table = pcsv.read_csv(
            io.BytesIO(utf8),
            read_options=pcsv.ReadOptions(column_names=names, block_size=16 << 20),
            parse_options=pcsv.ParseOptions(newlines_in_values=True, invalid_row_handler=note),
            convert_options=pcsv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.string()),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowInvalid, OverflowError):
        uneven.append(None)
    if uneven:  # rows of other lengths than the header's: the csv module reads them as they are
        return columns_from_rows(list(_nonblank(whole())))
    columns = [table.column(n) for n in names]
    kept = np.flatnonzero(~_blank_rows(columns))[1:]  # the first row left is the header
    if kept.size and kept[-1] - kept[0] == kept.size - 1:  # no blank row among the data: slices
        cells = {name: columns[i].slice(int(kept[0]), int(kept.size)) for name, i in where.items()}
    else:
        chosen = pa.array(kept, pa.int64())
        cells = {name: columns[i].take(chosen) for name, i in where.items()}
    return Columns(
        header=list(header),
        lines=np.arange(2, kept.size + 2, dtype=np.int64),
        cells={name: _one_chunk(c) for name, c in cells.items()},
    )


def _one_chunk(column: pa.Array | pa.ChunkedArray) -> pa.Array:
    return column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column


def _nonblank(text: str) -> Iterator[list[str]]:
    return (row for row in csv.reader(io.StringIO(text)) if any(cell.strip() for cell in row))


def _blank_rows(columns: list[pa.ChunkedArray]) -> np.ndarray[Any, np.dtype[np.bool_]]:
    """Rows whose every cell str.strip() empties (the first column decides most rows)."""
    blank = _is_blank(columns[0])
    for column in columns[1:]:
        maybe = np.flatnonzero(blank)
        if not maybe.size:
            break
        blank[maybe] = _is_blank(column.take(pa.array(maybe)))
    return blank


def _is_blank(column: pa.Array | pa.ChunkedArray) -> np.ndarray[Any, np.dtype[np.bool_]]:
    """Cells that str.strip() empties."""
    blank: np.ndarray[Any, np.dtype[np.bool_]]
    lengths = pc.binary_length(pc.utf8_trim(column, characters=ASCII_SPACE))
    blank = pc.equal(lengths, 0).to_numpy(zero_copy_only=False)
    other = np.flatnonzero(~blank & ~pc.string_is_ascii(column).to_numpy(zero_copy_only=False))
    if other.size:  # other spaces (U+3000 …): the cells made of spaces alone, one by one
        spaces = pc.match_substring_regex(column.take(pa.array(other)), r"^[\s\p{Z}\x{85}\x{1c}-\x{1f}]*$")
        for i in other[_one_chunk(spaces).to_numpy(zero_copy_only=False)]:
            blank[i] = not str(column[int(i)].as_py()).strip()
    return blank


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


def _number_text(value: Any) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return str(value or "")


def columns_from_rows(rows: Sequence[Sequence[Any]], *, excel: bool = False) -> Columns:
    """Rows (the header first, blank rows left out) as text columns: the text each cell is
    judged by, as the row-by-row reading of a cell sees it (a missing cell is empty)."""
    if len(rows) < 2:
        raise FileUnreadable(_("文件中没有数据行。"))
    where = columns_of(rows[0])
    body = rows[1:]
    found: dict[str, pa.StringArray] = {}
    raw_times = None
    for name, index in where.items():
        values = [row[index] if index < len(row) else None for row in body]
        if name == "kw":
            texts = [_number_text(v) for v in values]
        elif name == "kvar":
            texts = ["" if v in (None, "") else str(v) for v in values]
        else:
            texts = [str(v or "") for v in values]
        if name == "ts" and excel:
            raw_times = values
        found[name] = pa.array(texts, pa.string())
    return Columns(list(rows[0]), np.arange(2, len(body) + 2, dtype=np.int64), found, raw_times)


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


# -- one cell ---------------------------------------------------------------------------------
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
    except OverflowError:  # the first hours of year 1
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


# -- whole columns ----------------------------------------------------------------------------
def _text_bytes(text: pa.StringArray) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    """A string array's offsets (n + 1) and its bytes, without copying."""
    wide = pa.types.is_large_string(text.type)
    size = 8 if wide else 4
    offsets = np.frombuffer(
        text.buffers()[1], dtype=np.int64 if wide else np.int32, count=len(text) + 1, offset=text.offset * size
    )
    data = text.buffers()[2]
    return offsets, np.frombuffer(data, dtype=np.uint8) if data is not None else np.zeros(0, np.uint8)


def _fast_times(text: pa.StringArray) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    """The cells in one of FAST_TIMES' shapes, converted on the arrays."""
    n = len(text)
    offsets, data = _text_bytes(text)
    lengths = np.diff(offsets)
    value = np.zeros(n, dtype=np.int64)
    ok = np.zeros(n, dtype=bool)
    for shape in FAST_TIMES:
        rows = np.flatnonzero((lengths == len(shape)) & ~ok)
        if rows.size:
            got, good = _fast_time(shape, offsets[rows].astype(np.int64), data)
            value[rows[good]] = got[good]
            ok[rows[good]] = True
    return value, ok


def local_times(
    text: pa.StringArray, raw: list[Any] | None = None
) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    """Each cell's Beijing wall time as microseconds since 1970-01-01 00:00 (as if UTC), and
    whether it could be read — exactly ``parse_time``'s answer for every cell."""
    if raw is None and len(text) > 1000:  # a file repeats its times, account after account
        encoded = pc.dictionary_encode(text)
        if len(encoded.dictionary) < len(text) // 4:
            distinct, readable = local_times(encoded.dictionary)
            index = encoded.indices.to_numpy(zero_copy_only=False)
            return distinct[index], readable[index]
    value, ok = _fast_times(text)
    rest = np.flatnonzero(~ok)
    if rest.size:  # with spaces around: the same shapes once stripped (of what str.strip strips)
        trimmed = pc.utf8_trim(text.take(pa.array(rest)), characters=ASCII_SPACE)
        again, good = _fast_times(_one_chunk(trimmed))
        value[rest[good]], ok[rest[good]] = again[good], True
        empty = pc.equal(trimmed, "").to_numpy(zero_copy_only=False) if raw is None else np.zeros(rest.size, bool)
        for i in rest[~good & ~empty]:  # any other shape: one by one
            cell = raw[int(i)] if raw is not None else text[int(i)].as_py()
            found = parse_time(cell)
            if found is not None:
                value[i] = (found - EPOCH) // timedelta(microseconds=1) + BEIJING_US
                ok[i] = True
    return value, ok


DAYS_IN_MONTH = np.array([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], dtype=np.int64)


def civil_days(year: Any, month: Any, day: Any) -> Any:
    """Days since 1970-01-01 of proleptic Gregorian dates (arrays; H. Hinnant's days_from_civil)."""
    y = year - (month <= 2)
    era = y // 400
    yoe = y - era * 400
    doy = (153 * (month + np.where(month > 2, -3, 9)) + 2) // 5 + day - 1
    return era * 146097 + yoe * 365 + yoe // 4 - yoe // 100 + doy - 719468


def _fast_time(shape: str, starts: np.ndarray[Any, Any], data: np.ndarray[Any, Any]) -> tuple[Any, Any]:
    good = np.ones(starts.size, dtype=bool)
    fields: dict[str, np.ndarray[Any, Any]] = {k: np.zeros(starts.size, dtype=np.int64) for k in "YMDhms"}
    width = len(shape)
    packed = starts.size > 0 and starts[-1] - starts[0] == width * (starts.size - 1)
    # every cell of this shape, one after the other: the bytes as a matrix, without copying
    matrix = data[starts[0] : starts[-1] + width].reshape(starts.size, width) if packed else None
    for position, char in enumerate(shape):
        byte = matrix[:, position] if matrix is not None else data[starts + position]
        if char in fields:
            digit = byte - np.uint8(48)  # below "0" wraps round above 9
            good &= digit <= 9
            fields[char] = fields[char] * 10 + digit
        else:
            good &= byte == ord(char)
    year, month, day = fields["Y"], fields["M"], fields["D"]
    hour, minute, second = fields["h"], fields["m"], fields["s"]
    good &= (year >= 1901) & (year <= 2999) & (month >= 1) & (month <= 12) & (day >= 1)
    good &= (hour <= 23) & (minute <= 59) & (second <= 59)
    month = np.where(good, month, 1)
    leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
    good &= day <= DAYS_IN_MONTH[month - 1] + ((month == 2) & leap)
    date = civil_days(year, month, day)
    return ((date * 24 + hour) * 60 + minute) * 60 * US + second * US, good


def numbers(text: pa.StringArray) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    """Each cell as a float and whether it is a finite number — ``parse_number``'s answer."""
    n = len(text)
    try:  # the usual file: every cell a plain number
        value = pc.cast(text, pa.float64()).to_numpy(zero_copy_only=False).astype(np.float64)
        return value, np.isfinite(value)
    except pa.ArrowInvalid:
        pass
    trimmed = pc.utf8_trim(text, characters=ASCII_SPACE)
    try:
        value = pc.cast(trimmed, pa.float64()).to_numpy(zero_copy_only=False).astype(np.float64)
        fast = np.ones(n, dtype=bool)
    except pa.ArrowInvalid:
        simple = pc.match_substring_regex(trimmed, r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
        simple = pc.and_(pc.fill_null(simple, False), pc.string_is_ascii(trimmed))
        value = pc.cast(pc.if_else(simple, trimmed, pa.scalar(None, pa.string())), pa.float64())
        value = value.to_numpy(zero_copy_only=False).astype(np.float64)
        fast = simple.to_numpy(zero_copy_only=False)
    ok = fast & np.isfinite(value)
    empty = pc.equal(text, "").to_numpy(zero_copy_only=False)
    for i in np.flatnonzero(~fast & ~empty):  # commas, spaces, other digits: one by one
        found = parse_number(text[int(i)].as_py())
        if found is not None:
            value[i], ok[i] = found, True
    return value, ok


def _texts(column: pa.StringArray, where: np.ndarray[Any, Any], limit: int = 40) -> list[str]:
    return [str(v or "")[:limit] for v in column.take(pa.array(where)).to_pylist()]


def _account_texts(column: pa.StringArray) -> pa.StringArray:
    """Each cell's account: stripped, at most 20 characters."""
    trimmed = pc.utf8_slice_codeunits(pc.utf8_trim(column, characters=ASCII_SPACE), 0, 20)
    other = np.flatnonzero(~pc.string_is_ascii(column).to_numpy(zero_copy_only=False))
    if not other.size:
        return trimmed
    values = trimmed.to_pylist()
    for i in other:
        values[i] = str(column[int(i)].as_py() or "").strip()[:20]
    return pa.array(values, pa.string())


def parse_columns(columns: Columns, *, interval_minutes: int | None = None) -> Parsed:
    """The readings of a file's columns and their problems."""
    if columns.lines.size < 1:
        raise FileUnreadable(_("文件中没有数据行。"))
    cells = columns.cells
    accounts = _account_texts(cells["account_no"])
    local, ts_ok = local_times(cells["ts"], columns.raw_times)
    kw, kw_ok = numbers(cells["kw"])
    n = columns.lines.size
    kvar = np.full(n, np.nan)
    kvar_ok = np.ones(n, dtype=bool)
    if "kvar" in cells:
        given = pc.not_equal(cells["kvar"], "").to_numpy(zero_copy_only=False)
        values, good = numbers(cells["kvar"])
        kvar = np.where(given, values, np.nan)
        kvar_ok = ~given | good
    no_account = pc.equal(accounts, "").to_numpy(zero_copy_only=False)
    bad = no_account | ~ts_ok | ~kw_ok | ~kvar_ok
    parsed = Parsed(has_kvar="kvar" in cells, bad_rows=int(bad.sum()))
    said = {"ts": ts_ok, "kw": kw_ok, "kvar": kvar_ok}
    parsed.problems += _bad_value_problems(columns, accounts, np.flatnonzero(bad)[:MAX_PROBLEMS], said)
    if parsed.bad_rows:
        keep = np.flatnonzero(~bad)
        parsed.rows, local, kw, kvar = columns.lines[keep], local[keep], kw[keep], kvar[keep]
        accounts = accounts.take(pa.array(keep))
    else:
        parsed.rows = columns.lines
    parsed.starts = local - BEIJING_US
    parsed.kw, parsed.kvar = kw, kvar
    _index_accounts(parsed, _one_chunk(accounts))
    negative = np.flatnonzero(parsed.kw < 0)
    parsed.problems += [
        Problem(
            "negative",
            int(parsed.rows[i]),
            parsed.accounts[parsed.account_index[i]],
            _("有功功率为负值：%(kw)s kW") % {"kw": float(parsed.kw[i])},
        )
        for i in negative[:MAX_PROBLEMS]
    ]
    step = interval_minutes or detect_interval(parsed)
    if step not in INTERVALS:
        raise FileUnreadable(
            _("无法确定数据间隔（%(minutes)s 分钟）：只接受 15、30 或 60 分钟的数据。") % {"minutes": step}
        )
    parsed.interval_minutes = step
    _grid_problems(parsed)
    return parsed


def _bad_value_problems(
    columns: Columns, accounts: pa.StringArray, where: np.ndarray[Any, Any], ok: dict[str, Any]
) -> list[Problem]:
    if not where.size:
        return []
    cells = columns.cells
    nos = _texts(accounts, where, 20)
    times, kws = _texts(cells["ts"], where), _texts(cells["kw"], where)
    kvars = _texts(cells["kvar"], where) if "kvar" in cells else [""] * where.size
    found = []
    for k, i in enumerate(where):
        said = []
        if not nos[k]:
            said.append(_("户号为空"))
        if not ok["ts"][i]:
            said.append(_("时间“%(value)s”无法识别") % {"value": times[k]})
        if not ok["kw"][i]:
            said.append(_("有功功率“%(value)s”不是数字") % {"value": kws[k]})
        if not ok["kvar"][i]:
            said.append(_("无功功率“%(value)s”不是数字") % {"value": kvars[k]})
        found.append(Problem("bad_value", int(columns.lines[i]), nos[k], "；".join(said)))
    return found


def _index_accounts(parsed: Parsed, accounts: pa.StringArray) -> None:
    """Accounts sorted, each reading's index into them, each account's first row, the order."""
    encoded = pc.dictionary_encode(accounts)
    seen = encoded.dictionary.to_pylist()  # in the order of first appearance
    by_name = sorted(range(len(seen)), key=seen.__getitem__)
    rank = np.empty(len(seen), dtype=np.int64)
    rank[by_name] = np.arange(len(seen))
    appearance = encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64)
    parsed.accounts = [seen[i] for i in by_name]
    in_order = bool(np.array_equal(rank, np.arange(len(seen))))  # the file names them in order
    parsed.account_index = appearance if in_order else rank[appearance]
    # the indices count up as accounts first appear: where the running maximum grows
    grows = np.flatnonzero(np.diff(np.maximum.accumulate(appearance), prepend=-1) > 0)
    parsed.first_rows = [(seen[c], int(parsed.rows[f])) for c, f in enumerate(grows)]
    who, when = parsed.account_index, parsed.starts
    ordered = bool(np.all((who[1:] > who[:-1]) | ((who[1:] == who[:-1]) & (when[1:] >= when[:-1]))))
    # an export account by account, each in time order, is in order already (checked in one pass)
    parsed.order = np.arange(who.size) if ordered else np.lexsort((when, who))  # stable: rows in file order
    parsed.appearance = appearance


def detect_interval(parsed: Parsed) -> int:
    """The most common distance in minutes between an account's consecutive readings (of equal
    counts, the one met first: accounts in file order, each in time order)."""
    appearance = parsed.appearance
    same = np.array_equal(appearance, parsed.account_index)  # accounts sorted as they appear
    order = parsed.order if same else np.lexsort((parsed.starts, appearance))
    who, when = appearance[order], parsed.starts[order]
    apart = when[1:] - when[:-1]
    steps = (apart // (60 * US))[(who[1:] == who[:-1]) & (apart > 0)]
    if not steps.size:
        return 15
    counted = pc.value_counts(pa.array(steps))  # in the order each distance is first met
    values = counted.field("values").to_numpy()
    counts = counted.field("counts").to_numpy()
    return int(values[np.argmax(counts)])  # of equal counts, the first


def beijing_text(start: datetime | int) -> str:
    if not isinstance(start, datetime):
        start = moment(int(start))
    return (start + BEIJING).strftime("%Y-%m-%d %H:%M")


def _grid_problems(parsed: Parsed) -> None:
    """Off-grid times, duplicates and gaps, per account."""
    step = parsed.interval_minutes * 60 * US
    nos = parsed.accounts
    off = np.flatnonzero((parsed.starts + BEIJING_US) % step != 0)
    parsed.problems += [
        Problem(
            "off_grid",
            int(parsed.rows[i]),
            nos[parsed.account_index[i]],
            _("时刻 %(at)s 不在 %(minutes)s 分钟的间隔上")
            % {"at": beijing_text(int(parsed.starts[i])), "minutes": parsed.interval_minutes},
        )
        for i in off[:MAX_PROBLEMS]
    ]
    order = parsed.order
    who, when = parsed.account_index[order], parsed.starts[order]
    same = np.zeros(order.size, dtype=bool)
    same[1:] = (who[1:] == who[:-1]) & (when[1:] == when[:-1])
    # the first row of each run of equal (account, time): what a duplicate repeats
    run_first = order[np.maximum.accumulate(np.where(same, 0, np.arange(order.size)))]
    twice = np.flatnonzero(same)
    twice = twice[np.argsort(order[twice], kind="stable")][:MAX_PROBLEMS]
    parsed.problems += [
        Problem(
            "duplicate",
            int(parsed.rows[order[k]]),
            nos[who[k]],
            _("与第 %(row)s 行时刻相同（%(at)s）")
            % {"row": int(parsed.rows[run_first[k]]), "at": beijing_text(int(when[k]))},
        )
        for k in twice
    ]
    once_who, once_when = who[~same], when[~same]
    missing = (once_when[1:] - once_when[:-1]) // step - 1
    gaps = np.flatnonzero((once_who[1:] == once_who[:-1]) & (missing > 0))[:MAX_PROBLEMS]
    parsed.problems += [
        Problem(
            "gap",
            None,
            nos[once_who[k]],
            _("%(first)s 至 %(last)s 缺少 %(count)s 个数据点")
            % {
                "first": beijing_text(int(once_when[k]) + step),
                "last": beijing_text(int(once_when[k + 1]) - step),
                "count": int(missing[k]),
            },
            blocking=False,
        )
        for k in gaps
    ]


def jump_problems(parsed: Parsed, *, capacity_kva: dict[str, Decimal], jump_percent: Decimal) -> list[Problem]:
    """Consecutive readings of an account whose active power changes by more than
    ``jump_percent`` % of its contract capacity (no capacity: not checked)."""
    if parsed.order.size < 2:
        return []
    limits = np.array(
        [
            float(c * jump_percent / 100) if (c := capacity_kva.get(no, Decimal(0))) > 0 else np.inf
            for no in parsed.accounts
        ]
    )
    i, j = parsed.order[:-1], parsed.order[1:]
    who = parsed.account_index[i]
    step = parsed.interval_minutes * 60 * US
    jump = (
        (who == parsed.account_index[j])
        & (parsed.starts[j] - parsed.starts[i] == step)
        & (np.abs(parsed.kw[j] - parsed.kw[i]) > limits[who])
    )
    hits = np.flatnonzero(jump)
    hits = hits[np.argsort(parsed.rows[j[hits]], kind="stable")][:MAX_PROBLEMS]
    return [
        Problem(
            "jump",
            int(parsed.rows[j[k]]),
            parsed.accounts[who[k]],
            _("%(at)s 有功功率由 %(a)s kW 突变为 %(b)s kW，超过合同容量的 %(percent)s%%")
            % {
                "at": beijing_text(int(parsed.starts[j[k]])),
                "a": f"{parsed.kw[i[k]]:g}",
                "b": f"{parsed.kw[j[k]]:g}",
                "percent": f"{jump_percent:g}",
            },
        )
        for k in hits
    ]


def month_index(parsed: Parsed) -> np.ndarray[Any, np.dtype[np.int64]]:
    """Each reading's Beijing month, as months since 1970-01."""
    if parsed.month_index is None:
        local = (parsed.starts + BEIJING_US).view("datetime64[us]")
        parsed.month_index = local.astype("datetime64[M]").astype(np.int64)
    return parsed.month_index


def month_name(index: int) -> str:
    return str(np.datetime64(int(index), "M"))


def months_of(parsed: Parsed) -> list[str]:
    """The Beijing months the readings fall in."""
    return [month_name(m) for m in sorted(pc.unique(pa.array(month_index(parsed))).to_pylist())]
