"""The JSON API root: authentication, error shapes, and each app's router."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.parser import Parser
from ninja.security import APIKeyCookie, HttpBearer

from kehu.accounts.services import user_for_token
from kehu.core.errors import Conflict, ServiceError


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = user_for_token(token)
        if user is not None:
            request.user = user
        return user


class SessionAuth(APIKeyCookie):
    """The console's own session, so pages can call the API with their cookie."""

    param_name = "sessionid"

    def _get_key(self, request: HttpRequest) -> str | None:
        # Without a session cookie this is not a console call: no CSRF check, so a caller
        # without credentials (or with a wrong token) hears 401, not "CSRF check failed".
        if self.param_name not in request.COOKIES:
            return None
        return super()._get_key(request)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        return user if user is not None and user.is_authenticated else None


def _storable(value: Any) -> Any:
    """Drop what no database column can hold: NUL characters and lone surrogates.

    PostgreSQL refuses both (a 500 otherwise) and SQLite fails to encode surrogates;
    neither ever belongs in a name, phone or note.
    """
    if isinstance(value, str):
        if "\x00" in value:
            value = value.replace("\x00", "")
        return value if value.isascii() else value.encode("utf-8", "replace").decode("utf-8")
    if isinstance(value, list):
        return [_storable(v) for v in value]
    if isinstance(value, dict):
        return {_storable(k): _storable(v) for k, v in value.items()}
    return value


class StorableParser(Parser):
    def parse_body(self, request: HttpRequest) -> Any:
        return _storable(super().parse_body(request))

    def parse_querydict(self, data: Any, list_fields: list[str], request: HttpRequest) -> dict[str, Any]:
        return _storable(super().parse_querydict(data, list_fields, request))


api = NinjaAPI(
    title="Kehu API",
    version="1",
    description="Customer archive, pool, follow-ups and the service desk. Authenticate with `Authorization: Bearer <token>` "
    "(create one with `kehu token create USERNAME`).",
    auth=[BearerToken(), SessionAuth()],
    urls_namespace="api",
    parser=StorableParser(),
)


def _error(request: HttpRequest, status: int, message: str, field: str = "", **extra: Any) -> HttpResponse:
    return api.create_response(request, {"message": message, "field": field, **extra}, status=status)


@api.exception_handler(ServiceError)
def service_error(request: HttpRequest, exc: ServiceError) -> HttpResponse:
    extra: dict[str, Any] = {}
    if exc.errors:
        extra["errors"] = exc.errors
        if not exc.field:
            exc.field = next(iter(exc.errors))
    if isinstance(exc, Conflict) and exc.existing_id is not None:
        extra["existing_id"] = exc.existing_id
    return _error(request, exc.status, exc.message, exc.field, **extra)


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = {}
    for e in exc.errors:
        loc = [str(p) for p in e.get("loc", []) if p not in ("body", "query", "path", "payload")]
        errors[".".join(loc) or "body"] = e.get("msg", "invalid")
    field = next(iter(errors), "")
    return _error(request, 422, f"{field}: {errors.get(field, '')}" if field else "Invalid input.", field, errors=errors)


@api.exception_handler(AuthenticationError)
def auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _error(request, 401, "Authentication required: send Authorization: Bearer <token>.")


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _error(request, 404, "Not found.")


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return _error(request, exc.status_code, str(exc))


def _register() -> None:
    from kehu.customers.api import contacts_router, followups_router
    from kehu.customers.api import router as customers_router

    api.add_router("/customers", customers_router)
    api.add_router("/contacts", contacts_router)
    api.add_router("/followups", followups_router)

    from kehu.service.api import router as tickets_router
    from kehu.service.api import work_orders_router

    api.add_router("/tickets", tickets_router)
    api.add_router("/work-orders", work_orders_router)

    # Each of these routers declares its own paths (/assist, /csi, /staffing, …).
    from kehu.assist.api import router as assist_router
    from kehu.contact.api import router as contact_router
    from kehu.fieldwork.api import router as fieldwork_router
    from kehu.insights.api import router as insights_router
    from kehu.knowledge.api import router as knowledge_router
    from kehu.outbound.api import router as outbound_router
    from kehu.quality.api import router as quality_router
    from kehu.sales.api import router as sales_router
    from kehu.search.api import router as search_router
    from kehu.surveys.api import router as surveys_router
    from kehu.workforce.api import router as workforce_router

    api.add_router("/", assist_router)
    api.add_router("/", knowledge_router)
    api.add_router("/", surveys_router)
    api.add_router("/", contact_router)
    api.add_router("/", search_router)
    api.add_router("/", insights_router)
    api.add_router("/", sales_router)
    api.add_router("/", workforce_router)
    api.add_router("/", quality_router)
    api.add_router("/", outbound_router)
    api.add_router("/", fieldwork_router)


_register()


def api_not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    """Paths under /api/ that match no endpoint answer JSON like every other API error."""
    from django.http import JsonResponse

    return JsonResponse({"message": "No such API endpoint.", "field": ""}, status=404)
