from apps.common.exports import CSVDownloader

from .filters import UserFilter
from .serializers import UserCSVSerializer


class UserCSVDownloader(CSVDownloader):
    filterset_class = UserFilter
    serializer_class = UserCSVSerializer
    file_prefix = "users"
    ordering_fields = ("-date_joined", "-id")
