"""Shared fixtures: one organisation with named people, used by every app's tests.

    sales (销售部)
      ├─ east team (华东组): carol supervisor, bob and erin account managers
      └─ north team (华北组): dave account manager
    service center (客服中心): alice agent
    frank manager, root admin
"""

from __future__ import annotations

import pytest
from django.test import Client

from kehu.accounts.models import Department, Role, RolePolicy, User, forget_role_policies
from kehu.accounts.services import token_create

PASSWORD = "kehu-test-pass"
# Debian's Chromium as the browser tests launch it (no sandbox for root in a container).
CHROMIUM_ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def log_in(page, base: str, username: str) -> None:
    """Log in through the form of a Playwright page and land on the home page."""
    from playwright.sync_api import expect

    page.goto(f"{base}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click(".login-box button[type=submit]")
    expect(page.locator("h1")).to_contain_text("Today")


def make_user(username: str, role: str, department: Department | None, **extra: object) -> User:
    return User.objects.create_user(
        username=username, password=PASSWORD, role=role, department=department,
        display_name=username.capitalize(), **extra,
    )


@pytest.fixture(autouse=True)
def _fresh_role_policies() -> None:
    """Role policies, the business calendar, SLA policies and search plan hints are cached
    per process; a rolled-back (or flushed) test must not leak its own."""
    from kehu.search.query import forget_hints
    from kehu.service.sla import forget_calendar

    forget_role_policies()
    forget_calendar()
    forget_hints()


def set_policy(role: str, **fields: object) -> RolePolicy:
    """Change a role's policy the way the admin does (a save, which clears the cache)."""
    policy = RolePolicy.objects.get(role=role)
    for name, value in fields.items():
        setattr(policy, name, value)
    policy.save()
    return policy


@pytest.fixture(autouse=True)
def _fast_passwords(settings) -> None:
    """The default hasher costs ~0.5 s a user by design; tests need no such protection."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def org(db: None) -> dict[str, object]:
    sales = Department.objects.create(name="销售部")
    east = Department.objects.create(name="华东组", parent=sales)
    north = Department.objects.create(name="华北组", parent=sales)
    center = Department.objects.create(name="客服中心")
    carol = make_user("carol", Role.SUPERVISOR, east)
    east.leader = carol
    east.save(update_fields=["leader"])
    return {
        "sales": sales, "east": east, "north": north, "center": center,
        "carol": carol,
        "bob": make_user("bob", Role.ACCOUNT_MANAGER, east, superior=carol),
        "erin": make_user("erin", Role.ACCOUNT_MANAGER, east, superior=carol),
        "dave": make_user("dave", Role.ACCOUNT_MANAGER, north),
        "alice": make_user("alice", Role.AGENT, center),
        "frank": make_user("frank", Role.MANAGER, sales),
        "root": make_user("root", Role.ADMIN, None, is_staff=True, is_superuser=True),
    }


@pytest.fixture
def english(settings):
    """Read messages in English, the console's second language: for requests without an
    Accept-Language (the default language is Chinese) and for commands run in process.
    The Chinese catalogue is checked as a whole by kehu/core/tests/test_translations.py."""
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def alice(org: dict) -> User:
    return org["alice"]


@pytest.fixture
def bob(org: dict) -> User:
    return org["bob"]


@pytest.fixture
def erin(org: dict) -> User:
    return org["erin"]


@pytest.fixture
def carol(org: dict) -> User:
    return org["carol"]


@pytest.fixture
def dave(org: dict) -> User:
    return org["dave"]


@pytest.fixture
def frank(org: dict) -> User:
    return org["frank"]


@pytest.fixture
def root(org: dict) -> User:
    return org["root"]


class ApiClient:
    """Calls the JSON API with a bearer token, as an integration would."""

    def __init__(self, user: User):
        self.user = user
        self.client = Client(HTTP_AUTHORIZATION=f"Bearer {token_create(user=user)}")

    def get(self, path: str, **params: object):
        return self.client.get(path, params)

    def post(self, path: str, data: object | None = None):
        return self.client.post(path, data if data is not None else {}, content_type="application/json")

    def patch(self, path: str, data: object):
        return self.client.patch(path, data, content_type="application/json")

    def delete(self, path: str):
        return self.client.delete(path)


@pytest.fixture
def api_as(org: dict):
    """api_as(bob).post("/api/customers", {...})"""
    return ApiClient


@pytest.fixture
def web_as(org: dict):
    """web_as(bob) -> a Django test client logged in as bob."""

    def login(user: User) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return login
