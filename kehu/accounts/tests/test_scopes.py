"""Who sees which customers: the data scope of each role, masking and unmasking."""

from __future__ import annotations

import pytest

from conftest import set_policy
from kehu.accounts.models import DataScope, User
from kehu.core.models import AuditEntry
from kehu.customers.models import Customer
from kehu.customers.services import customer_create


def make(by: User, name: str, phone: str, *, pool: bool = False) -> Customer:
    data: dict[str, object] = {"name": name, "phone": phone, "email": f"{phone}@example.com"}
    if pool:
        data["owner"] = None
    return customer_create(by=by, data=data)


@pytest.fixture
def book(bob: User, erin: User, dave: User) -> dict[str, Customer]:
    """One customer of each account manager and one in the pool."""
    return {
        "bob": make(bob, "鲍勃贸易", "13800000001"),
        "erin": make(erin, "艾琳科技", "13800000002"),
        "dave": make(dave, "戴夫实业", "13800000003"),
        "pool": make(bob, "公海物流", "13800000004", pool=True),
    }


def listed(api_as, user: User) -> set[int]:
    response = api_as(user).get("/api/customers", page_size=200)
    assert response.status_code == 200
    return {item["id"] for item in response.json()["items"]}


def ids(book: dict[str, Customer], *keys: str) -> set[int]:
    return {book[k].pk for k in keys}


def test_account_manager_sees_own_customers_and_the_pool_only(api_as, bob, book) -> None:
    assert listed(api_as, bob) == ids(book, "bob", "pool")


def test_account_manager_gets_404_for_a_colleagues_customer(api_as, bob, book) -> None:
    assert api_as(bob).get(f"/api/customers/{book['erin'].pk}").status_code == 404
    assert api_as(bob).get(f"/api/customers/{book['dave'].pk}").status_code == 404


def test_supervisor_sees_her_teams_customers_and_the_pool_but_not_another_teams(api_as, carol, book) -> None:
    assert listed(api_as, carol) == ids(book, "bob", "erin", "pool")
    assert api_as(carol).get(f"/api/customers/{book['dave'].pk}").status_code == 404


@pytest.mark.parametrize("who", ["frank", "root"])
def test_manager_and_administrator_see_every_customer(api_as, org, book, who) -> None:
    assert listed(api_as, org[who]) == ids(book, "bob", "erin", "dave", "pool")


def test_agent_sees_every_customer_but_masked(api_as, alice, book) -> None:
    items = api_as(alice).get("/api/customers", page_size=200).json()["items"]
    assert {i["id"] for i in items} == ids(book, "bob", "erin", "dave", "pool")
    bobs = next(i for i in items if i["id"] == book["bob"].pk)
    assert bobs["masked"] is True
    assert bobs["phone"] == "138****0001"
    assert "13800000001" not in str(items)
    assert bobs["email"].startswith("1***@")


def test_agent_finds_a_caller_by_phone_but_sees_the_number_masked(api_as, alice, book) -> None:
    found = api_as(alice).get("/api/customers/lookup", phone="138 0000 0003").json()
    assert found["id"] == book["dave"].pk
    assert found["phone"] == "138****0003"


def test_unmasking_reveals_the_phone_and_is_logged(api_as, alice, book) -> None:
    response = api_as(alice).post(f"/api/customers/{book['bob'].pk}/unmask")
    assert response.status_code == 200
    assert response.json()["phone"] == "13800000001"
    assert response.json()["masked"] is False
    entry = AuditEntry.objects.get(action="customer.unmasked")
    assert (entry.actor, entry.customer_id) == (alice, book["bob"].pk)


def test_unmasked_customer_appears_in_its_history(api_as, alice, frank, book) -> None:
    api_as(alice).post(f"/api/customers/{book['bob'].pk}/unmask")
    history = api_as(frank).get(f"/api/customers/{book['bob'].pk}/history").json()
    assert any(h["action"] == "customer.unmasked" and h["actor"]["username"] == "alice" for h in history)


def test_owner_sees_own_customer_unmasked(api_as, bob, book) -> None:
    shown = api_as(bob).get(f"/api/customers/{book['bob'].pk}").json()
    assert shown["masked"] is False
    assert shown["phone"] == "13800000001"


def test_owner_unmasking_own_customer_writes_no_audit_entry(api_as, bob, book) -> None:
    api_as(bob).post(f"/api/customers/{book['bob'].pk}/unmask")
    assert not AuditEntry.objects.filter(action="customer.unmasked").exists()


def test_account_manager_sees_pool_customers_masked(api_as, bob, book) -> None:
    shown = api_as(bob).get(f"/api/customers/{book['pool'].pk}").json()
    assert shown["masked"] is True
    assert shown["phone"] == "138****0004"


def test_agent_sees_contacts_of_others_customers_masked(api_as, bob, alice, book) -> None:
    api_as(bob).post("/api/contacts", {"customer_id": book["bob"].pk, "name": "王经理", "mobile": "13911112222"})
    contacts = api_as(alice).get(f"/api/customers/{book['bob'].pk}/contacts").json()
    assert contacts[0]["mobile"] == "139****2222"
    assert api_as(bob).get(f"/api/customers/{book['bob'].pk}/contacts").json()[0]["mobile"] == "13911112222"


def test_widening_the_account_manager_policy_to_department_shows_team_customers(api_as, bob, book) -> None:
    set_policy("account_manager", data_scope=DataScope.DEPARTMENT)
    assert listed(api_as, User.objects.get(pk=bob.pk)) == ids(book, "bob", "erin", "pool")


def test_widening_the_account_manager_policy_to_all_shows_every_customer(api_as, bob, book) -> None:
    set_policy("account_manager", data_scope=DataScope.ALL)
    assert listed(api_as, User.objects.get(pk=bob.pk)) == ids(book, "bob", "erin", "dave", "pool")


def test_switching_masking_off_for_agents_shows_them_real_phones(api_as, alice, book) -> None:
    set_policy("agent", masks_personal_data=False)
    shown = api_as(User.objects.get(pk=alice.pk)).get(f"/api/customers/{book['bob'].pk}").json()
    assert shown["phone"] == "13800000001"


def test_supervisor_with_subordinates_scope_sees_her_reports(api_as, carol, book) -> None:
    set_policy("supervisor", data_scope=DataScope.SUBORDINATES)
    assert listed(api_as, User.objects.get(pk=carol.pk)) == ids(book, "bob", "erin", "pool")


def test_customers_of_a_sub_team_are_visible_to_the_head_of_the_department(api_as, org, book) -> None:
    head = User.objects.create_user(username="hu", password="x", role="supervisor", department=org["sales"])
    assert listed(api_as, head) == ids(book, "bob", "erin", "dave", "pool")


def test_a_deactivated_users_token_is_refused(api_as, bob, book) -> None:
    client = api_as(bob)
    User.objects.filter(pk=bob.pk).update(is_active=False)
    assert client.get("/api/customers").status_code == 401


@pytest.mark.parametrize("method, suffix, body", [
    ("get", "", None),
    ("patch", "", {"notes": "偷看"}),
    ("post", "/release", {}),
    ("delete", "", None),
    ("get", "/history", None),
    ("get", "/contacts", None),
    ("post", "/unmask", {}),
])
def test_cross_team_requests_are_answered_404(api_as, bob, dave, book, method, suffix, body) -> None:
    client = api_as(bob)
    path = f"/api/customers/{book['dave'].pk}{suffix}"
    response = getattr(client, method)(path, body) if body is not None else getattr(client, method)(path)
    assert response.status_code == 404
    assert "message" in response.json()
    dave_customer = Customer.objects.get(pk=book["dave"].pk)
    assert (dave_customer.owner, dave_customer.notes, dave_customer.deleted_at) == (dave, "", None)


def test_claiming_another_teams_customer_is_refused_as_already_owned(api_as, bob, dave, book) -> None:
    # 409, not 404: a rival's claim a moment earlier also takes a customer out of scope,
    # and the loser of that race must be told "someone else has it".
    response = api_as(bob).post(f"/api/customers/{book['dave'].pk}/claim")
    assert response.status_code == 409
    assert response.json()["message"]
    assert "戴夫" not in response.content.decode()
    assert Customer.objects.get(pk=book["dave"].pk).owner == dave


def test_cross_team_follow_up_and_contact_are_refused(api_as, bob, book) -> None:
    followup = api_as(bob).post("/api/followups", {"customer_id": book["dave"].pk, "channel": "phone", "content": "x"})
    contact = api_as(bob).post("/api/contacts", {"customer_id": book["dave"].pk, "name": "x"})
    assert (followup.status_code, contact.status_code) == (404, 404)


def test_agent_may_read_but_not_change_someone_elses_customer(api_as, alice, book) -> None:
    response = api_as(alice).patch(f"/api/customers/{book['bob'].pk}", {"notes": "改一下"})
    assert response.status_code == 403
    assert response.json()["message"]
    assert Customer.objects.get(pk=book["bob"].pk).notes == ""


def test_lists_of_contacts_and_follow_ups_stay_within_scope(api_as, bob, dave, book) -> None:
    api_as(dave).post("/api/contacts", {"customer_id": book["dave"].pk, "name": "赵总", "mobile": "13700000009"})
    api_as(dave).post("/api/followups", {"customer_id": book["dave"].pk, "channel": "visit", "content": "拜访"})
    assert api_as(bob).get("/api/contacts").json() == []
    assert api_as(bob).get("/api/followups").json() == []
    assert api_as(bob).get("/api/contacts", q="13700000009").json() == []
