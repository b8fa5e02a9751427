from django.urls import path

from . import views

app_name = "board"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting"),
    path("reports/", views.reports, name="reports"),
    path("reports/compile/", views.report_compile_request, name="report_compile"),
    path("reports/runs/<int:pk>/", views.run_status, name="run"),
    path("reports/<int:pk>/", views.report_detail, name="report"),
    path("reports/<int:pk>/commentary/", views.report_commentary, name="report_commentary"),
    path("reports/<int:pk>/figures.csv", views.report_csv, name="report_csv"),
    path("reports/<int:pk>/<str:step>/", views.report_step, name="report_step"),
]
