from collections.abc import Sequence

from django.db.models import QuerySet
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.filters import SearchFilter
from rest_framework.pagination import BasePagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.common.pagination import PageNumberPagination
from apps.common.permissions import IsStaff

from .filters import MissionFilter, StableOrderingFilter
from .models import Mission
from .pagination import MissionCursorPagination
from .selectors import MISSION_ORDERING, mission_get, mission_list
from .serializers import MissionInputSerializer, MissionListSerializer, MissionSerializer
from .services import mission_bulk_create, mission_create

PAGINATIONS: dict[str, type[BasePagination]] = {
    "page": PageNumberPagination,
    "cursor": MissionCursorPagination,
}


class MissionListCreateApi(generics.ListAPIView):
    """GET: the filtered, searchable, sortable list, numbered. POST: create one mission."""

    permission_classes = [IsStaff]
    serializer_class = MissionListSerializer
    filter_backends = [DjangoFilterBackend, SearchFilter, StableOrderingFilter]
    filterset_class = MissionFilter
    search_fields = ("title", "description", "reward__name")
    ordering_fields = ("id", "title", "starts_at", "ends_at", "created_at")
    ordering = MISSION_ORDERING

    def get_ordering(self) -> Sequence[str]:
        return StableOrderingFilter().get_ordering(self.request, Mission.objects.all(), self)

    def get_queryset(self) -> QuerySet[Mission]:
        # The numbers follow the same ordering the list is sorted by.
        return mission_list(ordering=self.get_ordering())

    @property
    def paginator(self) -> BasePagination:
        """`?pagination=page` (the default; `page`, `size`) or `?pagination=cursor` (`cursor`)."""
        if not hasattr(self, "_paginator"):
            mode = self.request.query_params.get("pagination", "page")
            if mode not in PAGINATIONS:
                raise ValidationError({"pagination": [f"Use one of: {', '.join(PAGINATIONS)}."]})
            self._paginator = PAGINATIONS[mode]()
        return self._paginator

    @extend_schema(
        parameters=[
            OpenApiParameter("pagination", OpenApiTypes.STR, enum=list(PAGINATIONS)),
            OpenApiParameter("cursor", OpenApiTypes.STR, description="with pagination=cursor"),
        ]
    )
    def get(self, request: Request) -> Response:
        return super().get(request)

    @extend_schema(request=MissionInputSerializer, responses={201: MissionSerializer})
    def post(self, request: Request) -> Response:
        serializer = MissionInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        mission = mission_create(**serializer.validated_data)
        return Response(MissionSerializer(mission).data, status=status.HTTP_201_CREATED)


class MissionBulkCreateApi(APIView):
    """POST a JSON list of missions: all are created in one transaction, or none (400 by index)."""

    permission_classes = [IsStaff]

    @extend_schema(
        request=MissionInputSerializer(many=True), responses={201: MissionSerializer(many=True)}
    )
    def post(self, request: Request) -> Response:
        serializer = MissionInputSerializer(data=request.data, many=True)
        serializer.is_valid(raise_exception=True)
        missions = mission_bulk_create(items=serializer.validated_data)
        return Response(MissionSerializer(missions, many=True).data, status=status.HTTP_201_CREATED)


class MissionDetailApi(APIView):
    permission_classes = [IsStaff]

    @extend_schema(responses=MissionSerializer)
    def get(self, request: Request, mission_id: int) -> Response:
        mission = mission_get(mission_id=mission_id)
        if mission is None:
            raise NotFound("No such mission.")
        return Response(MissionSerializer(mission).data)
