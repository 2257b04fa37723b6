"""The 95598 intake form shows the caller's account (masked) while the agent types (WO-1)."""

from __future__ import annotations

from gridcare.core.testing import City, signed_in
from gridcare.workorders.tests.conftest import Clock


def test_the_intake_form_shows_the_callers_account_masked_while_the_agent_types(town: City, clock: Clock) -> None:
    client = signed_in(town.agent)
    form = client.get("/workorders/new/").content.decode()
    assert 'hx-get="/workorders/lookup/"' in form
    html = client.get("/workorders/lookup/?lookup=13812345678").content.decode()
    assert town.account.account_no in html and "138****5678" in html and "13812345678" not in html
    assert town.foreign_account.account_no not in client.get("/workorders/lookup/?lookup=13700002222").content.decode()
    assert "没有找到" not in client.get("/workorders/lookup/?lookup=13").content.decode()
