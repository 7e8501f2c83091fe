"""The assist panel beside a ticket, and the agent's one-click verdicts posted from it."""

from django.test import Client

from kehu.assist.models import AssistCorrection

HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_ACCEPT_LANGUAGE": "en"}  # messages read in English


def test_the_panel_shows_labels_strategy_scripts_and_first_reply(web_as, alice, complaint):
    page = web_as(alice).get(f"/assist/panel/?ticket={complaint.pk}")
    assert page.status_code == 200
    html = page.content.decode()
    assert "易怒型" in html and "应对易怒型客户" in html
    assert 'class="assist-scripts"' in html and "投诉" in html.split('class="assist-scripts"')[1]
    assert 'id="assist-first-reply"' in html
    assert html.count('class="assist-confirm"') == 4


def test_the_ticket_page_loads_the_panel(web_as, alice, complaint):
    html = web_as(alice).get(f"/service/tickets/{complaint.pk}/").content.decode()
    assert f'hx-get="/assist/panel/?ticket={complaint.pk}"' in html


def test_a_ticket_outside_the_scope_shows_no_panel(web_as, dave, complaint):
    assert web_as(dave).get(f"/assist/panel/?ticket={complaint.pk}").status_code == 404
    assert web_as(dave).post("/assist/feedback/", {"ticket": complaint.pk, "field": "type",
                                                    "correct": "vain"}, **HTMX).status_code == 404
    assert not AssistCorrection.objects.exists()


def test_a_missing_or_malformed_ticket_is_not_found(web_as, alice, db):
    client = web_as(alice)
    for query in ("", "?ticket=abc", "?ticket=-1", "?ticket=99999999999999999999999", "?ticket=424242"):
        assert client.get(f"/assist/panel/{query}").status_code == 404, query


def test_the_panel_needs_a_login(complaint):
    response = Client().get(f"/assist/panel/?ticket={complaint.pk}")
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_correcting_the_type_stores_it_and_switches_the_strategy(web_as, alice, complaint, customer):
    page = web_as(alice).post("/assist/feedback/", {
        "ticket": complaint.pk, "field": "type", "predicted": "irritable", "correct": "vain",
        "model_version": "m1"}, **HTMX)
    assert page.status_code == 200
    html = page.content.decode()
    assert "correction saved" in html and "应对虚荣型客户" in html
    c = AssistCorrection.objects.get()
    assert (c.field, c.predicted, c.correct, c.created_by, c.ticket) == ("type", "irritable", "vain", alice, complaint)
    customer.refresh_from_db()
    assert customer.behaviour_type == "vain"
    # Drawn again later, the panel still uses the agent's verdict.
    again = web_as(alice).get(f"/assist/panel/?ticket={complaint.pk}", **HTMX).content.decode()
    assert "应对虚荣型客户" in again and "corrected" in again


def test_confirming_a_label_says_so(web_as, alice, complaint):
    html = web_as(alice).post("/assist/feedback/", {
        "ticket": complaint.pk, "field": "kind", "predicted": "complaint", "correct": "complaint"},
        **HTMX).content.decode()
    assert "confirmed" in html
    assert AssistCorrection.objects.get().confirms


def test_a_bad_code_is_reported_in_the_panel_and_nothing_stored(web_as, alice, complaint):
    html = web_as(alice).post("/assist/feedback/", {
        "ticket": complaint.pk, "field": "urgency", "correct": "whenever"}, **HTMX).content.decode()
    assert 'role="alert"' in html and "whenever" in html
    assert not AssistCorrection.objects.exists()


def test_without_htmx_the_verdict_returns_to_the_ticket(web_as, alice, complaint):
    response = web_as(alice).post("/assist/feedback/", {
        "ticket": complaint.pk, "field": "emotion", "predicted": "angry", "correct": "angry"})
    assert response.status_code == 302 and response["Location"] == complaint.get_absolute_url()
    assert AssistCorrection.objects.count() == 1


def test_a_verdict_without_the_csrf_token_is_refused(alice, complaint):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    response = client.post("/assist/feedback/", {"ticket": complaint.pk, "field": "type", "correct": "vain"})
    assert response.status_code == 403
    assert not AssistCorrection.objects.exists()


def test_a_type_on_the_customers_record_outweighs_the_models_reading(web_as, alice, complaint, customer):
    customer.behaviour_type = "vain"
    customer.save(update_fields=["behaviour_type"])
    html = web_as(alice).get(f"/assist/panel/?ticket={complaint.pk}", **HTMX).content.decode()
    assert "应对虚荣型客户" in html and "customer's record" in html


def test_the_customer_page_variant_reads_the_customers_tickets(web_as, alice, complaint, customer):
    html = web_as(alice).get(f"/assist/panel/?customer={customer.pk}").content.decode()
    assert "应对易怒型客户" in html
    assert f'name="customer" value="{customer.pk}"' in html and 'name="ticket"' not in html


def test_a_type_corrected_on_the_customer_page_is_stored(web_as, alice, customer):
    response = web_as(alice).post("/assist/feedback/", {
        "customer": customer.pk, "field": "type", "predicted": "unknown", "correct": "picky"})
    assert response.status_code == 302 and response["Location"] == customer.get_absolute_url()
    customer.refresh_from_db()
    assert customer.behaviour_type == "picky"
    c = AssistCorrection.objects.get()
    assert (c.customer, c.ticket, c.correct) == (customer, None, "picky")


def test_a_customer_outside_the_scope_shows_no_panel(web_as, dave, customer):
    assert web_as(dave).get(f"/assist/panel/?customer={customer.pk}").status_code == 404
    assert web_as(dave).post("/assist/feedback/", {"customer": customer.pk, "field": "type",
                                                    "correct": "vain"}).status_code == 404


def test_the_customer_page_loads_the_panel(web_as, bob, customer):
    html = web_as(bob).get(customer.get_absolute_url()).content.decode()
    assert f'hx-get="/assist/panel/?customer={customer.pk}"' in html
