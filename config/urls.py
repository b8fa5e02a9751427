from django.contrib import admin
from django.urls import include, path

from api.urls import api_urls

urlpatterns = [
    path("", include("home.urls")),
    path("account/", include("portal.urls")),
    path("strategy/", include("objectives.urls")),
    path("indicators/", include("indicators.urls")),
    path("board/", include("board.urls")),
    path("published-statistics/", include("comparisons.urls")),
    path("audit/", include("audit.urls")),
    path("api/v1/", api_urls),
    path("api-tokens/", include("api.token_urls")),
    path("sso/", include("sso.urls")),
    path("", include("communications.urls")),
    path("admin/", admin.site.urls),
]

handler500 = "home.views.server_error"

admin.site.site_header = "Corporate Parenting Portal administration"
admin.site.site_title = "Corporate Parenting Portal"
