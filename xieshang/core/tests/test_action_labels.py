"""Every action a domain's services write to the audit trail has the Chinese label its history
pages show; a raw action name (``item_requeue``) never reaches a page."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

from xieshang.handling.templatetags.loop_labels import LABELS


def _logged_actions(app: str, position: int) -> set[str]:
    """Literal action names passed to ``_log`` or ``audit.record(action=…)`` in
    ``xieshang.<app>.services`` (both arms of a conditional); f-string actions are checked by their
    callers' tests."""
    services = importlib.import_module(f"xieshang.{app}.services")
    names: set[str] = set()

    def collect(node: ast.AST) -> None:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            names.add(node.value)
        elif isinstance(node, ast.IfExp):
            collect(node.body)
            collect(node.orelse)

    path = Path(str(services.__file__))
    # a services package: every module of it
    files = sorted(path.parent.glob("*.py")) if path.name == "__init__.py" else [path]
    for file in files:
        tree = ast.parse(file.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            if getattr(node.func, "id", "") == "_log" and len(node.args) > position:
                collect(node.args[position])
            elif getattr(node.func, "attr", "") == "record" and getattr(node.func.value, "id", "") == "audit":  # type: ignore[attr-defined]
                for kw in node.keywords:
                    if kw.arg == "action":
                        collect(kw.value)
    return names


def _labels(app: str) -> dict[str, str]:
    if app == "handling":
        return LABELS["action"]
    return importlib.import_module(f"xieshang.{app}.selectors").ACTION_LABELS  # type: ignore[no-any-return]


# (app, position of the action among _log's arguments, actions that must be among those found)
CASES = [
    ("handling", 2, {"accept", "item_requeue", "item_close", "withdraw"}),
    ("proposals", 1, set()),
    ("opinions", 1, {"submit", "from_proposal"}),
    ("consultations", 2, {"propose", "record", "send", "publish", "unpublish"}),
]


@pytest.mark.parametrize(("app", "position", "expected"), CASES)
def test_every_logged_action_has_a_chinese_label(app: str, position: int, expected: set[str]) -> None:
    actions = _logged_actions(app, position)
    assert len(actions) >= 5 and expected <= actions
    assert sorted(actions - set(_labels(app))) == []


def test_request_decisions_have_labels() -> None:
    """The loop logs approvals as f"{kind}_approved" / f"{kind}_refused"."""
    for kind in LABELS["request_kind"]:
        assert {f"{kind}_approved", f"{kind}_refused"} <= set(LABELS["action"])
