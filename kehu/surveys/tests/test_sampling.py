"""Random samples of invitees: simple and stratified, proportional and quota allocation."""

import numpy as np
import pytest

from kehu.customers.models import Customer
from kehu.surveys import sampling, services
from kehu.surveys.models import Invitation, Survey

TIERS = {"key": 10, "quality": 30, "general": 60}


@pytest.fixture
def survey(carol):
    s = services.survey_create(by=carol, name="抽样调查")
    services.question_add(survey=s, by=carol, question={
        "code": "Q1", "type": "rating", "min": 1, "max": 5, "required": True, "text": {"zh": "满意吗"}})
    services.survey_publish(survey=s, by=carol)
    return Survey.objects.get(pk=s.pk)


@pytest.fixture
def customers(org):
    """100 customers in the east team (Carol's tree): 10 key, 30 quality, 60 general; half in 广东."""
    rows = []
    for tier, k in TIERS.items():
        rows += [Customer(name=f"{tier}客户{i}", value_tier=tier, team=org["east"], owner=org["bob"],
                          province="广东" if i % 2 else "浙江", email=f"{tier}{i}@example.com" if i < 3 else "")
                 for i in range(k)]
    return Customer.objects.bulk_create(rows)


def test_proportional_allocation_by_largest_remainders():
    assert sampling.allocate({"key": 10, "quality": 30, "general": 60}, 20) == {
        "key": 2, "quality": 6, "general": 12}
    # 7 of 3 equal strata: one remainder seat each, the rest to the larger and then by name
    assert sampling.allocate({"a": 5, "b": 5, "c": 5}, 7) == {"a": 3, "b": 2, "c": 2}
    assert sampling.allocate({"a": 1, "b": 2, "c": 97}, 10) == {"a": 0, "b": 0, "c": 10}
    assert sampling.allocate({"a": 2, "b": 1}, 50) == {"a": 2, "b": 1}  # never more than there are


def test_quota_text_is_read_and_a_bad_line_named():
    assert sampling.parse_quotas("key=3\n广东＝5，general=1") == {"key": 3, "广东": 5, "general": 1}
    with pytest.raises(sampling.InvalidInput, match="“key: 3”"):
        sampling.parse_quotas("key: 3")


def test_stratified_proportional_sample_invites_the_allocated_numbers(survey, carol, customers):
    drawn = sampling.sample_draw(survey=survey, by=carol, params={}, n=20, stratify="tier", seed=4)
    assert {s.name: (s.population, s.quota, s.drawn) for s in drawn.strata} == {
        "key": (10, 2, 2), "quality": (30, 6, 6), "general": (60, 12, 12)}
    tiers = list(Customer.objects.filter(survey_invitations__survey=survey).values_list("value_tier", flat=True))
    assert sorted(tiers) == sorted(["key"] * 2 + ["quality"] * 6 + ["general"] * 12)
    assert Invitation.objects.filter(survey=survey, channel="link").count() == 20


def test_quotas_per_region_and_a_short_stratum_reported(survey, carol, customers):
    drawn = sampling.sample_draw(survey=survey, by=carol, params={"value_tier": "key"}, stratify="region",
                                 quotas={"广东": 3, "浙江": 9}, seed=1)
    assert {s.name: (s.population, s.quota, s.drawn) for s in drawn.strata} == {
        "广东": (5, 3, 3), "浙江": (5, 9, 5)}
    provinces = Customer.objects.filter(pk__in=drawn.ids).values_list("province", "value_tier")
    assert sorted(provinces) == [("广东", "key")] * 3 + [("浙江", "key")] * 5


def test_the_same_seed_draws_the_same_sample_and_another_seed_another(carol, customers, survey):
    ids, strata = sampling.frame(survey=survey, user=carol, params={}, by="value_tier")
    quotas = {"key": 3, "quality": 5, "general": 5}
    first, _r = sampling.draw(ids, strata, quotas, seed=11)
    again, _r = sampling.draw(ids, strata, quotas, seed=11)
    other, _r = sampling.draw(ids, strata, quotas, seed=12)
    assert first == again and set(first) != set(other)
    assert len(set(first)) == len(first) == 13


def test_no_customer_twice_and_already_invited_are_skipped(survey, carol, customers):
    first = sampling.sample_draw(survey=survey, by=carol, params={}, n=60, seed=1)
    second = sampling.sample_draw(survey=survey, by=carol, params={}, n=60, seed=1)
    assert len(first.ids) == 60 and len(second.ids) == 40  # only 40 were left
    assert not set(first.ids) & set(second.ids)
    assert Invitation.objects.filter(survey=survey).values("customer").distinct().count() == 100


def test_only_customers_the_user_may_see_are_drawn(survey, carol, customers, org):
    from conftest import make_user

    ivan = make_user("ivan", "account_manager", org["north"])
    hidden = Customer.objects.create(name="华北客户", value_tier="key", team=org["north"], owner=ivan)
    drawn = sampling.sample_draw(survey=survey, by=carol, params={}, n=500, seed=0)
    assert hidden.pk not in drawn.ids and len(drawn.ids) == 100


def test_mail_goes_to_customers_with_an_address(survey, carol, customers, smtp_sink):
    drawn = sampling.sample_draw(survey=survey, by=carol, params={"value_tier": "key"}, n=10, seed=0,
                                 send=True)
    assert drawn.mailed == 3
    assert Invitation.objects.filter(survey=survey, channel="email").exclude(sent_at=None).count() == 3
    assert Invitation.objects.filter(survey=survey, channel="link").count() == 7


def test_the_form_on_the_survey_page_draws_and_shows_the_strata(web_as, carol, survey, customers):
    page = web_as(carol)
    assert 'id="sample-form"' in page.get(f"/surveys/{survey.pk}/").content.decode()
    r = page.post(f"/surveys/{survey.pk}/sample/", {"n": "20", "stratify": "tier", "allocation": "proportional",
                                                    "seed": "3"})
    html = r.content.decode()
    assert r.status_code == 200 and "20 customers invited" in html and 'id="strata"' in html
    r = page.post(f"/surveys/{survey.pk}/sample/", {"stratify": "tier", "allocation": "quota",
                                                    "quotas": "key=two"})
    assert r.status_code == 422 and "write stratum=number" in r.content.decode()
    r = page.post(f"/surveys/{survey.pk}/sample/", {"stratify": "", "allocation": "proportional"})
    assert r.status_code == 422 and "Say how many customers to draw." in r.content.decode()


def test_people_who_do_not_design_surveys_cannot_draw(web_as, alice, survey, customers):
    r = web_as(alice).post(f"/surveys/{survey.pk}/sample/", {"n": "5", "seed": "1"})
    assert r.status_code == 404 and not Invitation.objects.exists()


def test_a_million_ids_are_drawn_from_an_array():
    ids = np.arange(1, 1_000_001, dtype=np.int64)
    strata = np.where(ids % 10 == 0, "key", "general").astype(object)
    chosen, report = sampling.draw(ids, strata, sampling.allocate({"key": 100_000, "general": 900_000}, 1000), 5)
    assert len(set(chosen)) == 1000 and {s.name: s.drawn for s in report} == {"key": 100, "general": 900}
