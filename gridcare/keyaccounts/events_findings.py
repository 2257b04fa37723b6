"""The history of remote-service findings (KeyAccountEvent rows about a ``Finding``) and the
sentence each shows; added to the key-account table that ``events.py`` registers (imported at its
end, so the table is complete whichever module is imported first)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from gridcare.core.history import Sentence, label_of, register, table_of
from gridcare.keyaccounts import events  # noqa: F401 (its table first: this one extends it)
from gridcare.keyaccounts.models import FindingKind, FindingStatus, KeyAccountEvent


class FindingEventType(models.TextChoices):
    FINDING_FOUND = "finding_found", _("远程服务发现")
    FINDING_STATUS = "finding_status", _("发现处理")


F = FindingEventType
# The shows are the sentences' own: "old" and "new" are a need's statuses in the table's.
SHOWS = {"kind": label_of(FindingKind), "old": label_of(FindingStatus), "new": label_of(FindingStatus)}
SENTENCES: dict[str, Sentence] = {
    F.FINDING_FOUND: Sentence(_("远程服务检查于 %(day)s 发现“%(kind)s”"), shows=SHOWS),
    F.FINDING_STATUS: Sentence(
        _("%(actor)s 将“%(kind)s”由“%(old)s”改为“%(new)s”"), more=(_("，说明：%(note)s"),), shows=SHOWS
    ),
}
del F


def _extend() -> None:
    base = table_of(KeyAccountEvent)
    labels = {**(base.labels if base else {}), **dict(FindingEventType.choices)}
    sentences = {**(base.sentences if base else {}), **SENTENCES}
    register(KeyAccountEvent, labels=labels.items(), sentences=sentences, shows=dict(base.shows) if base else {})


_extend()
