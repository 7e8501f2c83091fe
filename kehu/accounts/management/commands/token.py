"""`kehu token create USERNAME`: print a new API token on the last line."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from kehu.accounts.models import User
from kehu.accounts.services import token_create


class Command(BaseCommand):
    help = "Manage API tokens."

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="Create a token for a user and print it.")
        create.add_argument("username")
        create.add_argument("--name", default="cli")

    def handle(self, *args: Any, action: str, username: str, name: str, **options: Any) -> None:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user named {username!r}.")
        if not user.is_active:
            raise CommandError(f"User {username!r} is not active.")
        self.stdout.write(token_create(user=user, name=name))
