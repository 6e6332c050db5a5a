"""The selection as a spreadsheet: CSV (streamed) and XLSX (openpyxl, write-only)."""

import csv
import io
import re
from collections.abc import Iterable, Iterator

from django.db.models import QuerySet
from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from candidates.models import Share

CHUNK = 1000
# A cell that starts like a formula is run by spreadsheet programs: candidates write these fields.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PHONE = re.compile(r"^\+?[\d ()-]+$")


def _headers() -> list[str]:
    return [
        _("First name"),
        _("Last name"),
        _("Email"),
        _("Phone"),
        _("School"),
        _("Study programme"),
        _("Graduation year"),
        _("Grade average"),
        _("Status"),
        _("Tags"),
        _("Sources"),
        _("Date added"),
        _("LinkedIn"),
        _("CV"),
    ]


class _Labels:
    """Translated words looked up once per file, not once per row (12,500 rows make it count)."""

    def __init__(self):
        self.status = {value: str(label) for value, label in Share.Status.choices}
        self.shared_profile = str(_("Shared profile"))


def _sources(share: Share, labels: _Labels) -> str:
    names = []
    for touchpoint in share.touchpoint_list:
        if touchpoint.event_id:
            name = touchpoint.event.name
        elif touchpoint.job_posting_id:
            name = touchpoint.job_posting.title
        else:
            name = labels.shared_profile
        if name not in names:
            names.append(name)
    return ", ".join(names)


def _row(share: Share, labels: _Labels) -> list:
    candidate = share.candidate
    return [
        candidate.first_name,
        candidate.last_name,
        candidate.email,
        candidate.phone,
        candidate.school,
        candidate.study_programme,
        candidate.graduation_year,
        candidate.grade_average,
        labels.status.get(share.status, share.status),
        ", ".join(tag.name for tag in share.tag_list),
        _sources(share, labels),
        timezone.localtime(share.created_at).strftime("%Y-%m-%d"),
        candidate.linkedin_url,
        candidate.cv_url,
    ]


def _defuse(value):
    """Text that would start a formula gets a leading apostrophe; a phone number is left alone."""
    if isinstance(value, str) and value.startswith(_FORMULA_START) and not _PHONE.match(value):
        return "'" + value
    return value


def _rows(shares: QuerySet[Share]) -> Iterator[list]:
    labels = _Labels()
    for share in shares.iterator(chunk_size=CHUNK):
        yield _row(share, labels)


def _filename(extension: str) -> str:
    return f"candidates-{timezone.localdate():%Y-%m-%d}.{extension}"


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_lines(rows: Iterable[list]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff"  # so that Excel reads the file as UTF-8 (æ, ø, å)
    yield writer.writerow(_headers())
    for row in rows:
        yield writer.writerow(["" if value is None else _defuse(value) for value in row])


def csv_response(shares: QuerySet[Share]) -> StreamingHttpResponse:
    response = StreamingHttpResponse(_csv_lines(_rows(shares)), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename("csv")}"'
    return response


def xlsx_response(shares: QuerySet[Share]) -> HttpResponse:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Candidates"))
    sheet.append(_headers())
    for row in _rows(shares):
        cells = []
        for value in row:
            cell = WriteOnlyCell(sheet, value=value)
            if isinstance(value, str):
                # Never a formula, whatever the text starts with.
                cell.data_type = "s"
            cells.append(cell)
        sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename("xlsx")}"'
    return response
