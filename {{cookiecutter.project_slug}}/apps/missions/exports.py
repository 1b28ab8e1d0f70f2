"""The missions export: the mission list (its filters, search and ordering), as a file."""

from apps.common.exports import CSVDownloader, Export, ListViewPipeline, export_register

from .serializers import MissionCSVSerializer
from .views import MissionListCreateApi


class MissionCSVDownloader(CSVDownloader):
    serializer_class = MissionCSVSerializer
    file_prefix = "missions"


mission_export = export_register(
    Export(
        name="missions",
        downloader_class=MissionCSVDownloader,
        pipeline=ListViewPipeline(view_class=MissionListCreateApi),
    )
)
