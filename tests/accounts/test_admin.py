import pytest
from django.contrib import admin
from django.urls import reverse

from tests.factories import NoteFactory, TouchpointFactory

pytestmark = pytest.mark.django_db


def _admin_models():
    return [(model._meta.app_label, model._meta.model_name) for model in admin.site._registry]


@pytest.mark.parametrize("app_label, model_name", _admin_models())
def test_every_admin_changelist_and_add_page_loads_for_staff(client, staff_user, app_label, model_name):
    TouchpointFactory()
    NoteFactory()
    client.force_login(staff_user)
    changelist = client.get(reverse(f"admin:{app_label}_{model_name}_changelist"))
    assert changelist.status_code == 200
    add = client.get(reverse(f"admin:{app_label}_{model_name}_add"))
    assert add.status_code in (200, 403)  # deliveries and their events are never added by hand


def test_a_recruiter_cannot_reach_the_admin(client, recruiter_a):
    client.force_login(recruiter_a)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_staff_can_create_a_company_in_the_admin(client, staff_user):
    from poption.accounts.models import Company

    client.force_login(staff_user)
    response = client.post(
        reverse("admin:accounts_company_add"),
        {
            "name": "Ny Bedrift AS",
            "slug": "ny-bedrift",
            "created_at_0": "2026-12-01",
            "created_at_1": "10:00:00",
        },
    )
    assert response.status_code == 302
    assert Company.objects.filter(name="Ny Bedrift AS").exists()
