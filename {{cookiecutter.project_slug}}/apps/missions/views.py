from collections.abc import Sequence

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import NotFound
from rest_framework.filters import SearchFilter
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.common.filters import StableOrderingFilter
from apps.common.parsers import JSONParser
from apps.common.permissions import IsStaff
from apps.common.schema import ErrorSerializer

from .etags import if_match_updated_at, mission_etag
from .filters import MissionFilter
from .models import Mission
from .pagination import MissionListPagination
from .selectors import MISSION_ORDERING, mission_get, mission_list
from .serializers import (
    MissionBulkChangeSerializer,
    MissionChangeSerializer,
    MissionInputSerializer,
    MissionListSerializer,
    MissionSerializer,
)
from .services import mission_bulk_create, mission_bulk_update, mission_create, mission_update


class MissionListCreateApi(generics.ListAPIView):
    """GET: the filtered, searchable, sortable list, numbered. POST: create one mission."""

    permission_classes = [IsStaff]
    serializer_class = MissionListSerializer
    filter_backends = [DjangoFilterBackend, SearchFilter, StableOrderingFilter]
    filterset_class = MissionFilter
    search_fields = ("title", "description", "reward__name")
    ordering_fields = ("id", "title", "starts_at", "ends_at", "created_at")
    ordering = MISSION_ORDERING
    pagination_class = MissionListPagination

    def get_ordering(self) -> Sequence[str]:
        return StableOrderingFilter().get_ordering(self.request, Mission.objects.all(), self)

    def get_queryset(self) -> QuerySet[Mission]:
        # The numbers follow the same ordering the list is sorted by.
        return mission_list(ordering=self.get_ordering())

    @extend_schema(request=MissionInputSerializer, responses={201: MissionSerializer})
    def post(self, request: Request) -> Response:
        serializer = MissionInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        mission = mission_create(**serializer.validated_data)
        return Response(MissionSerializer(mission).data, status=status.HTTP_201_CREATED)


ETAG_HEADER = OpenApiParameter(
    "ETag",
    OpenApiTypes.STR,
    location=OpenApiParameter.HEADER,
    response=[200],
    description=_("The mission's version; send it back in If-Match to edit only that version."),
)
IF_MATCH_HEADER = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    location=OpenApiParameter.HEADER,
    description=_(
        "The ETag you read. If the mission changed since: 412 and nothing saved. "
        "Without it the edit applies to whatever is stored."
    ),
)


class MissionBulkApi(APIView):
    """A JSON list of missions, all written in one transaction or none (errors by index).

    POST creates them; PATCH changes existing ones.
    """

    permission_classes = [IsStaff]
    parser_classes = [JSONParser]  # a list body: form encodings cannot carry one

    @extend_schema(
        request=MissionInputSerializer(many=True),
        responses={201: MissionSerializer(many=True), 400: ErrorSerializer},
    )
    def post(self, request: Request) -> Response:
        serializer = MissionInputSerializer(data=request.data, many=True)
        serializer.is_valid(raise_exception=True)
        missions = mission_bulk_create(items=serializer.validated_data)
        return Response(MissionSerializer(missions, many=True).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=MissionBulkChangeSerializer(many=True),
        responses={
            200: MissionSerializer(many=True),
            400: OpenApiResponse(
                ErrorSerializer,
                _(
                    "Not a list, empty, too long, or items with errors (unknown or repeated ids, "
                    "wrong types, broken rules), by index. Nothing saved."
                ),
            ),
            409: OpenApiResponse(
                ErrorSerializer,
                _(
                    "Items whose `updated_at` is not the mission's any more, by index. "
                    "Nothing saved."
                ),
            ),
        },
    )
    def patch(self, request: Request) -> Response:
        serializer = MissionBulkChangeSerializer(data=request.data, many=True)
        serializer.is_valid(raise_exception=True)
        missions = mission_bulk_update(items=serializer.validated_data)
        return Response(MissionSerializer(missions, many=True).data)


class MissionDetailApi(APIView):
    """GET one mission, PATCH some of its fields. Both answer with the mission's ETag."""

    permission_classes = [IsStaff]
    parser_classes = [JSONParser]

    def get_object(self, mission_id: int) -> Mission:
        mission = mission_get(mission_id=mission_id)
        if mission is None:
            raise NotFound(_("No such mission."))
        return mission

    def mission_response(self, mission: Mission) -> Response:
        return Response(MissionSerializer(mission).data, headers={"ETag": mission_etag(mission)})

    @extend_schema(parameters=[ETAG_HEADER], responses=MissionSerializer)
    def get(self, request: Request, mission_id: int) -> Response:
        return self.mission_response(self.get_object(mission_id))

    @extend_schema(
        parameters=[IF_MATCH_HEADER, ETAG_HEADER],
        request=MissionChangeSerializer,
        responses={
            200: MissionSerializer,
            400: ErrorSerializer,
            404: ErrorSerializer,
            412: OpenApiResponse(
                ErrorSerializer, _("The mission changed since the If-Match ETag. Nothing saved.")
            ),
        },
    )
    def patch(self, request: Request, mission_id: int) -> Response:
        mission = self.get_object(mission_id)
        serializer = MissionChangeSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        mission = mission_update(
            mission=mission,
            expected_updated_at=if_match_updated_at(request),
            **serializer.validated_data,
        )
        return self.mission_response(mission)
