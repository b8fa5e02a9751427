from django.urls import path

from . import views

app_name = "board"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("meetings/new/", views.meeting_edit, name="meeting_new"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting"),
    path("meetings/<int:pk>/edit/", views.meeting_edit, name="meeting_edit"),
    path("meetings/<int:pk>/attendance/", views.meeting_attendance, name="meeting_attendance"),
    path("meetings/<int:pk>/apologies/", views.meeting_apologies, name="meeting_apologies"),
    path("meetings/<int:pk>/papers.pdf", views.meeting_pack, name="meeting_pack"),
    path("meetings/<int:pk>/minutes/", views.meeting_minutes, name="meeting_minutes"),
    path("meetings/<int:pk>/minutes/approve/", views.meeting_minutes_approve, name="meeting_minutes_approve"),
    path("meetings/<int:pk>/add/<str:kind>/", views.meeting_record_add, name="meeting_record_add"),
    path("actions/", views.action_tracker, name="actions"),
    path("actions/open/", views.action_tracker, {"only_open": True}, name="actions_open"),
    path("actions/<int:pk>/done/", views.board_action_done, name="action_done"),
    path("actions/<int:pk>/reopen/", views.board_action_reopen_view, name="action_reopen"),
    path("papers/<int:pk>/", views.agenda_paper, name="paper"),
    path("reports/", views.reports, name="reports"),
    path("reports/compile/", views.report_compile_request, name="report_compile"),
    path("reports/runs/<int:pk>/", views.run_status, name="run"),
    path("reports/<int:pk>/", views.report_detail, name="report"),
    path("reports/<int:pk>/commentary/", views.report_commentary, name="report_commentary"),
    path("reports/<int:pk>/comments/<str:reference>/", views.report_comment, name="report_comment"),
    path("reports/<int:pk>/charts/<str:reference>/", views.report_chart, name="report_chart"),
    path("reports/<int:pk>/invite/", views.report_invite, name="report_invite"),
    path("reports/<int:pk>/figures.csv", views.report_csv, name="report_csv"),
    path("reports/<int:pk>/report.pdf", views.report_pdf, name="report_pdf"),
    path("reports/<int:pk>/<str:step>/", views.report_step, name="report_step"),
]
