"""How the browser tests find things on the pages, in one place: by role and label, as a person would."""

import re

from playwright.sync_api import Locator, Page, expect


def open_candidates(page: Page, name: str = "Candidates") -> None:
    page.get_by_role("banner").get_by_role("link", name=name, exact=True).click()
    page.wait_for_url(re.compile(r"/candidates/"))


def choose_source(
    page: Page, option: str, *, group: str, label: str = "Source", submit: bool = False
) -> None:
    """Pick one source from its optgroup; with submit=True press the filter form's button (no JavaScript)."""
    source = page.get_by_label(label, exact=True)
    expect(source.locator(f'optgroup[label="{group}"] option', has_text=option)).to_have_count(1)
    source.select_option(label=option)
    if submit:
        source.locator("xpath=ancestor::form").locator(
            "button[type=submit], input[type=submit]"
        ).first.click()
        page.wait_for_load_state()


def candidate_rows(page: Page) -> Locator:
    return page.locator("table tbody tr").filter(has=page.get_by_role("checkbox"))


def candidate_names(page: Page) -> list[str]:
    return [row.get_by_role("link").first.inner_text().strip() for row in candidate_rows(page).all()]


def select_page_checkbox(page: Page) -> Locator:
    return page.locator("table thead").get_by_role("checkbox")


def selection_counter(page: Page, count: int) -> Locator:
    return page.get_by_text(re.compile(rf"^\s*{count}( of \d+)? selected", re.IGNORECASE))


def send_email_action(page: Page, name: str = "Send email") -> Locator:
    """The Send email action: a button or a link, whichever the page uses."""
    return page.get_by_role("button", name=name, exact=True).or_(
        page.get_by_role("link", name=name, exact=True)
    )


def compose_recipients(page: Page) -> Locator:
    """The chips of the compose page's To field: one list item per candidate, named by the candidate."""
    return page.get_by_role("list", name="To").get_by_role("listitem")


def body_field(page: Page) -> Locator:
    """The compose page's message body (labelled "Body" or "Message")."""
    return page.get_by_label(re.compile(r"^(Body|Message)$"))


def insert_placeholder(page: Page, name: str) -> None:
    """Insert `{{ name }}` at the cursor through the placeholder picker."""
    picker = page.get_by_role("button", name=re.compile(rf"^(\{{\{{ ?)?{re.escape(name)}\b"))
    if not picker.first.is_visible():
        page.get_by_role(
            "button", name=re.compile(r"^(Placeholders|Insert placeholder)", re.IGNORECASE)
        ).click()
    picker.first.click()


def compose_preview(page: Page) -> Locator:
    return page.get_by_role("region", name=re.compile(r"^Preview"))
