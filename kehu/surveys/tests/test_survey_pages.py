"""Building, publishing and answering a survey through the pages: public link, invitation, CATI."""

import io

import openpyxl
import pytest

from kehu.surveys import services
from kehu.surveys.models import Invitation, Response, Survey

RATING = {"type": "rating", "text_zh": "您对本次服务满意吗？", "scale": "1-5", "required": "on", "csat": "on"}


@pytest.fixture
def built(web_as, carol):
    """Carol builds: a screening question, a CSAT rating, a follow-up shown only for low ratings, NPS."""
    page = web_as(carol)
    page.post("/surveys/new/", {"name": "服务回访调查"})
    survey = Survey.objects.get()
    url = f"/surveys/{survey.pk}/questions/"
    page.post(url, {"section": "甄别", "type": "single", "code": "S1", "text_zh": "您是否办理过业务？",
                    "required": "on", "options": "1=是\n2=否", "end_if_op": "eq", "end_if_value": "2"})
    page.post(url, {"section": "满意度", "code": "Q1", **RATING})
    page.post(url, {"type": "text", "code": "Q2", "text_zh": "请说说哪里不满意", "required": "on",
                    "show_if_q": "Q1", "show_if_op": "lte", "show_if_value": "2"})
    page.post(url, {"type": "nps", "code": "Q3", "text_zh": "您向亲友推荐我们的可能性有多大？"})
    page.post(f"/surveys/{survey.pk}/state/", {"action": "publish"})
    survey.refresh_from_db()
    return survey


def test_the_builder_makes_a_versioned_questionnaire(built):
    version = built.published()
    assert built.status == "open" and version.number == 1
    codes = [q["code"] for s in version.definition["sections"] for q in s["questions"]]
    assert codes == ["S1", "Q1", "Q2", "Q3"]
    assert version.definition["sections"][1]["questions"][1]["show_if"] == [{"q": "Q1", "op": "lte", "value": "2"}]


def test_a_question_with_a_condition_on_an_unknown_question_is_refused_with_a_message(web_as, carol, built):
    page = web_as(carol).post(f"/surveys/{built.pk}/questions/", {
        "type": "text", "code": "Q9", "text_zh": "其他", "show_if_q": "Q77", "show_if_op": "answered"})
    assert page.status_code == 422 and "Q77" in page.content.decode()


def test_public_link_answers_with_skip_logic_and_keeps_a_partial_response(client, built):
    link = built.public_url()
    first = client.get(link).content.decode()
    assert "请说说哪里不满意" not in first
    # A low rating, saved as the respondent clicks (htmx posts the form on change):
    shown = client.post(link, {"q-S1": "1", "q-Q1": "2"}).content.decode()
    assert "请说说哪里不满意" in shown
    response = Response.objects.get()
    assert response.status == "in_progress" and response.answer_dict() == {"S1": "1", "Q1": 2}
    missing = client.post(link, {"q-S1": "1", "q-Q1": "2", "action": "submit"})
    assert missing.status_code == 422 and "Required" in missing.content.decode()
    done = client.post(link, {"q-S1": "1", "q-Q1": "2", "q-Q2": "等待太久", "q-Q3": "6", "action": "submit"})
    assert "Thank you" in done.content.decode()
    response.refresh_from_db()
    assert response.status == "completed" and response.seconds is not None
    assert response.answer_dict() == {"S1": "1", "Q1": 2, "Q2": "等待太久", "Q3": 6}


def test_a_bad_answer_is_named_and_the_good_ones_are_kept(client, built):
    page = client.post(built.public_url(), {"q-S1": "1", "q-Q1": "9", "q-Q3": "10", "action": "submit"})
    assert page.status_code == 422 and "from 1 to 5" in page.content.decode()
    assert Response.objects.get().answer_dict() == {"S1": "1", "Q3": 10}


def test_screening_ends_the_interview(client, built):
    client.post(built.public_url(), {"q-S1": "2", "action": "submit"})
    assert Response.objects.get().status == "screened_out"


def test_an_invitation_answers_once(client, built):
    invitation = Invitation.objects.create(survey=built)
    link = invitation.public_url()
    client.post(link, {"q-S1": "1", "q-Q1": "5", "q-Q3": "10", "action": "submit"})
    again = client.__class__()  # another browser with the same link
    page = again.get(link)
    assert page.status_code == 409 and "answered already" in page.content.decode()
    assert Response.objects.filter(invitation=invitation).count() == 1


def test_cati_interview_follows_the_skip_logic_and_scores_update(web_as, alice, carol, built):
    agent = web_as(alice)
    start = agent.post(f"/surveys/{built.pk}/cati/")
    interview = start["Location"]
    assert "您是否办理过业务" in agent.get(interview).content.decode()
    agent.post(interview, {"q-S1": "1"})
    agent.post(interview, {"q-Q1": "5"})
    page = agent.get(interview).content.decode()
    assert "推荐" in page and "请说说哪里不满意" not in page  # Q2 skipped for a high rating
    agent.post(interview, {"q-Q3": "9"})
    response = Response.objects.get(channel="cati")
    assert response.status == "completed" and response.agent == alice
    scores = web_as(carol).get(f"/surveys/{built.pk}/").content.decode()
    assert 'id="csat">100.0<' in scores and 'id="nps">100.0<' in scores


def test_cati_refusal_is_recorded_as_a_disposition(web_as, alice, built):
    agent = web_as(alice)
    interview = agent.post(f"/surveys/{built.pk}/cati/")["Location"]
    agent.post(interview, {"action": "refused"})
    assert Response.objects.get().status == "refused"


def test_editing_a_published_survey_starts_a_new_version_and_old_answers_keep_theirs(client, web_as, carol, built):
    client.post(built.public_url(), {"q-S1": "1", "q-Q1": "4", "action": "submit"})
    web_as(carol).post(f"/surveys/{built.pk}/questions/", {"type": "text", "code": "Q4", "text_zh": "其他建议"})
    built.refresh_from_db()
    assert built.published().number == 1 and built.draft().number == 2
    web_as(carol).post(f"/surveys/{built.pk}/state/", {"action": "publish"})
    assert built.published().number == 2
    assert Response.objects.get().version.number == 1


def test_only_designers_build_and_read_results(web_as, alice, bob, built):
    assert web_as(alice).post("/surveys/new/", {"name": "x"}).status_code == 403
    assert web_as(alice).get(f"/surveys/{built.pk}/results/").status_code == 404
    assert web_as(bob).post(f"/surveys/{built.pk}/questions/", {"type": "text", "text_zh": "x"}).status_code == 404


def test_results_page_and_excel_export_hold_every_response(client, web_as, carol, built):
    client.post(built.public_url(), {"q-S1": "1", "q-Q1": "1", "q-Q2": "太慢", "q-Q3": "3", "action": "submit"})
    results = web_as(carol).get(f"/surveys/{built.pk}/results/").content.decode()
    assert "太慢" in results and "CSAT" in results
    data = web_as(carol).get(f"/surveys/{built.pk}/export.xlsx").content
    book = openpyxl.load_workbook(io.BytesIO(data))
    rows = list(book["responses"].values)
    header, row = rows[0], rows[1]
    assert dict(zip(header, row, strict=True))["Q1"] == 1 and dict(zip(header, row, strict=True))["Q2"] == "太慢"
    assert [r[0] for r in book["codes"].values][1:5] == ["S1", "Q1", "Q2", "Q3"]
    assert web_as(carol).get(f"/surveys/{built.pk}/qr.svg")["Content-Type"] == "image/svg+xml"


def test_a_closed_survey_takes_no_answers(client, carol, built):
    services.survey_close(survey=built, by=carol)
    page = client.get(built.public_url())
    assert page.status_code == 409 and "not open" in page.content.decode()
