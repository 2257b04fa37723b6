"""Staff pages of the peak-shift orders (错峰, NOTE-2), for the posts with PEAK_SHIFT:

- ``/notices/peak-shifts/``: the company's orders, the latest day first, paged: feeders, day,
  window, limit, key accounts reached, messages queued, who issued it; each links the key
  accounts it touches (``/key-accounts/peak-shifts/<id>/``) for those who keep key accounts;
- ``/notices/peak-shifts/new/``: issue one (feeders picked by name), asked first with the number
  of key accounts it reaches."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from gridcare.core.paging import paginate
from gridcare.core.timezone import SHANGHAI
from gridcare.core.views import Confirmation, ask_first, confirmation, staff_required
from gridcare.notices import selectors
from gridcare.notices.peak_shift_forms import PeakShiftForm
from gridcare.notices.services import campaigns
from gridcare.org.access import Capability, can, request_scope, require


@staff_required
def peak_shift_list(request: HttpRequest) -> HttpResponse:
    scope = require(request_scope(request), Capability.PEAK_SHIFT)
    context = {
        "page": paginate(request, selectors.peak_shift_list(scope=scope)),
        "can_see_accounts": can(scope, Capability.KEY_PORTFOLIO),
    }
    return render(request, "notices/peak_shifts.html", context)


@staff_required
def peak_shift_new(request: HttpRequest) -> HttpResponse:
    scope = require(request_scope(request), Capability.PEAK_SHIFT)
    form = PeakShiftForm(request.POST or None, scope=scope)
    confirm: Confirmation | None = None
    if request.method == "POST" and form.is_valid():
        order = campaigns.PeakShift(**form.cleaned_data)
        confirm, done = ask_first(
            request,
            ask=lambda: _confirmation(request, order, campaigns.peak_shift_preview(scope=scope, order=order)),
            act=lambda: campaigns.peak_shift_issue(scope=scope, actor=request.user, order=order),
            form=form,
            success=_issued,
        )
        if done is not None:
            return redirect("notices:peak_shifts")
    return render(request, "notices/peak_shift_new.html", {"form": form, "confirm": confirm})


def _issued(done: campaigns.PeakShiftIssued) -> str:
    if not done.created:
        return _("同样的错峰通知已于 %(at)s 发布过，未重复发送。") % {
            "at": f"{done.order.created_at.astimezone(SHANGHAI):%Y-%m-%d %H:%M}"
        }
    return _("错峰通知已发布，涉及 %(n)s 户大客户，已生成 %(m)s 条通知。") % {
        "n": done.order.key_accounts,
        "m": done.queued,
    }


def _confirmation(request: HttpRequest, order: campaigns.PeakShift, accounts: int) -> Confirmation:
    sentence = _("将通知 %(n)s 户大客户：%(day)s %(start)s 至 %(end)s 用电负荷控制在 %(kw)s 千瓦以内。确认发布？") % {
        "n": f"{accounts:,}",
        "day": f"{order.day:%Y-%m-%d}",
        "start": f"{order.start:%H:%M}",
        "end": f"{order.end:%H:%M}",
        "kw": f"{order.limit_kw:,}",
    }
    return confirmation(request, sentence=sentence, button=_("确认发布"))
