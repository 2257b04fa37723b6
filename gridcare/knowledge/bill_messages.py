"""SELF-4 in the "bill issued" message: which bills of a chunk have unusual usage, with the
reason and the 节电 help to link, read set-based for the bill run and ``bill_notify``
(gridcare.billing.services.outbox ``bill_issued_rows``).

One query per chunk: the chunk's bills (by their id range) with last year's same-period kWh
(a correlated read on the bill's unique (account, period) index) and their tariff's tiers. The
database returns only the candidates (a slightly wider net than the rule: 0.01 kWh below either
limit), and the one rule, ``rules.usage.unusual_usage`` with ``tier_reached`` — the bill
page's — decides each and words the reason. The 节电 article (the most read public one in force
of the bill's company) is read once per company and call."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from urllib.parse import quote

from django.conf import settings
from django.db.models import DecimalField, F, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from gridcare.billing.models import Bill, TariffKind, TierPeriod
from gridcare.knowledge.rules.usage import tier_reached, unusual_usage
from gridcare.knowledge.selectors import ADVICE_TAG, advice_articles

NET = Decimal("0.01")  # the candidates' margin below each limit (kWh)


def _kwh() -> DecimalField:  # type: ignore[type-arg]
    return DecimalField(max_digits=14, decimal_places=2)


def last_year(period: str) -> str:
    """The same period a year earlier ("2026-06" → "2025-06")."""
    return f"{int(period[:4]) - 1:04d}{period[4:]}"


def _tier_net(top_tier: int) -> Q:
    """Bills whose cumulative usage may reach ``top_tier`` (a superset; the rule decides)."""
    if top_tier > 3:
        return Q(pk__in=[])
    tiered = Q(tariff__kind=TariffKind.TIERED, tariff__tier1_kwh__isnull=False, tariff__tier2_kwh__isnull=False)
    if top_tier <= 1:
        return tiered & Q(kwh__gt=0)
    limit = F("tariff__tier1_kwh") if top_tier == 2 else F("tariff__tier2_kwh")
    yearly = Q(tariff__tier_period=TierPeriod.YEARLY) & Q(reach_yearly__gt=limit)
    monthly = ~Q(tariff__tier_period=TierPeriod.YEARLY) & Q(reach_monthly__gt=limit)
    return tiered & Q(kwh__gt=0) & (yearly | monthly)


def _advice(company_id: int, cache: dict[int, tuple[str, str]]) -> tuple[str, str]:
    """(the 节电 article's title, its link) of the company, or the help's 节电 search."""
    if company_id not in cache:
        base = str(settings.GRIDCARE_KNOWLEDGE["LINK_BASE"]).rstrip("/")
        found = advice_articles(public=True, company_id=company_id, on=timezone.localdate(), limit=1)
        if found:
            cache[company_id] = (found[0].title, base + reverse("portal:help_article", args=[found[0].pk]))
        else:
            cache[company_id] = (_("节电常识"), f"{base}{reverse('portal:help')}?q={quote(ADVICE_TAG)}")
    return cache[company_id]


def unusual_bill_variables(*, period: str, bill_ids: Sequence[int]) -> dict[int, dict[str, str]]:
    """The bills among ``bill_ids`` (all of ``period``) whose usage is unusual, each with the
    message's extra variables: ``reason`` ("本月用电比去年同月高 45%"), ``advice`` (the 节电
    article's title) and ``link`` (its address in the portal's help)."""
    if not len(bill_ids):
        return {}
    conf = settings.GRIDCARE_KNOWLEDGE
    percent, top_tier = int(conf["UNUSUAL_USAGE_PERCENT"]), int(conf["UNUSUAL_USAGE_TIER"])
    wanted = set(bill_ids)
    before = Bill.objects.filter(account_id=OuterRef("account_id"), period=last_year(period)).values("kwh")[:1]
    rows = (
        Bill.objects.filter(period=period, id__gte=min(wanted), id__lte=max(wanted))
        .annotate(
            last_kwh=Subquery(before, output_field=_kwh()),
            reach_yearly=F("prior_kwh") + F("kwh") + Value(NET, output_field=_kwh()),
            reach_monthly=F("kwh") + Value(NET, output_field=_kwh()),
            over=F("kwh") * 100
            + Value(NET, output_field=_kwh())
            - Coalesce("last_kwh", Value(0, output_field=_kwh())) * (100 + percent),
        )
        .filter((Q(last_kwh__gt=0) & Q(over__gt=0)) | _tier_net(top_tier))
        .values_list(
            "id",
            "kwh",
            "prior_kwh",
            "last_kwh",
            "tariff__kind",
            "tariff__tier_period",
            "tariff__tier1_kwh",
            "tariff__tier2_kwh",
            "account__supply_unit__company_id",
        )
    )
    found: dict[int, dict[str, str]] = {}
    advice: dict[int, tuple[str, str]] = {}
    for bill_id, kwh, prior, last, kind, tier_period, t1, t2, company_id in rows:
        if bill_id not in wanted:
            continue
        tiers = (t1, t2) if kind == TariffKind.TIERED and t1 is not None and t2 is not None else ()
        tier = tier_reached(kwh, prior, tiers, yearly=tier_period == TierPeriod.YEARLY)
        reason = unusual_usage(kwh, last, tier, threshold_percent=percent, top_tier=top_tier)
        if reason is not None:
            title, link = _advice(company_id, advice)
            found[bill_id] = {"reason": reason, "advice": title, "link": link}
    return found
