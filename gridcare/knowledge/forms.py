"""The knowledge pages' forms: search, a new article, a new version, a review."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from gridcare.core.forms import Picker
from gridcare.knowledge.models import Audience, Kind
from gridcare.knowledge.search import MAX_QUERY
from gridcare.knowledge.services import Classing, Draft

KIND_CHOICES = [("", _("全部类型")), *Kind.choices]
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class SearchForm(forms.Form):
    q = forms.CharField(label=_("查找"), max_length=MAX_QUERY, required=False, strip=True)
    kind = forms.ChoiceField(label=_("类型"), choices=KIND_CHOICES, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.attrs.update(
            {"type": "search", "autofocus": True, "placeholder": _("如：阶梯电价怎么算、停电报修、过户要带什么")}
        )


class DraftForm(forms.Form):
    title = forms.CharField(label=_("标题"), max_length=100)
    body = forms.CharField(label=_("正文"), widget=forms.Textarea(attrs={"rows": 14}), max_length=20_000)
    audience = forms.ChoiceField(label=_("公开范围"), choices=Audience.choices, initial=Audience.INTERNAL)
    effective_from = forms.DateField(label=_("生效日期"), required=False, widget=DATE)
    expires_on = forms.DateField(
        label=_("失效日期"), required=False, widget=DATE, help_text=_("当日起不再被检索到；留空为长期有效。")
    )
    note = forms.CharField(label=_("修改说明"), max_length=200, required=False)

    def draft(self) -> Draft:
        d = self.cleaned_data
        return Draft(
            title=d["title"],
            body=d["body"],
            audience=d["audience"],
            effective_from=d.get("effective_from"),
            expires_on=d.get("expires_on"),
            note=d.get("note") or "",
        )


class ArticleForm(DraftForm):
    kind = forms.ChoiceField(label=_("类型"), choices=Kind.choices)
    tags = forms.CharField(
        label=_("标签"), max_length=250, required=False, help_text=_("用逗号或空格分开，如：节电 空调")
    )

    field_order = ["kind", "category", "tags", "title", "body", "audience", "effective_from", "expires_on", "note"]

    def __init__(self, *args: Any, categories: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        picker = Picker(label=_("分类"), blank=_("（不分类）"), invalid=_("没有这个分类。"))
        picker.offer([(str(pk), name) for pk, name in categories])
        self.fields["category"] = picker
        self.order_fields(self.field_order)

    def classing(self) -> Classing:
        d = self.cleaned_data
        raw = (d.get("tags") or "").replace("，", ",").replace("、", ",").replace(" ", ",")
        category = d.get("category")
        return Classing(
            kind=d["kind"], category_id=int(category) if category else None, tags=[t for t in raw.split(",") if t]
        )


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(label=_("审核结论"), choices=[("approve", _("通过并发布")), ("reject", _("退回修改"))])
    note = forms.CharField(label=_("审核意见"), max_length=200, required=False, help_text=_("退回时必填。"))


def _tags(raw: str) -> list[str]:
    text = (raw or "").replace("，", ",").replace("、", ",").replace(" ", ",")
    return [t for t in text.split(",") if t]


class ClassingForm(forms.Form):
    """An article filed anew: kind, category, tags, public or internal."""

    kind = forms.ChoiceField(label=_("类型"), choices=Kind.choices)
    tags = forms.CharField(
        label=_("标签"), max_length=250, required=False, help_text=_("用逗号或空格分开，如：节电 空调")
    )
    audience = forms.ChoiceField(
        label=_("公开范围"), choices=Audience.choices, help_text=_("改为公开需审核权限：客户将在网上营业厅读到。")
    )

    field_order = ["kind", "category", "tags", "audience"]

    def __init__(self, *args: Any, categories: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        picker = Picker(label=_("分类"), blank=_("（不分类）"), invalid=_("没有这个分类。"))
        picker.offer([(str(pk), name) for pk, name in categories])
        self.fields["category"] = picker
        self.order_fields(self.field_order)

    def classing(self) -> Classing:
        d = self.cleaned_data
        category = d.get("category")
        return Classing(kind=d["kind"], category_id=int(category) if category else None, tags=_tags(d.get("tags", "")))


class CategoryForm(forms.Form):
    name = forms.CharField(label=_("分类名称"), max_length=50)
