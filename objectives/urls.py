from django.urls import path

from . import views

app_name = "objectives"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("objectives/<int:number>/", views.detail, name="detail"),
    path("actions/<int:pk>/", views.action_detail, name="action"),
]
