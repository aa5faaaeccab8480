"""Sent after the holiday table changes; the handling engine listens and recomputes open deadlines."""

from django.dispatch import Signal

calendar_changed = Signal()
