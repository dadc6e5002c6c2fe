"""The investigator app driven headless with Streamlit's AppTest, on real DuckDB stores.

Every page is run; widgets are driven by key. Components (the cytoscape graph) do not render
in AppTest: tests/test_browser.py checks them in Chromium.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from linkgraph.casework.campaigns import (
    CampaignFilter,
    filter_campaigns,
    load_campaigns,
    provider_options,
    split_list,
)
from linkgraph.casework.downloads import export_bytes
from linkgraph.casework.evidence import cluster_members
from linkgraph.scoring import DEFAULT_THRESHOLD
from linkgraph.store import open_store
from linkgraph.users import add_user
from tests.test_app_support import copy_store, export_dir

APP = str(Path(__file__).resolve().parent.parent / "app" / "streamlit_app.py")
PAGES = [
    "app_pages/campaigns.py",
    "app_pages/campaign.py",
    "app_pages/account.py",
    "app_pages/decisions.py",
    "app_pages/queue.py",
    "app_pages/case.py",
    "app_pages/queries.py",
    "app_pages/load_export.py",
]


@pytest.fixture(scope="module")
def root(tmp_path_factory):
    return tmp_path_factory.mktemp("prepared")


@pytest.fixture
def db(root, tmp_path, monkeypatch):
    path = copy_store(root, tmp_path / "store.duckdb")
    monkeypatch.setenv("LINKGRAPH_DB", str(path))
    monkeypatch.delenv("NEO4J_URI", raising=False)
    monkeypatch.setenv("LINKGRAPH_USERS", str(tmp_path / "no-users.json"))
    monkeypatch.setenv("LINKGRAPH_USER", "ana")
    return path


def _app() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    _no_exception(at)
    return at


def _no_exception(at: AppTest) -> None:
    assert not at.exception, [e.message for e in at.exception]
    # data is never rendered as HTML (user-supplied strings stay text)
    assert not any(m.proto.allow_html for m in at.markdown)


def _campaign_table(at: AppTest) -> pd.DataFrame:
    tables = [d.value for d in at.dataframe if "cluster_id" in d.value.columns and "score" in d.value.columns]
    assert tables, "no campaigns table"
    return tables[-1]


def _top(db: Path) -> tuple[str, pd.DataFrame]:
    with open_store(str(db), read_only=True) as s:
        campaigns = filter_campaigns(load_campaigns(s), CampaignFilter())
        cid = campaigns.iloc[0]["cluster_id"]
        return cid, cluster_members(s, cid)


def test_every_page_runs_on_a_detected_store(db):
    at = _app()
    assert at.title[0].value == "Campaigns"
    assert len(_campaign_table(at)) > 0
    for page in PAGES[1:]:
        at.switch_page(page).run()
        _no_exception(at)
    assert at.title[0].value == "Load & export"


def test_empty_store_shows_guidance_not_a_traceback(tmp_path, monkeypatch):
    monkeypatch.setenv("LINKGRAPH_DB", str(tmp_path / "empty.duckdb"))
    monkeypatch.setenv("LINKGRAPH_USERS", str(tmp_path / "no-users.json"))
    at = _app()
    assert any("linkgraph load" in i.value for i in at.info)
    for page in PAGES[1:7]:
        at.switch_page(page).run()
        _no_exception(at)
        assert any("linkgraph load" in i.value for i in at.info), page


def test_campaigns_default_to_the_enforcement_list_paged(db):
    at = _app()
    default = _campaign_table(at)
    assert len(default) > 0 and (default["score"] >= DEFAULT_THRESHOLD).all()
    at.slider(key="campaigns_min_score").set_value(0.0).run()
    at.selectbox(key="campaigns_page_size").set_value(25).run()
    first = _campaign_table(at)
    with open_store(str(db), read_only=True) as s:
        clusters = len(filter_campaigns(load_campaigns(s), CampaignFilter()))
    assert len(first) == min(25, clusters) and clusters > len(default)
    if clusters > 25:
        at.number_input(key="campaigns_page").set_value(2).run()
        second = _campaign_table(at)
        assert 0 < len(second) <= 25 and not set(second["cluster_id"]) & set(first["cluster_id"])
    _no_exception(at)


def test_filters_change_the_table(db):
    at = _app()
    at.slider(key="campaigns_min_score").set_value(0.0).run()
    at.selectbox(key="campaigns_page_size").set_value(250).run()
    all_rows = _campaign_table(at)
    at.slider(key="campaigns_min_score").set_value(0.9).run()
    high = _campaign_table(at)
    assert 0 < len(high) < len(all_rows) and (high["score"] >= 0.9).all()
    with open_store(str(db), read_only=True) as s:
        provider = provider_options(load_campaigns(s))[0]
    at.multiselect(key="campaigns_providers").set_value([provider]).run()
    by_provider = _campaign_table(at)
    assert len(by_provider) <= len(high)
    assert by_provider["proxy_providers"].map(lambda v: provider in split_list(v)).all()
    at.multiselect(key="campaigns_providers").set_value([]).run()
    at.number_input(key="campaigns_min_size").set_value(30).run()
    assert (_campaign_table(at)["size"] >= 30).all()
    at.multiselect(key="campaigns_statuses").set_value(["dismissed"]).run()
    assert any("No campaign passes" in i.value for i in at.info)
    _no_exception(at)


def test_search_finds_an_account_and_opens_it(db):
    cid, members = _top(db)
    account, email = members["account_id"].iloc[0], members["email"].iloc[0]
    at = _app()
    at.text_input(key="campaigns_search").set_value(email).run()
    hits = [d.value for d in at.dataframe if "matched_on" in d.value.columns][0]
    assert account in set(hits["account_id"]) and set(_campaign_table(at)["cluster_id"]) == {cid}
    at.selectbox(key="campaigns_hit_account").set_value(account).run()
    at.button(key="campaigns_open_account").click().run()
    _no_exception(at)
    assert at.title[0].value == "Account"
    assert at.text_input(key="account_input").value == account


def test_open_campaign_record_decision_persists_and_changes_export(db):
    at = _app()
    table = _campaign_table(at)
    cid, other = table["cluster_id"].iloc[0], table["cluster_id"].iloc[1]
    at.selectbox(key="campaigns_pick").set_value(cid).run()
    at.button(key="campaigns_open").click().run()
    _no_exception(at)
    assert at.title[0].value == "Campaign detail"
    assert at.selectbox(key="campaign_pick").value == cid
    assert any("Evidence" in m.value for m in at.markdown)
    members = [
        d.value for d in at.dataframe if "payment_methods" in d.value.columns and "ips" in d.value.columns
    ][0]
    assert len(members) == int(table["size"].iloc[0])

    # (a second store object on the same file in this process must be closed before the app
    # writes: DuckDB shares one database instance per path within a process)
    with open_store(str(db), read_only=True) as s:
        before = pd.read_csv(io.BytesIO(export_bytes(s, "csv", [cid, other])))
    assert cid in set(before["cluster_id"])

    at.radio(key="campaign_status").set_value("dismissed")
    at.text_area(key="campaign_note").set_value("benign university lab <b>x</b>")
    at.button[[b.label for b in at.button].index("Record decision as ana")].click().run()
    _no_exception(at)
    assert at.metric[4].value == "dismissed"

    with open_store(str(db), read_only=True) as reopened:
        ds = reopened.decisions(cid)
        after = pd.read_csv(io.BytesIO(export_bytes(reopened, "csv", [cid, other])))
    assert [(d.status, d.analyst, d.note) for d in ds] == [
        ("dismissed", "ana", "benign university lab <b>x</b>")
    ]
    assert ds[0].decided_at is not None
    assert set(after["cluster_id"]) == {other}

    # the campaigns table shows it, and the export page leaves it out
    at.switch_page("app_pages/campaigns.py").run()
    t = _campaign_table(at)
    assert t.loc[t["cluster_id"] == cid, "status"].item() == "dismissed"
    at.switch_page("app_pages/load_export.py").run()
    _no_exception(at)
    at.multiselect(key="export_clusters").set_value([cid, other]).run()
    assert any("dismissed campaign(s) in the selection are left out" in c.value for c in at.caption)
    assert {b.label for b in at.get("download_button")} == {"Download CSV", "Download JSON", "Download STIX"}
    # audit trail page lists it
    at.switch_page("app_pages/decisions.py").run()
    trail = [d.value for d in at.dataframe if "before" in d.value.columns][0]
    assert list(trail["campaign_id"]) == [cid]
    assert list(trail[["who", "before", "after"]].itertuples(index=False, name=None)) == [
        ("ana", "open", "dismissed")
    ]


def test_path_view_shows_a_path(db):
    cid, members = _top(db)
    a, b = members["account_id"].iloc[0], members["account_id"].iloc[-1]
    at = _app()
    at.session_state["account_id"] = a
    at.switch_page("app_pages/account.py").run()
    _no_exception(at)
    props = [d.value for d in at.dataframe if "property" in d.value.columns][0]
    assert props.set_index("property").at["cluster_id", "value"] == cid
    at.radio(key="account_depth").set_value(2).run()
    nbh = [d.value for d in at.dataframe if "hop" in d.value.columns][0]
    assert (nbh["hop"] == 2).any()
    at.text_input(key="account_other").set_value(b)
    at.button[[x.label for x in at.button].index("Find the shortest linking path")].click().run()
    _no_exception(at)
    assert any("Linked in" in s.value for s in at.success)
    path_text = at.code[0].value
    assert path_text.startswith(a) and path_text.endswith(b)
    # an unknown account is the query's error, shown inline
    at.text_input(key="account_other").set_value("nobody")
    at.button[[x.label for x in at.button].index("Find the shortest linking path")].click().run()
    assert any("nobody" in e.value for e in at.error)


def test_bad_upload_shows_the_loaders_error_and_changes_nothing(db, root):
    with open_store(str(db), read_only=True) as store:
        version, counts = store.version(), store.counts()
    at = _app()
    at.switch_page("app_pages/load_export.py").run()
    bad = b"account_id,created_at,email\nacc1,not-a-date,a@example.com\nacc1,2026-01-01,b@example.com\n"
    at.file_uploader(key="load_files").set_value([("accounts.csv", bad, "text/csv")]).run()
    at.button(key="load_button").click().run()
    _no_exception(at)
    assert any("was not loaded" in e.value and "Nothing in the store changed" in e.value for e in at.error)
    problems = [d.value for d in at.dataframe if "reason" in d.value.columns][0]
    assert len(problems) >= 1 and problems["file"].str.contains("accounts").all()
    with open_store(str(db), read_only=True) as store:
        assert store.version() == version and store.counts() == counts
    # a zip that escapes its folder is refused the same way
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("../accounts.csv", "account_id,created_at\n")
    at.file_uploader(key="load_files").set_value([("export.zip", buf.getvalue(), "application/zip")]).run()
    at.button(key="load_button").click().run()
    problems = [d.value for d in at.dataframe if "reason" in d.value.columns][0]
    assert problems["reason"].str.contains("escapes").any()
    with open_store(str(db), read_only=True) as store:
        assert store.version() == version


def test_good_upload_loads_and_detect_runs(tmp_path, monkeypatch, root):
    monkeypatch.setenv("LINKGRAPH_DB", str(tmp_path / "fresh.duckdb"))
    monkeypatch.setenv("LINKGRAPH_USERS", str(tmp_path / "no-users.json"))
    src = export_dir(root)
    files = [(p.name, p.read_bytes(), "text/csv") for p in sorted(src.iterdir()) if p.name != "truth.csv"]
    at = _app()
    at.switch_page("app_pages/load_export.py").run()
    at.file_uploader(key="load_files").set_value(files).run()
    at.button(key="load_button").click().run()
    _no_exception(at)
    assert any(s.value.startswith("Loaded: accounts 3,000") for s in at.success)
    at.button(key="load_detect").click().run()
    _no_exception(at)
    assert any("Detection run 1 stored" in s.value for s in at.success)
    at.switch_page("app_pages/campaigns.py").run()
    assert len(_campaign_table(at)) > 0


def test_users_file_sign_in_and_a_viewer_cannot_decide(db, tmp_path, monkeypatch):
    users = tmp_path / "users.json"
    add_user("ana", "analyst", "correct horse", users)
    add_user("vic", "viewer", "battery staple", users)
    monkeypatch.setenv("LINKGRAPH_USERS", str(users))
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert at.title[0].value == "linkgraph" and not at.dataframe
    at.text_input(key="login_name").set_value("ana")
    at.text_input(key="login_password").set_value("battery staple")
    at.button[0].click().run()
    assert any("wrong password" in e.value for e in at.error) and not at.dataframe
    at.text_input(key="login_name").set_value("vic")
    at.button[0].click().run()
    _no_exception(at)
    assert at.title[0].value == "Campaigns" and at.session_state["actor"].name == "vic"
    at.switch_page("app_pages/campaign.py").run()
    _no_exception(at)
    assert not [b for b in at.button if b.label.startswith("Record decision")]
    assert any("a viewer" in c.value for c in at.caption)
    at.switch_page("app_pages/case.py").run()
    _no_exception(at)
    assert not [b for b in at.button if b.label in ("Change status", "Post note", "Record account decision")]


def test_the_app_says_which_inputs_a_run_lacked(db, tmp_path, monkeypatch):
    # the prepared (full) export had every input: no warning
    at = _app()
    assert not any("lacked some inputs" in w.value for w in at.warning)
    # a minimal export (no usage, no ip_intel, no user agents): the analyst is told what is unknown
    from linkgraph import pipeline
    from linkgraph.generator import GenerateSettings, generate

    export, minimal_db = tmp_path / "minimal", tmp_path / "minimal.duckdb"
    generate(export, GenerateSettings(accounts=1500, seed=4, variant="minimal"))
    with open_store(str(minimal_db)) as store:
        pipeline.load(store, export)
        pipeline.detect(store)
    monkeypatch.setenv("LINKGRAPH_DB", str(minimal_db))
    at = _app()
    notes = [w.value for w in at.warning if "lacked some inputs" in w.value]
    assert len(notes) == 1 and "unknown:" in notes[0] and "usage" in notes[0]
