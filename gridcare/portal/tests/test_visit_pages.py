"""The customer's hall visits through the portal's pages (HALL-2, HALL-5, HALL-6; issue 15): the
halls to choose from, a remote ticket followed live (htmx every 10 seconds) and cancelled after a
question, the visit rated once; an appointment booked from the free slots and cancelled after a
question (its reminder withdrawn); the hall's refusals on the form with nothing written; bad
entries on their field; another customer's ticket or booking is a 404; every page in English."""

from __future__ import annotations

import re

from gridcare.core.testing import City
from gridcare.customers.rules import mask_name
from gridcare.halls.models import Appointment, AppointmentStatus, Evaluation, Source, Ticket, TicketStatus
from gridcare.halls.tests.appointments_helpers import MONDAY, TUESDAY, Clock, at, book
from gridcare.notices.models import Notice, NoticeStatus
from gridcare.portal.tests.conftest import PHONE, Customer
from gridcare.portal.tests.visit_helpers import clock, halls, page_client, serve, written

__all__ = ["clock", "halls"]  # the fixtures these tests use


def _text(answer: object) -> str:
    return answer.content.decode()  # type: ignore[attr-defined,no-any-return]


def test_taking_a_ticket_and_following_it_live(halls: City, zhang: Customer) -> None:
    client = page_client(zhang.user)
    listing = _text(client.get("/portal/visits/halls/"))
    assert "城区营业厅" in listing and "营业时间 08:30-17:30" in listing and "营业中" in listing
    assert 'href="/portal/visits/halls/H1/ticket/"' in listing and 'href="/portal/visits/halls/H1/book/"' in listing
    form = _text(client.get("/portal/visits/halls/H1/ticket/"))
    assert "缴费 · 等候0人 · 约0分钟" in form and "大客户服务" not in form
    no = halls.account.account_no
    taken = client.post("/portal/visits/halls/H1/ticket/", {"business_type": "payment", "account_no": no})
    ticket = Ticket.objects.get()
    assert (taken.status_code, taken["Location"]) == (302, f"/portal/visits/tickets/{ticket.pk}/")
    assert (ticket.number, ticket.source, ticket.phone, ticket.account) == ("A001", Source.REMOTE, PHONE, halls.account)
    page = _text(client.get(taken["Location"]))
    assert "取号成功：城区营业厅 A001号。" in page
    assert "您前面还有 <strong>0</strong> 人" in page and "预计等候约" in page
    assert f'hx-get="/portal/visits/tickets/{ticket.pk}/" hx-trigger="every 10s"' in page
    assert "htmx" in page  # the vendored htmx script is on the page
    fragment = _text(client.get(taken["Location"], headers={"HX-Request": "true"}))
    assert fragment.startswith('<section class="p-card v-ticket"') and "<html" not in fragment
    near = Notice.objects.get(template_code="queue_near")
    assert (near.recipient, near.dedupe_key) == (PHONE, f"queue_near:{ticket.pk}")
    hub = _text(client.get("/portal/service/"))
    assert "城区营业厅 A001号" in hub and "前面还有 0 人" in hub


def test_cancelling_a_ticket_asks_first(halls: City, zhang: Customer) -> None:
    client = page_client(zhang.user)
    client.post("/portal/visits/halls/H1/ticket/", {"business_type": "payment"})
    ticket = Ticket.objects.get()
    url = f"/portal/visits/tickets/{ticket.pk}/cancel/"
    before = written()
    asked = _text(client.post(url))
    assert "取消后城区营业厅的A001号将作废，需要时请重新取号。确定取消吗？" in asked
    assert 'name="confirmed" value="1"' in asked
    assert written() == before
    done = client.post(url, {"confirmed": "1"})
    assert done["Location"] == f"/portal/visits/tickets/{ticket.pk}/"
    page = _text(client.get(done["Location"]))
    assert "已取消A001号。" in page and "您已取消这个号。" in page and "hx-trigger" not in page
    assert Ticket.objects.get().status == TicketStatus.CANCELLED
    again = _text(client.get(done["Location"]))
    assert "取消这个号</button>" not in again


def test_the_halls_refusals_stay_on_the_form_and_nothing_is_written(halls: City, zhang: Customer, clock: Clock) -> None:
    client = page_client(zhang.user)
    client.post("/portal/visits/halls/H1/ticket/", {"business_type": "payment"})
    before = written()
    twice = _text(client.post("/portal/visits/halls/H1/ticket/", {"business_type": "invoice"}))
    assert "您已在城区营业厅取了A001号，正在等候，不能重复取号。" in twice
    clock.set(at(MONDAY, 18, 0))
    closed = _text(client.get("/portal/visits/halls/H2/ticket/"))
    sentence = "现在不在营业时间（08:30-17:30），暂停取号。本厅下次开门：明天08:30。"
    assert sentence in closed
    refused = _text(client.post("/portal/visits/halls/H2/ticket/", {"business_type": "payment"}))
    assert sentence in refused
    assert "休息中" in _text(client.get("/portal/visits/halls/"))
    assert written() == before


def test_bad_entries_are_refused_on_their_field(halls: City, zhang: Customer, li: Customer) -> None:
    client = page_client(zhang.user)
    before = written()
    empty = _text(client.post("/portal/visits/halls/H1/ticket/", {}))
    assert re.search(r'id="id_business_type-error" role="alert">这个字段是必填项。', empty)
    theirs = li.user.bindings.get().account.account_no
    wrong = _text(client.post("/portal/visits/halls/H1/ticket/", {"business_type": "payment", "account_no": theirs}))
    assert f"选择一个有效的选项。 {theirs} 不在可用的选项中。" in wrong
    key = _text(client.post("/portal/visits/halls/H1/ticket/", {"business_type": "key_account"}))
    assert "选择一个有效的选项。 key_account 不在可用的选项中。" in key
    assert client.get("/portal/visits/halls/NOPE/ticket/").status_code == 404
    assert written() == before


def test_another_customers_ticket_is_not_found(halls: City, zhang: Customer, li: Customer) -> None:
    page_client(zhang.user).post("/portal/visits/halls/H1/ticket/", {"business_type": "payment"})
    ticket = Ticket.objects.get()
    other = page_client(li.user)
    before = written()
    base = f"/portal/visits/tickets/{ticket.pk}/"
    assert other.get(base).status_code == 404
    assert other.post(base + "cancel/", {"confirmed": "1"}).status_code == 404
    assert other.post(base + "rate/", {"rating": "satisfied"}).status_code == 404
    assert other.get("/portal/visits/tickets/999999/").status_code == 404
    assert "A001" not in _text(other.get("/portal/visits/tickets/"))
    assert written() == before


def test_a_finished_visit_is_rated_once(halls: City, zhang: Customer) -> None:
    client = page_client(zhang.user)
    client.post("/portal/visits/halls/H1/ticket/", {"business_type": "invoice"})
    ticket = serve(halls, Ticket.objects.get())
    page = _text(client.get(f"/portal/visits/tickets/{ticket.pk}/"))
    assert "业务已办结，感谢您的光临。" in page and "评价本次服务" in page and "非常满意" in page
    url = f"/portal/visits/tickets/{ticket.pk}/rate/"
    before = written()
    bad = _text(client.post(url, {"rating": "satisfied", "reasons": ["long_wait"]}))
    assert "只有“基本满意”或“不满意”时才选择原因。" in bad
    assert written() == before
    done = client.post(url, {"rating": "dissatisfied", "reasons": ["long_wait", "unsolved"]})
    assert done.status_code == 302
    shown = _text(client.get(done["Location"]))
    assert "感谢您的评价。" in shown and "您的评价：不满意" in shown and "提交评价" not in shown
    evaluation = Evaluation.objects.get()
    assert (evaluation.rating, evaluation.reasons, evaluation.source) == (
        "dissatisfied",
        ["long_wait", "unsolved"],
        "portal",
    )
    before = written()
    again = client.post(url, {"rating": "very_satisfied"})
    assert "该号已评价过，每个号只能评价一次。" in _text(client.get(again["Location"]))
    assert written() == before


def test_booking_a_slot_and_cancelling_it_after_a_question(halls: City, zhang: Customer) -> None:
    client = page_client(zhang.user)
    start = _text(client.get("/portal/visits/halls/H1/book/"))
    assert "查看可预约时段" in start and 'value="2026-11-24"' in start and 'value="2026-11-28"' not in start
    slots = _text(client.get("/portal/visits/halls/H1/book/?business_type=payment&date=2026-11-24"))
    assert "10:00-10:30（余2个）" in slots and "确认预约" in slots
    no = halls.account.account_no
    made = client.post(
        "/portal/visits/halls/H1/book/",
        {"business_type": "payment", "date": "2026-11-24", "start": "10:00", "account_no": no},
    )
    appointment = Appointment.objects.get()
    assert (made.status_code, made["Location"]) == (302, "/portal/visits/appointments/")
    assert (appointment.phone, appointment.account, appointment.day) == (PHONE, halls.account, TUESDAY)
    listed = _text(client.get(made["Location"]))
    assert (
        f"预约成功：11月24日 10:00-10:30 城区营业厅，预约号{appointment.reference}。前一天我们会短信提醒您。" in listed
    )
    assert appointment.reference in listed and "已预约" in listed
    reminder = Notice.objects.get(template_code="appointment_reminder")
    assert (reminder.recipient, reminder.status, reminder.not_before) == (PHONE, NoticeStatus.QUEUED, at(MONDAY, 18, 0))
    url = f"/portal/visits/appointments/{appointment.reference}/cancel/"
    before = written()
    asked = _text(client.post(url))
    assert f"将取消11月24日 10:00-10:30在城区营业厅的预约（预约号{appointment.reference}）。确定取消吗？" in asked
    assert written() == before
    client.post(url, {"confirmed": "1"})
    assert Appointment.objects.get().status == AppointmentStatus.CANCELLED
    assert Notice.objects.get(template_code="appointment_reminder").status == NoticeStatus.WITHDRAWN
    assert f"预约{appointment.reference}已取消。" in _text(client.get("/portal/visits/appointments/"))


def test_a_full_slot_and_a_bad_day_are_refused_with_nothing_written(halls: City, zhang: Customer, li: Customer) -> None:
    book(halls, start="10:00", phone="13900000001")
    book(halls, start="10:00", phone="13900000002")
    client = page_client(zhang.user)
    full = _text(client.get("/portal/visits/halls/H1/book/?business_type=payment&date=2026-11-24"))
    assert "10:00-10:30" not in full and "10:30-11:00（余2个）" in full
    before = written()
    taken = _text(
        client.post(
            "/portal/visits/halls/H1/book/", {"business_type": "payment", "date": "2026-11-24", "start": "10:00"}
        )
    )
    assert "选择一个有效的选项。 10:00 不在可用的选项中。" in taken
    weekend = _text(client.get("/portal/visits/halls/H1/book/?business_type=payment&date=2026-11-28"))
    assert "2026-11-28不是工作日，营业厅不受理预约。" in weekend
    assert written() == before
    mine = book(halls, start="11:00", phone=PHONE)
    other = page_client(li.user)
    assert other.post(f"/portal/visits/appointments/{mine.reference}/cancel/", {"confirmed": "1"}).status_code == 404
    assert mine.reference not in _text(other.get("/portal/visits/appointments/"))
    assert Appointment.objects.get(pk=mine.pk).status == AppointmentStatus.BOOKED


def test_every_visit_page_is_english_when_chosen(halls: City, zhang: Customer) -> None:
    from gridcare.core.tests.probes.test_english_pages import _data_runs, _english_text, _runs

    chinese = page_client(zhang.user)
    chinese.post("/portal/visits/halls/H1/ticket/", {"business_type": "invoice"})
    served = serve(halls, Ticket.objects.get())
    chinese.post("/portal/visits/halls/H1/ticket/", {"business_type": "payment"})
    waiting = Ticket.objects.get(status=TicketStatus.WAITING)
    appointment = book(halls, start="11:00", phone=PHONE)
    client = page_client(zhang.user, english=True)
    masked = _runs(mask_name(halls.account.customer.name))
    urls = [
        "/portal/service/",
        "/portal/visits/halls/",
        "/portal/visits/halls/H1/ticket/",
        "/portal/visits/halls/H1/book/",
        "/portal/visits/halls/H1/book/?business_type=payment&date=2026-11-24",
        "/portal/visits/tickets/",
        f"/portal/visits/tickets/{served.pk}/",
        f"/portal/visits/tickets/{waiting.pk}/",
        "/portal/visits/appointments/",
    ]
    for url in urls:
        text = _english_text(client, url)
        assert text is not None, url
        assert sorted(_runs(text) - _data_runs() - masked) == [], url
    asked = client.post(f"/portal/visits/appointments/{appointment.reference}/cancel/")
    from gridcare.core.tests.probes.test_english_pages import _Text

    parser = _Text()
    parser.feed(asked.content.decode())
    assert sorted(_runs(" ".join(parser.parts)) - _data_runs() - masked) == []
