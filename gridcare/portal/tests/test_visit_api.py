"""The app's hall visits (HALL-2, HALL-5, HALL-6; issue 15): GET /api/v1/portal/halls[/{code}],
POST /portal/tickets, GET /portal/tickets[/{id}], POST /portal/tickets/{id}/cancel and /rating,
GET /portal/halls/{code}/appointment-slots, GET/POST /portal/appointments, POST
/portal/appointments/{reference}/cancel. The hall's refusals are 409 with its sentence, bad input
422 on its field, another customer's ticket or booking 404, staff credentials 401 — each with
nothing written."""

from __future__ import annotations

from django.test import Client

from gridcare.core.testing import City, api_client
from gridcare.halls.models import Appointment, Evaluation, Ticket
from gridcare.halls.tests.appointments_helpers import MONDAY, Clock, at, book
from gridcare.notices.models import Notice, NoticeStatus
from gridcare.portal.tests.conftest import PHONE, Customer
from gridcare.portal.tests.visit_helpers import clock, halls, post_json, serve, written

__all__ = ["clock", "halls"]


def _take(customer: Customer, kind: str = "payment", hall: str = "H1", account_no: str = "") -> object:
    return post_json(
        customer.api(), "/api/v1/portal/tickets", {"hall": hall, "business_type": kind, "account_no": account_no}
    )


def test_the_halls_and_their_lines(halls: City, zhang: Customer) -> None:
    answer = zhang.api().get("/api/v1/portal/halls")
    assert answer.status_code == 200
    assert answer.json()[0] == {
        "code": "H1",
        "name": "城区营业厅",
        "address": "",
        "opens_at": "08:30",
        "closes_at": "17:30",
        "open_now": True,
        "closed_notice": "",
        "waiting": 0,
        "stars": "",  # never rated: nothing published
    }
    assert [h["code"] for h in answer.json()] == ["H1", "H2", "X1H"]  # the customer's own unit first
    one = zhang.api().get("/api/v1/portal/halls/H1").json()
    assert one["business_types"][0] == {"kind": "payment", "name": "缴费", "waiting": 0, "estimated_wait_minutes": 0}
    assert "key_account" not in [t["kind"] for t in one["business_types"]]
    assert zhang.api().get("/api/v1/portal/halls/NOPE").status_code == 404


def test_a_ticket_from_the_app_followed_and_cancelled(halls: City, zhang: Customer) -> None:
    made = _take(zhang, account_no=halls.account.account_no)
    assert made.status_code == 201, made.content  # type: ignore[attr-defined]
    ticket = Ticket.objects.get()
    body = made.json()  # type: ignore[attr-defined]
    assert body | {"issued_at": ""} == {
        "id": ticket.pk,
        "number": "A001",
        "hall": "H1",
        "hall_name": "城区营业厅",
        "business_type": "payment",
        "business_type_name": "缴费",
        "status": "waiting",
        "status_label": "等候中",
        "position": 0,
        "estimated_wait_minutes": 0,
        "counter_number": None,
        "issued_at": "",
        "can_cancel": True,
        "can_rate": False,
        "rating": None,
        "rating_label": "",
    }
    assert (ticket.phone, ticket.account, ticket.source) == (PHONE, halls.account, "remote")
    assert Notice.objects.filter(template_code="queue_near", recipient=PHONE).count() == 1
    read = zhang.api().get(f"/api/v1/portal/tickets/{ticket.pk}").json()
    assert (read["position"], read["status"]) == (0, "waiting")
    assert [t["id"] for t in zhang.api().get("/api/v1/portal/tickets").json()] == [ticket.pk]
    cancelled = post_json(zhang.api(), f"/api/v1/portal/tickets/{ticket.pk}/cancel")
    assert (cancelled.status_code, cancelled.json()["status"], cancelled.json()["can_cancel"]) == (
        200,
        "cancelled",
        False,
    )
    before = written()
    again = post_json(zhang.api(), f"/api/v1/portal/tickets/{ticket.pk}/cancel")
    assert (again.status_code, again.json()["detail"]) == (409, "只能取消等候中的号，该号当前为“已取消”。")
    assert written() == before


def test_the_halls_rules_are_409_with_its_sentence_and_nothing_written(
    halls: City, zhang: Customer, clock: Clock
) -> None:
    _take(zhang)
    before = written()
    twice = _take(zhang, kind="invoice")
    assert (twice.status_code, twice.json()["detail"]) == (409, "您已在城区营业厅取了A001号，正在等候，不能重复取号。")  # type: ignore[attr-defined]
    clock.set(at(MONDAY, 7, 0))
    early = _take(zhang, hall="H2")
    assert (early.status_code, early.json()["detail"]) == (  # type: ignore[attr-defined]
        409,
        "现在不在营业时间（08:30-17:30），暂停取号。本厅下次开门：今天08:30。",
    )
    assert written() == before


def test_bad_input_is_422_on_its_field_with_nothing_written(halls: City, zhang: Customer, li: Customer) -> None:
    theirs = li.user.bindings.get().account.account_no
    before = written()
    both = _take(zhang, hall="NOPE", account_no=theirs)
    assert both.status_code == 422  # type: ignore[attr-defined]
    assert both.json()["errors"] == {"hall": "没有找到这个营业厅。", "account_no": "请选择您已绑定的户号。"}  # type: ignore[attr-defined]
    kind = _take(zhang, kind="key_account")
    assert kind.json()["errors"] == {"business_type": "该业务不能线上取号，请到营业厅办理。"}  # type: ignore[attr-defined]
    missing = post_json(zhang.api(), "/api/v1/portal/tickets", {"hall": "H1"})
    assert missing.status_code == 422 and "business_type" in missing.json()["errors"]
    rating = post_json(zhang.api(), "/api/v1/portal/tickets/1/rating", {"rating": 5})
    assert rating.status_code == 422 and "rating" in rating.json()["errors"]
    assert zhang.api().get("/api/v1/portal/tickets?page=0").status_code == 422
    assert written() == before


def test_a_finished_visit_is_rated_once(halls: City, zhang: Customer) -> None:
    _take(zhang, kind="invoice")
    ticket = serve(halls, Ticket.objects.get())
    assert zhang.api().get(f"/api/v1/portal/tickets/{ticket.pk}").json()["can_rate"] is True
    url = f"/api/v1/portal/tickets/{ticket.pk}/rating"
    bad = post_json(zhang.api(), url, {"rating": "great"})
    assert (bad.status_code, bad.json()["errors"]) == (422, {"rating": "取值不在允许范围内。"})
    rated = post_json(zhang.api(), url, {"rating": "basically_satisfied", "reasons": ["long_wait"]})
    assert (rated.status_code, rated.json()) == (
        201,
        {"ticket_id": ticket.pk, "rating": "basically_satisfied", "rating_label": "基本满意", "reasons": ["long_wait"]},
    )
    before = written()
    again = post_json(zhang.api(), url, {"rating": "very_satisfied"})
    assert (again.status_code, again.json()["detail"]) == (409, "该号已评价过，每个号只能评价一次。")
    assert written() == before
    shown = zhang.api().get(f"/api/v1/portal/tickets/{ticket.pk}").json()
    assert (shown["rating"], shown["rating_label"], shown["can_rate"]) == ("basically_satisfied", "基本满意", False)
    assert Evaluation.objects.get().source == "portal"


def test_booking_from_the_app_and_cancelling(halls: City, zhang: Customer) -> None:
    slots = zhang.api().get("/api/v1/portal/halls/H1/appointment-slots?date=2026-11-24&business_type=payment")
    assert slots.status_code == 200
    assert slots.json()["slots"][3] == {"start": "10:00", "end": "10:30", "capacity": 2, "booked": 0, "free": 2}
    body = {"hall": "H1", "business_type": "payment", "date": "2026-11-24", "start": "10:00"}
    made = post_json(zhang.api(), "/api/v1/portal/appointments", body)
    assert made.status_code == 201, made.content
    appointment = Appointment.objects.get()
    assert made.json() == {
        "reference": appointment.reference,
        "hall": "H1",
        "hall_name": "城区营业厅",
        "hall_address": "",
        "business_type": "payment",
        "business_type_name": "缴费",
        "date": "2026-11-24",
        "start": "10:00",
        "end": "10:30",
        "status": "booked",
        "status_label": "已预约",
        "account_no": "",
        "ticket_number": "",
        "can_cancel": True,
    }
    assert appointment.phone == PHONE
    assert [a["reference"] for a in zhang.api().get("/api/v1/portal/appointments").json()] == [appointment.reference]
    before = written()
    twice = post_json(zhang.api(), "/api/v1/portal/appointments", body)
    assert twice.status_code == 409 and appointment.reference in twice.json()["detail"]
    assert written() == before
    cancelled = post_json(zhang.api(), f"/api/v1/portal/appointments/{appointment.reference}/cancel")
    assert (cancelled.status_code, cancelled.json()["status"]) == (200, "cancelled")
    assert Notice.objects.get(template_code="appointment_reminder").status == NoticeStatus.WITHDRAWN
    again = post_json(zhang.api(), f"/api/v1/portal/appointments/{appointment.reference}/cancel")
    assert (again.status_code, again.json()["detail"]) == (409, f"预约{appointment.reference}已取消。")


def test_a_booking_with_bad_fields_is_422_on_each(halls: City, zhang: Customer) -> None:
    before = written()
    bad = post_json(
        zhang.api(),
        "/api/v1/portal/appointments",
        {"hall": "H1", "business_type": "payment", "date": "2026-11-28", "start": "10:10"},
    )
    assert bad.status_code == 422
    assert bad.json()["errors"] == {
        "date": "2026-11-28不是工作日，营业厅不受理预约。",
        "start": "预约时段须为营业时间内的整半小时时段（08:30至17:00开始，每30分钟一段）。",
    }
    slots = zhang.api().get("/api/v1/portal/halls/H1/appointment-slots?date=2026-13-01&business_type=payment")
    assert (slots.status_code, slots.json()["errors"]) == (422, {"date": "日期格式应为YYYY-MM-DD，例如2026-11-24。"})
    assert written() == before


def test_another_customers_ticket_and_booking_are_not_found(halls: City, zhang: Customer, li: Customer) -> None:
    _take(zhang)
    ticket = Ticket.objects.get()
    appointment = book(halls, start="11:00", phone=PHONE)
    before = written()
    app = li.api()
    assert app.get(f"/api/v1/portal/tickets/{ticket.pk}").status_code == 404
    assert post_json(app, f"/api/v1/portal/tickets/{ticket.pk}/cancel").status_code == 404
    assert post_json(app, f"/api/v1/portal/tickets/{ticket.pk}/rating", {"rating": "satisfied"}).status_code == 404
    assert post_json(app, f"/api/v1/portal/appointments/{appointment.reference}/cancel").status_code == 404
    assert app.get("/api/v1/portal/tickets").json() == []
    assert app.get("/api/v1/portal/appointments").json() == []
    assert app.get(f"/api/v1/portal/tickets/{2**70}").status_code in (404, 422)
    assert written() == before


def test_staff_credentials_and_nobody_are_refused(halls: City, zhang: Customer) -> None:
    _take(zhang)
    ticket = Ticket.objects.get()
    appointment = book(halls, start="11:00", phone=PHONE)
    before = written()
    callers = [Client(), api_client(halls.clerk), api_client(halls.admin), Client(HTTP_AUTHORIZATION="Bearer gcp_x")]
    for caller in callers:
        answers = [
            caller.get("/api/v1/portal/halls").status_code,
            caller.get("/api/v1/portal/halls/H1").status_code,
            post_json(caller, "/api/v1/portal/tickets", {"hall": "H1", "business_type": "payment"}).status_code,
            caller.get("/api/v1/portal/tickets").status_code,
            caller.get(f"/api/v1/portal/tickets/{ticket.pk}").status_code,
            post_json(caller, f"/api/v1/portal/tickets/{ticket.pk}/cancel").status_code,
            post_json(caller, f"/api/v1/portal/tickets/{ticket.pk}/rating", {"rating": "satisfied"}).status_code,
            caller.get("/api/v1/portal/halls/H1/appointment-slots?date=2026-11-24&business_type=payment").status_code,
            caller.get("/api/v1/portal/appointments").status_code,
            post_json(
                caller,
                "/api/v1/portal/appointments",
                {"hall": "H1", "business_type": "payment", "date": "2026-11-24", "start": "10:00"},
            ).status_code,
            post_json(caller, f"/api/v1/portal/appointments/{appointment.reference}/cancel").status_code,
        ]
        assert answers == [401] * 11
    assert written() == before
