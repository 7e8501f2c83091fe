"""`kehu demo [--customers N] [--seed S] [--if-empty]`: load the demo organisation and customers."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.core.management.base import BaseCommand

from kehu.contact import demo as contact_demo
from kehu.contact.models import Queue
from kehu.core import demo
from kehu.customers.models import Customer
from kehu.fieldwork import demo as fieldwork_demo
from kehu.insights.services import insights_refresh
from kehu.outbound import demo as outbound_demo
from kehu.quality import demo as quality_demo
from kehu.sales import demo as sales_demo
from kehu.service import demo as service_demo
from kehu.surveys import demo as surveys_demo
from kehu.workforce import demo as workforce_demo


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
        self._extras(customers=max(0, customers), seed=seed, users=result.users)
        for line in [*demo.login_lines(result.users), *contact_demo.login_lines(), *service_demo.login_lines()]:
            self.stdout.write(line)

    def _step(self, name: str, make: Callable[[], str]) -> None:
        """Run one app's demo and print its line with the time it took."""
        began = time.perf_counter()
        line = make()
        self.stdout.write(f"{line} [{name}: {time.perf_counter() - began:.1f} s]")

    def _extras(self, *, customers: int, seed: int | None, users: dict[str, Any]) -> None:
        """The contact center and the apps built on it, each from its own demo module."""
        found: dict[str, Any] = {}

        def contact() -> str:
            found["contact"] = contact_demo.generate(seed=seed, users=users, customers=customers)
            return found["contact"].line()

        self._step("contact", contact)
        agents = found["contact"].agents
        main = Queue.objects.filter(code=contact_demo.QUEUES[0][0]).first()
        self._step("workforce", lambda: workforce_demo.generate(users=users, agents=agents, queue=main))
        self._step("quality", lambda: quality_demo.generate(seed=seed, users=users, agents=agents))
        self._step("outbound", lambda: outbound_demo.generate(seed=seed, users=users, agents=agents))
        self._step("sales", lambda: sales_demo.generate(seed=seed, users=users))
        self._step("fieldwork", lambda: fieldwork_demo.generate(seed=seed, users=users))
        self._step("surveys", lambda: surveys_demo.generate(seed=seed, users=users))
        if customers:
            self._step("insights", lambda: f"Refreshed insights of {insights_refresh().customers:,} customers.")
