"""The customer API as an integration uses it: create, duplicates, lookup, claim, edit, history."""

from __future__ import annotations

import pytest

from conftest import set_policy
from kehu.core.identifiers import credit_code_with_check
from kehu.customers.models import Customer

CODE = credit_code_with_check("91110108MA01ABCD1")


def create(client, **fields):
    return client.post("/api/customers", {"kind": "company", **fields})


def assert_error(response, status: int, field: str) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert body["message"]
    assert body["field"] == field
    return body


# Creating -----------------------------------------------------------------------------

def test_creating_a_customer_answers_201_with_its_id(api_as, bob) -> None:
    response = create(api_as(bob), name="华为技术有限公司", phone="13812345678")
    assert response.status_code == 201
    body = response.json()
    assert Customer.objects.get(pk=body["id"]).name == "华为技术有限公司"
    assert (body["name"], body["kind"], body["phone"]) == ("华为技术有限公司", "company", "13812345678")


def test_an_account_manager_owns_what_he_creates(api_as, bob) -> None:
    body = create(api_as(bob), name="自己的客户").json()
    assert body["owner"]["username"] == "bob"
    assert body["in_pool"] is False
    assert body["team_id"] == bob.department_id


def test_an_agent_creates_customers_into_the_pool(api_as, alice) -> None:
    body = create(api_as(alice), name="来电客户", phone="13812345678").json()
    assert body["owner"] is None and body["in_pool"] is True


def test_a_customer_can_be_created_straight_into_the_pool(api_as, bob) -> None:
    assert create(api_as(bob), name="公海客户", to_pool=True).json()["in_pool"] is True


def test_an_individual_customer_is_created_with_kind_individual(api_as, bob) -> None:
    body = create(api_as(bob), name="张三", kind="individual", phone="13912345678").json()
    assert body["kind"] == "individual"


def test_chinese_labels_are_accepted_for_choices(api_as, bob) -> None:
    body = create(api_as(bob), name="李四", kind="个人", value_tier="大客户").json()
    assert (body["kind"], body["value_tier"]) == ("individual", "key")


def test_tags_are_stored_with_the_customer(api_as, bob) -> None:
    body = create(api_as(bob), name="有标签", tags=["VIP", "华东", "VIP"]).json()
    assert sorted(body["tags"]) == ["VIP", "华东"]


def test_a_customer_without_a_name_is_refused_with_the_field(api_as, bob) -> None:
    assert_error(create(api_as(bob), name="   "), 422, "name")
    assert_error(api_as(bob).post("/api/customers", {"phone": "13812345678"}), 422, "name")
    assert not Customer.objects.exists()


@pytest.mark.parametrize("field, value", [
    ("kind", "alien"),
    ("phone", "12345"),
    ("credit_code", CODE[:17] + ("0" if CODE[17] != "0" else "1")),
    ("credit_code", "91110108"),
    ("email", "not-an-email"),
    ("value_tier", "platinum"),
    ("province", "省" * 31),
])
def test_an_invalid_field_is_refused_with_422_naming_it(api_as, bob, field: str, value: str) -> None:
    body = assert_error(create(api_as(bob), name="某公司", **{field: value}), 422, field)
    assert field in body["errors"]
    assert not Customer.objects.exists()


def test_a_body_that_is_not_json_is_refused_with_a_message(api_as, bob) -> None:
    response = api_as(bob).client.post("/api/customers", "{not json", content_type="application/json")
    assert response.status_code in (400, 422)
    assert response.json()["message"]


def test_a_field_of_the_wrong_type_is_refused_with_the_field(api_as, bob) -> None:
    assert_error(create(api_as(bob), name=["a", "list"]), 422, "name")
    assert_error(create(api_as(bob), name="x", tags="not-a-list"), 422, "tags")


# Duplicates ---------------------------------------------------------------------------

@pytest.mark.parametrize("first, second", [
    ("13812345678", "+86 138-1234-5678"),
    ("+86 138-1234-5678", "13812345678"),
    ("138 1234 5678", "0086 13812345678"),
    ("010-12345678", "+86 10 1234 5678"),
    ("(010) 1234-5678", "01012345678"),
])
def test_the_same_phone_in_another_format_is_a_duplicate(api_as, bob, first: str, second: str) -> None:
    existing = create(api_as(bob), name="甲公司", phone=first).json()["id"]
    body = assert_error(create(api_as(bob), name="乙公司", phone=second), 409, "phone")
    assert body["existing_id"] == existing
    assert Customer.objects.count() == 1


def test_the_phone_of_a_customers_contact_is_a_duplicate(api_as, bob) -> None:
    existing = create(api_as(bob), name="甲公司").json()["id"]
    api_as(bob).post("/api/contacts", {"customer_id": existing, "name": "王总", "mobile": "13987654321"})
    body = assert_error(create(api_as(bob), name="王总个人", kind="individual", phone="139-8765-4321"), 409, "phone")
    assert body["existing_id"] == existing


def test_the_same_credit_code_is_a_duplicate_whatever_the_case_and_spacing(api_as, bob) -> None:
    existing = create(api_as(bob), name="甲公司", credit_code=CODE).json()["id"]
    spaced = CODE[:6].lower() + " " + CODE[6:]
    body = assert_error(create(api_as(bob), name="完全不同的名字", credit_code=spaced), 409, "credit_code")
    assert body["existing_id"] == existing


@pytest.mark.parametrize("second", [
    "ＡＢＣ（北京）科技有限公司",
    "abc(北京)科技有限公司",
    " ABC (北京) 科技 有限公司 ",
    "Abc（北京）科技有限公司",
])
def test_the_same_company_name_up_to_width_spaces_and_case_is_a_duplicate(api_as, bob, second: str) -> None:
    existing = create(api_as(bob), name="ABC（北京）科技有限公司").json()["id"]
    body = assert_error(create(api_as(bob), name=second), 409, "name")
    assert body["existing_id"] == existing


def test_two_individuals_with_the_same_name_are_not_duplicates(api_as, bob) -> None:
    first = create(api_as(bob), name="王伟", kind="individual", phone="13800000001")
    second = create(api_as(bob), name="王伟", kind="individual", phone="13800000002")
    assert (first.status_code, second.status_code) == (201, 201)
    assert first.json()["id"] != second.json()["id"]


def test_an_individual_named_like_a_company_is_not_its_duplicate(api_as, bob) -> None:
    create(api_as(bob), name="张三")
    assert create(api_as(bob), name="张三", kind="individual").status_code == 201


def test_a_duplicate_of_someone_elses_customer_is_still_reported(api_as, bob, dave) -> None:
    existing = create(api_as(dave), name="戴夫的客户", phone="13812345678").json()["id"]
    body = assert_error(create(api_as(bob), name="另一个", phone="138 1234 5678"), 409, "phone")
    assert body["existing_id"] == existing


def test_a_deleted_customer_is_no_duplicate(api_as, bob) -> None:
    existing = create(api_as(bob), name="甲公司", phone="13812345678").json()["id"]
    api_as(bob).delete(f"/api/customers/{existing}")
    assert create(api_as(bob), name="甲公司", phone="13812345678").status_code == 201


def test_merge_into_the_existing_customer_answers_200_and_fills_its_blanks(api_as, bob) -> None:
    existing = create(api_as(bob), name="甲公司", phone="13812345678").json()["id"]
    response = create(api_as(bob), name="甲公司", phone="+86 138 1234 5678", email="jia@example.com",
                      city="杭州", merge_into=existing)
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == existing
    assert (body["email"], body["city"], body["phone"]) == ("jia@example.com", "杭州", "13812345678")
    assert Customer.objects.count() == 1


def test_merge_into_keeps_what_the_existing_customer_already_has(api_as, bob) -> None:
    existing = create(api_as(bob), name="甲公司", phone="13812345678", city="上海").json()["id"]
    body = create(api_as(bob), name="甲公司", phone="13812345678", city="杭州", merge_into=existing).json()
    assert body["city"] == "上海"


def test_merge_into_is_recorded_in_the_history(api_as, bob) -> None:
    existing = create(api_as(bob), name="甲公司", phone="13812345678").json()["id"]
    create(api_as(bob), name="甲公司", phone="13812345678", industry="制造", merge_into=existing)
    history = api_as(bob).get(f"/api/customers/{existing}/history").json()
    merged = next(h for h in history if h["action"] == "customer.duplicate_merged")
    assert merged["changes"]["industry"] == ["", "制造"]


def test_merge_into_a_customer_that_is_not_the_duplicate_is_still_refused(api_as, bob) -> None:
    existing = create(api_as(bob), name="甲公司", phone="13812345678").json()["id"]
    other = create(api_as(bob), name="乙公司").json()["id"]
    body = assert_error(create(api_as(bob), name="丙公司", phone="13812345678", merge_into=other), 409, "phone")
    assert body["existing_id"] == existing


def test_merge_into_an_out_of_scope_customer_changes_nothing(api_as, bob, dave) -> None:
    existing = create(api_as(dave), name="戴夫的客户", phone="13812345678").json()["id"]
    response = create(api_as(bob), name="戴夫的客户", phone="13812345678", city="杭州", merge_into=existing)
    assert response.status_code in (403, 404)
    assert response.json()["message"]
    assert Customer.objects.get(pk=existing).city == ""


# Lookup -------------------------------------------------------------------------------

@pytest.mark.parametrize("typed", [
    "13812345678", "138 1234 5678", "138-1234-5678", "+86 138 1234 5678", "+8613812345678", "0086 138 1234 5678",
])
def test_lookup_finds_a_customer_by_its_phone_in_any_format(api_as, bob, typed: str) -> None:
    existing = create(api_as(bob), name="甲公司", phone="138-1234-5678").json()["id"]
    response = api_as(bob).get("/api/customers/lookup", phone=typed)
    assert response.status_code == 200
    assert (response.json()["id"], response.json()["name"]) == (existing, "甲公司")


@pytest.mark.parametrize("typed", ["010-12345678", "+86 10 1234 5678", "01012345678", "(010) 1234 5678", "0086 10 12345678"])
def test_lookup_finds_a_customer_by_a_contacts_office_landline(api_as, bob, typed: str) -> None:
    existing = create(api_as(bob), name="甲公司").json()["id"]
    api_as(bob).post("/api/contacts", {"customer_id": existing, "name": "前台", "phone": "010-1234-5678"})
    response = api_as(bob).get("/api/customers/lookup", phone=typed)
    assert response.status_code == 200
    assert response.json()["id"] == existing


@pytest.mark.parametrize("typed", ["13987654321", "+86 139 8765 4321", "139-8765-4321"])
def test_lookup_finds_a_customer_by_a_contacts_mobile(api_as, bob, typed: str) -> None:
    existing = create(api_as(bob), name="甲公司", phone="010-88886666").json()["id"]
    api_as(bob).post("/api/contacts", {"customer_id": existing, "name": "王总", "mobile": "13987654321"})
    body = api_as(bob).get("/api/customers/lookup", phone=typed).json()
    assert (body["id"], body["name"]) == (existing, "甲公司")


def test_lookup_of_an_unknown_phone_answers_404_with_a_message(api_as, bob) -> None:
    create(api_as(bob), name="甲公司", phone="13812345678")
    assert_error(api_as(bob).get("/api/customers/lookup", phone="13900000000"), 404, "phone")


def test_lookup_of_text_that_is_not_a_phone_answers_422(api_as, bob) -> None:
    assert_error(api_as(bob).get("/api/customers/lookup", phone="hello"), 422, "phone")


def test_lookup_without_a_phone_answers_422_naming_it(api_as, bob) -> None:
    assert_error(api_as(bob).get("/api/customers/lookup"), 422, "phone")


def test_lookup_does_not_find_a_customer_outside_the_callers_scope(api_as, bob, dave) -> None:
    create(api_as(dave), name="戴夫的客户", phone="13812345678")
    assert api_as(bob).get("/api/customers/lookup", phone="13812345678").status_code == 404


def test_lookup_finds_a_pool_customer_for_every_rep(api_as, bob, dave) -> None:
    existing = create(api_as(dave), name="公海客户", phone="13812345678", to_pool=True).json()["id"]
    assert api_as(bob).get("/api/customers/lookup", phone="13812345678").json()["id"] == existing


# Claim and release --------------------------------------------------------------------

def test_claiming_a_pool_customer_makes_the_caller_its_owner(api_as, bob) -> None:
    existing = create(api_as(bob), name="公海客户", to_pool=True).json()["id"]
    response = api_as(bob).post(f"/api/customers/{existing}/claim")
    assert response.status_code == 200
    assert response.json()["owner"]["username"] == "bob"
    assert Customer.objects.get(pk=existing).owner == bob


def test_claiming_ones_own_customer_again_answers_200(api_as, bob) -> None:
    existing = create(api_as(bob), name="自己的").json()["id"]
    assert api_as(bob).post(f"/api/customers/{existing}/claim").status_code == 200


def test_claiming_a_customer_someone_else_owns_answers_409(api_as, bob, erin, carol) -> None:
    existing = create(api_as(bob), name="公海客户", to_pool=True).json()["id"]
    api_as(bob).post(f"/api/customers/{existing}/claim")
    for other in (erin, carol):
        body = assert_error(api_as(other).post(f"/api/customers/{existing}/claim"), 409, "")
        assert body["existing_id"] == existing
    assert Customer.objects.get(pk=existing).owner == bob


def test_releasing_puts_the_customer_back_in_the_pool_for_others_to_claim(api_as, bob, erin) -> None:
    existing = create(api_as(bob), name="要放弃的").json()["id"]
    response = api_as(bob).post(f"/api/customers/{existing}/release")
    assert response.status_code == 200
    assert response.json()["in_pool"] is True
    assert api_as(erin).post(f"/api/customers/{existing}/claim").json()["owner"]["username"] == "erin"


def test_a_supervisor_may_release_her_reps_customer(api_as, bob, carol) -> None:
    existing = create(api_as(bob), name="鲍勃的").json()["id"]
    assert api_as(carol).post(f"/api/customers/{existing}/release").json()["in_pool"] is True


def test_a_rep_may_not_release_a_colleagues_customer_he_can_see(api_as, bob, erin) -> None:
    from kehu.accounts.models import DataScope

    set_policy("account_manager", data_scope=DataScope.DEPARTMENT)
    existing = create(api_as(erin), name="艾琳的").json()["id"]
    assert_error(api_as(bob).post(f"/api/customers/{existing}/release"), 403, "")
    assert Customer.objects.get(pk=existing).owner == erin


def test_claiming_a_deleted_or_unknown_customer_answers_404(api_as, bob) -> None:
    existing = create(api_as(bob), name="公海客户", to_pool=True).json()["id"]
    api_as(bob).delete(f"/api/customers/{existing}")
    assert_error(api_as(bob).post(f"/api/customers/{existing}/claim"), 404, "")
    assert_error(api_as(bob).post("/api/customers/999999/claim"), 404, "")


# Editing ------------------------------------------------------------------------------

def test_patching_changes_only_the_given_fields_and_bumps_the_version(api_as, bob) -> None:
    created = create(api_as(bob), name="甲公司", city="上海").json()
    body = api_as(bob).patch(f"/api/customers/{created['id']}", {"city": "杭州", "version": created["version"]}).json()
    assert (body["city"], body["name"], body["version"]) == ("杭州", "甲公司", created["version"] + 1)


def test_patching_with_a_stale_version_answers_409_and_overwrites_nothing(api_as, bob, carol) -> None:
    created = create(api_as(bob), name="甲公司", city="上海").json()
    first = api_as(carol).patch(f"/api/customers/{created['id']}", {"city": "杭州", "version": created["version"]})
    assert first.status_code == 200
    body = assert_error(api_as(bob).patch(f"/api/customers/{created['id']}",
                                          {"city": "南京", "notes": "覆盖", "version": created["version"]}),
                        409, "version")
    assert body["message"]
    customer = Customer.objects.get(pk=created["id"])
    assert (customer.city, customer.notes) == ("杭州", "")


def test_patching_records_old_and_new_values_in_the_history(api_as, bob) -> None:
    created = create(api_as(bob), name="甲公司", city="上海", phone="13812345678").json()
    api_as(bob).patch(f"/api/customers/{created['id']}", {"city": "杭州", "phone": "13900000000", "tags": ["VIP"]})
    history = api_as(bob).get(f"/api/customers/{created['id']}/history").json()
    updated = next(h for h in history if h["action"] == "customer.updated")
    assert updated["changes"]["city"] == ["上海", "杭州"]
    assert updated["changes"]["phone"] == ["13812345678", "13900000000"]
    assert updated["changes"]["tags"] == [[], ["VIP"]]
    assert updated["actor"]["username"] == "bob"
    assert updated["at"]


def test_patching_to_the_same_values_adds_no_history_entry(api_as, bob) -> None:
    created = create(api_as(bob), name="甲公司", city="上海").json()
    api_as(bob).patch(f"/api/customers/{created['id']}", {"city": "上海"})
    actions = [h["action"] for h in api_as(bob).get(f"/api/customers/{created['id']}/history").json()]
    assert "customer.updated" not in actions


def test_patching_to_another_customers_phone_answers_409(api_as, bob) -> None:
    existing = create(api_as(bob), name="甲公司", phone="13812345678").json()["id"]
    other = create(api_as(bob), name="乙公司").json()["id"]
    body = assert_error(api_as(bob).patch(f"/api/customers/{other}", {"phone": "+86 138 1234 5678"}), 409, "phone")
    assert body["existing_id"] == existing
    assert Customer.objects.get(pk=other).phone == ""


def test_patching_an_invalid_value_answers_422_and_keeps_the_old_one(api_as, bob) -> None:
    created = create(api_as(bob), name="甲公司", phone="13812345678").json()
    assert_error(api_as(bob).patch(f"/api/customers/{created['id']}", {"phone": "abc"}), 422, "phone")
    assert_error(api_as(bob).patch(f"/api/customers/{created['id']}", {"name": ""}), 422, "name")
    assert Customer.objects.get(pk=created["id"]).phone == "13812345678"


def test_a_rep_may_not_hand_his_customer_to_a_colleague(api_as, bob, erin) -> None:
    created = create(api_as(bob), name="甲公司").json()
    assert_error(api_as(bob).patch(f"/api/customers/{created['id']}", {"owner_id": erin.pk}), 403, "owner_id")


def test_a_supervisor_may_reassign_a_customer(api_as, bob, erin, carol) -> None:
    created = create(api_as(bob), name="甲公司").json()
    body = api_as(carol).patch(f"/api/customers/{created['id']}", {"owner_id": erin.pk}).json()
    assert body["owner"]["username"] == "erin"


# History ------------------------------------------------------------------------------

def test_history_lists_who_did_what_newest_first(api_as, bob, erin) -> None:
    created = create(api_as(bob), name="甲公司", to_pool=True).json()
    api_as(erin).post(f"/api/customers/{created['id']}/claim")
    api_as(erin).patch(f"/api/customers/{created['id']}", {"notes": "重要"})
    api_as(erin).post(f"/api/customers/{created['id']}/release")
    history = api_as(erin).get(f"/api/customers/{created['id']}/history").json()
    assert [(h["action"], h["actor"]["username"]) for h in history] == [
        ("customer.released", "erin"), ("customer.updated", "erin"),
        ("customer.claimed", "erin"), ("customer.created", "bob"),
    ]
    assert history[-1]["changes"]["name"] == [None, "甲公司"]
    assert history[2]["changes"]["owner"] == [None, "Erin"]
    assert history[0]["changes"]["owner"] == ["Erin", None]
    assert all(h["at"] for h in history)


def test_history_includes_contacts_and_follow_ups(api_as, bob) -> None:
    existing = create(api_as(bob), name="甲公司").json()["id"]
    api_as(bob).post("/api/contacts", {"customer_id": existing, "name": "王总"})
    api_as(bob).post("/api/followups", {"customer_id": existing, "channel": "phone", "content": "打了电话"})
    actions = {h["action"] for h in api_as(bob).get(f"/api/customers/{existing}/history").json()}
    assert {"customer.created", "contact.created", "followup.created"} <= actions


# Deleting and listing -----------------------------------------------------------------

def test_a_deleted_customer_is_gone_from_lists_lookup_and_detail(api_as, bob) -> None:
    existing = create(api_as(bob), name="甲公司", phone="13812345678").json()["id"]
    assert api_as(bob).delete(f"/api/customers/{existing}").status_code == 204
    assert api_as(bob).get("/api/customers").json()["items"] == []
    assert api_as(bob).get("/api/customers/lookup", phone="13812345678").status_code == 404
    assert api_as(bob).get(f"/api/customers/{existing}").status_code == 404
    assert list(Customer.objects.in_trash().values_list("pk", flat=True)) == [existing]


def test_an_agent_may_not_delete_someone_elses_customer(api_as, bob, alice) -> None:
    existing = create(api_as(bob), name="甲公司").json()["id"]
    assert_error(api_as(alice).delete(f"/api/customers/{existing}"), 403, "")
    assert Customer.objects.alive().filter(pk=existing).exists()


def test_the_list_finds_customers_by_name_phone_and_owner(api_as, bob) -> None:
    client = api_as(bob)
    jia = create(client, name="甲科技有限公司", phone="13812345678").json()["id"]
    yi = create(client, name="乙贸易", to_pool=True).json()["id"]

    def found(**params: object) -> list[int]:
        return [i["id"] for i in client.get("/api/customers", **params).json()["items"]]

    assert found(q="甲科技") == [jia]
    assert found(q="+86 138 1234 5678") == [jia]
    assert found(owner="me") == [jia]
    assert found(owner="pool") == [yi]
    assert found() == [yi, jia]


def test_the_list_pages_through_results(api_as, bob) -> None:
    client = api_as(bob)
    for i in range(5):
        create(client, name=f"客户{i}")
    first = client.get("/api/customers", page_size=2).json()
    last = client.get("/api/customers", page_size=2, page=3).json()
    assert (first["count"], first["has_next"], len(first["items"])) == (5, True, 2)
    assert (last["has_next"], len(last["items"])) == (False, 1)


@pytest.mark.parametrize("params", [
    {"owner": "nobody"}, {"owner": "99999999999999999999999"}, {"page": "99999999999999999999"},
    {"team": "99999999999999999999"}, {"page": "-5", "page_size": "0"}, {"sort": "password"},
    {"q": "%"}, {"q": "_"}, {"page": "abc"},
])
def test_odd_list_parameters_never_break_the_list(api_as, bob, params: dict) -> None:
    create(api_as(bob), name="甲公司")
    response = api_as(bob).get("/api/customers", **params)
    assert response.status_code in (200, 422), response.content
    if response.status_code == 422:
        assert response.json()["message"] and response.json()["field"]


def test_an_unknown_customer_id_answers_404_as_json(api_as, bob) -> None:
    assert_error(api_as(bob).get("/api/customers/424242"), 404, "")
    assert_error(api_as(bob).patch("/api/customers/424242", {"notes": "x"}), 404, "")
