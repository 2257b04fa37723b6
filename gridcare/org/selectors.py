from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Max, QuerySet, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from gridcare.core.forms import Choice, named
from gridcare.core.models import ApiToken
from gridcare.org.access import Capability, Level, Path, Reach, Scope, can, crew_filter
from gridcare.org.models import CREW_NAME_MAX, AuthEvent, Company, Counter, Crew, CrewEvent, Hall, Staff, SupplyUnit


@dataclass(frozen=True)
class Link:
    url_name: str
    label: Promise
    capability: Capability | None = None  # None: every staff post


C = Capability
# The home page's tiles, each shown to the posts that may open its page (gridcare.org.access.POSTS).
# Apps built later add their pages here.
LINKS: tuple[Link, ...] = (
    Link("customers:search", _("客户查询")),
    Link("customers:create", _("新装立户"), C.ARCHIVE_EDIT),
    Link("customers:worklist", _("档案质量工单"), C.ARCHIVE_QUALITY),
    Link("customers:unmask_audit", _("查看完整信息审计"), C.UNMASK_AUDIT),
    Link("workorders:intake", _("受理95598工单")),
    Link("workorders:list", _("在办工单")),
    Link("workorders:figures", _("工单统计"), C.ORDER_FIGURES),
    # Every post may open the list; taking an application asks C.CONNECTION_APPLY on the page.
    Link("workorders:connections", _("业扩报装")),
    Link("notices:outages", _("停电通知")),
    Link("notices:quality", _("通知渠道质量"), C.NOTICE_QUALITY),
    Link("notices:reliability", _("供电可靠性"), C.RELIABILITY_VIEW),
    Link("notices:publications", _("公告发布"), C.TEMPLATE_EDIT),
    Link("notices:peak_shifts", _("错峰通知"), C.PEAK_SHIFT),
    Link("halls:index", _("营业厅排队叫号"), C.HALL_VIEW),
    # Every post sees its own figures; ASSESS_FIGURES those of the people and places it oversees.
    Link("assessment:figures", _("考核评价")),
    Link("billing:arrears", _("欠费台账"), C.BILL_VIEW),
    Link("billing:runs", _("抄核收出账"), C.BILLING_OFFICE),
    Link("billing:readings", _("抄表数据与异常"), C.BILLING_OFFICE),
    Link("billing:dunning", _("催费与停复电"), C.BILLING_OFFICE),
    Link("billing:reconciliations", _("渠道对账"), C.BILLING_OFFICE),
    Link("billing:debit_batches", _("银行代扣"), C.BILLING_OFFICE),
    Link("billing:tariffs", _("电价管理"), C.TARIFF_EDIT),
    Link("billing:service_orders", _("有偿增值服务"), C.SERVICE_ORDER_TAKE),
    Link("billing:services", _("增值服务目录"), C.SERVICE_CATALOGUE_EDIT),
    Link("invoicing:invoices", _("电子发票"), C.INVOICE_VIEW),
    Link("keyaccounts:portfolio", _("大客户服务"), C.KEY_PORTFOLIO),
    Link("keyaccounts:findings", _("远程服务发现"), C.KEY_DIAGNOSIS),
    Link("planning:index", _("服务规划"), C.PLAN_VIEW),
    Link("knowledge:search", _("知识库"), C.KNOWLEDGE_VIEW),
    Link("knowledge:review", _("知识审核"), C.KNOWLEDGE_REVIEW),
    Link("knowledge:figures", _("知识库统计"), C.KNOWLEDGE_EDIT),
    Link("jobs:index", _("后台任务"), C.JOBS),
    Link("crews:list", pgettext_lazy("crews", "抢修班组"), C.CREW_EDIT),
    Link("calendar:list", _("节假日安排"), C.CALENDAR_VIEW),
    Link("security:locks", _("账号安全"), C.SECURITY),
)
del C


def home_links(scope: Scope) -> list[tuple[str, Promise]]:
    shown = [link for link in LINKS if link.capability is None or can(scope, link.capability)]
    return [(reverse(link.url_name), link.label) for link in shown]


@dataclass(frozen=True)
class Lock:
    """A locked account (key: the username) or a throttled address (key: the address)."""

    key: str
    failures: int
    last_failure: datetime
    until: datetime


def _locks(field: str, limit: int) -> list[Lock]:
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    rows = (
        AccessAttempt.objects.filter(attempt_time__gte=since)
        .exclude(**{f"{field}__isnull": True})
        .values(field)
        .annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
        .filter(failures__gte=limit)
        .order_by("-last")
    )
    return [
        Lock(
            key=str(r[field]),
            failures=r["failures"],
            last_failure=r["last"],
            until=r["last"] + settings.AXES_COOLOFF_TIME,
        )
        for r in rows
    ]


def locked_accounts() -> list[Lock]:
    return _locks("username", settings.AXES_FAILURE_LIMIT)


def throttled_addresses() -> list[Lock]:
    return _locks("ip_address", settings.GRIDCARE_AUTH["ADDRESS_FAILURE_LIMIT"])


def token_list() -> QuerySet[ApiToken]:
    """Every API token, newest first, with its user (never the token: only its digest is stored)."""
    return ApiToken.objects.select_related("user", "user__staff").order_by("-created_at", "-id")


@dataclass(frozen=True)
class TokenRow:
    """A token as the token list shows it and exports it: whose, when, and its state."""

    pk: int
    user: str
    created_at: datetime
    last_used_at: datetime | None
    expires_at: datetime
    state: str
    revocable: bool


def token_row(token: ApiToken, at: datetime | None = None) -> TokenRow:
    at = at or timezone.now()
    staff = getattr(token.user, "staff", None)
    user = token.user.get_username() + (f"（{staff.name}）" if staff is not None else "")
    if token.revoked_at is not None:
        state = gettext("已吊销（%(at)s）") % {"at": f"{timezone.localtime(token.revoked_at):%Y-%m-%d %H:%M}"}
    elif token.expires_at < at:
        state = gettext("已到期")
    else:
        state = gettext("有效")
    return TokenRow(
        pk=token.pk,
        user=user,
        created_at=token.created_at,
        last_used_at=token.last_used_at,
        expires_at=token.expires_at,
        state=state,
        revocable=token.revoked_at is None,
    )


def auth_event_list() -> QuerySet[AuthEvent]:
    return AuthEvent.objects.select_related("actor").order_by("-created_at", "-id")


def token_get(*, token_id: int) -> ApiToken:
    from gridcare.core.exceptions import NotFound

    token = token_list().filter(pk=token_id).first()
    if token is None:
        raise NotFound(_("没有这个令牌。"))
    return token


# -- what a staff form's pickers offer (gridcare.core.forms.Picker): by name, within the scope ----


def unit_name(*, code: str | None = None, pk: int = 0) -> str | None:
    """A supply unit's name by its code or id (a history's stored reference); None if none."""
    units = SupplyUnit.objects.filter(code=code) if code is not None else SupplyUnit.objects.filter(pk=pk)
    return units.values_list("name", flat=True).first()


def hall_name(pk: int) -> str | None:
    return Hall.objects.filter(pk=pk).values_list("name", flat=True).first()


def unit_choices(scope: Scope, reach: Reach = Reach.UNIT) -> list[Choice]:
    """The supply units ``scope`` reaches for rows of kind ``reach`` (a billing clerk: their unit;
    ``Reach.ACCOUNTS``: where the person may open accounts; ``Reach.COMPANY``: any of the company)."""
    units = SupplyUnit.objects.filter(scope.filter(reach, Path.unit_of(""))).order_by("code")
    return [(u.code, named(u.code, u.name)) for u in units]


def hall_choices(scope: Scope, reach: Reach = Reach.UNIT) -> list[Choice]:
    """The halls of the units ``unit_choices(scope, reach)`` offers."""
    halls = Hall.objects.filter(scope.filter(reach, Path.unit_of("unit"))).order_by("code")
    return [(h.code, named(h.code, h.name)) for h in halls]


def staff_choices(scope: Scope) -> list[Choice]:
    """The active staff of the caller's company (a hand-over, a complaint found true), by name."""
    people = Staff.objects.filter(scope.filter(Reach.COMPANY, Path(company="company_id")), active=True)
    return [(p.employee_no, named(p.employee_no, p.name)) for p in people.order_by("employee_no")]


# -- repair crews (抢修班组): a work order is dispatched to one of the target unit's active crews ---

CrewGroup = tuple[str, list[Choice]]


def crew_value(unit_code: str, name: str) -> str:
    """How a crew picker names a crew: its unit's code and its name ("U1/抢修一班"), so the same
    name in two units stays two choices."""
    return f"{unit_code}/{name}"


def crew_choices(scope: Scope, unit: str | None = None, reach: Reach = Reach.UNIT) -> list[CrewGroup]:
    """The active crews of the units ``unit_choices(scope, reach)`` offers (of unit ``unit`` only,
    by its code, when given), grouped by unit (名称（编码）), each shown as "单位 · 班组"."""
    crews = Crew.objects.filter(scope.filter(reach, Path.unit_of("unit")), active=True).select_related("unit")
    if unit is not None:
        crews = crews.filter(unit__code=unit)
    groups: dict[str, CrewGroup] = {}
    for crew in crews.order_by("unit__code", "name"):
        u = crew.unit
        group = groups.setdefault(u.code, (named(u.code, u.name), []))
        group[1].append((crew_value(u.code, crew.name), f"{u.name} · {crew.name}"))
    return list(groups.values())


def crew_named(unit: SupplyUnit | int, name: str) -> Crew | None:
    """The active crew of ``unit`` (a unit or its id) called ``name``; None if it has none."""
    name = name.strip()
    if not name.isprintable() or len(name) > CREW_NAME_MAX:  # no such crew (and no NUL for PostgreSQL)
        return None
    unit_id = unit.pk if isinstance(unit, SupplyUnit) else unit
    return Crew.objects.filter(unit_id=unit_id, name=name, active=True).first()


def crew_list(scope: Scope) -> QuerySet[Crew]:
    """Every crew of the units in ``scope`` (the inactive ones too), by unit and name."""
    return Crew.objects.filter(crew_filter(scope)).select_related("unit").order_by("unit__code", "name", "id")


def crew_history(scope: Scope, *, limit: int = 20) -> list[CrewEvent]:
    """The latest changes to the crews in ``scope``, newest first."""
    events = CrewEvent.objects.filter(crew__in=Crew.objects.filter(crew_filter(scope)))
    return list(events.select_related("actor", "crew__unit").order_by("-created_at", "-id")[:limit])


def staff_ids_by_user(user_ids: Iterable[int | None]) -> dict[int, int]:
    """user id → staff id, for rows that name the user who acted (a ticket's clerk)."""
    wanted = {u for u in user_ids if u is not None}
    if not wanted:
        return {}
    return dict(Staff.objects.filter(user_id__in=wanted).values_list("user_id", "pk"))


def names_of(level: str, ids: Iterable[int]) -> dict[int, str]:
    """Display names of people, counters, halls, units or companies by id (the assessment
    figures' rows): "张三（工号）", "营业厅 · 3号窗口", the hall's, unit's or company's name."""
    wanted = sorted(set(ids))
    if level == "person":
        return {
            pk: named(no, name)
            for pk, no, name in Staff.objects.filter(pk__in=wanted).values_list("pk", "employee_no", "name")
        }
    if level == "counter":
        rows = Counter.objects.filter(pk__in=wanted).values_list("pk", "hall__name", "number")
        return {pk: _("%(hall)s · %(n)d号窗口") % {"hall": hall, "n": n} for pk, hall, n in rows}
    if level == "hall":
        return dict(Hall.objects.filter(pk__in=wanted).values_list("pk", "name"))
    if level == "unit":
        return dict(SupplyUnit.objects.filter(pk__in=wanted).values_list("pk", "name"))
    return dict(Company.objects.filter(pk__in=wanted).values_list("pk", "name"))


def user_of_staff(staff_id: int) -> int | None:
    """The user id of a staff member (the tickets they called name the user)."""
    found: int | None = Staff.objects.filter(pk=staff_id).values_list("user_id", flat=True).first()
    return found


def places_of(*, unit_id: int | None = None, company_id: int | None = None) -> list[tuple[int, str]]:
    """(id, name) of the halls of a supply unit, or of the supply units of a company, by name
    (the monthly report's breakdown)."""
    if unit_id is not None:
        return list(Hall.objects.filter(unit_id=unit_id).order_by("name", "pk").values_list("pk", "name"))
    return list(SupplyUnit.objects.filter(company_id=company_id or 0).order_by("name", "pk").values_list("pk", "name"))


def report_subjects() -> list[tuple[str, int, int]]:
    """(level, id, company id) of every company and supply unit: the monthly reports' subjects."""
    companies = [("company", pk, pk) for pk in Company.objects.order_by("pk").values_list("pk", flat=True)]
    units = [("unit", pk, c) for pk, c in SupplyUnit.objects.order_by("pk").values_list("pk", "company_id")]
    return companies + units


def unit_ids_in_reach(scope: Scope, reach: Reach) -> list[int]:
    """The ids of the supply units ``scope`` reaches for rows of kind ``reach``."""
    return list(SupplyUnit.objects.filter(scope.filter(reach, Path.unit_of(""))).values_list("pk", flat=True))


# -- the places an assessment row is about (improvement actions' subjects) --------------------------

# Each place's model and where it keeps its company, unit and hall.
_PLACES: dict[str, tuple[type[Counter] | type[Hall] | type[SupplyUnit], Path]] = {
    "counter": (Counter, Path(company="hall__unit__company_id", unit="hall__unit_id", hall="hall_id")),
    "hall": (Hall, Path.hall_of("")),
    "unit": (SupplyUnit, Path.unit_of("")),
}


def places_in_reach(scope: Scope, reach: Reach, level: str) -> QuerySet[Any]:
    """The counters, halls or supply units (``level``) ``scope`` reaches for rows of kind
    ``reach``; a hall-level post reaches no unit as a whole."""
    model, path = _PLACES[level]
    if level == "unit" and scope.level(reach) == Level.HALL:
        return model.objects.none()
    return model.objects.filter(scope.filter(reach, path))


def place_code(level: str, place: Counter | Hall | SupplyUnit) -> str:
    """How a picker and the API name a place: a unit's or hall's code, a counter as ``H1/3``."""
    if isinstance(place, Counter):
        return f"{place.hall.code}/{place.number}"
    return place.code


def place_choices(scope: Scope, reach: Reach, level: str) -> list[Choice]:
    """``places_in_reach`` as a picker's choices, by name: ``城区营业厅 · 3号窗口（H1/3）``."""
    rows = places_in_reach(scope, reach, level)
    if level == "counter":
        counters = rows.select_related("hall").order_by("hall__code", "number")
        return [(place_code(level, c), named(place_code(level, c), _counter_name(c))) for c in counters]
    return [(p.code, named(p.code, p.name)) for p in rows.order_by("code")]


def _counter_name(counter: Counter) -> str:
    return gettext("%(hall)s · %(n)d号窗口") % {"hall": counter.hall.name, "n": counter.number}


def place_in_reach(scope: Scope, reach: Reach, level: str, code: str) -> int | None:
    """The id of the place ``code`` (as ``place_code`` names it) if ``scope`` reaches it."""
    rows = places_in_reach(scope, reach, level)
    if not code.isprintable() or len(code) > 40:  # no such code (and no NUL for PostgreSQL)
        return None
    if level == "counter":
        hall, _slash, number = code.rpartition("/")
        if not hall or not number.isdigit() or len(number) > 5:
            return None
        rows = rows.filter(hall__code=hall, number=int(number))
    else:
        rows = rows.filter(code=code)
    found: int | None = rows.values_list("pk", flat=True).first()
    return found


def place_codes(level: str, ids: Iterable[int]) -> dict[int, str]:
    """id → ``place_code`` of the counters, halls or units ``ids`` (a stored subject shown again)."""
    wanted = set(ids)
    if level == "counter":
        return {c.pk: place_code(level, c) for c in Counter.objects.filter(pk__in=wanted).select_related("hall")}
    model = Hall if level == "hall" else SupplyUnit
    return dict(model.objects.filter(pk__in=wanted).values_list("pk", "code"))
