from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from gridcare.core.forms import Picker, TypeaheadPicker, offer
from gridcare.customers.selectors import area_choices
from gridcare.org.access import Path, Reach, Scope
from gridcare.org.models import AreaType
from gridcare.org.selectors import CrewGroup, crew_choices, hall_choices, staff_choices, unit_choices
from gridcare.workorders.models import Channel, ComplaintClass, ConnectionCategory, OrderType, Urgency, WorkOrder
from gridcare.workorders.selectors import cause_choices
from gridcare.workorders.services import NewOrder

_BLANK: list[tuple[str, str]] = [("", "—")]


class CauseSelect(forms.Select):
    """The causes as a select whose options carry their class (``data-class``): intake.js shows
    only the causes of the class chosen."""

    classes: dict[str, str] = {}

    def create_option(self, name: str, value: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option = super().create_option(name, value, *args, **kwargs)
        klass = self.classes.get(str(value))
        if klass:
            option["attrs"]["data-class"] = klass
        return option


class CausePicker(Picker):
    """An active complaint cause (投诉原因), shown as 分类 · 原因 where all classes are offered."""

    widget = CauseSelect

    def offer_causes(self, causes: Iterable[tuple[str, str, str, int]], *, with_class: bool) -> None:
        causes = list(causes)
        label = {k: str(v) for k, v in ComplaintClass.choices}
        self.offer((code, f"{label[klass]} · {name}" if with_class else name) for code, name, klass, _p in causes)
        assert isinstance(self.widget, CauseSelect)
        self.widget.classes = {code: klass for code, _name, klass, _p in causes}


_CAUSE_INVALID = _("投诉原因不存在或已停用，请从列表中选择。")


class IntakeForm(forms.Form):
    """The fast form of a 95598 call: who (account or phone), what they said, type, where."""

    channel = forms.ChoiceField(label=_("受理渠道"), choices=Channel.choices, initial=Channel.PHONE_95598)
    lookup = forms.CharField(label=_("户号或手机号码"), max_length=20, required=False)
    text = forms.CharField(label=_("客户诉求"), widget=forms.Textarea(attrs={"rows": 4}))
    type = forms.ChoiceField(label=_("工单类型"), choices=_BLANK + list(OrderType.choices), required=False)
    complaint_class = forms.ChoiceField(
        label=_("投诉分类"), choices=_BLANK + list(ComplaintClass.choices), required=False
    )
    complaint_cause = CausePicker(label=_("投诉原因"), blank="—", invalid=_CAUSE_INVALID)
    urgency = forms.ChoiceField(label=_("紧急程度"), choices=_BLANK + list(Urgency.choices), required=False)
    location = forms.CharField(label=_("地点"), max_length=200, required=False)
    transformer_area = TypeaheadPicker(
        label=_("台区"), blank="", invalid=_("台区不存在或不在您的管辖范围：%(value)s。")
    )
    area_type = forms.ChoiceField(label=_("区域类型"), choices=_BLANK + list(AreaType.choices), required=False)

    def __init__(self, *args: Any, scope: Scope, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The company's 台区: the service looks the code up in the caller's company.
        offer(self, transformer_area=area_choices(scope.filter(Reach.COMPANY, Path.unit_of("feeder__unit"))))
        cause = self.fields["complaint_cause"]
        assert isinstance(cause, CausePicker)
        cause.offer_causes(cause_choices(), with_class=True)

    def new_order(self) -> NewOrder:
        data = self.cleaned_data
        lookup = (data.get("lookup") or "").strip()
        is_phone = len(lookup) == 11 and lookup.startswith("1")
        return NewOrder(
            channel=data["channel"],
            text=data["text"],
            type=data.get("type") or None,
            complaint_class=data.get("complaint_class") or None,
            urgency=data.get("urgency") or None,
            account_no=lookup if lookup and not is_phone else None,
            phone=lookup if is_phone else None,
            transformer_area=data.get("transformer_area") or None,
            area_type=data.get("area_type") or None,
            location=data.get("location") or "",
            complaint_cause=data.get("complaint_cause") or None,
        )


def _note() -> forms.CharField:
    return forms.CharField(label=_("说明"), max_length=500, required=False)


class ActionForm(forms.Form):
    """An action of the order page; each action's form adds its fields (``ACTION_FORMS``). Each
    form on the page has ids of its own (``auto_id="id_<action>_%s"``: id_hand_over_note …)."""

    def __init__(self, *args: Any, scope: Scope, order: WorkOrder | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.scope = scope
        self.order = order


class NoteForm(ActionForm):
    """The actions whose only field is their note (accept, arrive, restore, reply, contact,
    pause, reopen)."""

    note = _note()


class CloseForm(NoteForm):
    """Closing: a complaint is put down to one of its class's causes (the one chosen at intake
    is preselected; the service refuses closing without one)."""

    complaint_cause = CausePicker(label=_("投诉原因"), blank="—", invalid=_CAUSE_INVALID)

    def __init__(self, *args: Any, scope: Scope, order: WorkOrder | None = None, **kwargs: Any) -> None:
        super().__init__(*args, scope=scope, order=order, **kwargs)
        if order is None or order.type != OrderType.COMPLAINT:
            del self.fields["complaint_cause"]
            return
        cause = self.fields["complaint_cause"]
        assert isinstance(cause, CausePicker)
        cause.offer_causes(cause_choices(complaint_class=order.complaint_class), with_class=False)
        if order.complaint_cause_id is not None and order.complaint_cause is not None:
            cause.initial = order.complaint_cause.code


class CrewPicker(Picker):
    """The active repair crews of the units offered, grouped by unit, each shown as "单位 · 班组";
    the value names the unit and the crew (``org.selectors.crew_value``), so the same name in two
    units stays two choices. The form turns it back into the crew's name."""

    def offer_groups(self, groups: Iterable[CrewGroup]) -> None:
        self.choices = [*([("", self.blank)] if self.blank is not None else []), *groups]


class DispatchForm(ActionForm):
    """Where an order goes: the company's units and halls (the services look each code up in the
    order's company) and one of the active crews of the unit it goes to (none: no crew named)."""

    unit = Picker(label=_("供电单位"), blank="—", invalid=_("供电单位不存在。"))
    hall = Picker(label=_("营业厅"), blank="—", invalid=_("营业厅不存在。"))
    crew = CrewPicker(label=_("抢修班组"), blank="—", invalid=_("班组不存在或已停用，请从列表中选择。"))
    note = _note()

    def __init__(self, *args: Any, scope: Scope, **kwargs: Any) -> None:
        super().__init__(*args, scope=scope, **kwargs)
        offer(self, unit=unit_choices(scope, Reach.COMPANY), hall=hall_choices(scope, Reach.COMPANY))
        crew = self.fields["crew"]
        assert isinstance(crew, CrewPicker)
        crew.offer_groups(crew_choices(scope, reach=Reach.COMPANY))

    def clean(self) -> dict[str, Any]:
        """The picked crew as its name; its unit is where the order goes when no unit or hall is
        picked, and must be the picked unit otherwise (a hall's unit is the service's check)."""
        super().clean()
        data = self.cleaned_data
        picked = data.get("crew") or ""
        unit_code, _sep, name = picked.partition("/")
        data["crew"] = name
        if not picked or data.get("hall"):
            return data
        if not data.get("unit"):
            data["unit"] = unit_code
        elif data["unit"] != unit_code:
            self.add_error("crew", _("所选班组不属于派往的供电单位，请选择该单位的班组。"))
        return data


class StaffPickForm(ActionForm):
    """A hand-over's receiver, or the staff member a complaint was found true against."""

    to = TypeaheadPicker(label=_("接收人"), blank="", invalid=_("员工不存在。"))
    note = _note()

    def __init__(self, *args: Any, scope: Scope, **kwargs: Any) -> None:
        super().__init__(*args, scope=scope, **kwargs)
        offer(self, to=staff_choices(scope))


class VerifyForm(StaffPickForm):
    to = TypeaheadPicker(label=_("责任人"), blank="", invalid=_("员工不存在。"))
    note = forms.CharField(label=_("查实情况"), max_length=500, required=False)


class CallBackForm(ActionForm):
    reached = forms.BooleanField(label=_("联系上客户"), required=False)
    satisfied = forms.ChoiceField(
        label=_("是否满意"), choices=[("", "—"), ("yes", _("满意")), ("no", _("不满意"))], required=False
    )
    note = _note()


class ConfirmOutageForm(ActionForm):
    """Confirming an incident as an outage of its 台区 tells every customer there: asked first."""

    confirmed = forms.BooleanField(
        label=_("确认该故障为台区停电并通知全部受影响客户"),
        error_messages={"required": _("请勾选确认后再提交。")},
    )


# The form of each action of the order page (``views._actions``), by the action's name.
ACTION_FORMS: dict[str, type[ActionForm]] = {
    "close": CloseForm,
    "dispatch": DispatchForm,
    "hand_over": StaffPickForm,
    "call_back": CallBackForm,
    "verify": VerifyForm,
    "confirm_outage": ConfirmOutageForm,
    "resume": ActionForm,  # a button
}


def action_form(action: str, *, scope: Scope, data: Any = None, order: WorkOrder | None = None) -> ActionForm:
    """The order page's form for ``action`` (on ``order``), bound to ``data`` when given, under
    its own ids."""
    return ACTION_FORMS.get(action, NoteForm)(data, scope=scope, order=order, auto_id=f"id_{action}_%s")


class ConnectionForm(forms.Form):
    """A new-connection application taken at the counter or by the account manager (WO-8)."""

    applicant = forms.CharField(label=_("申请人"), max_length=100)
    phone = forms.CharField(label=_("联系电话"), max_length=20, required=False)
    address = forms.CharField(label=_("用电地址"), max_length=200)
    category = forms.ChoiceField(label=_("类别"), choices=ConnectionCategory.choices)
    supply_unit = Picker(label=_("供电单位"), invalid=_("供电单位不存在。"))
    # Text checked by the service's rule (workorders.rules.requested_capacity), so the page and
    # the API refuse "1e300", NaN, negatives and a second decimal with the same message.
    capacity_kva = forms.CharField(
        label=_("申请容量(kVA)"),
        initial="0",
        required=False,
        max_length=20,
        widget=forms.NumberInput(attrs={"min": "0", "step": "0.1"}),
    )

    def __init__(self, *args: Any, scope: Scope, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        offer(self, supply_unit=unit_choices(scope, Reach.COMPANY))  # the service: any of the company's


class AdvanceForm(forms.Form):
    note = forms.CharField(label=_("环节说明"), max_length=200, required=False)


class CauseForm(forms.Form):
    """A new complaint cause (投诉原因): its class and name; placed last in its class unless a
    position is given."""

    complaint_class = forms.ChoiceField(label=_("投诉分类"), choices=ComplaintClass.choices)
    name = forms.CharField(label=_("名称"), max_length=50)
    position = forms.IntegerField(label=_("排序"), required=False, min_value=0, max_value=32_767)


class CauseEditForm(forms.Form):
    """Renaming or moving a cause (its class stays: the orders put down to it keep their class)."""

    name = forms.CharField(label=_("名称"), max_length=50)
    position = forms.IntegerField(label=_("排序"), min_value=0, max_value=32_767)


# -- the desk (issue 18) -----------------------------------------------------------------------------


class OrderSearchForm(forms.Form):
    """The order list's search: by number, full phone, account, words, type, class, cause,
    status, unit, owner and the days received (Shanghai dates), each optional."""

    number = forms.CharField(label=_("工单编号"), max_length=30, required=False)
    phone = forms.CharField(label=_("联系电话"), max_length=20, required=False)
    account_no = forms.CharField(label=_("户号"), max_length=20, required=False)
    text = forms.CharField(label=_("诉求内容"), max_length=100, required=False)
    type = Picker(label=_("工单类型"), blank="—", invalid=_("工单类型不在允许范围内。"))
    complaint_class = Picker(label=_("投诉分类"), blank="—", invalid=_("投诉分类不在允许范围内。"))
    cause = Picker(label=_("投诉原因"), blank="—", invalid=_CAUSE_INVALID)
    status = Picker(label=_("状态"), blank="—", invalid=_("状态不在允许范围内。"))
    unit = Picker(label=_("供电单位"), blank="—", invalid=_("供电单位不存在或不在您的管辖范围。"))
    owner = TypeaheadPicker(label=_("负责人"), blank="", invalid=_("员工不存在，请从列表中选择。"))
    received_from = forms.DateField(
        label=_("受理日期自"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    received_to = forms.DateField(label=_("至"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, scope: Scope, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from gridcare.workorders.models import Status

        offer(
            self,
            type=[(k, str(v)) for k, v in OrderType.choices],
            complaint_class=[(k, str(v)) for k, v in ComplaintClass.choices],
            cause=[(code, name) for code, name, _k, _p in cause_choices()],
            status=[(k, str(v)) for k, v in Status.choices],
            unit=unit_choices(scope),
            owner=staff_choices(scope),
        )


class DeskNoteForm(forms.Form):
    """An internal note (内部备注) or a public reply (答复客户) on the order page."""

    kind = forms.ChoiceField(
        label=_("类别"), choices=[("note", _("内部备注（客户不可见）")), ("reply", _("答复客户（客户可见并收到通知）"))]
    )
    text = forms.CharField(label=_("内容"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("附件"), help_text=_("照片或文件：jpg、png、pdf、docx、xlsx"))


class UrgeForm(forms.Form):
    """The customer urges an open order (催办): what they said, by which channel."""

    channel = forms.ChoiceField(label=_("受理渠道"), choices=Channel.choices, initial=Channel.PHONE_95598)
    text = forms.CharField(label=_("催办内容"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class MergeForm(forms.Form):
    duplicate = forms.CharField(label=_("重复工单编号"), max_length=30)
    reason = forms.CharField(label=_("说明"), max_length=200, required=False)


class SavedSearchForm(forms.Form):
    name = forms.CharField(label=_("名称"), max_length=40)
    query = forms.CharField(max_length=2000, required=False, widget=forms.HiddenInput)
