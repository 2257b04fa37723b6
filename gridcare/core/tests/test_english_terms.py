"""One Chinese word, two meanings, two English words (issue 13, Language): 停电通知 is the notices'
outage message but, in arrears, the notice before a cut-off; 暂停 is a counter's pause but an
account's suspended supply. The context (pgettext) tells them apart; Chinese stays as it is."""

from __future__ import annotations

import pytest
from django.utils import translation

from gridcare.billing.models import DunningStepKind
from gridcare.customers.models import AccountEvent, AccountStatus
from gridcare.halls.models import CounterStatus
from gridcare.notices.models import Category


@pytest.mark.parametrize(
    ("label", "english", "chinese"),
    [
        (DunningStepKind.CUTOFF_NOTICE.label, "Cut-off notice", "停电通知"),
        (Category.OUTAGE.label, "Outage notices", "停电通知"),
        (AccountStatus.SUSPENDED.label, "Supply suspended", "暂停"),
        (AccountEvent.Type.SUSPENDED.label, "Supply suspended", "暂停"),
        (CounterStatus.PAUSED.label, "Paused", "暂停"),
    ],
)
def test_the_word_is_translated_by_what_it_means(label: object, english: str, chinese: str) -> None:
    with translation.override("en"):
        assert str(label) == english
    with translation.override("zh-hans"):
        assert str(label) == chinese
