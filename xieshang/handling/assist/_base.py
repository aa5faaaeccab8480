"""What the assistance modules share: time limits, text lengths, the background worker."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from django.conf import settings

# Seconds a page waits for a model or an index before it shows "being prepared" and polls.
WAIT_SECONDS = 2.5
# Texts are cut before they go to insight: routing reads 1,200 characters, similarity 1,500.
TEXT_CHARS = 2000
HOTSPOT_MAX_ITEMS = 5000
# Runner-up units below this confidence are not offered: a "0%" choice is noise to a dispatcher.
MIN_CONFIDENCE = 0.05
HOTSPOT_CACHE_SECONDS = 300
# The index file is rewritten after this many additions or this many seconds, not on every page.
SAVE_EVERY_ADDITIONS = 20
SAVE_EVERY_SECONDS = 600

_executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="assist")


def min_history() -> int:
    """Past lead assignments needed before the committee's own history replaces the shipped data."""
    return int(getattr(settings, "XIESHANG_ROUTING_MIN_HISTORY", 50))
