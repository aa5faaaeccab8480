from __future__ import annotations

import pytest

from xieshang.core.models import Notification
from xieshang.core.notify import muted, notify
from xieshang.organisations.tests.factories import UserFactory


@pytest.mark.django_db
def test_no_notice_is_sent_while_muted_and_sending_resumes_after() -> None:
    user = UserFactory()
    with muted():
        assert notify([user], title="往年的事项") == 0
    assert not Notification.objects.exists()
    assert notify([user], title="今天的事项") == 1
    assert Notification.objects.get().title == "今天的事项"
