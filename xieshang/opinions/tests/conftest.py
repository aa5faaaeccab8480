"""The opinion reports' tests use the shared people (``xieshang.organisations.tests.fixtures``)."""

from xieshang.organisations.tests.fixtures import GOOD_TEXT

__all__ = ["GOOD_TEXT"]
