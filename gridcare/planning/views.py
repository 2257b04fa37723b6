"""Planning's front page ``/planning/``: the three parts (staffing plans, the simulated hall day,
the outlet network), each shown to the posts that may open it."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from gridcare.core.views import staff_required
from gridcare.org.access import Capability, can, request_scope, require
from gridcare.planning.selectors import halls_for


@staff_required
def index(request: HttpRequest) -> HttpResponse:
    scope = require(request_scope(request), Capability.PLAN_VIEW)
    return render(
        request,
        "planning/index.html",
        {"halls": halls_for(scope)[:200], "can_edit": can(scope, Capability.PLAN_EDIT)},
    )
