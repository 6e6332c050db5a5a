"""The Norwegian (nb) catalogue is complete, in step with the code, and what the pages show.

`make makemessages` regenerates locale/nb/LC_MESSAGES/django.po; `make messages` compiles it.
These tests never write to the repository: the extraction runs in a temporary copy of the
source tree, and the rendering tests compile the catalogue into a temporary directory.
"""

import re
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parent.parent
PO_PATH = ROOT / "locale" / "nb" / "LC_MESSAGES" / "django.po"
MAKEMESSAGES = ["makemessages", "-l", "nb", "--no-location", "--no-obsolete", "-i", ".venv/*", "-i", "var/*"]

# %(name)s, %(count)d, %s, %.1f ... ("%%" is a literal percent sign, not a placeholder).
PYTHON_FORMAT = re.compile(r"%(?:\([^)]*\))?[#0+-]*(?:\d+|\*)?(?:\.\d+)?[diouxXeEfFgGcrsa%]")
HTML_TAG = re.compile(r"</?[a-zA-Z][^>]*>")


def _key(entry: polib.POEntry) -> tuple:
    return (entry.msgctxt, entry.msgid, entry.msgid_plural or None)


def _label(entry: polib.POEntry) -> str:
    context = f" (context {entry.msgctxt!r})" if entry.msgctxt else ""
    return f"{entry.msgid!r}{context}"


def _placeholders(text: str) -> Counter:
    return Counter(token for token in PYTHON_FORMAT.findall(text) if token != "%%")


def _translations(entry: polib.POEntry) -> list[tuple[str, str]]:
    """(source, translation) pairs to compare: the singular with msgstr[0], the plural with the rest."""
    if entry.msgid_plural:
        return [
            (entry.msgid if index == 0 else entry.msgid_plural, text)
            for index, text in sorted(entry.msgstr_plural.items())
        ]
    return [(entry.msgid, entry.msgstr)]


def _is_translated(entry: polib.POEntry) -> bool:
    return entry.translated() and all(text.strip() for _source, text in _translations(entry))


@pytest.fixture(scope="module")
def catalogue() -> polib.POFile:
    assert PO_PATH.exists(), f"{PO_PATH.relative_to(ROOT)} is missing: run `make makemessages`"
    return polib.pofile(str(PO_PATH))


# The committed catalogue ------------------------------------------------------------------------


def test_the_header_declares_norwegian_bokmal_with_two_plural_forms(catalogue):
    assert catalogue.metadata["Language"] == "nb"
    assert "charset=UTF-8" in catalogue.metadata["Content-Type"]
    assert catalogue.metadata["Plural-Forms"].replace(" ", "") == "nplurals=2;plural=(n!=1);"
    assert not catalogue.metadata_is_fuzzy, "the header is still marked fuzzy"


def test_every_entry_is_translated_and_none_is_fuzzy_or_obsolete(catalogue):
    assert len(catalogue) > 0
    untranslated = [_label(e) for e in catalogue if not e.obsolete and not _is_translated(e)]
    fuzzy = [_label(e) for e in catalogue if "fuzzy" in e.flags]
    obsolete = [_label(e) for e in catalogue if e.obsolete]
    assert not untranslated, f"untranslated: {untranslated}"
    assert not fuzzy, f"fuzzy: {fuzzy}"
    assert not obsolete, f"obsolete (run `make makemessages`): {obsolete}"


def test_plural_entries_have_both_norwegian_forms(catalogue):
    wrong = [_label(e) for e in catalogue if e.msgid_plural and sorted(e.msgstr_plural) != [0, 1]]
    assert not wrong, f"plural entries without exactly msgstr[0] and msgstr[1]: {wrong}"


def test_translations_keep_the_placeholders_of_their_source(catalogue):
    problems = []
    for entry in (e for e in catalogue if "python-format" in e.flags):
        for source, text in _translations(entry):
            if text and _placeholders(source) != _placeholders(text):
                problems.append(
                    f"{_label(entry)}: {sorted(_placeholders(source).elements())} "
                    f"became {sorted(_placeholders(text).elements())}"
                )
    assert not problems, "\n".join(problems)


def test_translations_keep_the_html_tags_of_their_source(catalogue):
    problems = [
        f"{_label(entry)}: {HTML_TAG.findall(source)} became {HTML_TAG.findall(text)}"
        for entry in catalogue
        for source, text in _translations(entry)
        if text and HTML_TAG.findall(source) != HTML_TAG.findall(text)
    ]
    assert not problems, "\n".join(problems)


def test_template_placeholders_in_help_texts_stay_untranslated(catalogue):
    """An example such as {{ first_name | default("there") }} must reach recruiters as valid syntax."""
    problems = []
    for entry in catalogue:
        for source, text in _translations(entry):
            names = re.findall(r"\{\{\s*(\w+)", source)
            if text and re.findall(r"\{\{\s*(\w+)", text) != names:
                problems.append(_label(entry))
    assert not problems, problems


# The catalogue against the code -----------------------------------------------------------------


def _ignore_for_copy(directory: str, names: list[str]) -> set[str]:
    skipped = {"__pycache__", ".pytest_cache", ".ruff_cache", ".hypothesis", "node_modules"}
    if Path(directory) == ROOT:
        skipped |= {".venv", "var", ".git", "locale", "staticfiles", "build"}
    return {name for name in names if name in skipped or name.endswith(".egg-info")}


@pytest.fixture(scope="module")
def extracted(tmp_path_factory) -> polib.POFile:
    """What `make makemessages` finds in the code now, extracted in a copy so the repository is untouched."""
    tree = tmp_path_factory.mktemp("source") / "tree"
    shutil.copytree(ROOT, tree, ignore=_ignore_for_copy, symlinks=True)
    (tree / "locale").mkdir()
    result = subprocess.run(
        [sys.executable, "manage.py", *MAKEMESSAGES],
        cwd=tree,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, f"makemessages failed:\n{result.stdout}\n{result.stderr}"
    fresh = tree / "locale" / "nb" / "LC_MESSAGES" / "django.po"
    assert fresh.exists(), f"makemessages wrote no catalogue:\n{result.stdout}\n{result.stderr}"
    return polib.pofile(str(fresh))


def test_makemessages_finds_the_interface_strings(extracted):
    found = {entry.msgid for entry in extracted}
    for msgid in [
        "Candidates",
        "Source",
        "Events",
        "Job postings",
        "Shared profile",
        "Send email",
        "Subject",
    ]:
        assert msgid in found


def test_every_string_in_the_code_is_translated_in_the_catalogue(extracted, catalogue):
    committed = {_key(entry): entry for entry in catalogue if not entry.obsolete}
    missing = [_label(e) for e in extracted if _key(e) not in committed]
    untranslated = [
        _label(e)
        for e in extracted
        if _key(e) in committed
        and (not _is_translated(committed[_key(e)]) or "fuzzy" in committed[_key(e)].flags)
    ]
    assert not missing, f"not in the nb catalogue (run `make makemessages` and translate): {missing}"
    assert not untranslated, f"not translated in the nb catalogue: {untranslated}"


def test_the_catalogue_holds_no_strings_the_code_no_longer_has(extracted, catalogue):
    in_code = {_key(entry) for entry in extracted}
    stale = [_label(e) for e in catalogue if _key(e) not in in_code]
    assert not stale, f"no longer in the code (run `make makemessages`): {stale}"


# The pages in Norwegian ---------------------------------------------------------------------------


@pytest.fixture
def norwegian(settings, tmp_path):
    """Compile the committed catalogue into a directory of its own and serve from it.

    The pages then show exactly what django.po says, whether or not `make messages` ran since the
    last edit. Changing LOCALE_PATHS through the settings fixture resets Django's translation cache.
    """
    assert any(Path(path).resolve() == ROOT / "locale" for path in settings.LOCALE_PATHS)
    assert "nb" in {code for code, _name in settings.LANGUAGES}
    target = tmp_path / "locale" / "nb" / "LC_MESSAGES"
    target.mkdir(parents=True)
    polib.pofile(str(PO_PATH)).save_as_mofile(str(target / "django.mo"))
    settings.LOCALE_PATHS = [tmp_path / "locale"]
    yield
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)


@pytest.mark.django_db
def test_the_sign_in_page_is_norwegian(client, norwegian):
    response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="nb")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="nb"' in html
    assert "Logg inn" in html
    assert "Logg inn for å følge opp kandidatene dine." in html
    assert "Sign in" not in html


@pytest.mark.django_db
def test_the_candidate_list_is_norwegian(client_a, company_a, norwegian):
    from tests.candidates.conftest import make_share, set_selection
    from tests.factories import EventFactory, JobPostingFactory

    event = EventFactory(company=company_a, name="KarriereDagene NTNU")
    posting = JobPostingFactory(company=company_a)
    shares = [
        make_share(company_a, source=event),
        make_share(company_a, source=posting),
        make_share(company_a, source=None),
    ]
    set_selection(client_a, [shares[0].candidate_id])

    response = client_a.get("/candidates/", HTTP_ACCEPT_LANGUAGE="nb")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="nb"' in html
    for label in [
        "Kandidater",
        "Kilde",
        "Arrangementer",
        "Stillinger",
        "Delt profil",
        "Send e-post",
        "Skole",
        "Studieretning",
        "Karaktersnitt",
        "Ikke vurdert",
        "Stjernemerket",
        "Følg opp",
        "Arkivert",
        "Aktive kandidater",
        "Vis alle kandidater",
    ]:
        assert label in html, f"{label!r} is not on the Norwegian candidate list"
    assert '<optgroup label="Arrangementer">' in html
    assert '<optgroup label="Stillinger">' in html
    for english in ["Candidates", "Source", "Shared profile", "Send email", "Job postings"]:
        assert f">{english}<" not in html, f"{english!r} is still English on the candidate list"
