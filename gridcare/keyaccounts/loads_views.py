"""Staff pages of load data, energy diagnosis and remote-service findings (KEY-3/4):

- ``/key-accounts/loads/``: upload a metering export (KEY_LOAD_IMPORT; the importer confirms what
  an import does), the imports of one's reach, newest first; ``/key-accounts/loads/<id>/``: one
  import, what it brought in or the problems it was refused for;
- ``/key-accounts/<户号>/diagnosis/?start=&end=&shift=``: an account's diagnosis (KEY_DIAGNOSIS)
  in sentences, tables and charts, and its PDF for the customer (``…/diagnosis.pdf``);
- ``/key-accounts/findings/``: the remote-service worklist of one's reach, open first, and each
  finding's status (KEY_FINDING_HANDLE, asked first).

Every figure is the rules' (``selectors_loads.account_diagnosis``), shown through
``diagnosis_report``; every write goes through the services."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.db.models import Case, IntegerField, Value, When
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gridcare.core.history import history_lines
from gridcare.core.paging import paginate
from gridcare.core.views import confirmation, confirmed, page_action, page_get, staff_required
from gridcare.keyaccounts import diagnosis_report as report
from gridcare.keyaccounts import loads_forms as forms
from gridcare.keyaccounts import selectors_loads as selectors
from gridcare.keyaccounts.diagnosis_pdf import diagnosis_pdf
from gridcare.keyaccounts.loads_access import diagnosis_account_get, finding_get_for_scope, import_get_for_scope
from gridcare.keyaccounts.loads_conf import key_decimal, key_int
from gridcare.keyaccounts.models import Finding, FindingStatus, LoadImport, LoadImportStatus
from gridcare.keyaccounts.services.loads import MB, load_import
from gridcare.keyaccounts.services.remote import TRANSITIONS, finding_transition
from gridcare.org.access import Capability, Scope, can, request_scope, require

# -- load-data imports ---------------------------------------------------------------------------


def _import_sentence(row: LoadImport) -> str:
    if row.status == LoadImportStatus.IMPORTED:
        return _("已导入 %(rows)s 行、%(accounts)s 户，涉及 %(months)s。") % {
            "rows": row.rows,
            "accounts": row.accounts,
            "months": "、".join(row.months) or "—",
        }
    blocking = row.problems.filter(blocking=True).count()
    return _("有 %(n)s 个问题，整份文件未导入。") % {"n": blocking}


@staff_required
def loads(request: HttpRequest) -> HttpResponse:
    """Upload a load-data file and the imports of the caller's reach, newest first."""
    scope = require(request_scope(request), Capability.KEY_LOAD_IMPORT)
    form = forms.UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read(key_int("LOAD_FILE_MAX_MB") * MB + 1)
        done = page_action(
            request,
            lambda: load_import(
                scope=scope,
                actor=request.user,
                file_name=upload.name or "",
                data=data,
                interval_minutes=form.cleaned_data["interval_minutes"],
            ),
            form=form,
        )
        if done is not None:
            if done.status == LoadImportStatus.IMPORTED:
                messages.success(
                    request, _("文件“%(name)s”已导入：") % {"name": done.file_name} + _import_sentence(done)
                )
            else:
                messages.error(request, _("文件“%(name)s”未导入：") % {"name": done.file_name} + _import_sentence(done))
            return redirect("keyaccounts:load", import_id=done.pk)
    page = paginate(request, selectors.import_list(scope=scope))
    rows = [(row, _import_sentence(row)) for row in page]
    return render(request, "keyaccounts/loads.html", {"form": form, "page": page, "rows": rows})


def problem_sentence(p: Any) -> str:
    where = _("第 %(row)s 行") % {"row": p.row} if p.row else _("文件")
    what = p.detail or str(p.get_kind_display())
    tail = "" if p.blocking else _("（仅提示，不影响导入）")
    return _("%(where)s：%(kind)s——%(what)s%(tail)s") % {
        "where": where,
        "kind": p.get_kind_display(),
        "what": what,
        "tail": tail,
    }


@staff_required
def load(request: HttpRequest, import_id: int) -> HttpResponse:
    require(request_scope(request), Capability.KEY_LOAD_IMPORT)
    _scope, found = page_get(request, import_get_for_scope, import_id=import_id)
    page = paginate(request, found.problems.all())
    context = {
        "row": found,
        "sentence": _import_sentence(found),
        "page": page,
        "problems": [problem_sentence(p) for p in page],
    }
    return render(request, "keyaccounts/load.html", context)


# -- the diagnosis -------------------------------------------------------------------------------


def _period(request: HttpRequest) -> forms.PeriodForm:
    data = {k: request.GET.get(k, "")[:40] for k in ("start", "end", "shift")}
    return forms.PeriodForm(data)


def _diagnosis(request: HttpRequest, account_no: str) -> tuple[Scope, Any, forms.PeriodForm, Any]:
    require(request_scope(request), Capability.KEY_DIAGNOSIS)
    scope, account = page_get(request, diagnosis_account_get, account_no=account_no)
    form = _period(request)
    if not form.is_valid():
        return scope, account, form, None
    d = form.cleaned_data
    shift = d["shift"] if d.get("shift") is not None else key_decimal("SHIFT_PERCENT")
    found = selectors.account_diagnosis(account=account, first=d["first"], last=d["last"], shift_percent=shift)
    return scope, account, form, report.report(account, found)


@staff_required
def diagnosis(request: HttpRequest, account_no: str) -> HttpResponse:
    scope, account, form, made = _diagnosis(request, account_no)
    if made is not None and not form.data.get("start"):
        form = forms.PeriodForm(
            {
                "start": made.diagnosis.first.isoformat(),
                "end": made.diagnosis.last.isoformat(),
                "shift": report.percent(made.diagnosis.shift_percent),
            }
        )
        form.is_valid()
    query = ""
    if made is not None:
        query = urlencode(
            {
                "start": made.diagnosis.first.isoformat(),
                "end": made.diagnosis.last.isoformat(),
                "shift": report.percent(made.diagnosis.shift_percent),
            }
        )
    context = {
        "account": account,
        "form": form,
        "report": made,
        "charts": report.chart_data(made.diagnosis) if made is not None else None,
        "heat_rows": report.heat_rows(made.diagnosis) if made is not None else [],
        "query": query,
        "can_portfolio": can(scope, Capability.KEY_PORTFOLIO),
        "open_findings": Finding.objects.filter(
            pk__in=selectors.finding_list(scope=scope, account_no=account.account_no).values("pk"),
            status__in=[FindingStatus.OPEN, FindingStatus.CONTACTED],
        ).count(),
    }
    return render(request, "keyaccounts/diagnosis.html", context)


@staff_required
def diagnosis_file(request: HttpRequest, account_no: str) -> HttpResponse:
    _scope, account, _form, made = _diagnosis(request, account_no)
    if made is None:  # the page says what is wrong with the period, on its field
        url = reverse("keyaccounts:diagnosis", kwargs={"account_no": account.account_no})
        return redirect(f"{url}?{urlencode({k: v for k, v in _form.data.items() if v})}")
    body = diagnosis_pdf(made)
    answer = HttpResponse(body, content_type="application/pdf")
    name = f"diagnosis-{account.account_no}-{made.diagnosis.first:%Y%m%d}-{made.diagnosis.last:%Y%m%d}.pdf"
    answer["Content-Disposition"] = f'inline; filename="{name}"'
    return answer


# -- the worklist --------------------------------------------------------------------------------

OPEN_FIRST = Case(
    When(status=FindingStatus.OPEN, then=Value(0)),
    When(status=FindingStatus.CONTACTED, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)


def _account_choices(scope: Scope) -> list[tuple[str, str]]:
    """The accounts that have findings in the caller's reach, by 户号."""
    seen = (
        selectors.finding_list(scope=scope)
        .order_by("account__account_no")
        .values_list("account__account_no", "account__customer__name")
        .distinct()
    )
    return [(no, f"{name}（{no}）") for no, name in seen[:1000]]


def _item(f: Finding, may: bool, form: forms.FindingStatusForm | None = None) -> dict[str, Any]:
    allowed = TRANSITIONS[f.status] if may else frozenset()
    return {
        "finding": f,
        "detail": report.finding_detail(f.kind, f.detail),
        "form": form or forms.FindingStatusForm(auto_id=f"id_f{f.pk}_%s"),
        "buttons": [(value, label, value in allowed) for value, label in forms.STATUS_CHOICES],
        "closed": not TRANSITIONS[f.status],
        "history": history_lines(f.events.order_by("-created_at", "-id")[:5]),
    }


def _worklist(
    request: HttpRequest,
    scope: Scope,
    bound: tuple[Finding, forms.FindingStatusForm] | None = None,
    confirm: Any = None,
) -> HttpResponse:
    filters = forms.FindingFilterForm(request.GET or None, accounts=_account_choices(scope))
    status = kind = account_no = ""
    if filters.is_valid():
        status, kind, account_no = (filters.cleaned_data[k] for k in ("status", "kind", "account_no"))
    rows = selectors.finding_list(scope=scope, status=status, kind=kind, account_no=account_no)
    page = paginate(request, rows.order_by(OPEN_FIRST, "-last_day", "-id"))
    may = can(scope, Capability.KEY_FINDING_HANDLE)
    items = [_item(f, may) for f in page if not (bound and bound[0].pk == f.pk)]
    if bound:  # the finding acted on first, with what was typed and its messages
        items.insert(0, _item(bound[0], may, bound[1]))
    context = {"filters": filters, "page": page, "items": items, "may": may, "confirm": confirm}
    return render(request, "keyaccounts/findings.html", context)


@staff_required
def findings(request: HttpRequest) -> HttpResponse:
    scope = require(request_scope(request), Capability.KEY_DIAGNOSIS)
    return _worklist(request, scope)


@staff_required
@require_POST
def finding_status(request: HttpRequest, finding_id: int) -> HttpResponse:
    """A finding's next status (asked first), through ``services.remote.finding_transition``."""
    scope = require(request_scope(request), Capability.KEY_FINDING_HANDLE)
    scope, found = page_get(request, finding_get_for_scope, finding_id=finding_id)
    form = forms.FindingStatusForm(request.POST, auto_id=f"id_f{found.pk}_%s")
    back = reverse("keyaccounts:findings") + f"#finding-{found.pk}"
    if not form.is_valid():
        return _worklist(request, scope, bound=(found, form))
    d = form.cleaned_data
    if not confirmed(request):
        sentence = _("将户号 %(no)s（%(name)s）的“%(kind)s”改为“%(new)s”%(note)s。确定吗？") % {
            "no": found.account.account_no,
            "name": found.account.customer.name,
            "kind": found.get_kind_display(),
            "new": FindingStatus(d["status"]).label,
            "note": (_("，说明：%(note)s") % {"note": d["note"]}) if d["note"] else "",
        }
        ask = confirmation(request, sentence=sentence, button=_("确定"), cancel=back)
        return _worklist(request, scope, bound=(found, form), confirm=ask)
    done = page_action(
        request,
        lambda: finding_transition(
            scope=scope, actor=request.user, finding_id=found.pk, status=d["status"], note=d["note"]
        ),
        success=lambda f: (
            _("户号 %(no)s 的“%(kind)s”已改为“%(new)s”，并已记入该户的服务记录。")
            % {"no": f.account.account_no, "kind": f.get_kind_display(), "new": f.get_status_display()}
        ),
        form=form,
    )
    if done is None:
        return _worklist(request, scope, bound=(found, form))
    return redirect(back)
