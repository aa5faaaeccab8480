"""The loop's test world (a committee, units, people and a test channel) for the demo's own tests."""

from xieshang.handling.tests.conftest import _clear_events, _fresh_holiday_table, world  # noqa: F401
