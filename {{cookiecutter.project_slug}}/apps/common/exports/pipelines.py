"""`ListViewPipeline`: an export's rows are its list view's, found the way the list finds them.

    ListViewPipeline(view_class=MissionListCreateApi)

The list view class is instantiated with a request carrying the parameters and the user, and the
rows are `view.filter_queryset(view.get_queryset())`: the list's base selector, its FilterSet,
its search and its ordering (with its tie-break), exactly. A streamed export, an export job (the
worker re-applies the stored parameters) and the list therefore hold the same rows in the same
order for the same parameters.

The parameters an export accepts are the list's: its FilterSet's fields (`created_after`,
`created_before` for a date range), each filter backend's own (`search`, `ordering`). Any other
is a 400 naming it, as is a malformed value or a control character (PostgreSQL's JSON refuses
NUL); the list's pagination parameters (`page`, `size`, `cursor`, ...) are dropped, since a file
holds every page.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet
from django.http import HttpRequest
from django_filters.rest_framework import DjangoFilterBackend
from django_filters.widgets import SuffixedMultiWidget
from rest_framework.exceptions import ValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.settings import api_settings

from .failures import INVALID_FILTERS, ExportFailure
from .query_params import StoredParams, as_query_dict, normalize_query_params, param_errors


@dataclass(frozen=True)
class ListViewPipeline:
    """The rows of the list view `view_class` (a `GenericAPIView`) for the given parameters."""

    view_class: type[GenericAPIView]

    def clean_params(self, params: Mapping[str, Any]) -> StoredParams:
        """The parameters without pagination, checked: an ExportFailure (a ValidationError)
        names each one that carries a control character, that the list does not take, or whose
        value the list refuses (a FilterSet error, an unknown ordering field).

        The list's own checks run here for an anonymous user (no row is read), and again in
        `queryset()` for the real one: a list whose rows depend on the user filters by
        `request.user.pk`, which is None here."""
        cleaned = normalize_query_params(params)
        dropped = self.pagination_params()
        cleaned = {key: value for key, value in cleaned.items() if key not in dropped}
        errors: dict[str, Any] = dict(param_errors(cleaned, self.accepted_params()))
        if not errors:
            # The list's own checks (a FilterSet form error, an unknown ordering) run as the
            # list runs them; no row is read.
            try:
                self.queryset(cleaned, AnonymousUser())
            except ValidationError as error:
                detail = error.detail
                if not isinstance(detail, dict):
                    detail = {api_settings.NON_FIELD_ERRORS_KEY: detail}
                errors = detail
        if errors:
            # A job stores the code and the parameters' names (see `failures`).
            raise ExportFailure(INVALID_FILTERS, {"params": sorted(errors)}, detail=errors)
        return cleaned

    def queryset(self, params: StoredParams, user: Any) -> QuerySet:
        """The list's rows for `params`, as `user` sees them: its own filter_queryset."""
        view = self.view(params, user)
        return view.filter_queryset(view.get_queryset())

    def view(self, params: Mapping[str, Any], user: Any) -> GenericAPIView:
        """An instance of the list view as it is for a GET with `params` by `user`."""
        http_request = HttpRequest()
        http_request.method = "GET"
        # django-stubs 6.1 type GET as an immutable QueryDict, 5.2's as a QueryDict.
        http_request.GET = as_query_dict(params)  # type: ignore[assignment, unused-ignore]
        request = Request(http_request)
        request.user = user
        view = self.view_class()
        view.setup(http_request)
        view.request = request
        view.format_kwarg = None
        return view

    def accepted_params(self) -> set[str]:
        """Every query parameter the list's filter backends read."""
        view = self.view({}, AnonymousUser())
        accepted: set[str] = set()
        for backend_class in view.filter_backends:
            backend = backend_class()
            if isinstance(backend, DjangoFilterBackend):
                accepted |= _filterset_params(backend, view)
            else:
                parameters = backend.get_schema_operation_parameters(view)  # type: ignore[attr-defined]
                accepted |= {parameter["name"] for parameter in parameters}
        return accepted

    def pagination_params(self) -> set[str]:
        """The list's pagination parameters (ignored: a file holds every page)."""
        view = self.view({}, AnonymousUser())
        paginator = view.paginator
        if paginator is None:
            return set()
        return {parameter["name"] for parameter in paginator.get_schema_operation_parameters(view)}


def _filterset_params(backend: DjangoFilterBackend, view: GenericAPIView) -> set[str]:
    """The FilterSet's parameter names: a range filter reads two (`created_after`, ...)."""
    filterset_class = backend.get_filterset_class(view)
    if filterset_class is None:
        return set()
    names: set[str] = set()
    for name, field in filterset_class().form.fields.items():
        widget = field.widget
        if isinstance(widget, SuffixedMultiWidget):
            names |= {widget.suffixed(name, suffix) for suffix in widget.suffixes}
        else:
            names.add(name)
    return names
