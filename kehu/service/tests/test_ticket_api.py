"""The ticket API as an integration (or the agent's console) uses it."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from kehu.core.models import AuditEntry
from kehu.service.choices import TicketStatus
from kehu.service.models import IdempotencyKey, Reply, Ticket


def create(client, **data):
    body = {"kind": "inquiry", "channel": "phone", "title": "电费怎么算", "description": "客户询问阶梯电价"}
    body.update(data)
    return client.post("/api/tickets", body)


def test_created_ticket_has_number_status_and_due_times(api_as, alice, customer):
    response = create(api_as(alice), customer_id=customer.pk)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["number"].startswith("T") and len(body["number"]) == 14
    assert body["status"] == "accepted"  # taken on the phone: answered on contact
    assert body["first_response_due"] and body["resolution_due"]
    assert body["customer"]["id"] == customer.pk
    assert api_as(alice).get(f"/api/tickets/{body['id']}").json()["number"] == body["number"]


def test_ticket_numbers_count_up_within_a_day(api_as, alice):
    numbers = [create(api_as(alice)).json()["number"] for _ in range(3)]
    assert [int(n[-5:]) for n in numbers] == sorted(int(n[-5:]) for n in numbers)
    assert len(set(numbers)) == 3


def test_the_phone_finds_the_customer(api_as, alice, customer):
    body = create(api_as(alice), phone="138-1234-5678").json()
    assert body["customer"]["id"] == customer.pk


def test_same_idempotency_key_returns_the_same_ticket(api_as, alice):
    client = api_as(alice).client
    payload = {"kind": "repair", "channel": "api", "title": "停电", "description": "整栋楼停电"}
    first = client.post("/api/tickets", payload, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k-1")
    again = client.post("/api/tickets", payload, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"]
    assert Ticket.objects.count() == 1 and IdempotencyKey.objects.count() == 1
    other = client.post("/api/tickets", payload, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k-2")
    assert other.json()["id"] != first.json()["id"]


def test_a_key_with_control_characters_is_refused_and_creates_nothing(api_as, alice):
    client = api_as(alice).client
    payload = {"kind": "repair", "channel": "api", "title": "停电", "description": "整栋楼停电"}
    response = client.post("/api/tickets", payload, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k\x00")
    assert response.status_code == 422 and response.json()["field"] == "Idempotency-Key"
    assert Ticket.objects.count() == 0


def test_missing_fields_are_named(api_as, alice):
    response = api_as(alice).post("/api/tickets", {"kind": "nonsense", "channel": "phone"})
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert "kind" in errors and "title" in errors


def test_a_transition_the_status_does_not_allow_is_409(api_as, alice):
    ticket = create(api_as(alice)).json()
    response = api_as(alice).post(f"/api/tickets/{ticket['id']}/close", {})
    assert response.status_code == 409
    assert response.json()["message"]


def test_resolve_close_reopen(api_as, alice):
    client = api_as(alice)
    tid = create(client).json()["id"]
    assert client.post(f"/api/tickets/{tid}/resolve", {"solution": "已解释阶梯电价"}).json()["status"] == "resolved"
    assert client.post(f"/api/tickets/{tid}/close", {}).json()["status"] == "closed"
    reopened = client.post(f"/api/tickets/{tid}/reopen", {"reason": "客户仍有疑问"}).json()
    assert reopened["status"] == "in_progress" and reopened["closed_at"] is None


def test_a_complaint_closes_only_with_solution_and_agreement_or_reason(api_as, alice, customer):
    client = api_as(alice)
    tid = create(client, kind="complaint", customer_id=customer.pk, title="抄表员态度差").json()["id"]
    assert client.post(f"/api/tickets/{tid}/resolve", {}).status_code == 422
    for step in ("calm", "listen", "apologise"):
        assert client.post(f"/api/tickets/{tid}/complaint-steps", {"step": step}).status_code == 201
    client.post(f"/api/tickets/{tid}/complaint-steps", {"step": "solution", "note": "上门致歉并更换抄表员"})
    assert client.post(f"/api/tickets/{tid}/resolve", {}).json()["solution"] == "上门致歉并更换抄表员"
    refused = client.post(f"/api/tickets/{tid}/close", {})
    assert refused.status_code == 422 and "customer_agreed" in refused.json()["errors"]
    closed = client.post(f"/api/tickets/{tid}/close", {"customer_agreed": True}).json()
    assert closed["status"] == "closed"
    steps = client.get(f"/api/tickets/{tid}/complaint-steps").json()
    assert [s["step"] for s in steps] == ["calm", "listen", "apologise", "solution"]


def test_resolving_the_master_incident_resolves_every_attached_call(api_as, alice):
    client = api_as(alice)
    master = create(client, kind="emergency_repair", title="幸福小区停电").json()["id"]
    client.post(f"/api/tickets/{master}/master")
    calls = [create(client, kind="emergency_repair", title=f"家里没电 {i}", caller_email=f"u{i}@example.com").json()["id"]
             for i in range(3)]
    for tid in calls[:2]:
        assert client.post(f"/api/tickets/{tid}/attach", {"ticket_id": master}).json()["master_id"] == master
    created_attached = create(client, kind="emergency_repair", title="也停电了", master_id=master).json()
    assert created_attached["master_id"] == master
    client.post(f"/api/tickets/{master}/resolve", {"solution": "线路已修复，恢复供电"})
    statuses = dict(Ticket.objects.values_list("pk", "status"))
    assert [statuses[t] for t in calls] == ["resolved", "resolved", "accepted"]
    assert statuses[created_attached["id"]] == "resolved"
    notice = Ticket.objects.get(pk=calls[0]).replies.filter(internal=False, via="system").get()
    assert "恢复供电" in notice.body


def test_merging_keeps_both_threads(api_as, alice):
    client = api_as(alice)
    keep = create(client, description="第一次来电").json()["id"]
    dup = create(client, description="第二次来电").json()["id"]
    assert client.post(f"/api/tickets/{dup}/merge", {"ticket_id": keep}).status_code == 200
    bodies = [r["body"] for r in client.get(f"/api/tickets/{keep}/replies").json()]
    assert "第一次来电" in bodies and "第二次来电" in bodies
    merged = client.get(f"/api/tickets/{dup}").json()
    assert merged["status"] == "closed" and merged["merged_into_id"] == keep


def test_dispatch_to_a_unit_which_answers_and_the_ticket_returns(api_as, alice, org):
    from conftest import make_user

    crew = make_user("crew", "agent", org["north"])
    client = api_as(alice)
    tid = create(client, kind="repair", title="电表不走字").json()["id"]
    dispatched = client.post(f"/api/tickets/{tid}/dispatch", {"unit_ids": [org["north"].pk], "due_hours": 4})
    assert dispatched.json()["status"] == "dispatched", dispatched.content
    queue = api_as(crew).get("/api/work-orders").json()
    assert [w["ticket_id"] for w in queue] == [tid]
    answered = api_as(crew).post(f"/api/work-orders/{queue[0]['id']}/answer", {"answer": "已更换电表"})
    assert answered.status_code == 200 and answered.json()["status"] == "answered"
    assert client.get(f"/api/tickets/{tid}").json()["status"] == TicketStatus.IN_PROGRESS
    # A unit that did not get the order cannot answer it.
    assert api_as(org["dave"]).post(f"/api/work-orders/{queue[0]['id']}/answer", {"answer": "x"}).status_code in (403, 404, 409)


def test_return_visit_unsatisfied_reopens(api_as, alice, customer):
    client = api_as(alice)
    tid = create(client, kind="repair", customer_id=customer.pk).json()["id"]
    client.post(f"/api/tickets/{tid}/resolve", {"solution": "已修复"})
    client.post(f"/api/tickets/{tid}/close", {})
    visit = client.post(f"/api/tickets/{tid}/return-visit", {"reached": True, "satisfaction": 2, "comment": "又坏了"})
    assert visit.status_code == 200 and visit.json()["flagged"] is True
    assert client.get(f"/api/tickets/{tid}").json()["status"] == "in_progress"


def test_a_rep_of_another_team_cannot_see_the_ticket(api_as, alice, dave, customer):
    tid = create(api_as(alice), customer_id=customer.pk).json()["id"]
    assert api_as(dave).get(f"/api/tickets/{tid}").status_code == 404
    assert tid not in [t["id"] for t in api_as(dave).get("/api/tickets").json()["items"]]


def test_the_owner_of_the_customer_sees_its_tickets(api_as, alice, bob, customer):
    tid = create(api_as(alice), customer_id=customer.pk).json()["id"]
    assert api_as(bob).get(f"/api/tickets/{tid}").status_code == 200


def test_anonymous_reporter_is_hidden_from_other_agents(api_as, alice, frank, org):
    from conftest import make_user

    other = make_user("agent2", "agent", org["center"])
    tid = create(api_as(alice), kind="report", anonymous=True, phone="13900001111", caller_name="张先生").json()["id"]
    seen_by_other = api_as(other).get(f"/api/tickets/{tid}").json()
    assert seen_by_other["caller_phone"] == "" and seen_by_other["caller_name"] == ""
    assert seen_by_other["customer"] is None
    # Whoever took the report, and a manager (an authorised role), see the reporter.
    assert api_as(alice).get(f"/api/tickets/{tid}").json()["caller_name"] == "张先生"
    seen_by_manager = api_as(frank).get(f"/api/tickets/{tid}").json()
    assert (seen_by_manager["caller_name"], seen_by_manager["caller_phone"]) == ("张先生", "13900001111")


def test_unauthenticated_is_401(client):
    assert client.post("/api/tickets", {}, content_type="application/json").status_code == 401


def test_files_are_attached_and_bad_ones_refused(api_as, alice, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = str(tmp_path)
    settings.KEHU_MAX_ATTACHMENT_BYTES = 1000
    client = api_as(alice)
    tid = create(client).json()["id"]
    ok = client.client.post(f"/api/tickets/{tid}/attachments",
                            {"file": SimpleUploadedFile("电表照片.jpg", b"x" * 500, content_type="image/jpeg")})
    assert ok.status_code == 201 and ok.json()["name"] == "电表照片.jpg"
    big = client.client.post(f"/api/tickets/{tid}/attachments", {"file": SimpleUploadedFile("big.pdf", b"x" * 2000)})
    exe = client.client.post(f"/api/tickets/{tid}/attachments", {"file": SimpleUploadedFile("run.exe", b"MZ")})
    assert big.status_code == 422 and "big.pdf" in big.json()["message"]
    assert exe.status_code == 422 and ".exe" in exe.json()["message"]
    assert Ticket.objects.get(pk=tid).attachments.count() == 1


def test_a_new_ticket_is_answered_exactly_as_reading_it_back_answers(api_as, alice, bob, customer):
    """POST renders its answer without validating it again; GET validates. Both must agree,
    for a plain ticket, one matched to a customer by phone, and a graded complaint."""
    from kehu.service.models import ComplaintGrade

    ComplaintGrade.objects.get_or_create(code="general", defaults={"name": "一般", "rank": 1})
    for client, data in ((api_as(alice), {}), (api_as(alice), {"phone": "13812345678", "kind": "complaint"}),
                         (api_as(bob), {"customer_id": customer.pk, "kind": "repair", "channel": "api",
                                        "fault_location": "3号楼", "safety_note": "带电"})):
        posted = create(client, **data)
        assert posted.status_code == 201 and posted["Content-Type"] == "application/json; charset=utf-8"
        read = client.get(f"/api/tickets/{posted.json()['id']}")
        assert posted.json() == read.json()
    # A retry answers from one read of the first ticket, and the same way.
    client = api_as(bob).client
    payload = {"kind": "complaint", "channel": "api", "title": "停电", "phone": "13812345678"}
    first = client.post("/api/tickets", payload, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k-9")
    with CaptureQueriesContext(connection) as queries:
        again = client.post("/api/tickets", payload, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k-9")
    assert again.status_code == 201 and again.json() == first.json()
    assert [q["sql"] for q in queries.captured_queries if '"service_ticket"' in q["sql"]][1:] == []  # one read
    assert again.json()["customer"]["id"] == customer.pk and again.json()["grade"] == "general"


def test_a_new_ticket_is_written_by_two_statements_on_postgresql(api_as, alice):
    # The day's number, then the ticket with its audit entry, first reply, search document
    # and key in one statement: each statement is a round trip to PostgreSQL's server.
    client = api_as(alice).client
    payload = {"kind": "inquiry", "channel": "api", "title": "电费", "description": "询问电费", "phone": "13900001111"}
    with CaptureQueriesContext(connection) as queries:
        posted = client.post("/api/tickets", payload, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert posted.status_code == 201
    writes = [q["sql"].split(" ", 3)[:3] for q in queries.captured_queries if q["sql"].startswith(("INSERT", "WITH"))]
    if connection.vendor == "postgresql":
        assert writes == [["INSERT", "INTO", '"service_ticketcounter"'], ["WITH", "r0", "AS"]]
    else:
        assert len(writes) == 6  # the counter, then one INSERT a row
    ticket = posted.json()["id"]
    assert Reply.objects.get(ticket_id=ticket).body == "询问电费"
    assert AuditEntry.objects.get(object_type="ticket", object_id=ticket).action == "ticket.created"
    assert IdempotencyKey.objects.get(key="k-1").ticket_id == ticket


def test_a_grade_added_or_removed_counts_for_the_next_complaint(api_as, alice):
    from kehu.service.models import ComplaintGrade

    ComplaintGrade.objects.all().delete()
    assert create(api_as(alice), kind="complaint").json()["grade"] is None
    ComplaintGrade.objects.create(code="serious", name="较重", rank=2)
    assert create(api_as(alice), kind="complaint").json()["grade"] == "serious"
    ComplaintGrade.objects.create(code="minor", name="一般", rank=1)
    assert create(api_as(alice), kind="complaint", grade="serious").json()["grade"] == "serious"
    assert create(api_as(alice), kind="complaint").json()["grade"] == "minor"  # the lowest rank by default
    response = create(api_as(alice), kind="complaint", grade="huge")
    assert response.status_code == 422 and "minor, serious" in response.json()["message"]
