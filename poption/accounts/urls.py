from django.contrib.auth import views as auth_views
from django.urls import path

from poption.accounts import views
from poption.accounts.forms import LoginForm

app_name = "accounts"

urlpatterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(
            template_name="accounts/login.html",
            authentication_form=LoginForm,
            redirect_authenticated_user=True,
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("profile/", views.profile, name="profile"),
    path("profile/reply-to/", views.reply_to, name="reply_to"),
    path("profile/inboxes/", views.inbox_add, name="inbox_add"),
    path("profile/inboxes/<int:inbox_id>/remove/", views.inbox_remove, name="inbox_remove"),
    path("inboxes/verify/<str:token>/", views.inbox_verify, name="inbox_verify"),
]
