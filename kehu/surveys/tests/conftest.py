# A real SMTP server on loopback catches the invitations (the e-mail channel's own fixture).
import pytest

from kehu.channels.email.tests.conftest import smtp_sink  # noqa: F401


@pytest.fixture(autouse=True)
def _english(english) -> None:
    """These tests read messages in English (the shared `english` fixture)."""
