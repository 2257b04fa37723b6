"""问题主题 (issue 14): the recurring topics of a month's complaint texts or survey comments of a
unit or the company, as the worker computed them (``services.topics``): each topic's words, how
many texts it has and three masked examples. ``COMPLAINT_ANALYSIS``: supervisors their unit's,
planners and administrators the company's and its units'."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from gridcare.assessment import selectors_topics as st
from gridcare.assessment.models import TopicMonth
from gridcare.assessment.rules.topics import MIN_DOCUMENTS
from gridcare.core.exceptions import InvalidInput
from gridcare.core.forms import Picker, offer
from gridcare.core.timezone import business_date
from gridcare.core.views import staff_required
from gridcare.org.access import Capability, Scope, request_scope, require


class TopicsForm(forms.Form):
    month = forms.CharField(label=_("月份"), required=False, widget=forms.TextInput(attrs={"type": "month"}))
    source = forms.ChoiceField(label=_("来源"), choices=TopicMonth.Source.choices, required=False)
    subject = Picker(label=_("范围"), invalid=_("请选择您管辖范围内的单位。"))

    def __init__(self, *args: Any, scope: Scope, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        offer(self, subject=st.subject_choices(scope))


def rows_of(row: TopicMonth) -> list[dict[str, Any]]:
    """The topics as the page lists them: rank, words, texts and their share, examples."""
    shown = []
    for rank, topic in enumerate(row.topics, start=1):
        count = int(topic.get("count", 0))
        share = count / row.documents if row.documents else None
        words, examples = topic.get("words", []), topic.get("examples", [])
        shown.append({"rank": rank, "words": words, "count": count, "share": share, "examples": examples})
    return shown


@staff_required
def topics(request: HttpRequest) -> HttpResponse:
    scope = require(request_scope(request), Capability.COMPLAINT_ANALYSIS)
    asked = {key: request.GET.get(key, "").strip() for key in ("month", "source", "subject")}
    context: dict[str, Any] = {"row": None, "ask": None, "minimum": MIN_DOCUMENTS}
    try:
        ask = st.topics_ask(scope=scope, **asked, today=business_date())
    except InvalidInput as exc:
        form = TopicsForm(request.GET, scope=scope)
        form.is_valid()
        for name, message in exc.errors.items():
            if name in form.fields and not form.has_error(name):
                form.add_error(name, str(message))
        return render(request, "assessment/topics.html", {**context, "form": form})
    shown = {"month": f"{ask.month:%Y-%m}", "source": ask.source, "subject": ask.subject.value}
    form = TopicsForm(shown, scope=scope)
    form.is_valid()
    row = st.topic_month(scope, month=ask.month, source=ask.source, subject=ask.subject)
    context.update(form=form, ask=ask, row=row, topics=rows_of(row) if row else [])
    return render(request, "assessment/topics.html", context)
