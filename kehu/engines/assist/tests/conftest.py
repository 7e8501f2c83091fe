import pytest

from kehu.engines.assist import held_out_split, load_model, shipped_corpus


@pytest.fixture(scope="session")
def model():
    return load_model()


@pytest.fixture(scope="session")
def split():
    return held_out_split(shipped_corpus(), seed=0)
