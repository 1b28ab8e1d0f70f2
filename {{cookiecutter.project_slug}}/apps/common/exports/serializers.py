from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from apps.common.models import ExportJob


class ExportJobStatusSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    export_name = serializers.CharField()
    status = serializers.ChoiceField(choices=ExportJob.Status.choices)
    format = serializers.ChoiceField(choices=ExportJob.Format.choices)
    progress = serializers.IntegerField(help_text=_("Rows written so far."))
    total = serializers.IntegerField(help_text=_("Rows in the export."))
    percent = serializers.IntegerField(
        min_value=0, max_value=100, help_text=_("100 only once the file is ready.")
    )
    row_count = serializers.IntegerField(help_text=_("Rows in the finished file."))
    skipped_rows = serializers.IntegerField(help_text=_("Rows left out because they failed."))
    error = serializers.CharField(
        allow_null=True, help_text=_("Why the export failed, in the language of the request.")
    )
    file_name = serializers.CharField(allow_null=True, help_text=_("Once succeeded."))
    created_at = serializers.DateTimeField()
    started_at = serializers.DateTimeField(allow_null=True)
    finished_at = serializers.DateTimeField(allow_null=True)
    expires_at = serializers.DateTimeField(help_text=_("When the file is deleted."))
    download_url = serializers.URLField(
        allow_null=True,
        help_text=_(
            "Once succeeded, until it expires: a freshly signed link, valid for a few minutes."
        ),
    )


class ExportStartedSerializer(serializers.Serializer):
    job_id = serializers.IntegerField()
    status = serializers.CharField()
    status_url = serializers.URLField(help_text=_("Poll it for progress and the download link."))
