from django.urls import path, re_path

from . import breakdown_views, views

app_name = "indicators"

urlpatterns = [
    path("", views.indicator_list, name="list"),
    path("overdue/", views.overdue, name="overdue"),
    path("catalogue/", views.catalogue, name="catalogue"),
    path("catalogue/<slug:code>/adopt/", views.catalogue_adopt_view, name="catalogue_adopt"),
    path("import/", views.import_upload, name="import"),
    path("import/<int:pk>/", views.import_preview, name="import_preview"),
    re_path(r"^import/template\.(?P<fmt>csv|xlsx)$", views.import_template, name="import_template"),
    re_path(r"^export\.(?P<fmt>csv|xlsx)$", views.export, name="export"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/breakdowns/", breakdown_views.indicator_breakdowns, name="indicator_breakdowns"),
    path("breakdowns/", breakdown_views.dimensions, name="breakdowns"),
    path("breakdowns/new/", breakdown_views.dimension_edit, name="dimension_new"),
    path("breakdowns/<int:pk>/", breakdown_views.dimension_edit, name="dimension_edit"),
    path("breakdowns/<int:dimension_pk>/groups/new/", breakdown_views.group_edit, name="group_new"),
    path("breakdowns/<int:dimension_pk>/groups/<int:pk>/", breakdown_views.group_edit, name="group_edit"),
    path("<int:pk>/figures/<str:start>/", views.figure_edit, name="figure_edit"),
    path("<int:pk>/targets/", views.targets_edit, name="targets"),
    path("verification/", views.verification, name="verification"),
    path("email-settings/", views.email_setting, name="email_setting"),
    path("reminders/<int:organisation_pk>/", views.organisation_remind, name="organisation_remind"),
    path("figures/<int:pk>/send-back/", views.figure_send_back, name="figure_send_back"),
    path("figures/<int:pk>/reopen/", views.figure_reopen_request, name="figure_reopen_request"),
    path("figures/<int:pk>/<str:action>/", views.figure_action, name="figure_action"),
]
