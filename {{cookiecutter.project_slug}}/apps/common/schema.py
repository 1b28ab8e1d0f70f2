"""The OpenAPI schema documents the errors every operation can answer, in the one error shape.

drf-spectacular documents the success responses it can infer. The errors come from what the
view is made of, so they are derived here once for every operation rather than written by hand
on each view:

| answer | when it is documented |
| --- | --- |
| 400 | the operation takes query parameters or a body (filters, page size, cursor, input) |
| 401 | the view authenticates and does not allow anonymous users, or it is a token endpoint |
| 403 | the view has a permission beyond "signed in" (staff, object rules) |
| 404 | the path has a parameter (an id that may not exist or not be the caller's), or the list
        is paginated (a page past the last) |
| 414 | the operation takes query parameters: a query string longer than the server's request
        line limit (gunicorn: 4 KiB) is refused before it reaches Django, without a JSON body |
| 429 | the view is throttled |

Enum components are named by construction, so two apps with a `status` field never collide
(drf-spectacular alone names an enum after its field and warns when the name is taken twice):
a choice field that shows a model field is `<Model><Field>Enum` (`OrderStatusEnum`, the same in
every serializer of that model), any other choice field `<Component><Field>Enum`
(`ExportJobStatusStatusEnum`); query parameters keep their enums inline. `AutoSchema` writes the
name on the field's schema and `postprocess_enum_names` (first of POSTPROCESSING_HOOKS) makes
the components.
"""

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _
from drf_spectacular import openapi
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.plumbing import ComponentRegistry, ResolvedComponent, follow_field_source
from drf_spectacular.settings import spectacular_settings
from drf_spectacular.utils import inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework_simplejwt.views import TokenViewBase

ERROR_DESCRIPTIONS = {
    "400": _("Invalid input: `errors` names each parameter or field and what to fix."),
    "401": _("Not signed in, or the token is invalid or expired."),
    "403": _("Signed in, but not allowed to do this."),
    "404": _("Not found (or not yours)."),
    "414": _("The query string is longer than the server accepts."),
    "429": _("Too many requests: retry after the `Retry-After` header's seconds."),
}


# Every error the API answers: `{"detail": ..., "errors": {...}}`
# (apps.common.exceptions.api_exception_handler). Inline, because a Serializer subclass cannot
# declare a field named `errors` without hiding its own `errors` property.
ErrorSerializer = inline_serializer(
    "Error",
    fields={
        "detail": serializers.CharField(help_text=_("What went wrong, in one sentence.")),
        "errors": serializers.DictField(
            required=False,
            help_text=_(
                "Messages by parameter or field, or by item index in a batch: "
                '{"2": {"ends_at": [...]}}.'
            ),
        ),
    },
)


# The enum name `AutoSchema` gives a choice field's schema, for `postprocess_enum_names`.
ENUM_NAME = "x-enum-name"
BLANK_AND_NULL = ("", None)


class AutoSchema(openapi.AutoSchema):
    def _map_serializer_field(
        self, field: serializers.Field, direction: str, bypass_extensions: bool = False
    ) -> dict[str, Any]:
        schema: dict[str, Any] = super()._map_serializer_field(field, direction, bypass_extensions)
        in_a_component = isinstance(field.parent, serializers.Serializer)  # not a parameter
        if isinstance(field, serializers.ChoiceField) and in_a_component and "enum" in schema:
            schema[ENUM_NAME] = self.enum_name(field, direction)
        return schema

    def enum_name(self, field: serializers.ChoiceField, direction: str) -> str:
        """`<Model><Field>Enum` for a model field's choices, else `<Component><Field>Enum`."""
        model = getattr(getattr(field.parent, "Meta", None), "model", None)
        if model is not None and field.source != "*":
            model_field = follow_field_source(model, field.source_attrs, emit_warnings=False)
            if isinstance(model_field, models.Field) and model_field.choices:
                return f"{model_field.model.__name__}{camel_case(model_field.name)}Enum"
        component = self._get_serializer_name(field.parent, direction)
        component = component.removeprefix("Patched").removesuffix("Request")
        return f"{component}{camel_case(field.field_name or '')}Enum"

    def get_operation(
        self,
        path: str,
        path_regex: str,
        path_prefix: str,
        method: str,
        registry: ComponentRegistry,
    ) -> dict[str, Any] | None:
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        error = self.resolve_serializer(ErrorSerializer, "response").ref
        for status in self.error_statuses(operation):
            response: dict[str, Any] = {"description": ERROR_DESCRIPTIONS[status]}
            if status != "414":  # the web server's own page, not our JSON
                response["content"] = {"application/json": {"schema": error}}
            operation["responses"].setdefault(status, response)
        return operation

    def error_statuses(self, operation: dict[str, Any]) -> list[str]:
        view = self.view
        permissions = [type(permission) for permission in view.get_permissions()]
        anonymous_allowed = AllowAny in permissions
        statuses = []
        takes_query = any(param["in"] == "query" for param in operation.get("parameters", []))
        if takes_query or "requestBody" in operation:
            statuses.append("400")
        if takes_query:
            statuses.append("414")
        if isinstance(view, TokenViewBase) or (view.get_authenticators() and not anonymous_allowed):
            statuses.append("401")
        if any(permission not in (AllowAny, IsAuthenticated) for permission in permissions):
            statuses.append("403")
        has_path_id = any(param["in"] == "path" for param in operation.get("parameters", []))
        paginated = self.method == "GET" and getattr(self.view, "pagination_class", None)
        if has_path_id or paginated:
            statuses.append("404")
        if view.get_throttles():
            statuses.append("429")
        return statuses


def camel_case(name: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in name.split("_"))


def postprocess_enum_names(
    result: dict[str, Any], generator: SchemaGenerator, **kwargs: Any
) -> dict[str, Any]:
    """Every named choice property becomes a reference to its enum component.

    As drf-spectacular's own enum hook does (which runs next, for the rest): the blank and
    null choices are the shared `BlankEnum` and `NullEnum`, and the list of choices moves to
    the enum's description.
    """
    registry = generator.registry
    for component in result.get("components", {}).get("schemas", {}).values():
        properties = component.get("properties", {})
        for name, schema in properties.items():
            if ENUM_NAME in schema:
                properties[name] = _enum_reference(schema, registry)
    result["components"] = registry.build(spectacular_settings.APPEND_COMPONENTS)
    return result


def _enum_reference(schema: dict[str, Any], registry: ComponentRegistry) -> dict[str, Any]:
    enum = {key: schema[key] for key in ("type",) if key in schema}
    enum["enum"] = [value for value in schema["enum"] if value not in BLANK_AND_NULL]
    rest = {
        key: value
        for key, value in schema.items()
        if key not in ("type", "enum", "x-spec-enum-id", ENUM_NAME)
    }
    description = rest.get("description", "")
    if description.startswith("*"):
        enum["description"] = rest.pop("description")
    elif "\n\n*" in description:
        rest["description"], _, choices = description.partition("\n\n*")
        enum["description"] = "*" + choices
    references = [_component(registry, schema[ENUM_NAME], enum)]
    if "" in schema["enum"]:
        references.append(_component(registry, "BlankEnum", {"enum": [""]}))
    if None in schema["enum"]:
        references.append(_component(registry, "NullEnum", {"enum": [None]}))
    if len(references) == 1:
        return {"allOf": references, **rest} if rest else references[0]
    return {"oneOf": references, **rest}


def _component(registry: ComponentRegistry, name: str, schema: dict[str, Any]) -> dict[str, str]:
    component = ResolvedComponent(
        name=name, type=ResolvedComponent.SCHEMA, schema=schema, object=name
    )
    registry.register_on_missing(component)
    return component.ref
