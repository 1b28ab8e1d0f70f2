from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from apps.common.views import RedocView, SwaggerView

# The admin names the project (Django's own header says "Django administration").
admin.site.site_header = admin.site.site_title = "{{ cookiecutter.project_name }}"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("apps.common.urls")),
    path("api/auth/", include("apps.users.auth_urls")),
    path("api/users/", include("apps.users.urls")),
{%- if cookiecutter.include_example_apps == "y" %}
    path("api/missions/", include("apps.missions.urls")),
    path("api/reward-logs/", include("apps.reward_logs.urls")),
{%- endif %}
    # make app: new apps go above this line.
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SwaggerView.as_view(url_name="schema"), name="swagger-ui"),
    path("api/redoc/", RedocView.as_view(url_name="schema"), name="redoc"),
]

# Under /api/, a URL that matches no route answers JSON like every other API error.
handler404 = "apps.common.views.not_found"
