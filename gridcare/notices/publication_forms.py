"""The staff forms of public notices (SELF-3): the text and who it is for; publishing (now or at
a time ahead)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from gridcare.core.forms import Picker, offer
from gridcare.notices.models import PublicationArea, PublicationKind
from gridcare.notices.services.publications import BODY_MAX, TITLE_MAX
from gridcare.org.access import Level, Reach, Scope
from gridcare.org.selectors import unit_choices


class PublicationForm(forms.Form):
    title = forms.CharField(label=_("标题"), max_length=TITLE_MAX)
    kind = forms.ChoiceField(label=_("类别"), choices=PublicationKind.choices)
    area = forms.ChoiceField(label=_("发布范围"), choices=PublicationArea.choices)
    unit = Picker(
        label=_("供电单位"),
        blank=_("（发布范围为供电单位时选择）"),
        invalid=_("请选择您管辖范围内的供电单位。"),
    )
    body = forms.CharField(
        label=_("正文"),
        max_length=BODY_MAX,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("每段一行；导出到微信公众号时每段首行缩进。"),
    )

    def __init__(self, *args: Any, scope: Scope, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        offer(self, unit=unit_choices(scope))
        # Only the areas the caller may publish to (the service checks again).
        level = scope.level(Reach.UNIT)
        areas = [PublicationArea.UNIT]
        if level in (Level.ALL, Level.COMPANY):
            areas.insert(0, PublicationArea.COMPANY)
        if level == Level.ALL:
            areas.insert(0, PublicationArea.ALL)
        area = self.fields["area"]
        assert isinstance(area, forms.ChoiceField)
        area.choices = [(a.value, a.label) for a in areas]


class PublishForm(forms.Form):
    published_at = forms.DateTimeField(
        label=_("发布时间"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        help_text=_("留空为立即发布。"),
    )
