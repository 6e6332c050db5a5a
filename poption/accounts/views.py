from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    ctx = {"inboxes": request.user.inboxes.all()}
    return render(request, "accounts/profile.html", ctx)
