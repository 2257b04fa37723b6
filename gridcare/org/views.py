from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from gridcare.core.views import staff_required
from gridcare.org.access import request_scope
from gridcare.org.selectors import home_links


@staff_required
def home(request: HttpRequest) -> HttpResponse:
    scope = request_scope(request)
    return render(request, "org/home.html", {"links": home_links(scope)})
