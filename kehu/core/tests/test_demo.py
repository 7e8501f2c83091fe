"""`kehu demo`: the demo organisation, its logins and realistic, deterministic customers."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.utils import timezone

from kehu.accounts.models import Role, User
from kehu.core import demo
from kehu.core.identifiers import credit_code_problem, normalize_name
from kehu.core.models import AuditEntry
from kehu.core.phones import normalize_phone
from kehu.customers.models import Contact, Customer, FollowUp
from kehu.customers.services import pool_sweep, reminders_for

N = 60


@pytest.fixture(autouse=True)
def fast_hasher(settings) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _snapshot() -> list[tuple]:
    customers = list(Customer.objects.order_by("id").values_list(
        "name", "phone", "credit_code", "city", "owner__username", "value_tier", "time_state"))
    contacts = list(Contact.objects.order_by("id").values_list("customer__name", "name", "mobile", "birthday"))
    return customers + contacts


@pytest.mark.django_db
def test_logins_exist_and_authenticate() -> None:
    call_command("demo", customers=N, seed=1, stdout=io.StringIO())
    expected = {"admin": Role.ADMIN, "manager": Role.MANAGER, "supervisor": Role.SUPERVISOR,
                "agent": Role.AGENT, "rep1": Role.ACCOUNT_MANAGER, "rep2": Role.ACCOUNT_MANAGER}
    for username, role in expected.items():
        user = authenticate(username=username, password=demo.DEMO_PASSWORD)
        assert user is not None, username
        assert user.role == role
    admin = User.objects.get(username="admin")
    assert admin.is_staff and admin.is_superuser
    assert User.objects.get(username="agent").department.name == "客服中心"


@pytest.mark.django_db
def test_reps_share_a_team_led_by_the_supervisor() -> None:
    users = demo.ensure_org()
    rep1, rep2, supervisor = users["rep1"], users["rep2"], users["supervisor"]
    assert rep1.department_id == rep2.department_id
    assert rep1.department.name == "华东销售组"
    assert rep1.department.parent.name == "销售部"
    assert rep1.department.leader_id == supervisor.pk
    assert rep1.superior_id == rep2.superior_id == supervisor.pk
    # Running again changes nothing but resets the password.
    User.objects.filter(pk=rep1.pk).update(password="x")
    again = demo.ensure_org()
    assert again["rep1"].pk == rep1.pk
    assert User.objects.filter(username="rep1").count() == 1
    assert authenticate(username="rep1", password=demo.DEMO_PASSWORD) is not None


@pytest.mark.django_db
def test_same_seed_same_data() -> None:
    demo.generate(customers=N, seed=42)
    first = _snapshot()
    Customer.objects.all().delete()
    AuditEntry.objects.all().delete()
    demo.generate(customers=N, seed=42)
    assert _snapshot() == first
    Customer.objects.all().delete()
    demo.generate(customers=N, seed=43)
    assert _snapshot() != first


@pytest.mark.django_db
def test_if_empty_loads_only_once() -> None:
    out = io.StringIO()
    call_command("demo", "--if-empty", customers=N, stdout=out)
    assert Customer.objects.count() == N
    call_command("demo", "--if-empty", customers=N, stdout=out)
    assert Customer.objects.count() == N
    # Without --if-empty a second run adds, without colliding with what is there.
    call_command("demo", customers=N, seed=1, stdout=out)
    assert Customer.objects.count() == 2 * N
    _assert_phones_unique_and_normalised()


def _assert_phones_unique_and_normalised() -> None:
    pairs = list(Customer.objects.values_list("phone", "phone_norm"))
    pairs += list(Contact.objects.values_list("mobile", "mobile_norm"))
    pairs += list(Contact.objects.exclude(phone="").values_list("phone", "phone_norm"))
    norms = [norm for _raw, norm in pairs]
    assert all(norms)
    assert len(norms) == len(set(norms))
    for raw, norm in pairs:
        assert normalize_phone(raw) == norm


@pytest.mark.django_db
def test_customers_are_realistic() -> None:
    result = demo.generate(customers=N, seed=7)
    assert result.customers == N
    _assert_phones_unique_and_normalised()
    customers = list(Customer.objects.select_related("owner"))
    companies = [c for c in customers if c.kind == "company"]
    assert len(companies) > N / 2
    for c in customers:
        assert c.name_norm == normalize_name(c.name)
        assert c.province and c.city and c.district
        if c.credit_code:
            assert credit_code_problem(c.credit_code) == ""
    assert all(c.name.endswith("公司") for c in companies)
    # The pool holds about a third; rep1 and rep2 own at least ten each.
    pool = sum(1 for c in customers if c.owner_id is None)
    assert N / 5 < pool < N / 2
    owned = {u: sum(1 for c in customers if c.owner and c.owner.username == u) for u in ("rep1", "rep2")}
    assert min(owned.values()) >= 10, owned
    # Every customer has its creation in the history.
    assert AuditEntry.objects.filter(action="customer.created", customer_id__isnull=False).count() == N
    assert Contact.objects.filter(customer__kind="company").exists()
    assert FollowUp.objects.exists()
    # The home page has something to remind of, and the sweep takes nobody back at once.
    rep1 = User.objects.get(username="rep1")
    reminders = reminders_for(rep1, timezone.localdate())
    assert reminders["due"]
    assert any(b["days"] == 0 for b in reminders["birthdays"])
    assert pool_sweep() == 0


@pytest.mark.django_db
def test_exact_contact_count_for_the_benchmark() -> None:
    result = demo.generate(customers=50, contacts=80, seed=3, extras=False, audit=False)
    assert result.contacts == 80 == Contact.objects.count()
    assert not FollowUp.objects.exists()
    # New customers made afterwards get fresh ids, on PostgreSQL too (sequences reset).
    admin = User.objects.get(username="admin")
    extra = Customer.objects.create(name="后来的客户有限公司", name_norm="x", created_by=admin)
    assert extra.pk > max(Customer.objects.exclude(pk=extra.pk).values_list("pk", flat=True))
