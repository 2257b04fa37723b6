"""Named test personas (healthchecks' alice, bob and charlie), for every app's tests.

``city()`` builds a small organisation: company HZ with units U1 (urban) and U2 (rural), halls
H1 (in U1) and H2 (in U2) with counters, one staff member per role, and an account per unit.
A second company (OT) has an account of its own that nobody in HZ may see.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TypeVar

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core.signals import request_finished
from django.db import close_old_connections, connections
from django.http import HttpResponseBase, StreamingHttpResponse
from django.test import Client, RequestFactory

from gridcare.core.tokens import token_issue
from gridcare.customers import rules
from gridcare.customers.models import Account, Contact, Customer, CustomerClass, Feeder, TransformerArea
from gridcare.org.models import AreaType, Company, Counter, Hall, Role, Staff, SupplyUnit

PASSWORD = "persona-password-1"  # noqa: S105 - test personas only

# Every staff persona of the City: its post, and where it works ("company": the whole company;
# U1/U2 and H1/H2 as in the module's docstring; the foreign clerk works for the other company).
STAFF_PERSONAS: dict[str, tuple[Role, str]] = {
    "clerk": (Role.COUNTER_CLERK, "H1"),
    "guide": (Role.HALL_GUIDE, "H1"),
    "manager": (Role.HALL_MANAGER, "H1"),
    "other_manager": (Role.HALL_MANAGER, "H2"),
    "agent": (Role.AGENT_95598, "company"),
    "supervisor": (Role.SUPERVISOR, "U1"),
    "other_supervisor": (Role.SUPERVISOR, "U2"),
    "kam": (Role.KEY_ACCOUNT_MANAGER, "U1"),
    "community": (Role.COMMUNITY_MANAGER, "U1"),
    "planner": (Role.PLANNER, "company"),
    "admin": (Role.ADMINISTRATOR, "company"),
    "foreign_clerk": (Role.COUNTER_CLERK, "X1H"),
}
# Every persona, the signed-in outsider (no post: must see nothing) last.
PERSONAS: tuple[str, ...] = (*STAFF_PERSONAS, "outsider")


@dataclass
class City:
    company: Company
    unit: SupplyUnit
    other_unit: SupplyUnit
    hall: Hall
    other_hall: Hall
    counters: list[Counter]
    feeder: Feeder
    area: TransformerArea
    account: Account  # residential, unit U1, hall H1, with phone and ID number
    other_unit_account: Account  # in U2
    foreign_account: Account  # in another company
    users: dict[str, User]

    # The personas, by the name the tests use.
    @property
    def clerk(self) -> User:  # counter clerk of H1
        return self.users["clerk"]

    @property
    def guide(self) -> User:
        return self.users["guide"]

    @property
    def manager(self) -> User:  # hall manager of H1
        return self.users["manager"]

    @property
    def other_manager(self) -> User:  # hall manager of H2, another hall
        return self.users["other_manager"]

    @property
    def agent(self) -> User:  # 95598 agent, company-wide
        return self.users["agent"]

    @property
    def supervisor(self) -> User:  # supervisor of U1
        return self.users["supervisor"]

    @property
    def other_supervisor(self) -> User:  # supervisor of U2
        return self.users["other_supervisor"]

    @property
    def kam(self) -> User:  # key-account manager of U1
        return self.users["kam"]

    @property
    def community(self) -> User:
        return self.users["community"]

    @property
    def planner(self) -> User:
        return self.users["planner"]

    @property
    def admin(self) -> User:
        return self.users["admin"]

    @property
    def outsider(self) -> User:  # signed in, no staff role: must see nothing
        return self.users["outsider"]

    @property
    def foreign_clerk(self) -> User:  # counter clerk of the other company
        return self.users["foreign_clerk"]


# A valid ID number (GB 11643 check character X) and a valid mobile, used across tests.
ID_NUMBER = "11010519491231002X"
PHONE = "13812345678"


def make_account(
    serial: int,
    unit: SupplyUnit,
    hall: Hall | None,
    name: str,
    *,
    id_number: str = "",
    phone: str = "",
    customer_class: str = CustomerClass.RESIDENTIAL,
    address: str = "上城区解放路1号1幢101室",
    transformer_area: TransformerArea | None = None,
) -> Account:
    """An account with its customer and (optionally) a mobile contact, for tests."""
    customer = Customer.objects.create(name=name, id_number=id_number)
    if phone:
        Contact.objects.create(customer=customer, name=name, phone=phone)
    return Account.objects.create(
        account_no=rules.account_no_from_serial(serial),
        customer=customer,
        customer_class=customer_class,
        address=address,
        supply_unit=unit,
        hall=hall,
        transformer_area=transformer_area,
        opened_on=date(2020, 1, 1),
        contract_capacity_kva=Decimal("8"),
    )


def city() -> City:
    UserModel = get_user_model()
    company = Company.objects.create(code="HZ", name="示范供电公司")
    unit = SupplyUnit.objects.create(company=company, code="U1", name="城区供电所", area_type=AreaType.URBAN)
    other_unit = SupplyUnit.objects.create(company=company, code="U2", name="乡镇供电所", area_type=AreaType.RURAL)
    hall = Hall.objects.create(unit=unit, code="H1", name="城区营业厅")
    other_hall = Hall.objects.create(unit=other_unit, code="H2", name="乡镇营业厅")
    counters = [Counter.objects.create(hall=hall, number=n, name=f"{n}号窗口") for n in (1, 2, 3)]
    Counter.objects.create(hall=other_hall, number=1, name="1号窗口")
    feeder = Feeder.objects.create(unit=unit, code="F1", name="10kV 城一线")
    area = TransformerArea.objects.create(feeder=feeder, code="T1", name="城一线1号台区")
    other = Company.objects.create(code="OT", name="邻市供电公司")
    other_company_unit = SupplyUnit.objects.create(company=other, code="X1", name="邻市供电所")
    other_company_hall = Hall.objects.create(unit=other_company_unit, code="X1H", name="邻市营业厅")

    places = {
        "H1": (company, unit, hall),
        "H2": (company, other_unit, other_hall),
        "U1": (company, unit, None),
        "U2": (company, other_unit, None),
        "company": (company, None, None),
        "X1H": (other, other_company_unit, other_company_hall),
    }
    users: dict[str, User] = {}
    for i, (username, (role, place)) in enumerate(STAFF_PERSONAS.items(), start=1):
        comp, u, h = places[place]
        is_admin = role == Role.ADMINISTRATOR
        user = UserModel.objects.create_user(
            username=username, password=PASSWORD, is_staff=is_admin, is_superuser=is_admin
        )
        Staff.objects.create(user=user, employee_no=f"T{i:04d}", name=username, role=role, company=comp, unit=u, hall=h)
        users[username] = user
    users["outsider"] = UserModel.objects.create_user(username="outsider", password=PASSWORD)

    account = make_account(1, unit, hall, "张三", id_number=ID_NUMBER, phone=PHONE, transformer_area=area)
    other_unit_account = make_account(2, other_unit, other_hall, "李四", phone="13900001111")
    foreign_account = make_account(3, other_company_unit, other_company_hall, "王五", phone="13700002222")
    return City(
        company=company,
        unit=unit,
        other_unit=other_unit,
        hall=hall,
        other_hall=other_hall,
        counters=counters,
        feeder=feeder,
        area=area,
        account=account,
        other_unit_account=other_unit_account,
        foreign_account=foreign_account,
        users=users,
    )


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def api_client(user: User) -> Client:
    """A client that calls the JSON API with a bearer token, as kiosks and apps do."""
    request = RequestFactory().post("/api/v1/auth/token")  # sign-in lockout reads the caller's address
    token = token_issue(request=request, username=user.get_username(), password=PASSWORD)
    return Client(headers={"Authorization": f"Bearer {token}"})


def streamed(response: HttpResponseBase) -> bytes:
    """The whole body of a streamed response (an export, a file download), read to the end; of
    an event stream (a live screen's, which does not end), its first event only."""
    assert isinstance(response, StreamingHttpResponse), f"not a streamed response: {type(response).__name__}"
    content = response.streaming_content
    assert isinstance(content, Iterator), "an asynchronous stream"
    if response.get("Content-Type", "").startswith("text/event-stream"):
        first = next(content, b"")
        close_stream(response)
        return bytes(first)
    return b"".join(content)


def close_stream(response: HttpResponseBase) -> None:
    """Close a streamed response read only in part, as the server does when the browser goes
    away (request_finished without closing the test's database connection)."""
    # The test client wraps the stream in a generator that, closed, sends request_finished with
    # the connection-closing receiver taken off; closing the response itself would send it with
    # the receiver on. So the stream's closers run first, then the response's own close.
    closers, response._resource_closers = response._resource_closers, []  # type: ignore[attr-defined]
    request_finished.disconnect(close_old_connections)
    try:
        for close in closers:
            close()
        request_finished.disconnect(close_old_connections)  # the wrapper put it back on
        response.close()
    finally:
        request_finished.connect(close_old_connections)


T = TypeVar("T")


def run_together(
    count: int, work: Callable[[int], T], *, timeout: float | None = None
) -> tuple[list[T], list[BaseException]]:
    """``work(i)`` in ``count`` threads released at once, each on its own database connection
    (the races are real only on PostgreSQL); results and exceptions collected for the caller."""
    results: list[T] = []
    errors: list[BaseException] = []
    lock = threading.Lock()
    start = threading.Barrier(count)

    def run(i: int) -> None:
        try:
            start.wait()
            result = work(i)
            with lock:
                results.append(result)
        except BaseException as exc:  # noqa: BLE001 - collected and asserted by the caller
            with lock:
                errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    return results, errors
