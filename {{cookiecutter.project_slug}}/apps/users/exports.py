"""The users export: the user list, as a file."""

from apps.common.exports import CSVDownloader, Export, ListViewPipeline, export_register

from .filters import UserFilter
from .selectors import USER_ORDERING
from .serializers import UserCSVSerializer
from .views import UserListApi


class UserCSVDownloader(CSVDownloader):
    filterset_class = UserFilter  # for a direct call; the export below filters as the list does
    serializer_class = UserCSVSerializer
    file_prefix = "users"
    ordering_fields = USER_ORDERING


user_export = export_register(
    Export(
        name="users",
        downloader_class=UserCSVDownloader,
        pipeline=ListViewPipeline(view_class=UserListApi),
        personal_data=True,  # every download says why (`?reason=`)
    )
)
