# A real SMTP server on loopback catches the invitations (the e-mail channel's own fixture).
from kehu.channels.email.tests.conftest import smtp_sink  # noqa: F401
