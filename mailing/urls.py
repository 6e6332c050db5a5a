from django.urls import path

from mailing import views

app_name = "mailing"

urlpatterns = [
    path("", views.mailing_list, name="list"),
    path("compose/", views.compose, name="compose"),
    path("compose/preview/", views.compose_preview, name="compose_preview"),
    path("<int:mailing_id>/", views.mailing_detail, name="detail"),
    path("<int:mailing_id>/edit/", views.mailing_edit, name="edit"),
    path("<int:mailing_id>/cancel/", views.mailing_cancel, name="cancel"),
    path("<int:mailing_id>/resume/", views.mailing_resume, name="resume"),
    path("<int:mailing_id>/deliveries/<int:delivery_id>/resend/", views.mailing_resend, name="resend"),
    path("templates/", views.template_list, name="template_list"),
    path("templates/new/", views.template_create, name="template_create"),
    path("templates/<int:template_id>/", views.template_edit, name="template_edit"),
    path("templates/<int:template_id>/duplicate/", views.template_duplicate, name="template_duplicate"),
    path("templates/<int:template_id>/delete/", views.template_delete, name="template_delete"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
