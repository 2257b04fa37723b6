"""Seeding the knowledge base's demo content (issue 18, ``seed_demo``): the categories and the
articles of ``demo_articles``, each written by a supervisor of the demo company and published by
its administrator (another person), through the services. Idempotent: an article whose demo key
exists is skipped, so a second run adds nothing."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from gridcare.billing.selectors import tariff_in_force
from gridcare.knowledge import services
from gridcare.knowledge.demo_articles import ARTICLES, CATEGORIES
from gridcare.knowledge.models import Article, Category
from gridcare.org.access import scope_for
from gridcare.org.models import Role, Staff


def _percent(rate: Decimal) -> str:
    return f"{(rate * 100).normalize():f}%"


def _price(value: Decimal | None, fallback: str) -> str:
    return f"{value.normalize():f}" if value is not None else fallback


def figures(on: date | None = None) -> dict[str, Any]:
    """The numbers the articles quote: the rules table's and the residential tariff in force."""
    rules: dict[str, Any] = settings.GRIDCARE_RULES
    on = on or timezone.localdate()
    tiers = tariff_in_force(code="RES-TIER", on=on)
    tou = tariff_in_force(code="RES-TOU", on=on)
    com = tariff_in_force(code="COM-TOU", on=on)
    two_part = tariff_in_force(code="IND-2PART", on=on)
    tier1 = tiers.price if tiers else Decimal("0.538")
    return {
        "tier1_kwh": f"{(tiers.tier1_kwh if tiers and tiers.tier1_kwh else Decimal(2760)):.0f}",
        "tier2_kwh": f"{(tiers.tier2_kwh if tiers and tiers.tier2_kwh else Decimal(4800)):.0f}",
        "tier1_price": _price(tier1, "0.538"),
        "tier2_price": _price(tier1 + rules["TIER2_INCREMENT"], "0.588"),
        "tier3_price": _price(tier1 + rules["TIER3_INCREMENT"], "0.838"),
        "tier2_increment": _price(rules["TIER2_INCREMENT"], "0.05"),
        "tier3_increment": _price(rules["TIER3_INCREMENT"], "0.30"),
        "peak_price": _price(tou.peak_price if tou else None, "0.568"),
        "valley_price": _price(tou.valley_price if tou else None, "0.288"),
        "com_price": _price(com.price if com else None, "0.659"),
        "com_peak": _price(com.peak_price if com else None, "1.0197"),
        "com_valley": _price(com.valley_price if com else None, "0.301"),
        "cap_price": _price(two_part.capacity_price if two_part else None, "30"),
        "demand_price": _price(two_part.demand_price if two_part else None, "40"),
        "tou_ratio": _price(rules["TOU_MIN_PEAK_VALLEY_RATIO"], "3"),
        "two_part_kva": _price(rules["TWO_PART_MIN_KVA"], "315"),
        "prepaid_warning": f"{rules['PREPAID_WARNING_YUAN']:.0f}",
        "penalty_res": _percent(rules["PENALTY_RATE_RESIDENTIAL"]),
        "penalty_cur": _percent(rules["PENALTY_RATE_OTHER_CURRENT_YEAR"]),
        "penalty_cross": _percent(rules["PENALTY_RATE_OTHER_CROSS_YEAR"]),
        "penalty_min": f"{rules['PENALTY_MINIMUM']:.0f}",
        "cutoff_days": rules["DISCONNECT_AFTER_OVERDUE_DAYS"],
        "notice_min": rules["DISCONNECT_NOTICE_MIN_DAYS"],
        "notice_max": rules["DISCONNECT_NOTICE_MAX_DAYS"],
        "final_minutes": rules["DISCONNECT_FINAL_NOTICE_MINUTES"],
        "reconnect_hours": rules["RECONNECT_HOURS"],
        "arrive_urban": rules["REPAIR_ARRIVAL_MINUTES"]["urban"],
        "arrive_rural": rules["REPAIR_ARRIVAL_MINUTES"]["rural"],
        "arrive_remote": rules["REPAIR_ARRIVAL_MINUTES"]["remote"],
        "restore_urban": f"{rules['RESTORATION_MINUTES']['urban'] / 60:g}",
        "restore_rural": f"{rules['RESTORATION_MINUTES']['rural'] / 60:g}",
        "planned_days": rules["PLANNED_OUTAGE_NOTICE_DAYS"],
        "temp_hours": rules["TEMPORARY_MAINTENANCE_NOTICE_HOURS"],
        "complaint_hours": rules["COMPLAINT_CONTACT_HOURS"],
        "complaint_days": rules["COMPLAINT_REPLY_WORKING_DAYS"],
        "report_days": rules["REPORT_REPLY_WORKING_DAYS"],
        "nc_res": rules["NEW_CONNECTION_WORKING_DAYS"]["residential"],
        "nc_lv": rules["NEW_CONNECTION_WORKING_DAYS"]["low_voltage"],
        "nc_hv1": rules["NEW_CONNECTION_WORKING_DAYS"]["high_voltage_single"],
        "nc_hv2": rules["NEW_CONNECTION_WORKING_DAYS"]["high_voltage_dual"],
        "wait_minutes": rules["HALL_WAIT_TARGET_MINUTES"],
    }


def _people(company_id: int) -> tuple[User, User] | None:
    """A supervisor who writes and the administrator who publishes (two people)."""
    staff = Staff.objects.filter(company_id=company_id, active=True).select_related("user").order_by("employee_no")
    editor = staff.filter(role=Role.SUPERVISOR).first()
    reviewer = staff.filter(role=Role.ADMINISTRATOR).first()
    if editor is None or reviewer is None:
        return None
    return editor.user, reviewer.user


def _categories(company_id: int) -> dict[str, int]:
    made = {}
    for position, (code, name) in enumerate(CATEGORIES):
        row, _ = Category.objects.get_or_create(
            company_id=company_id, code=code, defaults={"name": name, "position": position}
        )
        made[code] = row.pk
    return made


def seed_article(
    item: dict[str, Any], *, editor: User, reviewer: User, categories: dict[str, int], numbers: dict[str, Any]
) -> Article:
    """One demo article, written, submitted and published (its demo key set in the same transaction)."""
    with transaction.atomic():
        version = services.article_create(
            scope=scope_for(editor),
            actor=editor,
            classing=services.Classing(kind=item["kind"], category_id=categories[item["category"]], tags=item["tags"]),
            draft=services.Draft(title=item["title"], body=item["body"].format(**numbers), audience=item["audience"]),
        )
        Article.objects.filter(pk=version.article_id).update(demo_key=item["key"])
        services.version_submit(scope=scope_for(editor), actor=editor, version=version)
        services.version_review(scope=scope_for(reviewer), actor=reviewer, version=version, approve=True)
    return Article.objects.get(pk=version.article_id)


def seed_knowledge(*, company_code: str = "HZ") -> str:
    """The demo company's knowledge base; a second run adds nothing."""
    from gridcare.org.models import Company

    company = Company.objects.filter(code=company_code).first()
    people = _people(company.pk) if company else None
    if company is None or people is None:
        return "knowledge base: no demo company with a supervisor and an administrator"
    editor, reviewer = people
    categories = _categories(company.pk)
    have = set(Article.objects.filter(company=company).exclude(demo_key="").values_list("demo_key", flat=True))
    numbers = figures()
    made = 0
    for item in ARTICLES:
        if item["key"] in have:
            continue
        seed_article(item, editor=editor, reviewer=reviewer, categories=categories, numbers=numbers)
        made += 1
    return f"knowledge base: {made} new articles ({len(ARTICLES)} in the demo content)"
