from __future__ import annotations

from types import SimpleNamespace

import pytest

from xieshang.core.api import error_body
from xieshang.core.transitions import Machine, Transition, TransitionConflict

M = Machine(
    name="该记录",
    transitions={
        "submit": Transition.of(["draft"], "submitted", "提交"),
        "comment": Transition.of(["draft", "submitted"], None, "评论"),
        "close": Transition.of(["submitted"], "closed", "办结"),
    },
    display={"draft": "草稿", "submitted": "已提交", "closed": "已办结"},
)


def test_move_sets_the_target_and_returns_the_old_state() -> None:
    obj = SimpleNamespace(status="draft")
    assert M.move(obj, "submit") == "draft"
    assert obj.status == "submitted"
    M.move(obj, "comment")
    assert obj.status == "submitted"
    assert M.available(obj) == ["comment", "close"]


def test_a_move_from_a_wrong_state_names_the_state_and_the_allowed_ones() -> None:
    obj = SimpleNamespace(status="closed")
    with pytest.raises(TransitionConflict) as exc:
        M.move(obj, "submit")
    assert obj.status == "closed"
    assert "当前为「已办结」，不能提交" in exc.value.message
    assert exc.value.status_code == 409
    assert error_body(exc.value) == {"detail": exc.value.message, "state": "closed", "allowed_states": ["draft"]}


def test_targets_table() -> None:
    assert M.targets() == {"draft": {"submitted"}, "submitted": {"closed"}}
