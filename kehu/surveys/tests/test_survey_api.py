"""Submitting responses and reading scores through the API."""

import pytest

from kehu.surveys import services
from kehu.surveys.models import Invitation, Response


@pytest.fixture
def survey(carol):
    s = services.survey_create(by=carol, name="API 调查")
    services.question_add(survey=s, by=carol, question={"code": "Q1", "type": "rating", "min": 1, "max": 5,
                                                         "text": {"zh": "满意度"}, "required": True, "csat": True})
    services.question_add(survey=s, by=carol, question={"code": "Q2", "type": "text", "text": {"zh": "原因"},
                                                         "required": True,
                                                         "show_if": [{"q": "Q1", "op": "lte", "value": 2}]})
    services.question_add(survey=s, by=carol, question={"code": "Q3", "type": "nps", "text": {"zh": "推荐"}})
    services.survey_publish(survey=s, by=carol)
    return s


def test_a_complete_response_is_stored_and_counted(api_as, alice, carol, survey):
    posted = api_as(alice).post(f"/api/surveys/{survey.pk}/responses", {"answers": {"Q1": 5, "Q3": 9}})
    assert posted.status_code == 201, posted.content
    assert posted.json()["status"] == "completed"
    metrics = api_as(carol).get(f"/api/surveys/{survey.pk}/metrics").json()
    assert (metrics["n"], metrics["csat"], metrics["nps"]) == (1, 100.0, 100.0)


def test_skip_logic_makes_the_follow_up_required_and_valid_answers_are_kept(api_as, alice, survey):
    posted = api_as(alice).post(f"/api/surveys/{survey.pk}/responses", {"answers": {"Q1": 1, "Q3": "eleven"}})
    assert posted.status_code == 422
    body = posted.json()
    assert set(body["errors"]) == {"Q3"} and body["status"] == "in_progress"
    assert Response.objects.get(pk=body["id"]).answer_dict() == {"Q1": 1}
    missing = api_as(alice).post(f"/api/surveys/{survey.pk}/responses", {"answers": {"Q1": 1}})
    assert missing.status_code == 422 and set(missing.json()["errors"]) == {"Q2"}


def test_an_answer_to_a_hidden_question_is_dropped(api_as, alice, survey):
    posted = api_as(alice).post(f"/api/surveys/{survey.pk}/responses", {"answers": {"Q1": 5, "Q2": "多余"}})
    assert posted.status_code == 201
    assert Response.objects.get().answer_dict() == {"Q1": 5}


def test_an_invitation_answers_once_through_the_api(api_as, alice, survey):
    token = Invitation.objects.create(survey=survey).token
    body = {"answers": {"Q1": 4}, "invitation_token": token}
    assert api_as(alice).post(f"/api/surveys/{survey.pk}/responses", body).status_code == 201
    again = api_as(alice).post(f"/api/surveys/{survey.pk}/responses", body)
    assert again.status_code == 409 and "answered already" in again.json()["message"]


def test_surveys_are_listed_with_their_questions_and_scores_are_for_designers(api_as, alice, client, survey):
    listed = api_as(alice).get("/api/surveys").json()
    assert [s["name"] for s in listed] == ["API 调查"]
    assert [q["code"] for q in listed[0]["definition"]["sections"][0]["questions"]] == ["Q1", "Q2", "Q3"]
    assert api_as(alice).get(f"/api/surveys/{survey.pk}/metrics").status_code == 404
    assert client.post(f"/api/surveys/{survey.pk}/responses", {"answers": {}},
                       content_type="application/json").status_code == 401


def test_listing_surveys_costs_the_same_queries_for_one_or_many(api_as, alice, carol, survey,
                                                                django_assert_max_num_queries):
    for i in range(5):
        more = services.survey_create(by=carol, name=f"调查{i}")
        services.question_add(survey=more, by=carol, question={"code": "Q1", "type": "nps", "text": {"zh": "推荐"}})
        services.survey_publish(survey=more, by=carol)
    client = api_as(alice)
    with django_assert_max_num_queries(4):  # token, surveys, their published versions
        assert len(client.get("/api/surveys").json()) == 6


def test_closing_a_survey_stops_api_answers_at_once(api_as, alice, carol, survey):
    client = api_as(alice)
    assert client.post(f"/api/surveys/{survey.pk}/responses", {"answers": {"Q1": 5}}).status_code == 201
    services.survey_close(survey=survey, by=carol)
    # An agent no longer sees the survey; its designer hears why it takes no answers.
    assert client.post(f"/api/surveys/{survey.pk}/responses", {"answers": {"Q1": 5}}).status_code == 404
    refused = api_as(carol).post(f"/api/surveys/{survey.pk}/responses", {"answers": {"Q1": 5}})
    assert refused.status_code == 409


def test_a_republished_survey_takes_answers_to_its_new_version(api_as, alice, carol, survey):
    client = api_as(alice)
    assert client.post(f"/api/surveys/{survey.pk}/responses", {"answers": {"Q1": 5}}).json()["version"] == 1
    services.question_add(survey=survey, by=carol, question={"code": "Q4", "type": "text", "text": {"zh": "其他"}})
    services.survey_publish(survey=survey, by=carol)
    posted = client.post(f"/api/surveys/{survey.pk}/responses", {"answers": {"Q1": 5, "Q4": "好"}})
    assert posted.status_code == 201 and posted.json()["version"] == 2
    assert Response.objects.get(pk=posted.json()["id"]).answer_dict() == {"Q1": 5, "Q4": "好"}
