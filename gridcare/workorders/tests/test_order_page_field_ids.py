"""Each action form on the order page has fields of its own ids, so its labels point at its own
boxes (a screen reader, a click on the label), not the first form's (issue 13, convention 6)."""

from __future__ import annotations

import re

from gridcare.core.testing import City, signed_in
from gridcare.workorders.tests.conftest import take


def test_no_two_fields_share_an_id_and_each_label_points_at_its_form(town: City) -> None:
    order = take(town.agent, type="inquiry", text="咨询电价")
    page = signed_in(town.agent).get(f"/workorders/{order.number}/").content.decode()
    ids = re.findall(r'\sid="([^"]+)"', page)
    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})
    assert 'for="id_hand_over_note"' in page and 'id="id_hand_over_note"' in page
