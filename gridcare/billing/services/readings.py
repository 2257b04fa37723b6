"""Meter readings (BILL-2): import from CSV or Excel, validation into an exceptions list that
billing staff resolve. A file with any unreadable row is refused whole: nothing is imported."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gridcare.billing.conf import billing_decimal
from gridcare.billing.exceptions import BillingError, InvalidTransition
from gridcare.billing.models import (
    ExceptionKind,
    ExceptionStatus,
    IntervalReading,
    Reading,
    ReadingException,
    ReadingImport,
    ReadingStatus,
    SplitSource,
)
from gridcare.billing.rules.bill_dates import period_start, periods_of
from gridcare.billing.rules.numbers import decimal_error
from gridcare.billing.services import estimates, late_readings
from gridcare.billing.services.intervals import INTERVAL_KINDS, intervals_to_readings
from gridcare.core.events import actor_user
from gridcare.core.timezone import SHANGHAI
from gridcare.customers.models import Account, Meter
from gridcare.org.access import Scope

COLUMNS = {
    "account_no": ("户号", "account_no"),
    "period": ("账期", "period"),
    "read_on": ("抄表日期", "read_on"),
    "previous": ("上次示数", "previous"),
    "register": ("本次示数", "register"),
    "peak": ("峰电量", "peak"),
    "valley": ("谷电量", "valley"),
    "kvarh": ("无功电量", "kvarh"),
    "max_demand_kw": ("最大需量", "max_demand_kw"),
}
REQUIRED = ("account_no", "period", "read_on", "previous", "register")
EXCEPTION_TRANSITIONS = {ExceptionStatus.OPEN: {ExceptionStatus.ACCEPTED, ExceptionStatus.CORRECTED}}


@dataclass
class Row:
    line: int
    account_no: str
    period: str
    read_on: date
    previous: Decimal
    register: Decimal
    peak: Decimal
    valley: Decimal
    kvarh: Decimal
    max_demand_kw: Decimal


MAX_COLUMNS = 64  # no import has more; cells beyond are not read
MAX_LINE_CHARS = 65_536
LONG_LINE = re.compile(rf"[^\n]{{{MAX_LINE_CHARS}}}")
NUMBER_LIMIT = Decimal("1e12")  # the money and reading columns hold 12 digits before the point


def upload_limits() -> tuple[int, int, int]:
    """(bytes, rows, unpacked bytes of an Excel file) an uploaded file may have (GRIDCARE_UPLOADS)."""
    limits = settings.GRIDCARE_UPLOADS
    return int(limits["MAX_BYTES"]), int(limits["MAX_ROWS"]), int(limits["MAX_XLSX_UNPACKED_BYTES"])


def size_error(size: int) -> str | None:
    """The refusal of a file of ``size`` bytes, before anything reads it (forms call it too)."""
    max_bytes = upload_limits()[0]
    if size > max_bytes:
        return _("文件太大：%(size)s，最大 %(max)s。") % {"size": _megabytes(size), "max": _megabytes(max_bytes)}
    return None


def _megabytes(size: int) -> str:
    return f"{size / 1_048_576:.1f} MB" if size >= 1_048_576 else f"{-(-size // 1024)} KB"


def _bounded(rows: Iterable[Sequence[object]], max_rows: int) -> list[list[object]]:
    """The non-empty rows, refused as soon as there are more than ``max_rows`` (plus the header)."""
    table: list[list[object]] = []
    for row in rows:
        if any(v not in (None, "") and str(v).strip() for v in row):
            if len(table) > max_rows:
                raise BillingError(_("文件行数超过上限 %(n)s 行，请分批导入。") % {"n": max_rows})
            table.append(list(row))
    return table


def _xlsx_rows(content: bytes, max_rows: int, max_unpacked: int) -> list[list[object]]:
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, ValueError) as exc:
        raise BillingError(_("无法读取 Excel 文件：文件不是有效的 .xlsx 格式。")) from exc
    if unpacked > max_unpacked:
        raise BillingError(
            _("Excel 文件解压后达 %(size)s，超过上限 %(max)s，未读取。")
            % {"size": _megabytes(unpacked), "max": _megabytes(max_unpacked)}
        )
    try:
        sheet = load_workbook(io.BytesIO(content), read_only=True, data_only=True).worksheets[0]
        # max_col: openpyxl pads every row to the sheet's declared width (XFD = 16,384 columns).
        return _bounded(sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS), max_rows)
    except BillingError:
        raise
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise BillingError(_("无法读取 Excel 文件。")) from exc


def table_from_file(file_name: str, content: bytes) -> list[list[object]]:
    """The rows of a .csv (UTF-8 or GBK) or .xlsx file, header first, within the configured size
    and row limits (checked before and while parsing; an Excel file's unpacked size is read from
    its zip directory before openpyxl opens it)."""
    _max_bytes, max_rows, max_unpacked = upload_limits()
    if error := size_error(len(content)):
        raise BillingError(error)
    if file_name.lower().endswith((".xlsx", ".xlsm")):
        return _xlsx_rows(content, max_rows, max_unpacked)
    if b"\x00" in content[:4096]:
        raise BillingError(_("文件不是文本格式的 CSV（请上传 CSV 或 .xlsx 文件）。"))
    for encoding in ("utf-8-sig", "gbk"):
        try:
            text = content.decode(encoding)
        except UnicodeDecodeError:
            continue
        if LONG_LINE.search(text):
            raise BillingError(_("文件有超过 %(n)s 个字符的行，不是本系统的 CSV 格式。") % {"n": MAX_LINE_CHARS})
        try:
            return _bounded(([*row[:MAX_COLUMNS]] for row in csv.reader(io.StringIO(text))), max_rows)
        except csv.Error as exc:
            raise BillingError(_("CSV 文件格式有误（引号未闭合或字段过长），未读取。")) from exc
    raise BillingError(_("文件编码无法识别（请用 UTF-8 或 GBK）。"))


def _header(cells: Sequence[object]) -> dict[str, int]:
    names = {alias: key for key, aliases in COLUMNS.items() for alias in aliases}
    found = {names[str(c).strip()]: i for i, c in enumerate(cells) if str(c).strip() in names}
    missing = [COLUMNS[k][0] for k in REQUIRED if k not in found]
    if missing:
        raise BillingError(_("文件缺少列：%(cols)s。") % {"cols": "、".join(missing)})
    return found


def _number(value: object, *, required: bool = True) -> Decimal:
    if value in (None, ""):
        if required:
            raise ValueError(_("缺少数值"))
        return Decimal(0)
    try:
        number = Decimal(str(value).strip()[:40])
    except InvalidOperation as exc:
        raise ValueError(_("“%(v)s”不是数字") % {"v": str(value)[:40]}) from exc
    if number.is_finite() and abs(number) >= NUMBER_LIMIT:
        raise ValueError(_("“%(v)s”超出允许范围") % {"v": str(value)[:40]})
    if not number.is_finite() or number < 0 or number != number.quantize(Decimal("0.01")):
        raise ValueError(_("“%(v)s”应为不小于零、最多两位小数的数字") % {"v": value})
    return number


def _date(value: object) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError as exc:
        raise ValueError(_("“%(v)s”不是日期（YYYY-MM-DD）") % {"v": value}) from exc


def parse_rows(table: list[list[object]]) -> list[Row]:
    if not table:
        raise BillingError(_("文件是空的。"))
    col = _header(table[0])
    rows, errors = [], {}
    for line, cells in enumerate(table[1:], start=2):

        def get(key: str, cells: list[object] = cells) -> object:
            return cells[col[key]] if key in col and col[key] < len(cells) else None

        try:
            period = str(get("period") or "").strip()
            period_start(period)
            rows.append(
                Row(
                    line=line,
                    account_no=str(get("account_no") or "").strip(),
                    period=period,
                    read_on=_date(get("read_on")),
                    previous=_number(get("previous")),
                    register=_number(get("register")),
                    peak=_number(get("peak"), required=False),
                    valley=_number(get("valley"), required=False),
                    kvarh=_number(get("kvarh"), required=False),
                    max_demand_kw=_number(get("max_demand_kw"), required=False),
                )
            )
        except (ValueError, BillingError) as exc:
            errors[_("第%(n)s行") % {"n": line}] = str(getattr(exc, "message", exc))
    if errors:
        raise BillingError(_("文件有 %(n)s 行无法读取，未导入任何数据。") % {"n": len(errors)}, errors=errors)
    return rows


def _history(account_ids: Iterable[int]) -> dict[int, list[tuple[str, Decimal]]]:
    out: dict[int, list[tuple[str, Decimal]]] = defaultdict(list)
    for account_id, period, kwh in (
        Reading.objects.filter(account_id__in=list(account_ids))
        .order_by("period")
        .values_list("account_id", "period", "kwh")
    ):
        out[account_id].append((period, kwh))
    return out


def consumption(
    row: Row, multiplier: int, history: list[tuple[str, Decimal]]
) -> tuple[Decimal, list[tuple[str, dict[str, str]]]]:
    """kWh of a row and the exceptions it raises (negative, rollover, spike)."""
    register_max = billing_decimal("REGISTER_MAX")
    problems: list[tuple[str, dict[str, str]]] = []
    diff = row.register - row.previous
    if diff < 0:
        rolled = register_max - row.previous + row.register
        if rolled < register_max / 10:
            problems.append((ExceptionKind.ROLLOVER, {"previous": str(row.previous), "register": str(row.register)}))
            diff = rolled
        else:
            problems.append((ExceptionKind.NEGATIVE, {"previous": str(row.previous), "register": str(row.register)}))
            diff = Decimal(0)
    kwh = diff * multiplier
    recent = [k for p, k in history if p < row.period and k > 0][-3:]
    if recent and kwh > billing_decimal("SPIKE_MIN_KWH"):
        average = sum(recent, Decimal(0)) / len(recent)
        if kwh > average * billing_decimal("SPIKE_FACTOR"):
            problems.append((ExceptionKind.SPIKE, {"kwh": str(kwh), "average": str(average.quantize(Decimal("0.01")))}))
    return kwh, problems


def scope_errors(lines: Iterable[tuple[int, str]], accounts: dict[str, Account], scope: Scope | None) -> dict[str, str]:
    """Lines naming an account outside the importer's reach (a billing clerk's own supply unit).
    An account of another company reads as unknown, like everywhere else."""
    if scope is None or scope.everything:
        return {}
    mine = set(
        Account.objects.filter(scope.account_filter(), pk__in=[a.pk for a in accounts.values()]).values_list(
            "pk", flat=True
        )
    )
    errors: dict[str, str] = {}
    for line, account_no in lines:
        account = accounts.get(account_no)
        if account is None or account.pk in mine:
            continue
        if account.supply_unit.company_id == scope.company_id:
            errors[_("第%(n)s行") % {"n": line}] = _("户号 %(no)s 不属于您的供电单位，无权导入") % {"no": account_no}
        else:
            errors[_("第%(n)s行") % {"n": line}] = _("户号 %(no)s 不存在") % {"no": account_no}
    return errors


def _check_refs(rows: list[Row], scope: Scope | None) -> tuple[dict[str, Account], dict[int, int]]:
    accounts = {
        a.account_no: a
        for a in Account.objects.filter(account_no__in=[r.account_no for r in rows]).select_related("supply_unit")
    }
    multipliers = dict(
        Meter.objects.filter(account__in=accounts.values(), removed_on__isnull=True).values_list(
            "account_id", "multiplier"
        )
    )
    errors: dict[str, str] = {}
    seen: set[tuple[str, str]] = set()
    # An estimate (估抄) of the line's month is no duplicate: the line is its late actual reading.
    existing = {
        (no, p): estimated
        for no, p, estimated in Reading.objects.filter(
            account__in=accounts.values(), period__in={r.period for r in rows}
        ).values_list("account__account_no", "period", "estimated")
    }
    for r in rows:
        key = _("第%(n)s行") % {"n": r.line}
        if r.account_no not in accounts:
            errors[key] = _("户号 %(no)s 不存在") % {"no": r.account_no}
        elif (r.account_no, r.period) in seen or existing.get((r.account_no, r.period)) is False:
            errors[key] = _("户号 %(no)s 的 %(p)s 抄表数据重复") % {"no": r.account_no, "p": r.period}
        seen.add((r.account_no, r.period))
    errors = scope_errors([(r.line, r.account_no) for r in rows], accounts, scope) | errors
    if errors:
        raise BillingError(_("文件有 %(n)s 行无法导入，未导入任何数据。") % {"n": len(errors)}, errors=errors)
    return accounts, multipliers


def readings_import(
    *, file_name: str, content: bytes, actor: User | AnonymousUser | None, scope: Scope | None = None
) -> ReadingImport:
    """Import a month's readings. ``scope`` limits the accounts to the importer's reach (pages);
    the management command imports for the whole company."""
    rows = parse_rows(table_from_file(file_name, content))
    accounts, multipliers = _check_refs(rows, scope)
    history = _history(a.pk for a in accounts.values())
    carried = estimates.carries(a.pk for a in accounts.values())
    readings, problems, errors = [], [], {}
    estimated = set(
        Reading.objects.filter(
            account__in=accounts.values(), period__in={r.period for r in rows}, estimated=True
        ).values_list("account_id", "period")
    )
    lates: list[late_readings.Late] = []
    for r in rows:
        account = accounts[r.account_no]
        carry = carried.get(account.pk)
        if (account.pk, r.period) in estimated:  # a late actual reading of an estimated month
            late_row = late_readings.late_usage_row(r, carry)
            usage = consumption(late_row, multipliers.get(account.pk, 1), history[account.pk])
            checked = late_readings.late_check(
                row=late_row, account=account, carry=carry, usage=usage, actor=actor, scope=scope
            )
            if isinstance(checked, str):
                errors[_("第%(n)s行") % {"n": r.line}] = checked
            else:
                lates.append(checked)
            continue
        row = replace(r, previous=carry.previous) if carry and carry.previous is not None else r
        kwh, found = consumption(row, multipliers.get(account.pk, 1), history[account.pk])
        # Across a meter exchange: the old meters' part (their TOU registers too) is added.
        old = carry.old_parts() if carry else (Decimal(0), Decimal(0), Decimal(0))
        kwh, r_peak, r_valley = kwh + old[0], r.peak + old[1], r.valley + old[2]
        if r_peak + r_valley > kwh and not found:
            errors[_("第%(n)s行") % {"n": r.line}] = _("峰谷电量之和大于总电量")
        peak, valley = (r_peak, r_valley) if r_peak + r_valley <= kwh else (Decimal(0), Decimal(0))
        # A true-up: the usage since the last actual reading less the estimates billed meanwhile.
        est = carry.estimated_parts() if carry else (Decimal(0), Decimal(0), Decimal(0))
        readings.append(
            Reading(
                account=account,
                period=r.period,
                read_on=r.read_on,
                register=r.register,
                kwh=kwh - est[0],
                kwh_peak=peak - est[1],
                kwh_valley=valley - est[2],
                kwh_flat=kwh - peak - valley - (est[0] - est[1] - est[2]),
                kvarh=r.kvarh,
                max_demand_kw=r.max_demand_kw,
                status=ReadingStatus.HELD if found else ReadingStatus.VALID,
                split_source=SplitSource.METER if peak or valley else SplitSource.NONE,
                true_up_kwh=est[0],
                exchange=carry.exchanges[-1] if carry and carry.exchanges else None,
            )
        )
        problems.append(found)
    if errors:
        raise BillingError(_("文件有 %(n)s 行数据不一致，未导入任何数据。") % {"n": len(errors)}, errors=errors)
    with transaction.atomic():
        batch = ReadingImport.objects.create(
            file_name=file_name[:200],
            rows=len(rows),
            exceptions=sum(1 for p in problems if p),
            imported_by=actor_user(actor),
        )
        for late in lates:
            replacing = late_readings.late_apply(late, actor=actor, scope=scope)
            if replacing is not None:
                readings.append(replacing)
                problems.append([])
            else:
                batch.late_corrections += 1
        for reading in readings:
            reading.batch = batch
        Reading.objects.bulk_create(readings, batch_size=2000)
        saved = {(r.account_id, r.period): r for r in Reading.objects.filter(batch=batch)}
        estimates.carries_settle(saved.values(), carried)
        ReadingException.objects.bulk_create(
            ReadingException(reading=saved[(reading.account_id, reading.period)], kind=kind, detail=detail)
            for reading, found in zip(readings, problems, strict=True)
            for kind, detail in found
        )
        # Interval data that arrived before the monthly reading fill in its split now.
        split = intervals_to_readings(
            account_ids=[r.account_id for r in readings], periods={r.period for r in rows}, actor=actor
        )
        if split.held:
            batch.exceptions += split.held
            batch.save(update_fields=["exceptions"])
    return batch


def exception_resolve(
    *, exception: ReadingException, to: ExceptionStatus, actor: User | AnonymousUser, kwh: Decimal | None = None
) -> ReadingException:
    """Accept the reading as it is, or correct its kWh; the reading is billable again once
    none of its exceptions is open."""
    if to not in EXCEPTION_TRANSITIONS.get(ExceptionStatus(exception.status), set()):
        raise InvalidTransition(_("该异常已处理。"))
    with transaction.atomic():
        reading = Reading.objects.select_for_update().get(pk=exception.reading_id)
        if to == ExceptionStatus.CORRECTED:
            if kwh is not None and (error := decimal_error(kwh, Reading._meta.get_field("kwh"))):
                raise BillingError(_("更正电量有误。"), errors={"kwh": error})
            if kwh is None or kwh < 0 or kwh < reading.kwh_peak + reading.kwh_valley:
                raise BillingError(_("更正电量有误。"), errors={"kwh": _("应不小于峰谷电量之和。")})
            reading.kwh, reading.kwh_flat = kwh, kwh - reading.kwh_peak - reading.kwh_valley
        changed = ReadingException.objects.filter(pk=exception.pk, status=ExceptionStatus.OPEN).update(
            status=to, resolved_by=actor_user(actor), resolved_at=timezone.now()
        )
        if not changed:
            raise InvalidTransition(_("该异常已处理。"))
        if not reading.exceptions.filter(status=ExceptionStatus.OPEN).exists():
            reading.status = ReadingStatus.VALID
        reading.save(update_fields=["kwh", "kwh_flat", "status"])
        if to == ExceptionStatus.CORRECTED and exception.kind in INTERVAL_KINDS:
            # A corrected total is split by the account's curve again.
            intervals_to_readings(account_ids=[reading.account_id], periods=[reading.period], actor=actor)
    exception.refresh_from_db()
    return exception


def _interval_columns(head: list[str]) -> tuple[int, int, int]:
    try:
        ia = next(i for i, h in enumerate(head) if h in ("户号", "account_no"))
        it = next(i for i, h in enumerate(head) if h in ("开始时间", "starts_at"))
        ik = next(i for i, h in enumerate(head) if h in ("电量", "kwh"))
    except StopIteration as exc:
        raise BillingError(_("文件缺少列：户号、开始时间、电量。")) from exc
    return ia, it, ik


def _moment(raw: object) -> datetime:
    try:
        moment = raw if isinstance(raw, datetime) else datetime.fromisoformat(str(raw).strip())
    except ValueError as exc:
        raise ValueError(_("“%(v)s”不是时间（YYYY-MM-DD HH:MM）") % {"v": raw}) from exc
    return moment if moment.tzinfo else moment.replace(tzinfo=SHANGHAI)


def parse_intervals(
    table: list[list[object]], accounts: dict[str, Account]
) -> tuple[list[tuple[int, int, datetime, Decimal]], dict[str, str]]:
    """(line, account id, start, kWh) of every line, and the lines that cannot be read: unknown
    account, bad time, negative or malformed kWh, or the same account and start twice."""
    ia, it, ik = _interval_columns([str(c).strip() for c in table[0]])
    parsed: list[tuple[int, int, datetime, Decimal]] = []
    errors: dict[str, str] = {}
    seen: dict[tuple[int, datetime], int] = {}
    for line, cells in enumerate(table[1:], start=2):
        try:
            account_no = str(cells[ia]).strip()
            if account_no not in accounts:
                raise ValueError(_("户号 %(no)s 不存在") % {"no": account_no})
            key = (accounts[account_no].pk, _moment(cells[it]))
            if key in seen:
                raise ValueError(_("与第%(n)s行的时段重复") % {"n": seen[key]})
            seen[key] = line
            parsed.append((line, key[0], key[1], _number(cells[ik])))
        except (ValueError, IndexError) as exc:
            errors[_("第%(n)s行") % {"n": line}] = str(exc)
    return parsed, errors


def _already_imported(parsed: list[tuple[int, int, datetime, Decimal]]) -> dict[str, str]:
    if not parsed:
        return {}
    moments = [p[2] for p in parsed]
    stored = set(
        IntervalReading.objects.filter(
            account_id__in={p[1] for p in parsed}, starts_at__gte=min(moments), starts_at__lte=max(moments)
        ).values_list("account_id", "starts_at")
    )
    return {_("第%(n)s行") % {"n": line}: _("该时段已导入") for line, a, m, _k in parsed if (a, m) in stored}


def intervals_import(
    *, file_name: str, content: bytes, actor: User | AnonymousUser | None, scope: Scope | None = None
) -> ReadingImport:
    """Interval data: columns 户号/account_no, 开始时间/starts_at (Beijing time), 电量/kwh. Any
    bad line refuses the whole file. The months it touches get their readings' peak/flat/valley
    from the curves (services.intervals), in the same transaction."""
    table = table_from_file(file_name, content)
    if not table:
        raise BillingError(_("文件是空的。"))
    ia = _interval_columns([str(c).strip() for c in table[0]])[0]
    accounts = {
        a.account_no: a
        for a in Account.objects.filter(
            account_no__in=[str(r[ia]).strip() for r in table[1:] if len(r) > ia]
        ).select_related("supply_unit")
    }
    parsed, errors = parse_intervals(table, accounts)
    errors = (
        scope_errors([(line, str(c[ia]).strip()) for line, c in enumerate(table[1:], start=2)], accounts, scope)
        | errors
    )
    errors = errors or _already_imported(parsed)
    if errors:
        raise BillingError(_("文件有 %(n)s 行无法导入，未导入任何数据。") % {"n": len(errors)}, errors=errors)
    with transaction.atomic():
        batch = ReadingImport.objects.create(
            file_name=file_name[:200],
            kind="interval",
            rows=len(parsed),
            imported_by=actor_user(actor),
        )
        try:
            with transaction.atomic():
                IntervalReading.objects.bulk_create(
                    IntervalReading(account_id=a, starts_at=m, kwh=k, batch=batch) for _line, a, m, k in parsed
                )
        except IntegrityError as exc:  # a concurrent import of the same slots
            raise BillingError(_("文件含已导入的时段，未导入任何数据。")) from exc
        split = intervals_to_readings(
            account_ids={p[1] for p in parsed}, periods=periods_of(p[2] for p in parsed), actor=actor
        )
        batch.exceptions = split.held
        batch.save(update_fields=["exceptions"])
    return batch
