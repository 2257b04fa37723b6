"""The rooms of every app keep their direction (docs/ARCHITECTURE.md, "One of each"): reads
never import writes, and pure rules import neither, nor the database layer. Read from the
source, so a new app is held to it the day it is added."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

APPS = Path(__file__).resolve().parents[2]


def _modules(room: str) -> list[Path]:
    found = sorted(APPS.glob(f"*/{room}.py")) + sorted(APPS.glob(f"*/{room}/*.py"))
    return [p for p in found if "tests" not in p.parts]


def _imports(path: Path) -> list[str]:
    names: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.append(node.module)
        elif isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
    return names


def _writes(module: str) -> bool:
    return ".services" in module or module.endswith("services")


def test_every_app_has_selectors_and_rules_to_check() -> None:
    assert len(_modules("selectors")) >= 8
    assert len(_modules("rules")) >= 7


@pytest.mark.parametrize("path", _modules("selectors"), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_a_selector_never_imports_a_service(path: Path) -> None:
    assert [m for m in _imports(path) if _writes(m)] == []


@pytest.mark.parametrize("path", _modules("rules"), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_rules_import_no_services_selectors_or_database(path: Path) -> None:
    wrong = [m for m in _imports(path) if _writes(m) or ".selectors" in m or m.startswith("django.db")]
    assert wrong == []


def test_the_check_finds_a_service_import() -> None:
    assert _writes("gridcare.notices.services.templates")
    assert _writes("gridcare.billing.services")
    assert not _writes("gridcare.notices.selectors")
