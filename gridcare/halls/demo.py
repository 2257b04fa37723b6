"""Demo set-up of the four demo halls: business types, what each counter serves, terminals.

Idempotent: types and terminals are found by their codes; counters already set up are left alone.
"""

from __future__ import annotations

from django.db import transaction

from gridcare.halls.models import BusinessType, CounterSetup, CounterStatus, Kind, TerminalKind
from gridcare.halls.services.setup import counter_configure, hall_setup_defaults
from gridcare.halls.services.terminals import terminal_register
from gridcare.org.models import Counter, Hall

# Counter 1 takes the key accounts and the long business, counter 2 the quick business, the rest
# everything but key accounts.
LONG = [Kind.KEY_ACCOUNT, Kind.NEW_CONNECTION, Kind.ACCOUNT_CHANGE, Kind.COMPLAINT, Kind.METER_TEST]
QUICK = [Kind.PAYMENT, Kind.INVOICE, Kind.CONSULTATION]
GENERAL = [k for k in Kind if k != Kind.KEY_ACCOUNT]


def counter_kinds(number: int) -> list[str]:
    if number == 1:
        return [str(k) for k in LONG]
    if number == 2:
        return [str(k) for k in QUICK]
    return [str(k) for k in GENERAL]


@transaction.atomic
def seed_halls() -> int:
    """Set up every hall that has no business types yet; returns how many were set up."""
    done = 0
    for hall in Hall.objects.order_by("code"):
        if BusinessType.objects.filter(hall=hall).exists():
            continue
        configure_hall(hall)
        done += 1
    return done


def configure_hall(hall: Hall) -> None:
    hall_setup_defaults(hall=hall)
    for counter in Counter.objects.filter(hall=hall):
        if not CounterSetup.objects.filter(counter=counter).exists():
            counter_configure(counter=counter, kinds=counter_kinds(counter.number), status=CounterStatus.OPEN)
    terminal_register(hall=hall, code=f"{hall.code}-T1", kind=TerminalKind.PAYMENT, name="自助缴费机1")
    terminal_register(hall=hall, code=f"{hall.code}-T2", kind=TerminalKind.ALL_IN_ONE, name="自助服务一体机")
