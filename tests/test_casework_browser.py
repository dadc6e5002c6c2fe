"""Casework walked through in Chromium on a real store: the issue's "done when" flow.

Sign in as an analyst -> review queue -> open the top campaign's case -> confirm it -> exclude
one member with a note -> upload a next-day export (new accounts, one reusing the campaign's
card) -> re-run detection -> the campaign keeps its id, the excluded member stays out, the new
account is a new member -> the downloaded enforcement list matches -> a viewer cannot decide.

Screenshots of the queue, the case view and its history go to ``$LINKGRAPH_SCREENSHOTS``
(``docs/screenshots`` when regenerating the docs) or the test's temp dir.
"""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import pytest

from linkgraph.casework.campaigns import CampaignFilter, filter_campaigns, load_campaigns
from linkgraph.casework.history import run_changes
from linkgraph.casework.queue import review_queue
from linkgraph.store import open_store
from linkgraph.users import add_user
from tests.browser_support import app_server, chromium_browser, screenshots_dir, wait_for_painted_graph
from tests.test_app_support import copy_store, next_day_export
from tests.test_browser import ARGS, CHROMIUM, _settle

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not Path(CHROMIUM).exists(), reason=f"{CHROMIUM} missing: apt-get install -y chromium"
    ),
]


@pytest.fixture(scope="module")
def casework_server(tmp_path_factory):
    root = tmp_path_factory.mktemp("casework")
    db = copy_store(root, root / "store.duckdb")
    users = root / "users.json"
    add_user("ana", "analyst", "correct horse", users)
    add_user("vic", "viewer", "battery staple", users)
    env = {"LINKGRAPH_DB": str(db), "LINKGRAPH_USERS": str(users)}
    with app_server(root, env) as url:
        yield url, db, root


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    return screenshots_dir(tmp_path_factory, "casework-shots")


@pytest.fixture(scope="module")
def chromium():
    with chromium_browser(ARGS) as b:
        yield b


def _top_of_queue(db: Path) -> tuple[str, list[str], str, pd.Timestamp]:
    """The queue's first campaign, its members, one member's card, the last sign-up."""
    with open_store(str(db), read_only=True) as s:
        campaigns = load_campaigns(s)
        cid = str(review_queue(campaigns, run_changes(s))["cluster_id"].iloc[0])
        members = s.read_result("members").to_pandas()
        ids = sorted(members.loc[members["cluster_id"] == cid, "account_id"])
        paid = s.read_table("paid_with", ["account_id", "payment_fingerprint"]).to_pandas()
        cards = paid[paid["account_id"].isin(ids)]["payment_fingerprint"].value_counts()
        last = (
            filter_campaigns(campaigns, CampaignFilter(view=None))
            .set_index("cluster_id")
            .at[cid, "last_signup"]
        )
    return cid, ids, str(cards.index[0]), pd.Timestamp(last)


def _sign_in(page, url: str, user: str, password: str) -> None:
    page.goto(url, wait_until="domcontentloaded")
    page.get_by_role("textbox", name="User").wait_for(timeout=60_000)
    page.get_by_role("textbox", name="User").fill(user)
    page.get_by_role("textbox", name="Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="Campaigns", exact=True).wait_for(timeout=60_000)
    _settle(page)


def _go(page, link: str, heading: str) -> None:
    page.get_by_role("link", name=link).click()
    page.get_by_role("heading", name=heading, exact=True).wait_for(timeout=30_000)
    _settle(page)


def _choose(page, label: str, option: str) -> None:
    """Pick ``option`` in a Streamlit selectbox or multiselect labelled ``label``."""
    page.get_by_label(label, exact=True).click()
    page.keyboard.type(option)
    page.get_by_role("option", name=option, exact=True).click()
    page.keyboard.press("Escape")
    _settle(page)


def test_casework_walkthrough_in_chromium(casework_server, chromium, shots, tmp_path):
    url, db, root = casework_server
    cid, members, card, last_signup = _top_of_queue(db)
    excluded = members[0]
    page = chromium.new_page(viewport={"width": 1500, "height": 2200}, accept_downloads=True)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))

    # sign in as an analyst, open the review queue
    _sign_in(page, url, "ana", "correct horse")
    page.get_by_text("Signed in as").wait_for()
    _go(page, "Review queue", "Review queue")
    page.get_by_text("Bulk action on").wait_for(timeout=30_000)
    page.wait_for_timeout(500)
    page.screenshot(path=str(shots / "queue.png"), full_page=True)

    # open the top campaign's case and confirm it
    page.get_by_role("button", name="Open case").click()
    page.get_by_role("heading", name="Case", exact=True).wait_for(timeout=30_000)
    _settle(page)
    page.get_by_role("heading", name="Members and account decisions").wait_for(timeout=30_000)
    page.get_by_role("radiogroup", name="Move to").get_by_text("confirmed", exact=True).click()
    page.get_by_label("Why", exact=True).fill("one card and one proxy provider across the sign-up burst")
    page.get_by_role("button", name="Change status").click()
    _settle(page)
    page.get_by_test_id("stMetricValue").filter(has_text="confirmed").wait_for(timeout=30_000)

    # exclude one member as a false positive, with a note
    _choose(page, "Members", excluded)
    page.get_by_role("radiogroup", name="Account decision").get_by_text("excluded", exact=True).click()
    page.get_by_label("Note (why)", exact=True).fill("staff test account, not part of the campaign")
    page.get_by_role("button", name="Record account decision").click()
    _settle(page)
    page.get_by_label("New note", exact=True).fill(
        "Confirmed after checking the shared card; excluded one staff account."
    )
    page.get_by_role("button", name="Post note").click()
    _settle(page)

    # a next-day export: upload it and re-run detection
    files = next_day_export(tmp_path / "next-day", card, last_signup.isoformat())
    _go(page, "Load & export", "Load & export")
    page.locator("input[type=file]").set_input_files([str(p) for p in files])
    _settle(page)
    page.get_by_role("button", name="Load", exact=True).click()
    page.get_by_text("Loaded:").wait_for(timeout=60_000)
    _settle(page)
    page.get_by_role("button", name="Detect").click()
    page.get_by_text("Detection run 2 stored").wait_for(timeout=120_000)
    _settle(page)

    # the campaign keeps its id and decision; the excluded member stays out; new_0 is a member
    with open_store(str(db), read_only=True) as s:
        assert [r.run_id for r in s.runs()][:2] == [2, 1]
        now = s.read_result("members").to_pandas()
        kept = set(now.loc[now["cluster_id"] == cid, "account_id"])
        assert "new_0" in kept, "the account reusing the campaign's card joined it under the same id"
        assert load_campaigns(s).set_index("cluster_id").at[cid, "status"] == "confirmed"
    _go(page, "Case", "Case")
    page.get_by_text("History across runs").scroll_into_view_if_needed()
    page.get_by_test_id("stMetricValue").filter(has_text="confirmed").wait_for(timeout=30_000)
    page.screenshot(path=str(shots / "case.png"), full_page=True)
    history = page.get_by_text("History across runs").locator(
        "xpath=ancestor::div[@data-testid='stVerticalBlock'][1]"
    )
    lineage = history.locator("iframe[title*='st_link_analysis']").first
    drawn = wait_for_painted_graph(page, lineage)
    assert drawn["canvases"] >= 1 and drawn["painted"] >= 1, f"the lineage graph drew nothing: {drawn}"
    history.screenshot(path=str(shots / "history.png"))

    # the enforcement list downloaded from the app matches: members now, minus the excluded one
    _go(page, "Load & export", "Load & export")
    page.get_by_label("Campaigns to export (default: those the Campaigns filters show)").wait_for()
    with page.expect_download() as dl:
        page.get_by_role("button", name="Download CSV").click()
    exported = pd.read_csv(io.BytesIO(Path(dl.value.path()).read_bytes()))
    rows = set(exported.loc[exported["cluster_id"] == cid, "account_id"])
    assert rows == kept - {excluded} and "new_0" in rows and excluded not in rows

    # a viewer reads the case but cannot decide
    page.get_by_role("button", name="Sign out").click()
    _sign_in(page, url, "vic", "battery staple")
    _go(page, "Case", "Case")
    page.get_by_text("a viewer").first.wait_for()
    assert page.get_by_role("button", name="Change status").count() == 0
    assert page.get_by_role("button", name="Record account decision").count() == 0
    assert not errors, errors
    page.close()
