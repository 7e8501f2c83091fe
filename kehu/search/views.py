from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from kehu.search.scopes import all_kinds, search_as

KIND_NAMES = {"ticket": _("Tickets"), "customer": _("Customers"), "article": _("Knowledge")}


@login_required
def search_page(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()[:200]
    kind = request.GET.get("in", "")
    kinds = [kind] if kind in all_kinds() else None
    results = search_as(request.user, q, kinds=kinds, limit=50) if q else None
    return render(request, "search/results.html", {
        "q": q, "kind": kind, "results": results,
        "kinds": [(k, KIND_NAMES.get(k, k)) for k in all_kinds()],
    })
