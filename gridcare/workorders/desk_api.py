"""The 95598 desk's API (issue 18): attachments, notes and public replies, urging, merging, the
staff inbox, the order search and saved searches, the triage model's versions. Mounted before
the work-order router, so /workorders/inbox is not read as an order number."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.utils.translation import gettext as _
from ninja import File, Query, Router, Schema
from ninja.files import UploadedFile

from gridcare.core.exceptions import InvalidInput
from gridcare.core.paging import api_page
from gridcare.core.timezone import SHANGHAI
from gridcare.org.access import Capability, require, scope_for
from gridcare.org.api import ERRORS, ErrorOut, scoped_get
from gridcare.workorders import selectors, services
from gridcare.workorders import selectors_desk as desk
from gridcare.workorders.access import order_get_for_scope
from gridcare.workorders.api import OrderOut
from gridcare.workorders.desk_views import attachment_response
from gridcare.workorders.models import InboxItem, InboxReason
from gridcare.workorders.services.desk import attachment_max_bytes

router = Router(tags=["workorders"])
# The upload's one file, optional to ninja so that the order is looked up (404 outside the
# caller's scope) before a missing file is refused (422 on ``file``).
_FILE: Any = File(None)  # type: ignore[type-arg]


class AttachmentOut(Schema):
    id: int
    order: str  # the number of the order it was uploaded to (a merged duplicate's, on the kept one)
    name: str
    kind: str  # jpg, png, pdf, docx, xlsx: read from the content
    content_type: str
    size: int
    sha256: str
    uploaded_at: datetime
    uploaded_by: str | None


class TextIn(Schema):
    text: str


class NoteOut(Schema):
    id: int
    order: str
    public: bool  # a public reply (the customer reads it); else an internal note
    text: str
    at: datetime
    by: str | None


class UrgeIn(Schema):
    text: str
    channel: str = "phone_95598"


class MergeIn(Schema):
    duplicate: str  # the number of the duplicate, closed as merged into this order
    reason: str = ""


class InboxItemOut(Schema):
    id: int
    reason: str
    reason_label: str
    times: int
    note: str
    order: str
    order_status: str
    updated_at: datetime


class SavedSearchIn(Schema):
    name: str
    query: str  # the list's query string, e.g. "type=complaint&unit=U1"


class SavedSearchOut(Schema):
    id: int
    name: str
    query: str


class TriageModelOut(Schema):
    version: int
    trained_at: datetime
    overrides: int
    examples: int
    held_out: int
    candidate_accuracy: float
    current_accuracy: float
    candidate_class_accuracy: float | None
    current_class_accuracy: float | None
    previous_version: int | None
    adopted: bool


# -- attachments ---------------------------------------------------------------------------------------


@router.get("/workorders/{number}/attachments", response={200: list[AttachmentOut], 404: ErrorOut})
def attachment_list(request: HttpRequest, number: str) -> list[dict[str, Any]]:
    """The order's files and those of the duplicates merged into it."""
    _scope, order = scoped_get(request, order_get_for_scope, number=number)
    return [desk.attachment_card(a) for a in desk.order_attachments(order)]


@router.post("/workorders/{number}/attachments", response={201: AttachmentOut, **ERRORS})
def attachment_upload(
    request: HttpRequest, number: str, file: UploadedFile | None = _FILE
) -> tuple[int, dict[str, Any]]:
    """Upload one file (multipart ``file``): its kind is read from its content (jpg, png, pdf,
    docx, xlsx, GRIDCARE_WO_ATTACHMENT_TYPES), at most GRIDCARE_WO_ATTACHMENT_MAX_BYTES; 422 with
    the reason on ``file`` otherwise, and nothing stored."""
    scope, order = scoped_get(request, order_get_for_scope, number=number)
    if file is None:
        raise InvalidInput(_("请选择文件。"), errors={"file": _("必填项。")})
    content = file.read(attachment_max_bytes() + 1)
    attachment = services.attachment_add(
        scope=scope, actor=request.user, order=order, name=file.name or "", content=content
    )
    return 201, desk.attachment_card(attachment)


@router.get("/workorders/{number}/attachments/{attachment_id}", response={200: None, 404: ErrorOut})
def attachment_download(request: HttpRequest, number: str, attachment_id: int) -> HttpResponseBase:
    """The file as a download of its own type (attachment, nosniff)."""
    scope = scope_for(request.user)
    return attachment_response(desk.attachment_get(scope=scope, number=number, attachment_id=attachment_id))


# -- notes and replies ---------------------------------------------------------------------------------


@router.get("/workorders/{number}/notes", response={200: list[NoteOut], 404: ErrorOut})
def note_list(request: HttpRequest, number: str) -> list[dict[str, Any]]:
    """Internal notes and public replies, oldest first (``public`` tells them apart)."""
    _scope, order = scoped_get(request, order_get_for_scope, number=number)
    return [desk.note_card(e) for e in desk.order_notes(order)]


@router.post("/workorders/{number}/notes", response={201: NoteOut, **ERRORS})
def note_add(request: HttpRequest, number: str, payload: TextIn) -> tuple[int, dict[str, Any]]:
    """An internal note: staff only, never shown to the customer."""
    scope, order = scoped_get(request, order_get_for_scope, number=number)
    return 201, desk.note_card(services.workorder_note(scope=scope, actor=request.user, order=order, text=payload.text))


@router.post("/workorders/{number}/replies", response={201: NoteOut, **ERRORS})
def reply_add(request: HttpRequest, number: str, payload: TextIn) -> tuple[int, dict[str, Any]]:
    """A public reply, by the first-ask owner: the customer reads it and is told there is one."""
    scope, order = scoped_get(request, order_get_for_scope, number=number)
    event = services.workorder_reply_public(scope=scope, actor=request.user, order=order, text=payload.text)
    return 201, desk.note_card(event)


# -- urging and merging ----------------------------------------------------------------------------------


@router.post("/workorders/{number}/urge", response={201: OrderOut, **ERRORS})
def urge(request: HttpRequest, number: str, payload: UrgeIn) -> tuple[int, dict[str, Any]]:
    """The customer urges this open order (催办): a new urging order linked to it, its urge count
    raised and its owner alerted. Answers the urging order."""
    scope, order = scoped_get(request, order_get_for_scope, number=number)
    data = services.NewOrder(channel=payload.channel, text=payload.text, urges=order.number)
    made, _suggestion = services.workorder_intake(scope=scope, actor=request.user, data=data)
    return 201, selectors.order_card(made)


@router.post("/workorders/{number}/merge", response={200: OrderOut, **ERRORS})
def merge(request: HttpRequest, number: str, payload: MergeIn) -> dict[str, Any]:
    """Merge the duplicate into this order (ORDER_MERGE): it is closed as merged, its history
    and attachments shown with this one. 409 when either is closed or already merged."""
    scope, order = scoped_get(request, order_get_for_scope, number=number)
    kept = services.workorder_merge(
        scope=scope, actor=request.user, keep=order, duplicate_number=payload.duplicate, reason=payload.reason
    )
    return selectors.order_card(kept)


# -- the inbox --------------------------------------------------------------------------------------------


def _item(item: InboxItem) -> dict[str, Any]:
    return {
        "id": item.pk,
        "reason": item.reason,
        "reason_label": str(InboxReason(item.reason).label),
        "times": item.times,
        "note": item.note,
        "order": item.order.number,
        "order_status": item.order.status,
        "updated_at": item.updated_at.astimezone(SHANGHAI),
    }


@router.get("/workorders/inbox", response={200: list[InboxItemOut], 403: ErrorOut, 422: ErrorOut})
def inbox(
    request: HttpRequest, response: HttpResponse, page: int = 1, page_size: int | None = None
) -> list[dict[str, Any]]:
    """What waits for the caller, newest first; the total is in X-Total-Count."""
    scope = require(scope_for(request.user), Capability.ORDER_INBOX)
    items = desk.inbox_items(scope).order_by("-updated_at", "-id")
    return api_page(response, items, page=page, page_size=page_size, dress=_item)


@router.post("/workorders/inbox/{item_id}/done", response={200: InboxItemOut, 403: ErrorOut, 404: ErrorOut})
def inbox_done(request: HttpRequest, item_id: int) -> dict[str, Any]:
    scope = require(scope_for(request.user), Capability.ORDER_INBOX)
    return _item(services.inbox_done(scope=scope, item_id=item_id))


# -- the search and saved searches ---------------------------------------------------------------------------


class SearchQuery(Schema):
    number: str = ""
    phone: str = ""  # a full mobile; results carry no phone
    account_no: str = ""
    text: str = ""
    type: str = ""
    complaint_class: str = ""
    cause: str = ""
    status: str = ""
    unit: str = ""
    owner: str = ""  # an employee number
    received_from: date | None = None
    received_to: date | None = None


@router.get("/workorders/search", response={200: list[OrderOut], 422: ErrorOut})
def search(
    request: HttpRequest,
    response: HttpResponse,
    filters: Query[SearchQuery],
    page: int = 1,
    page_size: int | None = None,
) -> list[dict[str, Any]]:
    """Orders by number, full phone, account, words, type, class, cause, status, unit, owner and
    the days received (Shanghai dates), newest first; X-Total-Count has the total."""
    scope = scope_for(request.user)
    query = desk.OrderQuery(**filters.dict())
    orders = desk.order_search(orders=selectors.order_list(scope=scope), query=query).prefetch_related("deadlines")
    return api_page(response, orders, page=page, page_size=page_size, dress=selectors.order_card)


@router.get("/workorders/saved-searches", response={200: list[SavedSearchOut]})
def saved_search_list(request: HttpRequest) -> list[dict[str, Any]]:
    return [{"id": s.pk, "name": s.name, "query": s.query} for s in desk.saved_searches(scope_for(request.user))]


@router.post("/workorders/saved-searches", response={201: SavedSearchOut, **ERRORS})
def saved_search_save(request: HttpRequest, payload: SavedSearchIn) -> tuple[int, dict[str, Any]]:
    saved = services.saved_search_save(scope=scope_for(request.user), name=payload.name, query=payload.query)
    return 201, {"id": saved.pk, "name": saved.name, "query": saved.query}


@router.delete("/workorders/saved-searches/{search_id}", response={204: None, 404: ErrorOut})
def saved_search_delete(request: HttpRequest, search_id: int) -> tuple[int, None]:
    services.saved_search_delete(scope=scope_for(request.user), search_id=search_id)
    return 204, None


# -- the triage model --------------------------------------------------------------------------------------------


@router.get("/workorders/triage/models", response={200: list[TriageModelOut], 403: ErrorOut})
def triage_models(request: HttpRequest) -> list[dict[str, Any]]:
    """The retrainings, newest first: held-out accuracy of the candidate and of the model then in use."""
    require(scope_for(request.user), Capability.ORDER_FIGURES)
    names = [f for f in TriageModelOut.model_fields]  # type: ignore[attr-defined]
    return [{name: getattr(v, name) for name in names} for v in desk.triage_versions()]
