from __future__ import annotations

import pytest

from gridcare.core.testing import City, api_client
from gridcare.halls.models import MaintenanceTask, Terminal, TerminalEvent
from gridcare.halls.services.terminals import task_resolve
from gridcare.halls.tests.conftest import post
from gridcare.org.access import scope_for


@pytest.mark.django_db
def test_the_registry_lists_the_halls_terminals(hall_town: City) -> None:
    body = api_client(hall_town.guide).get("/api/v1/halls/H1/terminals").json()
    assert [(t["code"], t["kind"], t["status"], t["usage_count"]) for t in body] == [
        ("H1-T1", "payment", "in_service", 0),
        ("H1-T2", "all_in_one", "in_service", 0),
    ]


@pytest.mark.django_db
def test_usage_is_counted_and_logged(hall_town: City) -> None:
    terminal = Terminal.objects.get(code="H1-T1")
    client = api_client(hall_town.guide)
    assert post(client, f"/api/v1/terminals/{terminal.pk}/usage", {"count": 3}).json()["usage_count"] == 3
    assert post(client, f"/api/v1/terminals/{terminal.pk}/usage").json()["usage_count"] == 4
    assert terminal.events.filter(type=TerminalEvent.Type.USED).count() == 2


@pytest.mark.django_db
def test_a_fault_report_takes_the_terminal_out_and_opens_a_task_until_it_is_fixed(hall_town: City) -> None:
    terminal = Terminal.objects.get(code="H1-T2")
    response = post(
        api_client(hall_town.guide), f"/api/v1/terminals/{terminal.pk}/fault", {"description": "读卡器无反应"}
    )
    assert response.status_code == 201
    terminal.refresh_from_db()
    assert terminal.status == "fault"
    task = MaintenanceTask.objects.get()
    assert (task.description, task.status, task.reported_by) == ("读卡器无反应", "open", hall_town.guide)
    # A terminal at fault is not used.
    assert post(api_client(hall_town.guide), f"/api/v1/terminals/{terminal.pk}/usage").status_code == 409
    task_resolve(scope=scope_for(hall_town.manager), actor=hall_town.manager, task=task)
    terminal.refresh_from_db()
    task.refresh_from_db()
    assert (terminal.status, task.status) == ("in_service", "done")


@pytest.mark.django_db
def test_state_changes_are_logged_and_a_repeat_is_refused(hall_town: City) -> None:
    terminal = Terminal.objects.get(code="H1-T1")
    client = api_client(hall_town.guide)
    assert (
        post(client, f"/api/v1/terminals/{terminal.pk}/status", {"status": "paper_out"}).json()["status"] == "paper_out"
    )
    response = post(client, f"/api/v1/terminals/{terminal.pk}/status", {"status": "paper_out"})
    assert response.status_code == 409
    assert list(terminal.events.values_list("parameters", flat=True)) == [
        {"before": "in_service", "after": "paper_out", "note": ""}
    ]


@pytest.mark.django_db
def test_a_terminal_of_another_hall_is_not_found(hall_town: City) -> None:
    terminal = Terminal.objects.get(code="H2-T1")
    response = post(api_client(hall_town.guide), f"/api/v1/terminals/{terminal.pk}/status", {"status": "off"})
    assert response.status_code == 404
    terminal.refresh_from_db()
    assert terminal.status == "in_service"
    assert terminal.events.count() == 0


@pytest.mark.django_db
def test_no_diversion_without_a_working_terminal(hall_town: City) -> None:
    from gridcare.halls.models import Diversion

    Terminal.objects.filter(hall=hall_town.hall).update(status="fault")
    response = post(api_client(hall_town.guide), "/api/v1/halls/H1/diversions", {"business_type": "payment"})
    assert response.status_code == 409
    assert response.json()["detail"] == "本厅没有可用的自助终端，请为客户取号。"
    assert Diversion.objects.count() == 0
