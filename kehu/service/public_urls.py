"""The public request page (/help/): no login."""

from django.urls import path, re_path

from kehu.service import public

app_name = "help"

# A tracking code is letters and digits; anything else is no code at all (404).
CODE = r"(?P<code>[0-9A-Za-z]{4,32})"

urlpatterns = [
    path("", public.request_new, name="new"),
    path("submitted/", public.request_submitted, name="submitted"),
    path("track/", public.track_lookup, name="lookup"),
    re_path(rf"^track/{CODE}$", public.track, name="track"),
    re_path(rf"^track/{CODE}/reply$", public.track_reply, name="reply"),
]
