"""Whatever an integration sends, the API answers with JSON and never a 500."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from kehu.customers.choices import Channel

FUZZ = hypothesis_settings(max_examples=50, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

CUSTOMER_FIELDS = [
    "name", "kind", "phone", "credit_code", "email", "industry", "province", "city", "district", "address",
    "source", "value_tier", "time_state", "relation", "need_type", "behaviour_type", "notes", "tags",
    "owner_id", "to_pool", "merge_into", "version",
]
LIST_PARAMS = [
    "q", "kind", "value_tier", "time_state", "need_type", "behaviour_type", "relation", "source", "province",
    "city", "district", "owner", "team", "tag", "segment", "sort", "page", "page_size",
]

texts = st.text(max_size=60)
phones = st.one_of(
    texts,
    st.from_regex(r"(\+86|0086|86)?[ -]?1[3-9]\d[ -]?\d{4}[ -]?\d{4}", fullmatch=True),
    st.from_regex(r"\+?(86)?[ (]?0?\d{2,3}[) -]?\d{7,8}", fullmatch=True),
)
ints = st.one_of(st.integers(min_value=-(2**70), max_value=2**70), st.integers(min_value=-3, max_value=50))
scalars = st.one_of(st.none(), st.booleans(), ints, st.floats(allow_nan=False), texts, phones)
json_values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(texts, inner, max_size=3),
                           max_leaves=6)


def payloads(fields: list[str], **fixed: st.SearchStrategy) -> st.SearchStrategy[dict]:
    """Some of the known fields with any JSON value, the fixed ones with plausible values."""
    optional = {f: json_values for f in fields if f not in fixed}
    return st.fixed_dictionaries(fixed, optional=optional)


@pytest.fixture
def client(api_as, bob):
    return api_as(bob)


@pytest.fixture
def customer_id(client) -> int:
    return client.post("/api/customers", {"name": "模糊测试公司", "phone": "13812345678"}).json()["id"]


def assert_sane(response) -> None:
    assert response.status_code < 500, response.content
    if response.status_code == 204:
        return
    body = json.loads(response.content)
    if 400 <= response.status_code < 500:
        assert isinstance(body, dict) and body.get("message"), body
        assert isinstance(body.get("field", ""), str)


@FUZZ
@given(data=payloads(CUSTOMER_FIELDS, name=st.one_of(texts, json_values), phone=phones))
def test_creating_customers_from_any_json_never_fails_with_500(client, data) -> None:
    assert_sane(client.post("/api/customers", data))


@FUZZ
@given(data=payloads(CUSTOMER_FIELDS, kind=st.sampled_from(["company", "individual"])))
def test_patching_a_customer_with_any_json_never_fails_with_500(client, customer_id, data) -> None:
    assert_sane(client.patch(f"/api/customers/{customer_id}", data))


@FUZZ
@given(data=payloads(["customer_id", "name", "title", "mobile", "phone", "email", "wechat", "birthday",
                      "is_decision_maker", "notes", "confirm_duplicate"],
                     name=texts, mobile=phones, birthday=st.one_of(texts, st.dates().map(str))))
def test_adding_contacts_from_any_json_never_fails_with_500(client, customer_id, data) -> None:
    data.setdefault("customer_id", customer_id)
    assert_sane(client.post("/api/contacts", data))


@FUZZ
@given(data=payloads(["customer_id", "channel", "content", "outcome", "next_date", "contact_id"],
                     channel=st.one_of(st.sampled_from(Channel.values), texts),
                     content=texts, next_date=st.one_of(texts, st.dates().map(str))))
def test_recording_follow_ups_from_any_json_never_fails_with_500(client, customer_id, data) -> None:
    data.setdefault("customer_id", customer_id)
    assert_sane(client.post("/api/followups", data))


@FUZZ
@given(params=st.dictionaries(st.one_of(st.sampled_from(LIST_PARAMS), texts),
                              st.one_of(texts, ints.map(str), phones), max_size=6))
def test_listing_customers_with_any_query_never_fails_with_500(client, customer_id, params) -> None:
    response = client.get("/api/customers", **params)
    assert_sane(response)
    if response.status_code == 200:
        assert isinstance(response.json()["items"], list)


@FUZZ
@given(phone=phones)
def test_looking_up_any_phone_text_never_fails_with_500(client, customer_id, phone) -> None:
    response = client.get("/api/customers/lookup", phone=phone)
    assert_sane(response)
    assert response.status_code in (200, 404, 422)


@FUZZ
@given(params=st.dictionaries(st.sampled_from(["customer_id", "q", "limit", "due"]),
                              st.one_of(texts, ints.map(str), phones), max_size=4),
       path=st.sampled_from(["/api/contacts", "/api/followups"]))
def test_listing_contacts_and_follow_ups_with_any_query_never_fails_with_500(client, customer_id, params, path) -> None:
    assert_sane(client.get(path, **params))


@FUZZ
@given(target=st.one_of(st.integers(min_value=0, max_value=2**70), st.integers(min_value=0, max_value=50)),
       action=st.sampled_from(["", "/claim", "/release", "/history", "/contacts", "/unmask", "/ledger"]))
def test_any_customer_id_in_the_path_answers_json(client, target, action) -> None:
    path = f"/api/customers/{target}{action}"
    method = client.post if action in ("/claim", "/release", "/unmask") else client.get
    response = method(path)
    assert response.status_code < 500
    if response.status_code >= 400:
        assert response.json()["message"]


@FUZZ
@given(body=st.one_of(st.binary(max_size=80), json_values.map(json.dumps)))
def test_any_request_body_is_answered_with_json(client, body) -> None:
    response = client.client.post("/api/customers", body, content_type="application/json")
    assert_sane(response)


NASTY = ["a\x00b", "\x00", "ß" * 200, "\ufdfa" * 150, "😀" * 60, "\u202e反转", "' OR 1=1 --", "%_\\", " " * 300]


@pytest.mark.parametrize("text", NASTY)
def test_nasty_text_in_every_customer_field_is_stored_or_refused(client, text) -> None:
    for field in ("name", "notes", "address", "city", "phone", "email", "credit_code", "industry"):
        data = {"name": "占位公司" + field, field: text}
        assert_sane(client.post("/api/customers", data))
    assert_sane(client.post("/api/customers", {"name": "标签公司", "tags": [text]}))


@pytest.mark.parametrize("text", NASTY)
def test_nasty_text_in_contacts_follow_ups_and_queries_is_stored_or_refused(client, customer_id, text) -> None:
    assert_sane(client.post("/api/contacts", {"customer_id": customer_id, "name": text, "notes": text}))
    assert_sane(client.post("/api/followups", {"customer_id": customer_id, "channel": "phone", "content": text,
                                               "outcome": text}))
    assert_sane(client.patch(f"/api/customers/{customer_id}", {"notes": text, "province": text[:30]}))
    for param in ("q", "province", "tag", "segment", "owner", "sort"):
        assert_sane(client.get("/api/customers", **{param: text}))
    assert_sane(client.get("/api/customers/lookup", phone=text))
    assert_sane(client.get("/api/contacts", q=text))


def test_nul_characters_are_dropped_so_both_databases_store_the_same_text(client, customer_id) -> None:
    response = client.post("/api/customers", {"name": "甲\x00公司", "notes": "\x00备注"})
    assert response.status_code == 201
    assert (response.json()["name"], response.json()["notes"]) == ("甲公司", "备注")


def test_a_lone_surrogate_in_the_json_body_is_stored_as_a_replacement_character(client) -> None:
    body = '{"name": "甲\\ud800公司"}'
    response = client.client.post("/api/customers", body, content_type="application/json")
    assert response.status_code == 201
    assert response.json()["name"] == "甲?公司"


def test_a_name_that_grows_when_folded_is_still_stored(client) -> None:
    response = client.post("/api/customers", {"name": "ß" * 200})
    assert response.status_code == 201
    assert client.post("/api/customers", {"name": "SS" * 100}).status_code == 409
