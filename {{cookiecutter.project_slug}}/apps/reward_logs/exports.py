"""The reward-log export: the reward-log list, as a file (see docs/adding-an-export.md)."""

from apps.common.exports import CSVDownloader, Export, ListViewPipeline, export_register

from .filters import MissionRewardLogFilter
from .selectors import REWARD_LOG_ORDERING
from .serializers import MissionRewardLogCSVSerializer
from .views import RewardLogListApi


class MissionRewardLogCSVDownloader(CSVDownloader):
    # For a direct call (`MissionRewardLogCSVDownloader(queryset=..., query_params=...)`);
    # the export below takes its rows, filters and order from the list view instead.
    filterset_class = MissionRewardLogFilter
    serializer_class = MissionRewardLogCSVSerializer
    file_prefix = "mission_reward_log"
    ordering_fields = REWARD_LOG_ORDERING  # the list API's order


reward_log_export = export_register(
    Export(
        name="mission_reward_log",
        downloader_class=MissionRewardLogCSVDownloader,
        pipeline=ListViewPipeline(view_class=RewardLogListApi),
    )
)
