# A real SMTP server on loopback catches the invitations (the e-mail channel's own fixture).
import pytest

from kehu.channels.email.tests.conftest import smtp_sink  # noqa: F401


@pytest.fixture(autouse=True)
def _english(settings) -> None:
    """These tests read messages in English (the console's second language); the Chinese
    catalogue is checked as a whole by kehu/core/tests/test_translations.py."""
    settings.LANGUAGE_CODE = "en"
