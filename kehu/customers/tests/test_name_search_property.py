"""Name search finds exactly the names that contain the fragment, whatever mix of Chinese,
Latin letters and digits the fragment and the names are made of."""

import random

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from kehu.core.identifiers import normalize_name
from kehu.core.search import SHORT_RUN, _runs
from kehu.customers.models import Customer
from kehu.customers.services import customer_create

ALPHABET = "测试科技126ab"


def _names() -> list[str]:
    rng = random.Random(7)
    pieces = ["测试", "科技", "1", "12", "261", "ab", "abc", "b2", "技", "试1"]
    made = {"".join(rng.choice(pieces) for _ in range(rng.randint(2, 5))) + "公司" for _ in range(60)}
    return sorted(made | {"测试1261科技公司", "ab61科技公司"})  # runs ending inside longer ones


@pytest.fixture
def archive(root):
    for name in _names():
        customer_create(by=root, data={"name": name})
    return {c.pk: c.name_norm for c in Customer.objects.all()}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(fragment=st.text(alphabet=ALPHABET, min_size=1, max_size=6))
@example(fragment="1技")
def test_a_fragment_with_chinese_finds_every_name_holding_it_and_nothing_else(archive, fragment):
    found = set(Customer.objects.search(fragment).values_list("pk", flat=True))
    folded = normalize_name(fragment)
    holding = {pk for pk, name in archive.items() if folded in name}
    assert found <= holding, fragment  # nothing that does not hold it
    runs = _runs(folded)
    if not folded.isascii() and not (runs[0].isascii() and len(runs[0]) >= SHORT_RUN):
        # With Chinese in it: every name holding it. By design, a run of letters or digits
        # of three or more at the start is the start of a word (360安全, not 60安全), and a
        # fragment of letters or digits alone the start of a word or a phone ending.
        assert found == holding, fragment
