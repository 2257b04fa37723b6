"""Hall appointments (预约办电, HALL-2): book a half-hour slot, cancel it, check it in on the day
(which issues an appointment ticket), and mark the ones nobody came for as missed.

Every change is one transaction with an ``AppointmentEvent``; a refusal raises before anything is
written. The numbers (places per slot, days ahead, check-in window) are in
``settings.GRIDCARE_RULES`` (``HALL_APPOINTMENT_*``).
"""

from gridcare.halls.rules import (
    REFERENCE_ALPHABET,
    SLOT_MINUTES,
    AppointmentRules,
    appointment_rules,
    check_in_window,
    new_reference,
    normalise_reference,
    slot_end,
    slot_starts,
)
from gridcare.halls.selectors import AppointmentLine, appointment_counts, appointments_of_day
from gridcare.halls.services.appointments.booking import appointment_book
from gridcare.halls.services.appointments.slots import Slot, appointment_slots, parse_day
from gridcare.halls.services.appointments.visits import (
    appointment_cancel,
    appointment_check_in,
    appointment_get_for_scope,
    appointments_mark_missed,
)

__all__ = [
    "REFERENCE_ALPHABET",
    "SLOT_MINUTES",
    "AppointmentLine",
    "AppointmentRules",
    "Slot",
    "appointment_book",
    "appointment_cancel",
    "appointment_check_in",
    "appointment_counts",
    "appointment_get_for_scope",
    "appointment_rules",
    "appointment_slots",
    "appointments_mark_missed",
    "appointments_of_day",
    "check_in_window",
    "new_reference",
    "normalise_reference",
    "parse_day",
    "slot_end",
    "slot_starts",
]
