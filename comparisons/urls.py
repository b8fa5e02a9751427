from django.urls import path

from . import views

app_name = "comparisons"

urlpatterns = [
    path("", views.published_files, name="files"),
    path("upload/", views.upload, name="upload"),
    path("files/<int:pk>/", views.published_file, name="file"),
    path("files/<int:pk>/mapping/", views.measure_new, name="measure_new"),
    path("mappings/<int:pk>/definitions/new/", views.definition_new, name="definition_new"),
    path("report-card/", views.report_card_page, name="report_card"),
    path("report-card.pdf", views.report_card_pdf, name="report_card_pdf"),
]
