"""The 95598 desk's pages (issue 18): the staff inbox and its live count, attachments, notes and
replies, urging and merging from the order page, a caller's open orders at intake, saved
searches and the triage model's versions. Thin: a form, one service or selector, a redirect."""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from gridcare.core.paging import paginate, sort_rows
from gridcare.core.views import (
    ask_first,
    confirmation,
    confirmed,
    is_htmx,
    page_action,
    page_get,
    staff_required,
)
from gridcare.org.access import Capability, request_scope, require
from gridcare.workorders import forms, services
from gridcare.workorders import selectors_desk as desk
from gridcare.workorders.access import order_get_for_scope
from gridcare.workorders.models import Attachment, WorkOrder
from gridcare.workorders.services.desk import attachment_max_bytes
from gridcare.workorders.services.searches import search_query

# The inbox's sortable columns: the whitelist.
INBOX_SORTS: dict[str, tuple[str, ...]] = {
    "updated": ("updated_at", "id"),
    "reason": ("reason", "-updated_at"),
    "order": ("order__number",),
    "received": ("order__received_at", "id"),
}


@staff_required
def inbox(request: HttpRequest) -> HttpResponse:
    """我的待办: what waits for the person (newest first), and the open orders they own."""
    scope = require(request_scope(request), Capability.ORDER_INBOX)
    tab = "mine" if request.GET.get("tab") == "mine" else "waiting"
    if tab == "mine":
        rows, sorting = sort_rows(request, desk.my_open_orders(scope), {"received": ("received_at", "id")})
    else:
        items = desk.inbox_items(scope).order_by("-updated_at", "-id")
        rows, sorting = sort_rows(request, items, INBOX_SORTS)
    page = paginate(request, rows)
    context = {
        "tab": tab,
        "rows": page.items,
        "page": page,
        "sorting": sorting,
        "counts": desk.inbox_counts(scope),
        "mine_count": desk.my_open_orders(scope).count(),
    }
    return render(request, "workorders/inbox.html", context)


@require_GET
@staff_required
def inbox_count(request: HttpRequest) -> HttpResponse:
    """htmx: the top bar's number of what waits (polled every minute; one COUNT)."""
    scope = require(request_scope(request), Capability.ORDER_INBOX)
    return render(request, "workorders/_inbox_count.html", {"inbox_count": desk.inbox_count(scope)})


@require_POST
@staff_required
def inbox_done(request: HttpRequest, item_id: int) -> HttpResponse:
    scope = require(request_scope(request), Capability.ORDER_INBOX)
    services.inbox_done(scope=scope, item_id=item_id)  # not the person's: 404
    messages.success(request, _("已标记为已处理。"))
    return redirect("workorders:inbox")


# -- on the order page ---------------------------------------------------------------------------------


@require_POST
@staff_required
def attachment_upload(request: HttpRequest, number: str) -> HttpResponse:
    scope, order = page_get(request, order_get_for_scope, number=number)
    form = forms.AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("请选择要上传的文件。"))
        return redirect("workorders:detail", number=number)
    upload = form.cleaned_data["file"]
    limit = attachment_max_bytes()
    content = upload.read(limit + 1)  # one byte past the limit is enough to refuse it
    page_action(
        request,
        lambda: services.attachment_add(
            scope=scope, actor=request.user, order=order, name=upload.name or "", content=content
        ),
        success=lambda a: _("已上传附件“%(name)s”。") % {"name": a.name},
    )
    return redirect("workorders:detail", number=number)


def attachment_response(attachment: Attachment) -> FileResponse:
    """A stored file as a download of its own type: never inline, never sniffed into HTML; an
    image still shows in an <img> of the order page (an <img> ignores the disposition)."""
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.name,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@staff_required
def attachment_download(request: HttpRequest, number: str, attachment_id: int) -> HttpResponseBase:
    scope = request_scope(request)
    return attachment_response(desk.attachment_get(scope=scope, number=number, attachment_id=attachment_id))


@require_POST
@staff_required
def note(request: HttpRequest, number: str) -> HttpResponse:
    """An internal note, or a public reply to the customer (the owner's)."""
    scope, order = page_get(request, order_get_for_scope, number=number)
    form = forms.DeskNoteForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写内容。"))
        return redirect("workorders:detail", number=number)
    text, public = form.cleaned_data["text"], form.cleaned_data["kind"] == "reply"
    service = services.workorder_reply_public if public else services.workorder_note
    page_action(
        request,
        lambda: service(scope=scope, actor=request.user, order=order, text=text),
        success=_("已答复客户。") if public else _("已添加内部备注。"),
    )
    return redirect("workorders:detail", number=number)


@require_POST
@staff_required
def urge(request: HttpRequest, number: str) -> HttpResponse:
    """The customer urges this open order: an urging order linked to it (催办)."""
    scope, order = page_get(request, order_get_for_scope, number=number)
    posted = request.POST.copy()
    if not posted.get("text", "").strip():
        posted["text"] = _("客户来电催办")  # the intake page's button before anything was typed
    form = forms.UrgeForm(posted)
    if is_htmx(request) and not confirmed(request) and form.is_valid():
        # The intake page's 催办此单: asked first, under the order's row; the confirmation posts
        # the intake's words again (confirmed=1) and lands on the order urged.
        context = {"sentence": _urge_question(order), "order": order}
        return render(request, "workorders/_urge_confirm.html", context)
    if form.is_valid():
        data = services.NewOrder(
            channel=form.cleaned_data["channel"], text=form.cleaned_data["text"], urges=order.number
        )
        page_action(
            request,
            lambda: services.workorder_intake(scope=scope, actor=request.user, data=data),
            success=lambda made: _("已催办，催办工单 %(no)s。") % {"no": made[0].number},
        )
    else:
        messages.error(request, _("催办内容或受理渠道有误。"))
    if is_htmx(request):  # from the intake page: go to the order urged, with the confirmation
        answer = HttpResponse(status=204)
        answer["HX-Redirect"] = f"/workorders/{order.number}/"
        return answer
    return redirect("workorders:detail", number=number)


def _urge_question(order: WorkOrder) -> str:
    owner = order.owner.name if order.owner else _("（尚未派工）")
    return _(
        "将新建一张催办工单并关联工单 %(no)s：其催办次数由 %(n)s 次变为 %(m)s 次，并提醒负责人 %(owner)s。确认催办吗？"
    ) % {"no": order.number, "n": order.urge_count, "m": order.urge_count + 1, "owner": owner}


@require_POST
@staff_required
def merge(request: HttpRequest, number: str) -> HttpResponse:
    """Merge a duplicate into this order, asked first with what will happen."""
    scope, order = page_get(request, order_get_for_scope, number=number)
    form = forms.MergeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写重复工单的编号。"))
        return redirect("workorders:detail", number=number)
    duplicate, reason = form.cleaned_data["duplicate"], form.cleaned_data["reason"]
    asked, merged = ask_first(
        request,
        ask=lambda: confirmation(
            request,
            sentence=services.merge_preview(scope=scope, keep=order, duplicate_number=duplicate),
            button=_("确认合并"),
            cancel=f"/workorders/{order.number}/",
        ),
        act=lambda: services.workorder_merge(
            scope=scope, actor=request.user, keep=order, duplicate_number=duplicate, reason=reason
        ),
        form=form,
        success=_("已合并工单 %(dup)s。") % {"dup": duplicate},
    )
    if asked is not None:
        return render(request, "workorders/merge_confirm.html", {"order": order, "confirm": asked})
    if merged is None:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
    return redirect("workorders:detail", number=number)


# -- intake ---------------------------------------------------------------------------------------------


@require_GET
@staff_required
def open_orders(request: HttpRequest) -> HttpResponse:
    """htmx at intake: the caller's open orders (by the full 户号 or mobile typed), each with a
    button to urge it instead of taking a duplicate."""
    lookup = request.GET.get("lookup", "")[:20]
    orders = desk.customer_open_orders(scope=request_scope(request), lookup=lookup)
    return render(request, "workorders/_open_orders.html", {"orders": orders, "urge_form": forms.UrgeForm()})


# -- saved searches --------------------------------------------------------------------------------------


@require_POST
@staff_required
def search_save(request: HttpRequest) -> HttpResponse:
    scope = request_scope(request)
    form = forms.SavedSearchForm(request.POST)
    query = request.POST.get("query", "")
    if form.is_valid():
        page_action(
            request,
            lambda: services.saved_search_save(scope=scope, name=form.cleaned_data["name"], query=query),
            success=lambda s: _("已保存常用查询“%(name)s”。") % {"name": s.name},
        )
    else:
        messages.error(request, _("请给查询起个名字（最多40个字）。"))
    return redirect(f"/workorders/?{search_query(query)}")


@require_POST
@staff_required
def search_delete(request: HttpRequest, search_id: int) -> HttpResponse:
    services.saved_search_delete(scope=request_scope(request), search_id=search_id)  # not theirs: 404
    messages.success(request, _("已删除常用查询。"))
    return redirect("workorders:list")


# -- the triage model --------------------------------------------------------------------------------------


@require_GET
@staff_required
def triage_page(request: HttpRequest) -> HttpResponse:
    """The triage model's retrainings: held-out accuracy of the candidate and of the model then
    in use, overrides counted, whether it was adopted."""
    require(request_scope(request), Capability.ORDER_FIGURES)
    from gridcare.workorders.models import TriageOverride

    context = {
        "versions": desk.triage_versions(),
        "current": desk.triage_current(),
        "overrides": TriageOverride.objects.count(),
    }
    return render(request, "workorders/triage.html", context)
