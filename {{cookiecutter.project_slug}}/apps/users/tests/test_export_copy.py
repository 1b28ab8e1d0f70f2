"""The users export on PostgreSQL: COPY writes the Python path's bytes, with users who never
signed in (NULL) and hostile names."""

import datetime as dt

import pytest

from apps.common.tests.export_copy import assert_copy_writes_the_same_bytes
from apps.users.exports import user_export

from .factories import UserFactory

# COPY runs on a connection of its own, which sees committed rows only: each test commits.
pytestmark = pytest.mark.django_db(transaction=True)

NAMES = ["=HYPERLINK(1)", "@me", "김\n철수", 'O"Neil, Jr', "", " ", "🙂"]


@pytest.mark.parametrize("params", [{}, {"is_staff": "true"}])
def test_the_users_export_by_copy_is_the_python_bytes(postgresql, admin_user, s3, params):
    for position, name in enumerate(NAMES):
        UserFactory.create(
            username=f"user-{position}",
            first_name=name,
            last_name=name[::-1],
            is_staff=position % 2 == 0,
            last_login=None if position % 3 else dt.datetime(1899, 12, 31, 15, tzinfo=dt.UTC),
        )

    # A reader who may unmask: masked columns (names, email) take the Python path.
    def downloader(**options):
        return user_export.downloader(user=admin_user, query_params=params, **options)

    # The reader is one more user.
    assert_copy_writes_the_same_bytes(downloader, rows=len(NAMES) + 1 if not params else None)


def test_a_reader_who_may_not_unmask_gets_the_masked_file_from_the_python_path(
    postgresql, staff_user
):
    downloader = user_export.downloader(user=staff_user, query_params={})

    assert not downloader.uses_copy()
    assert "option 'mask' is not mapped" in str(downloader.copy_refused)
