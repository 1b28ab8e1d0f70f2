"""The missions export on PostgreSQL: COPY writes the Python path's bytes."""

import pytest
from django.utils import translation

from apps.common.tests.export_copy import assert_copy_writes_the_same_bytes
from apps.missions.exports import mission_export

from .factories import MissionFactory

# COPY runs on a connection of its own, which sees committed rows only: each test commits.
pytestmark = pytest.mark.django_db(transaction=True)

TITLES = ["=cmd", "+1", '"a", b', "two\nlines", "  spaced  ", "미션 😀", "-"]


@pytest.mark.parametrize("language", ["ko", "en"])
@pytest.mark.parametrize("params", [{}, {"is_exposed": "false"}, {"ordering": "title"}])
def test_the_missions_export_by_copy_is_the_python_bytes(
    postgresql, staff_user, s3, language, params
):
    for position, title in enumerate(TITLES):
        MissionFactory.create(title=title, is_exposed=position % 2 == 0, reward__name=title)

    def downloader(**options):
        return mission_export.downloader(user=staff_user, query_params=params, **options)

    with translation.override(language):
        assert_copy_writes_the_same_bytes(downloader)
