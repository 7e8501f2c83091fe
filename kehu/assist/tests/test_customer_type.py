"""The customer's behavioural types speak the assist engine's codes."""

import importlib

from django.apps import apps

from kehu.customers.choices import BehaviourType
from kehu.customers.models import Customer
from kehu.engines.assist import labels

rename = importlib.import_module("kehu.customers.migrations.0003_behaviour_type_uncooperative")


def test_every_type_the_engine_and_the_knowledge_base_name_can_be_stored_on_a_customer():
    assert set(BehaviourType.values) == (set(labels.TYPES) - {"unknown"}) | set(labels.MORE_TYPES)


def test_the_migration_rewrites_stubborn_customers_as_uncooperative(customer):
    Customer.objects.filter(pk=customer.pk).update(behaviour_type="stubborn")
    other = Customer.objects.create(name="李四", name_norm="李四", behaviour_type="vain")
    rename.forwards(apps, None)
    customer.refresh_from_db()
    other.refresh_from_db()
    assert (customer.behaviour_type, other.behaviour_type) == ("uncooperative", "vain")
    rename.backwards(apps, None)
    customer.refresh_from_db()
    assert customer.behaviour_type == "stubborn"
