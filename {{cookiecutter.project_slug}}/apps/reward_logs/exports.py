from apps.common import CSVDownloader

from .filters import MissionRewardLogFilter
from .selectors import REWARD_LOG_ORDERING
from .serializers import MissionRewardLogCSVSerializer


class MissionRewardLogCSVDownloader(CSVDownloader):
    filterset_class = MissionRewardLogFilter
    serializer_class = MissionRewardLogCSVSerializer
    file_prefix = "mission_reward_log"
    ordering_fields = REWARD_LOG_ORDERING  # the list API's order
