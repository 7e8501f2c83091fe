"""Login, logout, the language switch and the home page of the console."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from conftest import PASSWORD
from kehu.customers import services

pytestmark = pytest.mark.django_db


def test_login_page_and_login(bob):
    client = Client()
    assert client.get("/login/").status_code == 200
    response = client.post("/login/", {"username": "bob", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/").status_code == 200


def test_wrong_password_is_refused_on_the_page(bob):
    response = Client().post("/login/", {"username": "bob", "password": "nope"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200 and "user name or password is wrong" in response.content.decode()


def test_home_requires_login(client):
    assert client.get("/")["Location"].startswith("/login/")


def test_logout(web_as, bob):
    client = web_as(bob)
    assert client.post("/logout/").status_code == 302
    assert client.get("/").status_code == 302


def test_interface_is_chinese_by_default_and_switches_to_english(web_as, bob):
    client = web_as(bob)
    assert '<html lang="zh-hans">' in client.get("/").content.decode()
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/customers/"})
    assert response.status_code == 302 and response["Location"] == "/customers/"
    assert '<html lang="en">' in client.get("/customers/").content.decode()


def test_home_shows_due_followups_birthdays_and_holidays(web_as, bob):
    today = timezone.localdate()
    customer = services.customer_create(by=bob, data={"name": "华东电器"})
    services.followup_create(customer=customer, by=bob, data={
        "channel": "phone", "content": "约下周", "next_date": today.isoformat()})
    services.contact_create(customer=customer, by=bob, data={
        "name": "寿星", "birthday": (today + dt.timedelta(days=2)).replace(year=1980).isoformat()})
    page = web_as(bob).get("/").content.decode()
    assert "华东电器" in page and "约下周" in page and "寿星" in page


def test_home_does_not_show_others_reminders(web_as, bob, dave):
    customer = services.customer_create(by=dave, data={"name": "华北钢铁"})
    services.followup_create(customer=customer, by=dave, data={
        "channel": "phone", "content": "x", "next_date": timezone.localdate().isoformat()})
    assert "华北钢铁" not in web_as(bob).get("/").content.decode()


def test_admin_link_only_for_staff(web_as, bob, root):
    assert 'href="/admin/"' not in web_as(bob).get("/").content.decode()
    page = web_as(root).get("/").content.decode()
    assert 'href="/admin/"' in page and 'href="/customers/trash/"' in page


def test_static_assets_are_served_locally(web_as, bob):
    page = web_as(bob).get("/").content.decode()
    assert "/static/vendor/htmx-2.0.11.min.js" in page and "/static/kehu/kehu.css" in page
    assert "http://" not in page.replace('xmlns="http://', "") and "https://" not in page
