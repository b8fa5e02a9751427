from django.urls import path

from . import views

app_name = "communications"

urlpatterns = [
    path("newsletter/", views.newsletters, name="newsletters"),
    path("newsletter/new/", views.newsletter_edit, name="newsletter_new"),
    path("newsletter/<int:year>/<int:month>/", views.newsletter_detail, name="newsletter"),
    path("newsletter/issues/<int:pk>/edit/", views.newsletter_edit, name="newsletter_edit"),
    path(
        "newsletter/issues/<int:pk>/publish/check/",
        views.newsletter_publish_confirm,
        name="newsletter_publish_confirm",
    ),
    path("newsletter/issues/<int:pk>/publish/", views.newsletter_publish_request, name="newsletter_publish"),
    path(
        "newsletter/issues/<int:pk>/unschedule/",
        views.newsletter_unschedule_request,
        name="newsletter_unschedule",
    ),
    path("account/newsletter-email/", views.newsletter_subscription, name="newsletter_subscription"),
    path("corporate-parent-guidance/", views.guidance_edit, name="guidance_edit"),
    path("young-people/", views.young_people, name="young_people"),
    path("young-people/edit/", views.young_people_edit, name="young_people_edit"),
    path("young-people/tell-us/", views.feedback, name="feedback"),
    path("young-people/tell-us/sent/", views.feedback_sent, name="feedback_sent"),
    path("feedback/", views.feedback_list, name="feedback_list"),
    path("feedback/<int:pk>/", views.feedback_review_page, name="feedback_review"),
]
