import pytest

from kehu.customers.models import Customer
from kehu.service.models import Ticket
from kehu.service.services import ticket_create

# Written so that the shipped model reads it as an irritable customer's complaint.
ANGRY = ("你们到底会不会办事！我已经打了三次电话了，每次都推来推去，"
         "再不解决我马上去12315投诉，还要找媒体曝光！")


@pytest.fixture(autouse=True)
def data_dir(settings, tmp_path):
    """Trained models go to a fresh data folder, never into the checkout's."""
    settings.DATA_DIR = tmp_path / "data"
    return settings.DATA_DIR


@pytest.fixture
def customer(org: dict) -> Customer:
    """Bob's customer, who calls the hotline."""
    return Customer.objects.create(name="深圳市海纳电子有限公司", name_norm="深圳市海纳电子有限公司",
                                   phone="13812345678", phone_norm="13812345678", owner=org["bob"],
                                   team=org["east"], value_tier="general")


@pytest.fixture
def complaint(alice, customer) -> Ticket:
    """Alice takes the angry call of Bob's customer: Dave (another team) cannot see it."""
    return ticket_create(by=alice, data={
        "kind": "complaint", "channel": "phone", "title": "多次来电未解决",
        "description": ANGRY, "customer_id": customer.pk})[0]
