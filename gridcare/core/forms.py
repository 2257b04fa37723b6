"""The calendar page's forms (the notice reference, holiday ranges and make-up days), and the one
way a staff form picks a unit, hall, staff member, feeder or 台区: ``Picker``, ``TypeaheadPicker``
and ``MultiPicker`` with choices from the owner app's selectors for the caller's scope."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django import forms
from django.utils.functional import Promise
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _


def _date_picker() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class NoticeForm(forms.Form):
    source = forms.CharField(
        label=_("通知文号"),
        max_length=200,
        required=False,  # the service says what is missing, with the other problems
        widget=forms.TextInput(attrs={"placeholder": _("如 国办发明电〔2025〕7号")}),
    )


class HolidayForm(forms.Form):
    name = forms.CharField(label=_("节日"), max_length=50, required=False)
    first = forms.DateField(label=_("放假开始"), required=False, widget=_date_picker())
    last = forms.DateField(label=_("放假结束"), required=False, widget=_date_picker())

    def is_blank(self) -> bool:
        data = self.cleaned_data
        return not (data.get("name") or data.get("first") or data.get("last"))


class MakeupDayForm(forms.Form):
    day = forms.DateField(label=_("调休上班日"), required=False, widget=_date_picker())


HolidayFormSet = forms.formset_factory(HolidayForm, extra=3)
MakeupDayFormSet = forms.formset_factory(MakeupDayForm, extra=3)


# -- pickers: units, halls, staff, feeders, 台区 … chosen by name, never typed as codes ----------

Choice = tuple[str, str]


def named(code: str, name: str) -> str:
    """How a picker shows a choice: its name, the code after it ("城区供电所（U1）")."""
    return f"{name}（{code}）"


class Picker(forms.ChoiceField):
    """One of the choices an owner app's selector offers the caller (its scope), shown by name;
    a value that was not offered is refused with the field's message, so a wrong or foreign code
    never reaches the service, which still receives the code. ``blank`` labels the empty choice
    (a picker that may be left empty); the view or form calls ``offer`` with the choices."""

    def __init__(self, *, blank: str | Promise | None = None, invalid: Any = None, **kwargs: Any) -> None:
        self.blank = blank
        kwargs.setdefault("required", blank is None)
        super().__init__(**kwargs)
        if invalid is not None:  # the owner's own words for "no such unit" (else Django's)
            self.error_messages["invalid_choice"] = invalid

    def offer(self, choices: Iterable[Choice]) -> None:
        self.choices = [*([("", self.blank)] if self.blank is not None else []), *choices]


class DatalistInput(forms.TextInput):
    """A text box with the browser's own type-ahead (``<input list>`` and a ``<datalist>`` of
    the offered choices): for lists too long for a drop-down (staff, feeders, 台区)."""

    choices: Sequence[Choice] = ()

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> SafeString:
        attrs = {**(attrs or {}), "autocomplete": "off", "placeholder": _("输入名称或编码筛选")}
        list_id = f"{attrs.get('id') or 'id_' + name}_options"
        attrs["list"] = list_id
        box = super().render(name, value, attrs, renderer)
        options = format_html_join(
            "", '<option value="{}">{}</option>', ((code, label) for code, label in self.choices if code)
        )
        return format_html('{}<datalist id="{}">{}</datalist>', box, list_id, options)


class TypeaheadPicker(Picker):
    """A ``Picker`` for long lists: type part of the name or code, pick from what matches."""

    widget = DatalistInput

    def to_python(self, value: Any) -> str:
        return str(super().to_python(value)).strip()


class FilteredSelectMultiple(forms.SelectMultiple):
    """A multi-select of named choices with a filter box above it (static/js/gridcare.js hides
    the options that do not match what is typed; the chosen ones stay)."""

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> SafeString:
        attrs = {"size": "8", **(attrs or {})}
        select_id = attrs.get("id") or f"id_{name}"
        attrs["id"] = select_id
        box = format_html(
            '<input type="search" class="picker-filter" data-filter-for="{}" placeholder="{}" aria-label="{}">',
            select_id,
            _("输入名称或编码筛选"),
            _("筛选"),
        )
        return format_html("{}{}", box, super().render(name, value, attrs, renderer))


class MultiPicker(forms.MultipleChoiceField):
    """Several of the offered choices (the feeders or 台区 of an outage), by name; a value that
    was not offered is refused like ``Picker``'s."""

    widget = FilteredSelectMultiple

    def __init__(self, *, invalid: Any = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if invalid is not None:
            self.error_messages["invalid_choice"] = invalid

    def to_python(self, value: Any) -> list[str]:
        return [v for v in super().to_python(value) if v]  # an empty value is no choice

    def offer(self, choices: Iterable[Choice]) -> None:
        self.choices = list(choices)


def offer(form: forms.BaseForm, **choices: Iterable[Choice]) -> None:
    """Give each named picker of ``form`` its choices (``offer(form, unit=unit_choices(scope))``)."""
    for name, offered in choices.items():
        field = form.fields[name]
        assert isinstance(field, Picker | MultiPicker), name
        field.offer(offered)


class DecisionForm(forms.Form):
    """A second person's decision of a request (``core.approval``): approve or reject, with a
    note; sent by ``templates/includes/approval_decision.html`` to a view using
    ``core.views.decision_action``."""

    approve = forms.ChoiceField(choices=[("1", _("批准")), ("0", _("驳回"))], widget=forms.HiddenInput)
    note = forms.CharField(label=_("审批意见"), max_length=200, required=False)
