from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from gridcare.assessment.demo_drivers_actions import seed_drivers_and_actions
from gridcare.assessment.demo_stars import seed_stars
from gridcare.assessment.services.reports import reports_due
from gridcare.assessment.services.rollup import rollup_due
from gridcare.billing.demo import seed_billing
from gridcare.billing.service_demo import seed_paid_services
from gridcare.customers.demo import seed_customers, seed_worklist
from gridcare.halls.demo import history_weeks as _weeks
from gridcare.halls.demo import seed_halls, seed_history
from gridcare.halls.home_demo import seed_home_services
from gridcare.keyaccounts.demo import seed_key_accounts
from gridcare.knowledge.demo import seed_knowledge
from gridcare.notices.services.demo import seed_notices
from gridcare.org.demo import demo_users, seed_org
from gridcare.planning.demo_network import seed_network_sites
from gridcare.portal.demo import demo_customer_ref, seed_portal
from gridcare.workorders.demo import seed_workorders


class Command(BaseCommand):
    help = "Build the deterministic demo city (idempotent): organisation, staff, grid, customers."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--customers", type=int, default=20_000, help="number of demo customers")
        parser.add_argument("--orders", type=int, default=300, help="number of demo work orders")
        parser.add_argument("--seed", type=int, default=1, help="random seed of the demo city")
        parser.add_argument(
            "--history-weeks",
            type=int,
            default=None,
            help="weeks of past hall tickets and ratings (default GRIDCARE_DEMO_HISTORY_WEEKS, 6)",
        )
        parser.add_argument("--list-users", action="store_true", help="print the demo sign-ins")

    def handle(
        self,
        *args: Any,
        customers: int,
        orders: int,
        seed: int,
        history_weeks: int | None,
        list_users: bool,
        **options: Any,
    ) -> None:
        started = time.perf_counter()
        seed_org(password=settings.GRIDCARE_DEMO_PASSWORD)
        seed_halls()
        created = seed_customers(
            count=customers,
            seed=seed,
            progress=lambda n: self.stdout.write(f"  … {n:,} customers", ending="\r"),
        )
        weeks = history_weeks if history_weeks is not None else _weeks()
        self.stdout.write(f"hall history: {seed_history(weeks=weeks, seed=seed):,} tickets over {weeks} weeks")
        seed_workorders(count=orders, seed=seed)
        self.stdout.write(f"billing demo: {seed_billing()}")
        self.stdout.write(seed_notices())
        self.stdout.write(f"archive-quality worklist: {seed_worklist():,} new issues")
        rolled = rollup_due()  # the assessment figures of the history, as the worker would each night
        self.stdout.write(f"assessment roll-up: {len(rolled.days)} days, {rolled.service_rows:,} service rows")
        self.stdout.write(seed_drivers_and_actions())
        self.stdout.write(seed_stars())  # before the reports, which count the month's stars
        reports = reports_due()  # last month's reports, as the worker writes them on the 1st
        self.stdout.write(f"monthly reports: {len(reports.written)}")
        self.stdout.write(seed_portal())
        self.stdout.write(seed_paid_services(portal_ref=demo_customer_ref()))  # the demo customer's orders
        self.stdout.write(seed_home_services())
        self.stdout.write(seed_key_accounts())  # assignments, visits, needs and plans of the demo 大客户经理
        self.stdout.write(seed_network_sites())  # candidate sites of the outlet network (PLAN-3)
        self.stdout.write(seed_knowledge())  # the knowledge base's articles (SELF-1, SELF-4)
        elapsed = time.perf_counter() - started
        self.stdout.write(
            self.style.SUCCESS(f"demo city ready: {created:,} new customers ({customers:,} wanted) in {elapsed:.1f} s")
        )
        if list_users:
            self.stdout.write(f"demo password: {settings.GRIDCARE_DEMO_PASSWORD}")
            for person in demo_users():
                self.stdout.write(f"  {person.username:<16} {person.role.label}  {person.name}")
