"""The reward-log export on PostgreSQL: COPY writes the Python path's bytes, in both languages,
for hostile memos, usernames and titles, unpaid (NULL) and paid-at-midnight logs."""

import datetime as dt

import pytest
from django.utils import translation

from apps.common.tests.export_copy import assert_copy_writes_the_same_bytes
from apps.missions.tests.factories import MissionFactory
from apps.reward_logs.exports import reward_log_export
from apps.users.tests.factories import UserFactory

from .factories import MissionRewardLogFactory

# COPY runs on a connection of its own, which sees committed rows only: each test commits.
pytestmark = pytest.mark.django_db(transaction=True)

HOSTILE = ["=1+1", "-x", '"quoted", with a comma', "line\nbreak", "crlf\r\nend", "😀 한국어", ""]
SEOUL_MIDNIGHT = dt.datetime(2024, 1, 31, 15, 0, tzinfo=dt.UTC)


@pytest.fixture
def reward_logs(settings):
    settings.TIME_ZONE = "Asia/Seoul"
    logs = []
    for position, text in enumerate(HOSTILE):
        mission = MissionFactory.create(title=f"{text} mission", reward__name=f"@{text}")
        user = UserFactory.create(username=f"{text}-{position}", email="")
        logs.append(MissionRewardLogFactory.create(user=user, mission=mission, memo=text))
        logs.append(
            MissionRewardLogFactory.create(
                user=user,
                mission=mission,
                memo=text,
                paid=True,
                paid_at=SEOUL_MIDNIGHT - dt.timedelta(microseconds=position),
            )
        )
    return logs


@pytest.mark.parametrize("language", ["ko", "en"])
@pytest.mark.parametrize("params", [{}, {"status": "paid"}, {"status": "pending"}])
def test_the_reward_log_export_by_copy_is_the_python_bytes(
    postgresql, admin_user, reward_logs, s3, language, params
):
    # A reader who may unmask: a masked column (the user's email) takes the Python path.
    def downloader(**options):
        return reward_log_export.downloader(user=admin_user, query_params=params, **options)

    with translation.override(language):
        content = assert_copy_writes_the_same_bytes(downloader)

    assert content.count(b"\r\n") > len(HOSTILE)


def test_a_reader_who_may_not_unmask_gets_the_masked_file_from_the_python_path(
    postgresql, staff_user, reward_logs
):
    downloader = reward_log_export.downloader(user=staff_user, query_params={})

    assert not downloader.uses_copy()
    assert downloader.copy_refused == "column 'email': option 'mask' is not mapped"
