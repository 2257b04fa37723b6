"""The probes' world: the persona city of gridcare.core.testing with its halls set up as the demo
sets a hall up, a waiting ticket and a work order, so that a real id sometimes hits a real row."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.test import RequestFactory
from django.utils import timezone

from gridcare.billing.demo import seed_tariffs
from gridcare.billing.models import Bill, BillRun, Payment, Tariff
from gridcare.billing.services.payments import PaymentIn, payment_post
from gridcare.core import testing
from gridcare.core.models import ApiToken
from gridcare.core.testing import PASSWORD, City, city
from gridcare.core.tokens import token_issue
from gridcare.halls.demo import configure_hall
from gridcare.halls.models import Terminal, Ticket
from gridcare.halls.services.tickets import ticket_issue
from gridcare.notices.models import Outage
from gridcare.notices.services.outages import NewOutage, outage_register
from gridcare.org.access import scope_for
from gridcare.workorders.models import WorkOrder
from gridcare.workorders.services import NewOrder, workorder_intake

HUGE = 2**70  # no database column holds it
JUNK = "abc'\"<x>%00"

# The personas of the City, and the one nobody signed in.
PERSONAS = [*testing.PERSONAS, "anonymous"]


@dataclass
class World:
    town: City
    ticket: Ticket
    order: WorkOrder
    terminal: Terminal
    bill: Bill
    payment: Payment
    outage: Outage
    token_id: int

    def real(self, route: str = "") -> dict[str, str]:
        """A real value for every path parameter name the routes use (``route`` where the same
        name means two things)."""
        town = self.town
        values = {
            "account_no": town.account.account_no,
            "hall_code": town.hall.code,
            "counter_id": str(town.counters[0].pk),
            "number": self.order.number,
            "ticket_id": str(self.ticket.pk),
            "terminal_id": str(self.terminal.pk),
            "token_id": str(self.token_id),
            "year": "2026",
            "run_id": str(self.bill.run_id),
            "bill_id": str(self.bill.pk),
            "tariff_id": str(self.bill.tariff_id),
            "payment_id": str(self.payment.pk),
            "outage_id": str(self.outage.pk),
            "entry_id": "999999999",  # a rewards-ledger entry nobody has (assessment)
            "report_id": "999999999",  # a monthly report nobody has (assessment)
            "action_id": "999999999",  # an improvement action nobody has (assessment)
            "sample_id": "999999999",  # a survey sample nobody has (assessment)
            "questionnaire_id": "999999999",  # a questionnaire nobody has (assessment)
            "question_id": "999999999",
            "supervisor_id": "999999999",  # a social supervisor nobody has (assessment)
            "rating_id": "999999999",  # a star rating nobody has (assessment)
            "cause_id": "999999999",  # a complaint cause nobody has (workorders)
            "attachment_id": "999999999",  # a work-order attachment nobody has (workorders, issue 18)
            "search_id": "999999999",  # a saved search nobody has (workorders)
            "publication_id": "999999999",  # a public notice nobody has (notices)
            "visit_id": "999999999",  # a home visit nobody has (halls, WO-9)
            "invoice_id": "999999999",  # an e-invoice nobody has (invoicing, BILL-8)
            "stop_id": "999999999",  # a mobile-round stop nobody has (halls, WO-9)
            "plan_id": "999999999",  # an emergency plan nobody has (keyaccounts, KEY-2)
            "need_id": "999999999",  # a visit's need nobody has (keyaccounts)
            "follow_up_id": "999999999",  # a visit's follow-up nobody has (keyaccounts)
            "import_id": "999999999",  # a load-data import nobody has (keyaccounts, KEY-3)
            "finding_id": "999999999",  # a remote-service finding nobody has (keyaccounts, KEY-4)
            "order_id": "999999999",  # a peak-shift order (错峰) nobody has (keyaccounts)
            "day": "2099-01-05",  # a roster's day, past what a roster may be entered for (planning, PLAN-1)
            "site_id": "999999999",  # a network site nobody has (planning, PLAN-3)
            "scenario_id": "999999999",  # a network scenario nobody has (planning, PLAN-3)
            "article_id": "999999999",  # a knowledge article nobody has (knowledge, SELF-1)
            "version_id": "999999999",  # an article version nobody has (knowledge)
            "category_id": "999999999",  # a knowledge category nobody has (knowledge)
            "fmt": "pdf",
            "code": "arrears_reminder",
            "name": "send_notices",
            "period": self.bill.period,
            "kind": "contact" if route.startswith("workorders:") else "rename",
            "action": "cancel" if route.startswith("notices:") else "call",
            "item_id": "999999999",  # a paid-service catalogue item nobody has (billing, WO-10)
            "correction_id": "999999999",  # a bill correction nobody has (billing, issue 19)
            "adjustment_id": "999999999",  # a credit or debit note nobody has (billing, issue 19)
            "rebill_id": "999999999",  # a batch re-bill nobody has (billing, issue 19)
            "order_no": "SO000000000000000000",  # a service or payment order nobody has (billing)
            "move_id": "999999999",  # a closure or transfer nobody has (billing, issue 19)
            "refund_id": "999999999",  # a refund nobody has (billing, issue 19)
        }
        if route.startswith("halls:"):
            values["number"] = "1"  # a counter's number in its hall
        return values


def world() -> World:
    town = city()
    configure_hall(town.hall)
    configure_hall(town.other_hall)
    ticket = ticket_issue(
        scope=scope_for(town.guide), actor=town.guide, hall=town.hall, kind="payment", source="guide", priority="normal"
    )
    order, _ = workorder_intake(
        scope=scope_for(town.agent),
        actor=town.agent,
        data=NewOrder(channel="phone_95598", text="营业厅工作人员态度很差", account_no=town.account.account_no),
    )
    terminal = Terminal.objects.filter(hall=town.hall).order_by("code").first()
    assert terminal is not None
    bill, payment = _billing(town)
    start = timezone.now() + timedelta(minutes=5)
    outage = outage_register(
        scope=scope_for(town.planner),
        actor=town.planner,
        data=NewOutage(
            kind="emergency", reason="抢修", starts_at=start, ends_at=start + timedelta(hours=2), areas=["T1"]
        ),
    )
    return World(
        town=town,
        ticket=ticket,
        order=order,
        terminal=terminal,
        bill=bill,
        payment=payment,
        outage=outage,
        token_id=_token(town),
    )


def _token(town: City) -> int:
    """The clerk's API token, for the token pages."""
    token_issue(request=RequestFactory().post("/api/v1/auth/token"), username="clerk", password=PASSWORD)
    token = ApiToken.objects.filter(user=town.clerk).order_by("pk").last()
    assert token is not None
    return token.pk


def _billing(town: City) -> tuple[Bill, Payment]:
    """A residential tariff on the city's account, an overdue bill and a part payment of it."""
    seed_tariffs()
    tariff = Tariff.objects.filter(code="RES-TIER", province="ZJ").order_by("pk").first()
    assert tariff is not None
    town.account.tariff_code = tariff.code
    town.account.save(update_fields=["tariff_code"])
    run = BillRun.objects.create(period="2026-09", scope_key="probe-2026-09", status="finished")
    bill = Bill.objects.create(
        account=town.account,
        period="2026-09",
        run=run,
        tariff=tariff,
        kwh=Decimal(100),
        energy_charge=Decimal("53.80"),
        amount=Decimal("53.80"),
        issued_at=timezone.now() - timedelta(days=60),
        due_date=date.today() - timedelta(days=30),  # noqa: DTZ011 - a date well past, whatever the zone
    )
    payment, _ = payment_post(
        scope=scope_for(town.clerk),
        actor=town.clerk,
        data=PaymentIn(
            channel="counter_cash",
            channel_txn_id="probe-1",
            account_no=town.account.account_no,
            amount=Decimal("10.00"),
            paid_at=timezone.now(),
        ),
    )
    return bill, payment
