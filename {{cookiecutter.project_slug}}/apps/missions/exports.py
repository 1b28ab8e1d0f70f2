"""The missions export's downloader: its columns (see MissionCSVSerializer)."""

from apps.common.exports import CSVDownloader

from .serializers import MissionCSVSerializer


class MissionCSVDownloader(CSVDownloader):
    serializer_class = MissionCSVSerializer
    file_prefix = "missions"
