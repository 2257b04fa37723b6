"""Building blocks for the customers tests."""

from __future__ import annotations

# The page form for opening a residential customer of unit U1, as the clerk fills it in.
NEW_CUSTOMER_FORM = {
    "name": "孙八",
    "customer_class": "residential",
    "id_number": "",
    "phone": "13600001111",
    "address": "上城区望江路9号1幢202室",
    "supply_unit": "U1",
    "contract_capacity_kva": "8",
    "importance_grade": "",
}
