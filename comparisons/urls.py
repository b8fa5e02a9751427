from django.urls import path

from . import need_profile_views, views

app_name = "comparisons"

urlpatterns = [
    path("", views.published_files, name="files"),
    path("upload/", views.upload, name="upload"),
    path("files/<int:pk>/", views.published_file, name="file"),
    path("files/<int:pk>/mapping/", views.measure_new, name="measure_new"),
    path("mappings/<int:pk>/definitions/new/", views.definition_new, name="definition_new"),
    path("mappings/<int:pk>/edit/", views.measure_edit, name="measure_edit"),
    path("mappings/<int:pk>/retire/", views.measure_retire_view, name="measure_retire"),
    path("mappings/<int:pk>/delete/", views.measure_delete_view, name="measure_delete"),
    path("mappings/export.json", views.pack_export, name="pack_export"),
    path("mappings/import/", views.pack_import, name="pack_import"),
    path("report-card/", views.report_card_page, name="report_card"),
    path("report-card.pdf", views.report_card_pdf, name="report_card_pdf"),
    path("profiles/", need_profile_views.need_profiles, name="need_profiles"),
    path("profiles/new/", need_profile_views.need_profile_edit, name="need_profile_new"),
    path("profiles/<int:pk>/", need_profile_views.need_profile, name="need_profile"),
    path("profiles/<int:pk>/edit/", need_profile_views.need_profile_edit, name="need_profile_edit"),
    path(
        "profiles/<int:pk>/publish/",
        need_profile_views.need_profile_publish_view,
        name="need_profile_publish",
    ),
    path("profiles/<int:pk>/profile.pdf", need_profile_views.need_profile_pdf, name="need_profile_pdf"),
]
