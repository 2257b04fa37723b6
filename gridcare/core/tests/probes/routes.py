"""Every page route of the site (walked from the URL resolver) and how the probes fill and read them."""

from __future__ import annotations

from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any
from urllib.parse import quote, urlsplit

from django.apps import apps
from django.db import connection
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.converters import IntConverter

from gridcare.billing.access import unit_filter
from gridcare.billing.models import BillRun
from gridcare.core.testing import streamed
from gridcare.core.tests.probes.world import HUGE, JUNK, World
from gridcare.customers.models import Account
from gridcare.keyaccounts.access import portfolio_filter
from gridcare.keyaccounts.loads_access import diagnosis_filter
from gridcare.notices.access import outage_filter
from gridcare.notices.models import Outage
from gridcare.org.access import HIDDEN, Capability, Scope, can, scope_for
from gridcare.workorders.access import order_filter
from gridcare.workorders.models import WorkOrder

SKIPPED_PREFIXES = ("admin/", "api/")

# Tables a refused or garbled request may still write to: sign-in records and the security audit.
LOG_TABLES = {
    "django_session",  # signing in and out, the idle stamp
    "axes_accessattempt",  # a failed sign-in (the sign-in page posted garbage)
    "axes_accessfailurelog",
    "axes_accesslog",
    "org_authevent",  # 安全记录: throttles, sign-outs, token revocations
    "core_apitoken",  # the personas' own API tokens, issued for the probe
}


@dataclass(frozen=True)
class Route:
    name: str  # "customers:detail"
    template: str  # "customers/<str:account_no>/"
    converters: dict[str, Any]

    @property
    def params(self) -> list[str]:
        return list(self.converters)

    def url(self, values: dict[str, str]) -> str:
        path = self.template
        for name, converter in self.converters.items():
            kind = {
                "IntConverter": "int",
                "StringConverter": "str",
                "SlugConverter": "slug",
                "AccountNo": "account_no",  # gridcare.keyaccounts.urls: a 户号 of ten digits
            }[type(converter).__name__]
            path = path.replace(f"<{kind}:{name}>", quote(str(values[name]), safe=""))
        return "/" + path

    def fill(self, how: str, real: dict[str, str]) -> str:
        """The route's URL with its parameters real, huge (2**70) or junk text (int ones huge)."""
        values: dict[str, str] = {}
        for name, converter in self.converters.items():
            if how == "real":
                values[name] = real.get(name, "1")
            elif how == "huge" or isinstance(converter, IntConverter):
                values[name] = str(HUGE)
            else:
                values[name] = JUNK
        return self.url(values)


def _walk(resolver: URLResolver, prefix: str = "", namespace: str = "") -> list[Route]:
    routes: list[Route] = []
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            ns = namespace
            if pattern.namespace:
                ns = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            routes += _walk(pattern, prefix + str(pattern.pattern), ns)
        elif isinstance(pattern, URLPattern):
            template = prefix + str(pattern.pattern)
            name = f"{namespace}:{pattern.name}" if namespace else str(pattern.name)
            converters = dict(getattr(pattern.pattern, "converters", {}))
            # Converters of an include's own pattern (none here today) would sit on the resolver.
            routes.append(Route(name=name, template=template, converters=converters))
    return routes


def page_routes() -> list[Route]:
    """Every page route: nested includes walked, the admin and the JSON API left to their own probes."""
    routes = [r for r in _walk(get_resolver()) if not r.template.startswith(SKIPPED_PREFIXES)]
    names = [r.name for r in routes]
    assert len(names) == len(set(names)), "two routes share a name"
    return routes


def row_counts() -> dict[str, int]:
    """The row count of every model's table, in one query."""
    # A model whose migration is not written yet has no table: nothing to count.
    existing = set(connection.introspection.table_names())
    tables = sorted({m._meta.db_table for m in apps.get_models() if m._meta.managed and not m._meta.proxy} & existing)
    quote_name = connection.ops.quote_name
    # Table names come from the models, quoted: nothing from a request.
    columns = ", ".join(f"(SELECT COUNT(*) FROM {quote_name(t)})" for t in tables)  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns}")
        row = cursor.fetchone()
    return dict(zip(tables, row, strict=True))


def body_of(answer: Any) -> bytes:
    """The body of a response, streamed or not."""
    if getattr(answer, "streaming", False):
        return streamed(answer)
    return bytes(answer.content)


def changed(before: dict[str, int], after: dict[str, int]) -> dict[str, tuple[int, int]]:
    return {t: (before[t], after[t]) for t in before if before[t] != after[t]}


class FormFields(HTMLParser):
    """The names of the fields of every form on a page, by the path each form posts to."""

    def __init__(self, page_path: str) -> None:
        super().__init__()
        self.page_path = page_path
        self.action: str | None = None
        self.fields: dict[str, set[str]] = {}
        self.files: dict[str, set[str]] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.action = urlsplit(a.get("action") or self.page_path).path or self.page_path
            self.fields.setdefault(self.action, set())
            self.files.setdefault(self.action, set())
        elif tag in ("input", "select", "textarea", "button") and self.action is not None and a.get("name"):
            if a["name"] == "csrfmiddlewaretoken":
                return
            target = self.files if a.get("type") == "file" else self.fields
            target[self.action].add(a["name"])

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.action = None


# Objects of the probes' world that live in the city's hall H1, so reached as the hall is.
HALL_OBJECTS = {"hall", "ticket", "counter", "terminal"}


def in_scope(probe: World, scope: Scope, thing: str | None) -> bool:
    """Whether the object a route or operation names is within ``scope`` (asked of gridcare's own
    filters; "missing" is an id the world has no row for, so nobody finds it)."""
    town = probe.town
    if thing is None or thing == "self":
        return True
    if thing in HALL_OBJECTS:
        return scope.sees_hall(hall_id=town.hall.pk, unit_id=town.hall.unit_id, company_id=town.company.pk)
    found = {
        "account": lambda: Account.objects.filter(scope.account_filter(), pk=town.account.pk),
        "order": lambda: WorkOrder.objects.filter(order_filter(scope), pk=probe.order.pk),
        "outage": lambda: Outage.objects.filter(outage_filter(scope), pk=probe.outage.pk),
        "run": lambda: BillRun.objects.filter(unit_filter(scope), pk=probe.bill.run_id),
        "key_diagnosis": lambda: Account.objects.filter(diagnosis_filter(scope), pk=town.account.pk),
        "key_account": lambda: Account.objects.filter(portfolio_filter(scope), pk=town.account.pk),
    }
    return thing != "missing" and found[thing]().exists()


def refusal(probe: World, persona: str, capability: Capability | None, thing: str | None) -> set[int] | None:
    """What the capability table ``POSTS`` and the persona's scope say a request is refused with
    (None: not refused; ``capability`` None: every staff post may)."""
    scope = scope_for(probe.town.users[persona])
    allowed = scope.is_staff if capability is None else can(scope, capability)
    if not in_scope(probe, scope, thing):
        return {404} if allowed or not scope.is_staff else {403, 404}  # which check comes first
    if allowed:
        return None
    return {404} if capability in HIDDEN or not scope.is_staff else {403}
