import pytest

from mailing.models import EmailTemplate
from tests.factories import EmailTemplateFactory

pytestmark = pytest.mark.django_db


def test_anonymous_users_are_sent_to_login(client):
    response = client.get("/mailing/templates/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_list_shows_only_the_companys_templates(client_a, company_a, company_b):
    EmailTemplateFactory(company=company_a, name="Takk for sist")
    EmailTemplateFactory(company=company_b, name="Beta secret")
    html = client_a.get("/mailing/templates/").content.decode()
    assert "Takk for sist" in html and "Beta secret" not in html


def test_create_validates_like_compose_and_keeps_the_input(client_a, company_a):
    response = client_a.post(
        "/mailing/templates/new/",
        {"name": "Farlig", "subject": "Hei", "body": "Hei {{ cycler.__init__.__globals__ }}\nresten"},
    )
    assert response.status_code == 422
    assert "body" in response.context["form"].errors
    assert "resten" in response.content.decode()
    assert not EmailTemplate.objects.exists()
    response = client_a.post(
        "/mailing/templates/new/",
        {"name": "Takk", "subject": "Hei {{ first_name }}", "body": 'Hei {{ first_name | default("du") }}'},
    )
    assert response.status_code == 302
    assert EmailTemplate.objects.get().company == company_a


def test_names_are_unique_per_company(client_a, company_a):
    EmailTemplateFactory(company=company_a, name="Takk")
    response = client_a.post("/mailing/templates/new/", {"name": "takk", "subject": "x", "body": "y"})
    assert response.status_code == 422
    assert "name" in response.context["form"].errors


def test_edit_duplicate_and_delete(client_a, company_a):
    template = EmailTemplateFactory(company=company_a, name="Takk")
    response = client_a.post(
        f"/mailing/templates/{template.pk}/", {"name": "Takk 2", "subject": "S", "body": "B"}
    )
    assert response.status_code == 302
    template.refresh_from_db()
    assert (template.name, template.subject, template.body) == ("Takk 2", "S", "B")
    client_a.post(f"/mailing/templates/{template.pk}/duplicate/")
    assert sorted(EmailTemplate.objects.values_list("name", flat=True)) == ["Takk 2", "Takk 2 (copy)"]
    confirm = client_a.get(f"/mailing/templates/{template.pk}/delete/")
    assert confirm.status_code == 200 and b"Takk 2" in confirm.content
    assert EmailTemplate.objects.filter(pk=template.pk).exists()  # GET only asks
    client_a.post(f"/mailing/templates/{template.pk}/delete/")
    assert not EmailTemplate.objects.filter(pk=template.pk).exists()


def test_another_companys_template_is_a_404_everywhere(client_a, company_b):
    theirs = EmailTemplateFactory(company=company_b)
    assert client_a.get(f"/mailing/templates/{theirs.pk}/").status_code == 404
    assert (
        client_a.post(
            f"/mailing/templates/{theirs.pk}/", {"name": "x", "subject": "x", "body": "x"}
        ).status_code
        == 404
    )
    assert client_a.post(f"/mailing/templates/{theirs.pk}/duplicate/").status_code == 404
    assert client_a.post(f"/mailing/templates/{theirs.pk}/delete/").status_code == 404
    assert EmailTemplate.objects.filter(pk=theirs.pk, name=theirs.name).exists()


def test_duplicate_and_delete_refuse_the_wrong_method(client_a, company_a):
    template = EmailTemplateFactory(company=company_a)
    assert client_a.get(f"/mailing/templates/{template.pk}/duplicate/").status_code == 405
    assert client_a.put(f"/mailing/templates/{template.pk}/delete/").status_code == 405
