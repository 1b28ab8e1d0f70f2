"""`AdminChangelistPipeline`: an admin export's rows are its changelist's, found the way the
changelist finds them.

The parameters are the changelist's query string: its list filters' own parameters, the date
hierarchy's, the search (`q`) and the ordering (`o`, column positions). The rows are
`ModelAdmin.get_changelist_instance(request).queryset` for a GET request carrying them, built
for the job's user: the admin's queryset, filters, search and ordering (with the primary key as
its tie-break), exactly as the page shows them, in the web process and in a Celery worker alike
(no URL is needed). Pagination (`p`, `all`) and the facet counts (`_facets`) are dropped; any
other parameter is refused, with a message naming it, so a job stores the list's filters and
never a list of ids.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.contrib.admin import AdminSite, ModelAdmin
from django.contrib.admin.options import IS_FACETS_VAR, IncorrectLookupParameters
from django.contrib.admin.views.main import ALL_VAR, ORDER_VAR, PAGE_VAR, SEARCH_VAR, ChangeList
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import SuspiciousOperation
from django.db.models import Model, QuerySet
from django.http import HttpRequest, QueryDict
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError

from .query_params import StoredParams, as_query_dict, normalize_query_params, param_errors

DROPPED_PARAMS = frozenset({PAGE_VAR, ALL_VAR, IS_FACETS_VAR})
_ORDERING = re.compile(r"-?\d+(\.-?\d+)*")


def admin_export_name(model: type[Model]) -> str:
    """The name an admin export is registered (and a job stored) under."""
    return f"admin.{model._meta.app_label}.{model._meta.model_name}"


@dataclass(frozen=True)
class AdminChangelistPipeline:
    """The changelist rows of `model` in `admin_site`, for the given query string.

    The model's admin is looked up when rows are read, so when another app registers the model's
    admin again (unregister, then register its own), that admin's changelist is the one exported.
    """

    model: type[Model]
    admin_site: AdminSite

    def clean_params(self, params: Mapping[str, Any]) -> StoredParams:
        """The changelist's parameters without pagination, checked: a ValidationError names
        each one with a control character, or that the changelist does not take.

        Without a user, the list filters are the ones `get_list_filter` gives anyone; the
        changelist built for the job's user checks its own again (`queryset`).
        """
        cleaned = {
            key: value
            for key, value in normalize_query_params(params).items()
            if key not in DROPPED_PARAMS
        }
        self._check(cleaned, self.changelist({}, AnonymousUser()))
        return cleaned

    def queryset(self, params: StoredParams, user: Any) -> QuerySet:
        """The changelist's rows for `params`, as `user` sees them, in the changelist's order;
        a ValidationError for a parameter the changelist of `user` does not take."""
        changelist = self.changelist(params, user)
        self._check(params, changelist)
        return changelist.queryset

    def changelist(self, params: Mapping[str, Any], user: Any) -> ChangeList:
        """The changelist as a GET with `params` by `user` builds it; a ValidationError when
        the admin refuses a value (a malformed date, a lookup it does not allow)."""
        request = HttpRequest()
        request.method = "GET"
        request.GET = QueryDict(as_query_dict(params).urlencode())  # immutable, as a request's
        request.user = user
        try:
            return self.model_admin().get_changelist_instance(request)
        except (IncorrectLookupParameters, SuspiciousOperation) as error:
            names = ", ".join(sorted(params)) or "-"
            raise ValidationError(
                {names: [_("The list refuses these values (%(error)s).") % {"error": error}]}
            ) from error

    def model_admin(self) -> ModelAdmin:
        return self.admin_site.get_model_admin(self.model)

    def _check(self, params: Mapping[str, Any], changelist: ChangeList) -> None:
        errors = param_errors(dict(params), accepted_params(changelist))
        order = params.get(ORDER_VAR)
        if ORDER_VAR not in errors and order is not None:
            values = order if isinstance(order, list) else [order]
            if not _known_ordering(values, changelist):
                errors[ORDER_VAR] = [
                    _("Order by column positions, as the list's headers do (such as 2.-1).")
                ]
        if errors:
            raise ValidationError(errors)


def accepted_params(changelist: ChangeList) -> set[str]:
    """Every query parameter the changelist reads: its filters', the date hierarchy's, the
    ordering, and the search when it has search fields."""
    accepted = {ORDER_VAR}
    if changelist.search_fields:
        accepted.add(SEARCH_VAR)
    for spec in changelist.filter_specs:
        accepted |= {name for name in spec.expected_parameters() if name}
    if changelist.date_hierarchy:
        accepted |= {f"{changelist.date_hierarchy}__{part}" for part in ("year", "month", "day")}
    return accepted


def _known_ordering(values: list[str], changelist: ChangeList) -> bool:
    """`o` as the headers write it: dot-separated column positions, each a column shown."""
    if len(values) != 1 or not _ORDERING.fullmatch(values[0]):
        return False
    positions = (abs(int(part)) for part in values[0].split("."))
    return all(position < len(changelist.list_display) for position in positions)
