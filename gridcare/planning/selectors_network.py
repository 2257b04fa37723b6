"""The outlet network's reads (PLAN-3): per hall, its workload density (finished tickets per
counter-hour, by month), capacity and utilisation, where its customers come from (the 台区 of the
accounts its tickets name), the share of those served at their nearest hall, and its self-service
share (terminal uses and diversions of all its transactions); the sites and the demand per 台区
the model is built from. Halls' and customers' rows are read here, read-only, one query each."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Count, Min, Q
from django.db.models.functions import TruncMonth

from gridcare.core.timezone import SHANGHAI, business_date
from gridcare.customers.models import Account, AccountStatus, TransformerArea
from gridcare.halls.models import Diversion, TerminalEvent, Ticket, TicketStatus
from gridcare.org.access import Scope
from gridcare.org.models import Counter, Hall
from gridcare.planning.access import company_filter
from gridcare.planning.models import CandidateSite, NetworkScenario
from gridcare.planning.rules.network import haversine_km


def network_setting(name: str) -> Any:
    return settings.GRIDCARE_PLANNING_NETWORK[name]


@dataclass
class HallFigures:
    hall: Hall
    counters: int
    tickets: int = 0
    counter_hours: float = 0.0
    months: list[tuple[str, int, float | None]] = field(default_factory=list)  # YYYY-MM, tickets, density
    capacity: float = 0.0  # tickets the counters could handle in the period
    origins: list[tuple[str, int]] = field(default_factory=list)  # 台区 name, tickets (most first)
    nearest_known: int = 0  # tickets with an account whose 台区 has a place
    nearest_here: int = 0  # of those, tickets at the 台区's nearest hall
    self_service: int = 0  # terminal uses and diversions

    @property
    def density(self) -> float | None:
        return self.tickets / self.counter_hours if self.counter_hours else None

    @property
    def utilisation(self) -> float | None:
        return self.tickets / self.capacity if self.capacity else None

    @property
    def nearest_share(self) -> float | None:
        return self.nearest_here / self.nearest_known if self.nearest_known else None

    @property
    def self_service_share(self) -> float | None:
        total = self.self_service + self.tickets
        return self.self_service / total if total else None


def figures_window(months: int = 12) -> tuple[date, date]:
    """The days the figures cover: ``months`` × 30 days up to yesterday (Beijing)."""
    end = business_date() - timedelta(days=1)
    return end - timedelta(days=30 * months - 1), end


def network_halls(scope: Scope, company_id: int | None) -> list[Hall]:
    """The halls of ``company_id``'s network, when the caller reaches its studies (PLAN_EDIT)."""
    halls = Hall.objects.filter(company_filter(scope, "unit__company_id"), unit__company_id=company_id or 0)
    return list(halls.select_related("unit").order_by("code"))


def _hours(hall: Hall) -> float:
    opens = datetime.combine(date.min, hall.opens_at)
    closes = datetime.combine(date.min, hall.closes_at)
    return max((closes - opens).total_seconds() / 3600, 0.0)


def hall_figures(halls: list[Hall], *, start: date, end: date) -> list[HallFigures]:
    """The figures of ``halls`` over ``start``..``end`` (inclusive)."""
    ids = [h.pk for h in halls]
    counters = dict(
        Counter.objects.filter(hall_id__in=ids).values("hall_id").annotate(n=Count("id")).values_list("hall_id", "n")
    )
    found = {h.pk: HallFigures(hall=h, counters=counters.get(h.pk, 0)) for h in halls}
    done = Ticket.objects.filter(hall_id__in=ids, day__gte=start, day__lte=end, status=TicketStatus.FINISHED)
    by_month = done.annotate(month=TruncMonth("day")).values("hall_id", "month")
    for row in by_month.annotate(n=Count("id"), days=Count("day", distinct=True)).order_by("hall_id", "month"):
        f = found[row["hall_id"]]
        hours = f.counters * _hours(f.hall) * row["days"]
        f.tickets += row["n"]
        f.counter_hours += hours
        f.months.append((f"{row['month']:%Y-%m}", row["n"], row["n"] / hours if hours else None))
    year_share = ((end - _covered_from(done, start)).days + 1) / 365
    for f in found.values():
        f.capacity = f.counters * float(network_setting("TICKETS_PER_COUNTER_YEAR")) * year_share
    _origins(found, done, halls)
    for row in (
        Diversion.objects.filter(hall_id__in=ids, day__gte=start, day__lte=end)
        .values("hall_id")
        .annotate(n=Count("id"))
    ):
        found[row["hall_id"]].self_service += row["n"]
    moments = (datetime.combine(start, time.min), datetime.combine(end + timedelta(days=1), time.min))
    uses = TerminalEvent.objects.filter(
        terminal__hall_id__in=ids,
        type=TerminalEvent.Type.USED,
        created_at__gte=_aware(moments[0]),
        created_at__lt=_aware(moments[1]),
    )
    for hall_id, parameters in uses.values_list("terminal__hall_id", "parameters"):
        found[hall_id].self_service += int((parameters or {}).get("count", 1) or 1)
    return [found[h.pk] for h in halls]


def _covered_from(done: Any, start: date) -> date:
    """The first day of the window the history covers (a hall opened, or the data start, later)."""
    first = done.aggregate(first=Min("day"))["first"]
    return max(start, first) if first is not None else start


def _aware(moment: datetime) -> datetime:
    return moment.replace(tzinfo=SHANGHAI)


def _origins(found: dict[int, HallFigures], done: Any, halls: list[Hall]) -> None:
    """Where each hall's customers come from, and whether they came to their nearest hall."""
    rows = list(
        done.filter(account__transformer_area__isnull=False)
        .values("hall_id", "account__transformer_area_id")
        .annotate(n=Count("id"))
    )
    areas = {
        a["pk"]: a
        for a in TransformerArea.objects.filter(pk__in={r["account__transformer_area_id"] for r in rows}).values(
            "pk", "name", "latitude", "longitude"
        )
    }
    placed = [h for h in halls if h.latitude is not None and h.longitude is not None]
    origins: dict[int, list[tuple[str, int]]] = defaultdict(list)
    for r in rows:
        area = areas[r["account__transformer_area_id"]]
        f = found[r["hall_id"]]
        origins[r["hall_id"]].append((area["name"], r["n"]))
        if placed and area["latitude"] is not None and area["longitude"] is not None:
            f.nearest_known += r["n"]
            if _nearest_hall(area, placed) == r["hall_id"]:
                f.nearest_here += r["n"]
    for hall_id, named in origins.items():
        found[hall_id].origins = sorted(named, key=lambda o: (-o[1], o[0]))


def _nearest_hall(area: Any, halls: list[Hall]) -> int:
    lat, lon = float(area["latitude"]), float(area["longitude"])
    km = [float(haversine_km(lat, lon, float(h.latitude or 0), float(h.longitude or 0))) for h in halls]
    return halls[km.index(min(km))].pk


# -- what the model is built from ----------------------------------------------------------------


@dataclass(frozen=True)
class AreaDemand:
    key: str  # the 台区's code
    name: str
    latitude: float
    longitude: float
    customers: int  # active accounts
    visits: float  # tickets a year, the halls' year shared out by accounts
    served_by: str | None  # the code of the hall that served most of its tickets


def area_demand(company_id: int, *, start: date, end: date) -> tuple[list[AreaDemand], int]:
    """The company's placed 台区 with their active accounts and visits a year, and how many of
    the company's 台区 have no place yet (left out)."""
    areas = TransformerArea.objects.filter(feeder__unit__company_id=company_id)
    missing = areas.filter(Q(latitude__isnull=True) | Q(longitude__isnull=True)).count()
    counts = dict(
        Account.objects.filter(transformer_area__feeder__unit__company_id=company_id, status=AccountStatus.ACTIVE)
        .values("transformer_area_id")
        .annotate(n=Count("id"))
        .values_list("transformer_area_id", "n")
    )
    done = Ticket.objects.filter(
        hall__unit__company_id=company_id, day__gte=start, day__lte=end, status=TicketStatus.FINISHED
    )
    tickets = done.count()
    served: dict[int, tuple[int, str]] = {}
    for row in (
        done.filter(account__transformer_area__isnull=False)
        .values("account__transformer_area_id", "hall__code")
        .annotate(n=Count("id"))
    ):
        key = row["account__transformer_area_id"]
        if row["n"] > served.get(key, (0, ""))[0]:
            served[key] = (row["n"], row["hall__code"])
    total = sum(counts.values())
    # The halls' year shared out by accounts (over the days the history covers, when it starts
    # inside the window); with no finished ticket, one visit a year per account.
    days = (end - _covered_from(done, start)).days + 1
    per_year = tickets * 365 / days if tickets else float(total)
    found = [
        AreaDemand(
            key=a.code,
            name=a.name,
            latitude=float(a.latitude or 0),
            longitude=float(a.longitude or 0),
            customers=counts.get(a.pk, 0),
            visits=per_year * counts.get(a.pk, 0) / total if total else 0.0,
            served_by=served[a.pk][1] if a.pk in served else None,
        )
        for a in areas.filter(latitude__isnull=False, longitude__isnull=False).order_by("code")
    ]
    return found, missing


@dataclass(frozen=True)
class SiteRow:
    """A site as the page and the model see it: a candidate's row, or an existing hall (with its
    own row when the planner entered one, else the default costs)."""

    key: str  # hall-<code> or site-<id>
    name: str
    existing: bool
    hall: Hall | None
    site: CandidateSite | None
    latitude: Decimal | None
    longitude: Decimal | None
    max_counters: int
    counters_now: int
    fixed_cost: Decimal
    counter_cost: Decimal


def site_key(site: CandidateSite | None = None, hall: Hall | None = None) -> str:
    if hall is not None:
        return f"hall-{hall.code}"
    return f"site-{site.pk}" if site is not None else ""


def network_sites(scope: Scope, company_id: int | None) -> list[SiteRow]:
    """The sites of ``company_id``: every hall (placed or not; unplaced ones are left out of the
    model) and every candidate."""
    halls = network_halls(scope, company_id)
    candidates = CandidateSite.objects.filter(company_filter(scope), company_id=company_id or 0)
    rows = {s.hall_id: s for s in candidates.filter(hall__isnull=False)}
    counters = dict(
        Counter.objects.filter(hall__in=halls).values("hall_id").annotate(n=Count("id")).values_list("hall_id", "n")
    )
    extra = int(network_setting("EXTRA_COUNTERS"))
    found = []
    for hall in halls:
        own = rows.get(hall.pk)
        now = counters.get(hall.pk, 0)
        found.append(
            SiteRow(
                key=site_key(hall=hall),
                name=hall.name,
                existing=True,
                hall=hall,
                site=own,
                latitude=hall.latitude,
                longitude=hall.longitude,
                max_counters=own.max_counters if own else now + extra,
                counters_now=now,
                fixed_cost=own.fixed_cost if own else network_setting("FIXED_COST"),
                counter_cost=own.counter_cost if own else network_setting("COUNTER_COST"),
            )
        )
    for s in candidates.filter(hall__isnull=True).order_by("name", "pk"):
        found.append(
            SiteRow(
                key=site_key(site=s),
                name=s.name,
                existing=False,
                hall=None,
                site=s,
                latitude=s.latitude,
                longitude=s.longitude,
                max_counters=s.max_counters,
                counters_now=0,
                fixed_cost=s.fixed_cost,
                counter_cost=s.counter_cost,
            )
        )
    return found


def scenarios_for(scope: Scope) -> Any:
    """The caller's company's scenarios, newest first."""
    found = NetworkScenario.objects.filter(company_filter(scope), company_id=scope.company_id or 0)
    return found.select_related("created_by").order_by("-created_at", "-id")
