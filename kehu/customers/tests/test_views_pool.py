"""The pool page, claiming from it, and the recycle bin."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import override_settings

from kehu.accounts.models import User
from kehu.customers import services
from kehu.customers.models import Customer

pytestmark = pytest.mark.django_db


def make(by: User, name: str, **data: Any) -> Customer:
    return services.customer_create(by=by, data={"name": name, **data})


def test_pool_lists_only_unowned_customers_with_masked_phones(web_as, bob, carol):
    make(carol, "公海客户", phone="13900000002")
    make(bob, "已有主")
    page = web_as(bob).get("/customers/pool/").content.decode()
    assert "公海客户" in page and "139****0002" in page and "已有主" not in page
    assert "hx-post" in page


def test_claim_with_htmx_swaps_the_row(web_as, bob, carol):
    c = make(carol, "公海客户")
    response = web_as(bob).post(f"/customers/{c.pk}/claim/", HTTP_HX_REQUEST="true", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    page = response.content.decode()
    assert page.lstrip().startswith(f'<tr id="pool-{c.pk}"') and "Claimed" in page
    assert Customer.objects.get(pk=c.pk).owner == bob


def test_second_claim_is_told_someone_else_was_first(web_as, bob, erin, dave, carol):
    c = make(carol, "公海客户")
    assert web_as(erin).post(f"/customers/{c.pk}/claim/", HTTP_HX_REQUEST="true").status_code == 200
    for late in (bob, dave):  # dave no longer even sees it; the answer is the same
        response = web_as(late).post(f"/customers/{c.pk}/claim/", HTTP_HX_REQUEST="true",
                                     HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 200
        assert "Someone else has already claimed this customer." in response.content.decode()
    assert Customer.objects.get(pk=c.pk).owner == erin


def test_claim_without_htmx_redirects_back_with_a_message(web_as, bob, carol):
    c = make(carol, "公海客户")
    response = web_as(bob).post(f"/customers/{c.pk}/claim/", {"next": "/customers/pool/"}, follow=True)
    assert response.redirect_chain[-1][0] == "/customers/pool/"
    assert "公海客户" in response.content.decode()


def test_claim_redirect_ignores_foreign_next(web_as, bob, carol):
    c = make(carol, "公海客户")
    response = web_as(bob).post(f"/customers/{c.pk}/claim/", {"next": "https://evil.example/"})
    assert response["Location"] == f"/customers/{c.pk}/"


@override_settings(KEHU_MAX_CUSTOMERS_PER_REP=1)
def test_claim_over_the_hold_limit_is_refused(web_as, bob, carol):
    make(bob, "已有一个")
    c = make(carol, "公海客户")
    response = web_as(bob).post(f"/customers/{c.pk}/claim/", HTTP_HX_REQUEST="true", HTTP_ACCEPT_LANGUAGE="en")
    assert "the most allowed" in response.content.decode()
    assert Customer.objects.get(pk=c.pk).owner is None


def test_claim_of_unknown_or_deleted_customer_is_404(web_as, bob, carol, root):
    c = make(carol, "公海客户")
    services.customer_delete(customer=c, by=root)
    client = web_as(bob)
    assert client.post(f"/customers/{c.pk}/claim/").status_code == 404
    assert client.post("/customers/999999/claim/").status_code == 404
    assert client.get(f"/customers/{c.pk}/claim/").status_code == 405


def test_recycle_bin_is_for_administrators(web_as, bob, frank):
    assert web_as(bob).get("/customers/trash/").status_code == 403
    assert web_as(frank).get("/customers/trash/").status_code == 403


def test_admin_restores_from_the_recycle_bin(web_as, bob, root):
    c = make(bob, "误删客户")
    services.customer_delete(customer=c, by=bob)
    client = web_as(root)
    assert "误删客户" in client.get("/customers/trash/").content.decode()
    assert web_as(bob).post(f"/customers/{c.pk}/restore/").status_code == 403
    response = client.post(f"/customers/{c.pk}/restore/")
    assert response.status_code == 302
    assert Customer.objects.get(pk=c.pk).deleted_at is None


def test_restore_of_a_duplicate_shows_the_reason(web_as, bob, root):
    c = make(bob, "甲", phone="13800000001")
    services.customer_delete(customer=c, by=bob)
    make(bob, "乙", phone="13800000001")
    response = web_as(root).post(f"/customers/{c.pk}/restore/", follow=True)
    assert response.status_code == 200 and "乙" in response.content.decode()
    assert Customer.objects.get(pk=c.pk).deleted_at is not None
