"""The missions import: the missions export read back (or a sheet of new missions)."""

from apps.common.imports import Import, import_register

from .exports import mission_export
from .serializers import MissionImportSerializer
from .services import mission_import_create, mission_import_update

mission_import = import_register(
    Import(
        name="missions",
        serializer_class=MissionImportSerializer,
        create=mission_import_create,
        update=mission_import_update,
        export=mission_export,
    )
)
