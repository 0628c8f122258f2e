"""The stage has one writer: ``complaints/workflow.py``. Any other module of the application
that sets a complaint's stage (an attribute, a create or update with ``stage=``, a stage given
as data, ``update_fields`` naming it, or SQL setting it) fails this test, unless it is on the
allow-list below with the reason it may.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("accounts", "common", "complaints", "config", "reports")
# Module → why it may write the stage. The workflow is the one writer.
ALLOWED = {"complaints/workflow.py": "the workflow: transitions, and imported history"}
WRITE_METHODS = {"create", "update", "update_or_create", "get_or_create", "Complaint"}
SQL_SETTING_STAGE = re.compile(r"\bSET\b[^;]*\bstage\b\s*=", re.IGNORECASE | re.DOTALL)


def _is_stage(node: ast.AST | None) -> bool:
    return isinstance(node, ast.Constant) and node.value == "stage"


def _is_stage_value(node: ast.AST | None) -> bool:
    """``Stage.CLOSED`` and the like: a stage written out as data."""
    return (
        isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id == "Stage"
    )


def _callee(node: ast.Call) -> str:
    func = node.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def _keyword_writes_stage(callee: str, keyword: ast.keyword) -> bool:
    """``create(stage=…)``, ``update(stage=…)``, ``Complaint(stage=…)``; ``update_fields``
    naming the stage (a ``save`` writing it)."""
    if keyword.arg == "stage":
        return callee in WRITE_METHODS
    return (
        keyword.arg == "update_fields"
        and isinstance(keyword.value, ast.List | ast.Tuple | ast.Set)
        and any(_is_stage(element) for element in keyword.value.elts)
    )


def stage_writes(source: str) -> list[int]:
    """The line numbers in ``source`` where a complaint's stage is written."""
    lines: list[int] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(isinstance(t, ast.Attribute) and t.attr == "stage" for t in targets):
                lines.append(node.lineno)
        elif isinstance(node, ast.Call):
            callee = _callee(node)
            if callee == "setattr" and len(node.args) > 1 and _is_stage(node.args[1]):
                lines.append(node.lineno)
            if any(_keyword_writes_stage(callee, keyword) for keyword in node.keywords):
                lines.append(node.lineno)
        elif isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values, strict=True):
                if _is_stage(key) and _is_stage_value(value):
                    lines.append(node.lineno)
        elif (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and SQL_SETTING_STAGE.search(node.value)
        ):
            lines.append(node.lineno)
    return sorted(set(lines))


def application_modules() -> list[Path]:
    return [
        path
        for package in PACKAGES
        for path in sorted((ROOT / package).rglob("*.py"))
        if "migrations" not in path.parts
    ]


@pytest.mark.parametrize(
    "source",
    [
        'fields = {"stage": Stage.CLOSED}',
        "complaint.stage = Stage.RESOLVED",
        "Complaint.objects.filter(pk=1).update(stage='closed')",
        "Complaint.objects.create(reference='KL', stage=Stage.CLOSED)",
        "Complaint(stage='closed')",
        "setattr(complaint, 'stage', 'closed')",
        "complaint.save(update_fields=['stage'])",
        "cursor.execute('UPDATE complaints_complaint SET stage = %s')",
    ],
)
def test_the_check_sees_each_way_of_writing_the_stage(source):
    assert stage_writes(source) == [1]


@pytest.mark.parametrize(
    "source",
    [
        "Complaint.objects.filter(stage=Stage.CLOSED)",
        "models.Q(stage__in=[Stage.RESOLVED])",
        "if complaint.stage == Stage.CLOSED: pass",
        'context = {"stage": stage, "complaints": rows}',
        'row = {"stage": row["stage"]}',
    ],
)
def test_reading_the_stage_is_not_writing_it(source):
    assert stage_writes(source) == []


def test_only_the_workflow_writes_the_stage():
    writers = {}
    for path in application_modules():
        name = path.relative_to(ROOT).as_posix()
        lines = stage_writes(path.read_text(encoding="utf-8"))
        if lines and name not in ALLOWED:
            writers[name] = lines
    assert writers == {}, f"the stage is written outside complaints/workflow.py: {writers}"
    # The allow-list names real writers (a stale entry would hide nothing, but mislead).
    for name in ALLOWED:
        assert stage_writes((ROOT / name).read_text(encoding="utf-8")), name
