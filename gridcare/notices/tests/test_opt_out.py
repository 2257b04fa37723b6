from __future__ import annotations

from gridcare.core.testing import City
from gridcare.customers.models import Contact
from gridcare.notices.models import Notice
from gridcare.notices.testing import LocalSmsGateway
from gridcare.notices.tests.conftest import MORNING
from gridcare.notices.tests.helpers import queue, send


def test_an_opted_out_customer_gets_no_reminders_but_still_gets_outage_notices(
    town: City, gateway: LocalSmsGateway
) -> None:
    Contact.objects.filter(phone="13812345678").update(opted_out=True)
    reminder = queue("arrears_reminder", phone="13812345678")
    bill = queue("bill_issued", phone="13812345678")
    outage = queue("fault_outage", phone="13812345678")
    other = queue("arrears_reminder", phone="13900001111")
    result = send(MORNING)
    assert (result.claimed, result.suppressed, result.sent) == (4, 2, 2)
    statuses = dict(Notice.objects.values_list("pk", "status"))
    assert statuses == {reminder.pk: "suppressed", bill.pk: "suppressed", outage.pk: "sent", other.pk: "sent"}
    assert set(gateway.state.handset) == {str(outage.pk), str(other.pk)}
    assert send(MORNING).claimed == 0
