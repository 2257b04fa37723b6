"""The root-cause topics in the API (issue 14): what the page 问题主题 shows, with its access
(COMPLAINT_ANALYSIS: supervisors their unit's, planners and administrators the company's)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from gridcare.assessment import selectors_topics as st
from gridcare.assessment.rules.topics import MIN_DOCUMENTS
from gridcare.core.timezone import business_date
from gridcare.org.access import Capability, require
from gridcare.org.api import ErrorOut

router = Router(tags=["assessment"])


class TopicOut(Schema):
    words: list[str]  # the words that stand for it, most telling first
    count: int  # texts that belong to it
    examples: list[str]  # up to three of them, masked (mobiles, ID numbers, other long digit runs)


class TopicsOut(Schema):
    month: str  # YYYY-MM
    source: str  # complaints or surveys
    subject: str  # unit:<id> or company:<id>
    subject_name: str
    computed: bool  # false: the worker has not computed this month yet
    computed_at: datetime | None
    documents: int
    min_documents: int  # fewer texts than this make no topics
    topics: list[TopicOut]


@router.get("/assessment/topics", response={200: TopicsOut, 403: ErrorOut, 422: ErrorOut})
def assessment_topics(request: HttpRequest, month: str = "", source: str = "", subject: str = "") -> dict[str, Any]:
    """The recurring topics of ``month`` (YYYY-MM; default last month) from ``source``
    (``complaints``, the default, or ``surveys``) of ``subject`` (``unit:<id>`` or
    ``company:<id>``; default the caller's unit, or its company), as the job ``assessment_topics``
    computed them."""
    scope = require(request.user, Capability.COMPLAINT_ANALYSIS)
    ask = st.topics_ask(
        scope=scope, month=month.strip(), source=source.strip(), subject=subject.strip(), today=business_date()
    )
    row = st.topic_month(scope, month=ask.month, source=ask.source, subject=ask.subject)
    return {
        "month": f"{ask.month:%Y-%m}",
        "source": ask.source,
        "subject": ask.subject.value,
        "subject_name": ask.subject.name,
        "computed": row is not None,
        "computed_at": row.computed_at if row else None,
        "documents": row.documents if row else 0,
        "min_documents": MIN_DOCUMENTS,
        "topics": list(row.topics) if row else [],
    }
