from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("accessibility/", views.accessibility_statement, name="accessibility"),
    path("health/", views.health, name="health"),
    path("health/workers/", views.health_workers, name="health_workers"),
    path("account/", views.account, name="account"),
]
