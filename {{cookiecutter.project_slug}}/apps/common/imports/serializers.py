"""The import API's shapes: the upload, the `dry_run` switch, and the result."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers


class ImportUploadSerializer(serializers.Serializer):
    file = serializers.FileField(
        help_text=_("A .csv (UTF-8, UTF-8 with BOM or CP949) or .xlsx file; row 1 names columns.")
    )


class ImportQuerySerializer(serializers.Serializer):
    dry_run = serializers.BooleanField(
        default=False,
        help_text=_("1: answer what the import would do (the preview) and write nothing."),
    )


class RowErrorSerializer(serializers.Serializer):
    row = serializers.IntegerField(help_text=_("The file's row number (the header is row 1)."))
    column = serializers.CharField(
        allow_null=True, help_text=_("The column's header in the file; null for the whole row.")
    )
    messages = serializers.ListField(child=serializers.CharField())


class ChangedRowSerializer(serializers.Serializer):
    row = serializers.IntegerField()
    id = serializers.JSONField(help_text=_("The row's key."))
    # A field named like Serializer's own attribute: DRF takes it out of the class (mypy
    # cannot know).
    fields = serializers.ListField(  # type: ignore[assignment]
        child=serializers.CharField(), help_text=_("The headers of the columns that change.")
    )


class ImportResultSerializer(serializers.Serializer):
    name = serializers.CharField()
    format = serializers.CharField()
    encoding = serializers.CharField(allow_null=True)
    applied = serializers.BooleanField(help_text=_("False for a preview (dry run)."))
    rows = serializers.IntegerField()
    new = serializers.IntegerField()
    changed = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    failed = serializers.IntegerField()
    changed_fields = serializers.DictField(
        child=serializers.IntegerField(), help_text=_("Changed rows by column header.")
    )
    changes = ChangedRowSerializer(many=True, help_text=_("The first changed rows."))
    errors = RowErrorSerializer(  # type: ignore[assignment]
        many=True, help_text=_("The first errors, by row and column.")
    )
    errors_total = serializers.IntegerField()
    conflicts = RowErrorSerializer(
        many=True, help_text=_("Rows changed in the database after the file was exported.")
    )
    conflicts_total = serializers.IntegerField()
