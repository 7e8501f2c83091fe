"""The hot path's statements: prepared on PostgreSQL, still logged, right answers everywhere."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from kehu.customers.models import Contact, Customer


def prepared_statements() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [row[0] for row in cursor.fetchall()]


@pytest.mark.django_db
def test_a_screen_pop_finds_the_same_customers_however_often_it_runs(org):
    own = Customer.objects.create(name="杭州海纳电子有限公司", phone="13812345678", phone_norm="13812345678",
                                  team=org["east"])
    via_contact = Customer.objects.create(name="宁波恒达机电", phone="057487654321", phone_norm="057487654321",
                                          team=org["east"])
    Contact.objects.create(customer=via_contact, name="王芳", mobile="13812345678", mobile_norm="13812345678")
    with CaptureQueriesContext(connection) as queries:
        answers = [Customer.objects.phone_matches("13812345678") for _ in range(3)]
        nobody = Customer.objects.phone_matches("13999999999")
    assert answers == [[via_contact.pk, own.pk]] * 3 and nobody == []
    # Logged with their text on both databases, prepared or not.
    assert len(queries) == 4 and all("customers_contact" in q["sql"] for q in queries.captured_queries)
    if connection.vendor == "postgresql":
        assert any("customers_contact" in statement for statement in prepared_statements())


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_transaction_does_not_break_the_next_prepared_run(org):
    # psycopg forgets its prepared statements on ROLLBACK; the next run prepares anew.
    Customer.objects.create(name="杭州海纳电子有限公司", phone="13812345678", phone_norm="13812345678", team=org["east"])
    first = Customer.objects.phone_matches("13812345678")
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        Customer.objects.phone_matches("13812345678")
        raise ZeroDivisionError
    assert Customer.objects.phone_matches("13812345678") == first == Customer.objects.phone_matches("13812345678")
    if connection.vendor == "postgresql":  # prepared again: an error does not cost the speed for good
        assert any("customers_contact" in statement for statement in prepared_statements())
