"""Dependencies point one way: the models import no service (nor any other layer above them).

A model module may import the standard library, Django, other model modules and the few
value modules below every layer (choices, states, money; common.limits, the longest texts).
Imports inside functions count too.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MODEL_MODULES = [
    *sorted((ROOT / "complaints" / "models").glob("*.py")),
    ROOT / "accounts" / "models.py",
    ROOT / "reports" / "models.py",
]
ALLOWED_PREFIXES = (
    "django",
    "django_stubs_ext",
    "complaints.models",
    "complaints.choices",
    "complaints.states",
    "complaints.money",
    "accounts.models",
    "accounts.roles",
    "common.limits",
)


def imported_modules(path: Path) -> list[str]:
    names = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module in {"complaints", "accounts", "common"}:  # from complaints import money
                names += [f"{node.module}.{alias.name}" for alias in node.names]
            else:
                names.append(node.module)
    return names


def is_allowed(name: str) -> bool:
    top = name.split(".")[0]
    if top == "__future__" or top in sys.stdlib_module_names:
        return True
    return any(name == prefix or name.startswith(prefix + ".") for prefix in ALLOWED_PREFIXES)


@pytest.mark.parametrize("path", MODEL_MODULES, ids=lambda path: str(path.relative_to(ROOT)))
def test_a_model_module_imports_no_service(path):
    refused = [name for name in imported_modules(path) if not is_allowed(name)]
    assert refused == []


def test_the_check_sees_a_service_import():
    assert not is_allowed("complaints.coulance.routing")
    assert not is_allowed("complaints.services")
    assert not is_allowed("reports.figures")
    assert is_allowed("complaints.models.coulance")
    assert is_allowed("common.limits")
    assert not is_allowed("common.web")


def modules_under(folder: str) -> list[Path]:
    return sorted((ROOT / folder).rglob("*.py"))


@pytest.mark.parametrize("path", modules_under("reports"), ids=lambda path: path.name)
def test_the_reports_use_no_part_of_the_complaint_pages(path):
    refused = [name for name in imported_modules(path) if name.startswith("complaints.web")]
    assert refused == []


@pytest.mark.parametrize("path", modules_under("common"), ids=lambda path: path.name)
def test_what_every_app_shares_depends_on_no_app_but_accounts(path):
    refused = [
        name
        for name in imported_modules(path)
        if name.split(".")[0] in {"complaints", "reports", "config"}
    ]
    assert refused == []


@pytest.mark.parametrize(
    "path",
    [*modules_under("accounts"), *modules_under("complaints"), *modules_under("reports")],
    ids=lambda path: str(path.relative_to(ROOT)),
)
def test_no_app_imports_the_operations_wiring(path):
    """``ops`` (probes, logs, metrics) reads the apps; the apps never lean on it."""
    assert [name for name in imported_modules(path) if name.split(".")[0] == "ops"] == []


@pytest.mark.parametrize("path", modules_under("ops"), ids=lambda path: path.name)
def test_the_operations_wiring_reads_only_the_backlog_of_the_apps(path):
    refused = [
        name
        for name in imported_modules(path)
        if name.split(".")[0] in {"complaints", "reports", "accounts"}
        and name != "complaints.scheduling.backlog"
        and name != "complaints.scheduling"  # from complaints.scheduling import backlog
    ]
    assert refused == []
