"""The staff page in headless Chromium (Debian's, driven by Playwright) over the real index and model."""

from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from apisupport import live_server

from search_api.app import create_app
from search_api.config import ServerConfig

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHROMIUM = Path(os.environ.get("KB_CHROMIUM", "/usr/bin/chromium"))
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
QUESTION = "hva var andel bosatt innen 6 måneder i 2020"
TIMEOUT_MS = 60_000


@pytest.fixture(scope="module")
def base_url(data_dir, real_index_dir):
    with live_server(create_app(ServerConfig(data=data_dir, index=real_index_dir))) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        if os.environ.get("CI"):  # .ci/run installs Chromium: a missing browser there is a failure, not a skip
            pytest.fail(f"no Chromium at {CHROMIUM} in CI")
        pytest.skip(f"no Chromium at {CHROMIUM}: apt-get install chromium chromium-driver (or set KB_CHROMIUM)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture()
def phone(browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="nb-NO")
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    yield page
    context.close()


def test_reference_question_shows_49_with_a_citation_to_the_2020_report(phone, base_url):
    page = phone
    page.goto(base_url + "/")
    assert page.get_attribute("#q", "placeholder") == "Spør om IMDis rapporter …"
    page.fill("#q", QUESTION)
    page.press("#q", "Enter")
    page.wait_for_selector("#svar:not([hidden])")
    page.wait_for_selector("#treffliste li")
    card = page.inner_text("#svar")
    assert re.search(r"\b49\b", card), card
    assert "2020" in page.inner_text("#svar-type")  # the year the figure is for, beside its type
    source = page.locator("#svar-kilde a")
    assert "IMDi årsrapport 2020" in source.inner_text()
    assert page.locator("#treffliste li").count() >= 3
    # the page fits a phone: nothing scrolls sideways
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    # the citation opens the source with the cited passage highlighted
    source.click()
    page.wait_for_selector("mark#sitat")
    assert "49" in page.inner_text("mark#sitat")
    assert "IMDi årsrapport 2020" in page.inner_text("h1")


def test_a_question_typed_while_the_document_list_loads_is_kept(phone, base_url):
    page = phone
    held = []  # the /documents request, answered only after the question is typed
    page.route("**/documents", lambda route: held.append(route))
    page.goto(base_url + "/")
    page.fill("#q", QUESTION)
    page.wait_for_function("() => document.getElementById('q').value.length > 0")
    assert len(held) == 1
    held[0].continue_()
    page.wait_for_selector("#doc option[value='imdi-arsrapport-2020']", state="attached")
    assert page.input_value("#q") == QUESTION
    page.press("#q", "Enter")
    page.wait_for_selector("#svar:not([hidden])")
    assert re.search(r"\b49\b", page.inner_text("#svar"))


def test_an_older_search_answering_late_does_not_replace_the_one_asked_for(phone, base_url):
    page = phone
    later = "kor mange vart busette i 2022"
    page.goto(base_url + "/")
    page.fill("#q", QUESTION)
    page.press("#q", "Enter")
    page.wait_for_selector("#svar:not([hidden])")
    held = []  # the second question's answer, held back until the first question is shown again
    page.route("**/answer?*", lambda route: held.append(route) if "2022" in route.request.url else route.continue_())
    page.fill("#q", later)
    page.press("#q", "Enter")
    page.wait_for_function("() => location.search.includes('2022')")
    page.go_back()  # back to the first question while the second is still under way
    page.wait_for_function("() => document.getElementById('q').value.includes('2020')")
    page.wait_for_selector("#status:text-is('')", state="attached")
    assert len(held) == 1
    with page.expect_response(lambda r: "/answer?" in r.url and "2022" in r.url) as late:
        held[0].continue_()
    late.value.finished()
    page.wait_for_timeout(500)  # the page has read the late answer (it would show within a few milliseconds)
    assert re.search(r"\b49\b", page.inner_text("#svar-verdi"))
    assert "2020" in page.input_value("#q")


def test_year_and_document_filters_narrow_the_passages(phone, base_url):
    page = phone
    page.goto(base_url + "/")
    page.wait_for_selector("#doc option[value='imdi-arsrapport-2022']", state="attached")
    page.select_option("#doc", "imdi-arsrapport-2022")
    page.select_option("#year", "2022")
    page.fill("#q", "busetjing av flyktningar")
    page.click("#knapp")
    page.wait_for_selector("#treffliste li")
    docs = page.locator("#treffliste li .doc").all_inner_texts()
    assert docs and all("2022" in d for d in docs), docs
    assert "doc=imdi-arsrapport-2022" in page.url  # the search can be shared and reloaded
    page.reload()
    page.wait_for_selector("#treffliste li")
    assert page.input_value("#q") == "busetjing av flyktningar"


def test_a_name_among_the_hits_narrows_the_passages_and_can_be_removed(phone, base_url):
    page = phone
    page.goto(base_url + "/?" + "q=tilskudd+til+kommunene")
    page.wait_for_selector("#navneliste li button")
    before = page.locator("#treffliste li").count()
    first = page.locator("#navneliste li button").first
    name = first.inner_text().split(" ")[0]
    first.click()
    page.wait_for_selector("#navnefilter:not([hidden])")
    assert "entity=" in page.url and "entity_label=" in page.url  # the filtered search can be shared
    assert name in page.inner_text("#navnefilter")
    page.wait_for_selector("#treffliste li")
    hits = page.locator("#treffliste li").count()
    assert 0 < hits <= before
    # the page asked for what its URL says, and every passage it got names that entity with that label
    wanted = parse_qs(urlsplit(page.url).query)
    body = page.request.get(base_url + "/search?" + urlsplit(page.url).query + "&k=10").json()
    assert len(body["hits"]) == hits
    assert all(any(e["label"] == wanted["entity_label"][0]
                   and wanted["entity"][0].lower() in {e["text"].lower(), (e["norm"] or "").lower()}
                   for e in h["entities"]) for h in body["hits"])
    page.click("#navnefilter button")
    page.wait_for_selector("#navnefilter[hidden]", state="attached")
    assert "entity=" not in page.url
