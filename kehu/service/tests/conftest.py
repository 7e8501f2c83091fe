import pytest

from kehu.customers.models import Customer


@pytest.fixture
def customer(org: dict) -> Customer:
    """Bob's customer, who calls the hotline."""
    return Customer.objects.create(name="深圳市海纳电子有限公司", name_norm="深圳市海纳电子有限公司",
                                   phone="13812345678", phone_norm="13812345678", owner=org["bob"],
                                   team=org["east"], value_tier="general")
