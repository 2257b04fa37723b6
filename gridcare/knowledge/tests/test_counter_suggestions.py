"""The counter console suggests the scripts and FAQs of the ticket being served's business type;
a ticket of another hall (or none) suggests nothing and is no error."""

from __future__ import annotations

from gridcare.core.testing import City, signed_in
from gridcare.halls.demo import configure_hall
from gridcare.halls.tests.helpers import issue
from gridcare.knowledge.tests.conftest import Publish


def test_a_payment_ticket_brings_the_payment_scripts(town: City, publish: Publish) -> None:
    configure_hall(town.hall)
    configure_hall(town.other_hall)
    pay = publish("柜台缴费服务话术", "请提供户号，核对户名后缴费。", kind="script")
    transfer = publish("过户需要带哪些材料", "新户主身份证。", kind="faq")
    ticket = issue(town, "payment")
    answer = signed_in(town.clerk).get("/knowledge/suggest/", {"ticket": ticket.pk})
    body = answer.content.decode()
    assert answer.status_code == 200
    assert f'data-article="{pay.pk}"' in body and f'data-article="{transfer.pk}"' not in body
    assert "复制话术" in body  # no box to insert into at the counter
    page = signed_in(town.clerk).get(f"/halls/counter/{town.counters[0].pk}/")
    assert page.status_code == 200 and 'data-suggest-ticket="/knowledge/suggest/"' in page.content.decode()


def test_another_halls_ticket_suggests_nothing(town: City, publish: Publish) -> None:
    configure_hall(town.hall)
    configure_hall(town.other_hall)
    publish("柜台缴费服务话术", "请提供户号，核对户名后缴费。", kind="script")
    theirs = issue(town, "payment", hall="H2")
    answer = signed_in(town.clerk).get("/knowledge/suggest/", {"ticket": theirs.pk})
    assert answer.status_code == 200 and "data-article" not in answer.content.decode()
