"""POST /api/assist and /api/assist/feedback as an integration or the console calls them."""

from django.test import Client

from kehu.assist.models import AssistCorrection
from kehu.assist.tests.conftest import ANGRY
from kehu.core.models import AuditEntry

CONTRACT_KEYS = {"emotion", "emotion_label", "emotion_score", "type", "type_label", "type_scores", "kind",
                 "kind_label", "urgency", "urgency_label", "reasons", "strategy", "scripts", "faqs",
                 "first_reply", "model_version"}


def test_an_angry_complaint_is_read_as_an_irritable_customers_complaint(api_as, alice):
    response = api_as(alice).post("/api/assist", {"text": ANGRY})
    assert response.status_code == 200, response.content
    body = response.json()
    assert CONTRACT_KEYS <= body.keys()
    assert (body["type"], body["type_label"]) == ("irritable", "易怒型")
    assert body["kind"] == "complaint" and body["emotion"] == "angry"
    assert body["strategy"] == "应对易怒型客户"
    assert any("投诉" in title for title in body["scripts"])
    assert body["first_reply"].strip()
    assert body["reasons"]["type"], "the phrases that decided the type are named"
    assert set(body["type_scores"]) >= {"easygoing", "uncooperative", "domineering", "vain", "irritable"}


def test_a_ticket_is_analysed_from_its_own_words(api_as, alice, complaint):
    body = api_as(alice).post("/api/assist", {"ticket_id": complaint.pk}).json()
    assert body["ticket_id"] == complaint.pk and body["type"] == "irritable"


def test_a_customer_is_analysed_from_their_tickets(api_as, alice, complaint, customer):
    body = api_as(alice).post("/api/assist", {"customer_id": customer.pk}).json()
    assert body["customer_id"] == customer.pk and body["strategy"] == "应对易怒型客户"


def test_without_credentials_the_api_answers_401(db):
    response = Client().post("/api/assist", {"text": ANGRY}, content_type="application/json")
    assert response.status_code == 401


def test_a_ticket_outside_the_users_scope_is_not_found(api_as, dave, complaint, customer):
    assert api_as(dave).post("/api/assist", {"text": "你好", "ticket_id": complaint.pk}).status_code == 404
    assert api_as(dave).post("/api/assist", {"text": "你好", "customer_id": customer.pk}).status_code == 404
    feedback = {"ticket_id": complaint.pk, "field": "type", "predicted": "irritable", "correct": "vain"}
    assert api_as(dave).post("/api/assist/feedback", feedback).status_code == 404
    assert not AssistCorrection.objects.exists()


def test_feedback_is_stored_with_who_and_when(api_as, alice):
    response = api_as(alice).post("/api/assist/feedback", {
        "text": ANGRY, "field": "emotion", "predicted": "angry", "correct": "anxious", "model_version": "v1"})
    assert response.status_code == 201, response.content
    c = AssistCorrection.objects.get()
    assert (c.text, c.field, c.predicted, c.correct, c.model_version) == (ANGRY, "emotion", "angry", "anxious", "v1")
    assert c.created_by == alice and c.created_at is not None
    assert response.json()["created_by"] == "alice"
    assert AuditEntry.objects.filter(action="assist.correction.recorded", actor=alice).exists()


def test_a_type_confirmed_on_a_ticket_is_stored_on_its_customer(api_as, alice, complaint, customer):
    response = api_as(alice).post("/api/assist/feedback", {
        "ticket_id": complaint.pk, "field": "type", "predicted": "irritable", "correct": "irritable"})
    assert response.status_code == 201
    assert response.json()["customer_type"] == "irritable"
    customer.refresh_from_db()
    assert customer.behaviour_type == "irritable"
    assert AssistCorrection.objects.get().text.startswith(complaint.title)
    entry = AuditEntry.objects.get(action="customer.updated", customer_id=customer.pk)
    assert entry.actor == alice and entry.changes["behaviour_type"] == ["", "irritable"]


def test_a_type_sent_with_a_customer_is_stored_on_the_customer(api_as, bob, customer):
    response = api_as(bob).post("/api/assist/feedback", {
        "text": "我说了不行就是不行，你们那套我不认", "customer_id": customer.pk,
        "field": "type", "predicted": "easygoing", "correct": "uncooperative"})
    assert response.status_code == 201
    customer.refresh_from_db()
    assert customer.behaviour_type == "uncooperative"


def test_an_unknown_code_is_refused_naming_the_field(api_as, alice):
    bad_correct = api_as(alice).post("/api/assist/feedback", {
        "text": ANGRY, "field": "type", "predicted": "irritable", "correct": "stubborn"})
    assert bad_correct.status_code == 422 and bad_correct.json()["field"] == "correct"
    assert "stubborn" in bad_correct.json()["message"]
    bad_predicted = api_as(alice).post("/api/assist/feedback", {
        "text": ANGRY, "field": "kind", "predicted": "rant", "correct": "complaint"})
    assert bad_predicted.status_code == 422 and bad_predicted.json()["field"] == "predicted"
    bad_field = api_as(alice).post("/api/assist/feedback", {
        "text": ANGRY, "field": "mood", "correct": "angry"})
    assert bad_field.status_code == 422 and bad_field.json()["field"] == "field"
    assert not AssistCorrection.objects.exists()


def test_feedback_without_text_or_ticket_is_refused(api_as, alice):
    response = api_as(alice).post("/api/assist/feedback", {"field": "kind", "correct": "repair"})
    assert response.status_code == 422 and response.json()["field"] == "text"
