from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from poption import views

urlpatterns = [
    path("", RedirectView.as_view(url="/candidates/", permanent=False)),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/", include("poption.accounts.urls")),
    path("candidates/", include("candidates.urls")),
    path("mailing/", include("mailing.urls")),
    path("anymail/", include("anymail.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
