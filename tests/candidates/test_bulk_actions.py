import csv
import io

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from candidates.models import Share
from tests.candidates.conftest import make_share, set_selection, stored_selection
from tests.factories import EventFactory, TagFactory

pytestmark = pytest.mark.django_db

ACTIONS = [
    ("/candidates/selection/status/", {"status": "starred"}),
    ("/candidates/selection/tag/", {"tag": "1", "op": "add"}),
    ("/candidates/selection/export.csv", {}),
    ("/candidates/selection/export.xlsx", {}),
]


@pytest.mark.parametrize(("endpoint", "data"), ACTIONS)
def test_bulk_actions_send_anonymous_users_to_login(client, endpoint, data):
    response = client.post(endpoint, data)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize(("endpoint", "data"), ACTIONS)
def test_bulk_actions_refuse_get(client_a, endpoint, data):
    assert client_a.get(endpoint, data).status_code == 405


@pytest.mark.parametrize(("endpoint", "data"), ACTIONS)
def test_bulk_actions_need_the_csrf_token(recruiter_a, endpoint, data):
    client = Client(enforce_csrf_checks=True)
    client.force_login(recruiter_a)
    assert client.post(endpoint, data).status_code == 403


@pytest.mark.parametrize(("endpoint", "data"), ACTIONS)
def test_bulk_actions_refuse_an_empty_selection_with_a_message(client_a, company_a, endpoint, data):
    tag = TagFactory(company=company_a)
    data = {**data, "tag": tag.pk} if "tag" in data else data
    make_share(company_a)
    response = client_a.post(endpoint, {**data, "query": "sort=name"}, follow=True)
    assert response.redirect_chain == [("/candidates/?sort=name", 302)]
    assert "Select at least one candidate" in response.content.decode()
    assert not Share.objects.exclude(status="not_reviewed").exists()


@pytest.fixture
def selected(client_a, company_a, company_b):
    """Three of company A's candidates selected, plus ids that must never count: B's and a revoked one."""
    mine = [make_share(company_a, first_name=n, last_name="Berg") for n in ("Anne", "Bjørn", "Cecilie")]
    make_share(company_a, first_name="Not", last_name="Selected")
    theirs = make_share(company_b, first_name="Their", last_name="Candidate")
    revoked = make_share(company_a, first_name="Revoked", last_name="Share")
    Share.objects.filter(pk=revoked.pk).update(revoked_at=timezone.now())
    set_selection(client_a, [s.candidate_id for s in mine] + [theirs.candidate_id, revoked.candidate_id])
    return mine, theirs, revoked


def test_it_sets_the_status_of_the_selection_only(client_a, selected):
    mine, theirs, revoked = selected
    response = client_a.post("/candidates/selection/status/", {"status": "follow_up"}, follow=True)
    assert "3 candidates are now “Follow up”." in response.content.decode()
    assert {s.candidate_id for s in Share.objects.filter(status="follow_up")} == {
        s.candidate_id for s in mine
    }
    theirs.refresh_from_db()
    revoked.refresh_from_db()
    assert theirs.status == revoked.status == "not_reviewed"


def test_an_unknown_status_is_refused(client_a, selected):
    response = client_a.post("/candidates/selection/status/", {"status": "hired"}, follow=True)
    assert "Choose a status." in response.content.decode()
    assert not Share.objects.exclude(status="not_reviewed").exists()


def test_it_applies_the_pages_ticks_first(client_a, company_a):
    ids = [make_share(company_a).candidate_id for _ in range(3)]
    client_a.post("/candidates/selection/status/", {"status": "starred", "page_ids": ids, "ids": ids[1:]})
    assert set(Share.objects.filter(status="starred").values_list("candidate_id", flat=True)) == set(ids[1:])
    assert stored_selection(client_a) == set(ids[1:])


def test_it_adds_and_removes_a_tag(client_a, company_a, selected):
    mine, theirs, _revoked = selected
    tag = TagFactory(company=company_a, name="Intervju")
    mine[0].tags.add(tag)
    response = client_a.post("/candidates/selection/tag/", {"tag": tag.pk, "op": "add"}, follow=True)
    assert "Tagged 2 candidates “Intervju”." in response.content.decode()
    assert set(tag.shares.all()) == set(mine)
    response = client_a.post("/candidates/selection/tag/", {"tag": tag.pk, "op": "remove"}, follow=True)
    assert "Removed “Intervju” from 3 candidates." in response.content.decode()
    assert not tag.shares.exists()


def test_another_companys_tag_is_a_404(client_a, company_b, selected):
    their_tag = TagFactory(company=company_b)
    assert client_a.post("/candidates/selection/tag/", {"tag": their_tag.pk, "op": "add"}).status_code == 404
    assert not their_tag.shares.exists()


def test_an_unknown_tag_operation_is_a_404(client_a, company_a, selected):
    tag = TagFactory(company=company_a)
    assert client_a.post("/candidates/selection/tag/", {"tag": tag.pk, "op": "rename"}).status_code == 404


def _csv_rows(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_the_csv_export_holds_exactly_the_selected_visible_candidates(client_a, company_a, selected):
    mine, _theirs, _revoked = selected
    event = EventFactory(company=company_a, name="KarriereDagene NTNU")
    mine[0].touchpoints.create(kind="event", event=event)
    mine[0].tags.add(TagFactory(company=company_a, name="Backend"))
    response = client_a.post("/candidates/selection/export.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="candidates-')
    rows = _csv_rows(response)
    assert rows[0][:3] == ["First name", "Last name", "Email"]
    assert [(r[0], r[1]) for r in rows[1:]] == [("Anne", "Berg"), ("Bjørn", "Berg"), ("Cecilie", "Berg")]
    anne = dict(zip(rows[0], rows[1], strict=True))
    assert anne["Tags"] == "Backend"
    assert anne["Sources"] in ("KarriereDagene NTNU, Shared profile", "Shared profile, KarriereDagene NTNU")
    assert anne["Status"] == "Not reviewed"


def test_the_xlsx_export_holds_exactly_the_selected_visible_candidates(client_a, selected):
    response = client_a.post("/candidates/selection/export.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:2] == ("First name", "Last name")
    assert [(r[0], r[1]) for r in rows[1:]] == [("Anne", "Berg"), ("Bjørn", "Berg"), ("Cecilie", "Berg")]
    assert float(rows[1][7]) == 4.2


def test_exports_never_run_what_a_candidate_typed_as_a_formula(client_a, company_a):
    share = make_share(
        company_a, first_name='=HYPERLINK("http://evil")', last_name="@SUM(A1)", phone="+47 912 34 567"
    )
    set_selection(client_a, [share.candidate_id])
    row = _csv_rows(client_a.post("/candidates/selection/export.csv"))[1]
    assert row[0] == '\'=HYPERLINK("http://evil")'
    assert row[1] == "'@SUM(A1)"
    assert row[3] == "+47 912 34 567"
    workbook = load_workbook(io.BytesIO(client_a.post("/candidates/selection/export.xlsx").content))
    cell = workbook.active["A2"]
    assert cell.data_type == "s"
    assert cell.value == '=HYPERLINK("http://evil")'
