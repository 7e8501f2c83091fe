from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path

from kehu.api import api, api_not_found
from kehu.core import views as core_views

urlpatterns = [
    # The API first: Django tries the patterns in order, and API clients call most often.
    path("api/", api.urls),
    # Anything else under /api/ answers JSON too, never Django's HTML 404 page.
    re_path(r"^api/", api_not_found),
    path("", core_views.home, name="home"),
    path("login/", auth_views.LoginView.as_view(template_name="core/login.html"), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("customers/", include("kehu.customers.urls")),
    path("service/", include("kehu.service.urls")),
    path("help/", include("kehu.service.public_urls")),
    path("knowledge/", include("kehu.knowledge.urls")),
    path("assist/", include("kehu.assist.urls")),
    path("surveys/", include("kehu.surveys.urls")),
    path("contact/", include("kehu.contact.urls")),
    path("search/", include("kehu.search.urls")),
    path("insights/", include("kehu.insights.urls")),
    path("sales/", include("kehu.sales.urls")),
    path("workforce/", include("kehu.workforce.urls")),
    path("quality/", include("kehu.quality.urls")),
    path("outbound/", include("kehu.outbound.urls")),
    path("fieldwork/", include("kehu.fieldwork.urls")),
    path("admin/", admin.site.urls),
]
