from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from kehu.customers.services import reminders_for


@login_required
def home(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    return render(request, "core/home.html", {"today": today, **reminders_for(request.user, today)})
