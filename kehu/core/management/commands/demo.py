"""`kehu demo [--customers N] [--seed S] [--if-empty]`: load the demo organisation and customers."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from kehu.core import demo
from kehu.customers.models import Customer
from kehu.service import demo as service_demo


class Command(BaseCommand):
    help = "Create the demo organisation, its logins (password kehu-demo) and N realistic customers."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--customers", type=int, default=300, help="How many customers (default 300).")
        parser.add_argument("--seed", type=int, default=None,
                            help="Seed of the random choices: the same seed gives the same data.")
        parser.add_argument("--tickets", type=int, default=None,
                            help="How many service tickets (default: a third of the customers, at most 300).")
        parser.add_argument("--if-empty", action="store_true",
                            help="Do nothing when any customer exists (for `make run`).")

    def handle(self, *args: Any, customers: int, seed: int | None, if_empty: bool, tickets: int | None,
               **options: Any) -> None:
        if if_empty and Customer.objects.exists():
            self.stdout.write("Customers exist already; demo data not loaded.")
            return
        step = max(5000, customers // 10)

        def progress(done: int, total: int) -> None:
            if total >= 20000 and (done % step == 0 or done == total):
                self.stdout.write(f"  {done}/{total} customers")

        result = demo.generate(customers=max(0, customers), seed=seed, progress=progress)
        self.stdout.write(
            f"Created {result.customers} customers, {result.contacts} contacts, {result.followups} follow-ups, "
            f"{result.ledger} ledger entries, {result.equipment} pieces of equipment in {result.seconds:.1f} s."
        )
        made = service_demo.generate_tickets(count=min(customers // 3, 300) if tickets is None else tickets,
                                             seed=seed, users=result.users)
        self.stdout.write(f"Created {made} service tickets.")
        for line in [*demo.login_lines(result.users), *service_demo.login_lines()]:
            self.stdout.write(line)
