"""linkgraph.views: what the app's pages compute, tested without Streamlit on real stores."""

from __future__ import annotations

import io
import json
import stat
import zipfile
from datetime import UTC, date, datetime, timedelta

import pandas as pd
import pyarrow as pa
import pytest

from linkgraph import views
from linkgraph.errors import ExportError, QueryError
from linkgraph.model import RESULT_TABLES, Decision
from linkgraph.store import open_store
from tests.test_app_support import copy_store, export_dir

T0 = datetime(2026, 3, 1, tzinfo=UTC)


@pytest.fixture(scope="module")
def root(tmp_path_factory):
    return tmp_path_factory.mktemp("prepared")


@pytest.fixture
def store(root, tmp_path):
    s = open_store(str(copy_store(root, tmp_path / "store.duckdb")))
    yield s
    s.close()


def _clusters(rows):
    full = []
    for r in rows:
        base = {
            "cluster_id": "C",
            "score": 0.5,
            "size": 3,
            "evidence": "",
            "features": "{}",
            "contributions": "{}",
            "first_signup": T0,
            "last_signup": T0,
            "payment_methods": 1,
            "proxy_providers": "",
            "requests": 0,
            "top_categories": "",
            "view": "leiden",
        }
        base.update(r)
        full.append(base)
    return pa.Table.from_pylist(full, schema=pa.schema(list(RESULT_TABLES["clusters"].items())))


# --------------------------------------------------------------------------- campaigns
def test_latest_decision_is_in_force_and_ranks_by_score():
    clusters = _clusters(
        [
            {"cluster_id": "A", "score": 0.2, "size": 10},
            {"cluster_id": "B", "score": 0.9, "size": 5},
            {"cluster_id": "C", "score": 0.9, "size": 50},
        ]
    )
    ds = [
        Decision("B", "needs_review", "ana", decided_at=T0),
        Decision("B", "dismissed", "bo", "benign lab", decided_at=T0 + timedelta(hours=1)),
        Decision("A", "confirmed", "ana", decided_at=T0),
    ]
    df = views.campaigns_table(clusters, ds)
    assert list(df["cluster_id"]) == ["C", "B", "A"]  # score, then size
    assert dict(zip(df["cluster_id"], df["status"], strict=True)) == {
        "A": "confirmed",
        "B": "dismissed",
        "C": "open",
    }
    assert df.loc[df["cluster_id"] == "B", "analyst"].item() == "bo"


def test_every_filter_narrows_the_table():
    clusters = _clusters(
        [
            {
                "cluster_id": "A",
                "score": 0.95,
                "size": 40,
                "proxy_providers": "OctoProxy,Aerie",
                "first_signup": T0,
                "last_signup": T0 + timedelta(days=2),
            },
            {
                "cluster_id": "B",
                "score": 0.6,
                "size": 4,
                "proxy_providers": "Aerie",
                "first_signup": T0 + timedelta(days=10),
                "last_signup": T0 + timedelta(days=11),
            },
            {
                "cluster_id": "C",
                "score": 0.3,
                "size": 12,
                "proxy_providers": "",
                "first_signup": T0 - timedelta(days=30),
                "last_signup": T0 - timedelta(days=20),
            },
            {"cluster_id": "S", "score": 0.99, "size": 3, "view": "strong_components"},
        ]
    )
    df = views.campaigns_table(clusters, [Decision("B", "confirmed", "ana", decided_at=T0)])

    def ids(**kw):
        return list(views.filter_campaigns(df, views.CampaignFilter(**kw))["cluster_id"])

    assert ids() == ["A", "B", "C"]
    assert ids(view="strong_components") == ["S"]
    assert ids(min_score=0.5) == ["A", "B"]
    assert ids(min_size=10) == ["A", "C"]
    assert ids(max_size=20) == ["B", "C"]
    assert ids(providers=("OctoProxy",)) == ["A"]
    assert ids(providers=("Aerie",)) == ["A", "B"]
    assert ids(statuses=("confirmed",)) == ["B"]
    assert ids(statuses=("open",)) == ["A", "C"]
    assert ids(signup_from=date(2026, 3, 5)) == ["B"]  # windows that reach into the range
    assert ids(signup_to=date(2026, 3, 1)) == ["A", "C"]
    assert ids(signup_from=date(2026, 3, 2), signup_to=date(2026, 3, 2)) == ["A"]
    assert ids(cluster_ids=("C", "S")) == ["C"]
    assert views.provider_options(df) == ["Aerie", "OctoProxy"]
    assert views.view_options(df) == ["leiden", "strong_components"]


def test_score_breakdown_orders_by_effect_and_drops_zeros():
    row = {
        "features": json.dumps({"shared_payment": 0.97, "size": 34, "top_domain": "x.com"}),
        "contributions": json.dumps({"bias": -5.5, "shared_payment": 1.94, "vpn": 0.0, "size": 0.25}),
    }
    b = views.score_breakdown(row)
    assert list(b["feature"]) == ["bias", "shared_payment", "size"]
    assert list(b["value"]) == ["", "0.97", "34"]
    assert views.score_breakdown({"features": "not json", "contributions": None}).empty
    assert set(views.raw_features(row)["feature"]) == {"shared_payment", "size", "top_domain"}


# --------------------------------------------------------------------------- real store
def test_campaign_data_from_a_detected_store(store):
    status = views.store_status(store)
    assert status.has_accounts and status.has_run and status.guidance == ""
    campaigns = views.load_campaigns(store)
    top = views.filter_campaigns(campaigns, views.CampaignFilter()).iloc[0]
    cid = top["cluster_id"]
    members = views.cluster_members(store, cid)
    assert len(members) == top["size"]
    infra = views.shared_infrastructure(store.read_result("identifiers"), cid)
    assert not infra.empty and infra["members"].is_monotonic_decreasing
    assert infra["members"].max() <= top["size"]
    summary = views.infrastructure_summary(infra)
    assert summary["identifiers"].sum() == len(infra)
    timeline = views.signup_timeline(members)
    assert timeline["signups"].sum() == len(members)
    traffic = views.daily_traffic(store, cid, list(members["account_id"]))
    usage = store.read_table("usage").to_pandas()
    assert (
        traffic["requests"].sum()
        == usage[usage["account_id"].isin(members["account_id"])]["requests"].sum()
        > 0
    )


def test_cluster_graph_is_bounded_and_only_shows_linking_identifiers(store):
    campaigns = views.load_campaigns(store)
    top = views.filter_campaigns(campaigns, views.CampaignFilter()).iloc[0]
    cid = top["cluster_id"]
    member_ids = list(views.cluster_members(store, cid)["account_id"])
    edges = views.cluster_edges(store, cid, member_ids, max_accounts=10)
    assert edges.sampled == 10 and edges.members == len(member_ids)
    assert set(edges.pairs["account_id"]) == set(views.sample_members(member_ids, 10))
    assert set(edges.pairs["account_id"]) <= set(member_ids)
    infra = views.shared_infrastructure(store.read_result("identifiers"), cid)
    shared = set(infra[["id_type", "identifier"]].itertuples(index=False, name=None))
    g = views.graph_elements(edges.pairs, shared, max_accounts=8, max_identifiers=15)
    nodes = g.elements["nodes"]
    node_ids = {n["data"]["id"] for n in nodes}
    assert g.accounts == 8 and g.identifiers <= 15 and g.dropped_accounts == 2
    assert len(node_ids) == len(nodes)
    assert all(
        e["data"]["source"] in node_ids and e["data"]["target"] in node_ids for e in g.elements["edges"]
    )
    drawn_ids = {(n["data"]["kind"], n["data"]["name"]) for n in nodes if n["data"]["label"] != "Account"}
    assert drawn_ids <= shared
    # size grows with degree
    by_degree = sorted((n["data"]["degree"], n["data"]["size"]) for n in nodes)
    assert [s for _, s in by_degree] == sorted(s for _, s in by_degree)


def test_graph_elements_escape_values_and_drop_single_use_identifiers():
    pairs = pd.DataFrame(
        [
            {
                "account_id": "<script>alert(1)</script>",
                "id_type": "payment",
                "label": "PaymentMethod",
                "identifier": "fp1",
            },
            {"account_id": "b", "id_type": "payment", "label": "PaymentMethod", "identifier": "fp1"},
            {"account_id": "b", "id_type": "device", "label": "Device", "identifier": "only-b"},
        ]
    )
    g = views.graph_elements(pairs)
    names = {n["data"]["name"] for n in g.elements["nodes"]}
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in names and not any("<" in n for n in names)
    assert "only-b" not in names and g.identifiers == 1
    assert views.graph_elements(pairs.iloc[0:0]).empty


def test_neighbourhood_pairs_lift_provider_and_subnet_to_the_account():
    nbh = pd.DataFrame(
        [
            {
                "src_label": "Account",
                "src": "a",
                "rel": "USED_IP",
                "dst_label": "IPAddress",
                "dst": "1.2.3.4",
                "hop": 1,
            },
            {
                "src_label": "IPAddress",
                "src": "1.2.3.4",
                "rel": "VIA_PROXY",
                "dst_label": "ProxyProvider",
                "dst": "Octo",
                "hop": 1,
            },
            {
                "src_label": "IPAddress",
                "src": "1.2.3.4",
                "rel": "IN_SUBNET",
                "dst_label": "Subnet",
                "dst": "1.2.3.0/24",
                "hop": 1,
            },
        ]
    )
    pairs = views.neighbourhood_pairs(nbh)
    assert set(pairs.itertuples(index=False, name=None)) == {
        ("a", "ip", "IPAddress", "1.2.3.4"),
        ("a", "proxy", "ProxyProvider", "Octo"),
        ("a", "subnet", "Subnet", "1.2.3.0/24"),
    }


def test_account_search_and_linking_path(store):
    campaigns = views.load_campaigns(store)
    cid = views.filter_campaigns(campaigns, views.CampaignFilter()).iloc[0]["cluster_id"]
    members = views.cluster_members(store, cid)
    a, b = members["account_id"].iloc[0], members["account_id"].iloc[-1]
    email = members["email"].iloc[0]
    hits = views.search(store, email)
    assert a in set(hits["account_id"]) and cid in set(hits["cluster_id"])
    assert views.search(store, "   ").empty
    props = views.account_detail(store, a)
    assert props is not None and props["cluster_id"] == cid
    assert views.account_detail(store, "no-such-account") is None
    found = views.linking_path(store, a, b)
    assert found is not None and found.path["node"].iloc[0] == a and found.path["node"].iloc[-1] == b
    assert found.text.startswith(a) and found.text.endswith(b) and len(found.identifiers) >= 1
    assert views.path_graph(found.path).accounts == int((found.path["label"] == "Account").sum())
    with pytest.raises(QueryError):
        views.linking_path(store, a, "no-such-account")
    g = views.neighbourhood_graph(views.neighbourhood(store, a, 2), a)
    assert any(n["data"].get("focus") == "yes" for n in g.elements["nodes"])


def test_decision_changes_the_export_and_dismissed_never_exported(store):
    campaigns = views.load_campaigns(store)
    top = list(views.filter_campaigns(campaigns, views.CampaignFilter())["cluster_id"][:2])
    before = pd.read_csv(io.BytesIO(views.export_bytes(store, "csv", top)))
    assert set(before["cluster_id"]) == set(top)
    views.record_decision(store, top[0], "dismissed", "ana", "a university lab")
    after = pd.read_csv(io.BytesIO(views.export_bytes(store, "csv", top)))
    assert set(after["cluster_id"]) == {top[1]}
    assert views.exportable(store, top) == [top[1]]
    data = json.loads(views.export_bytes(store, "json", top))
    assert [c["cluster_id"] for c in data] == [top[1]]
    with pytest.raises(views.NothingToExportError):
        views.export_bytes(store, "csv", [top[0]])
    with pytest.raises(ValueError, match="analyst"):
        views.record_decision(store, top[1], "confirmed", "   ")
    # a later decision supersedes the dismissal
    views.record_decision(store, top[0], "confirmed", "bo")
    assert views.exportable(store, top) == top


def test_empty_store_status_tells_what_to_do(tmp_path):
    s = open_store(str(tmp_path / "empty.duckdb"))
    status = views.store_status(s)
    assert not status.has_accounts and "linkgraph load" in status.guidance


# --------------------------------------------------------------------------- uploads
def _zip(entries: dict[str, bytes], modes: dict[str, int] | None = None) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in entries.items():
            info = zipfile.ZipInfo(name)
            info.compress_type = zipfile.ZIP_DEFLATED
            if modes and name in modes:
                info.external_attr = modes[name] << 16
            zf.writestr(info, data)
    return buf.getvalue()


@pytest.mark.parametrize("name", ["../evil.csv", "/etc/evil.csv", "export/../../evil.csv", "C:/evil.csv"])
def test_zip_slip_is_refused_before_anything_is_written(tmp_path, name):
    dest = tmp_path / "up"
    payload = _zip({"export/accounts.csv": b"account_id,created_at\n", name: b"x"})
    with pytest.raises(ExportError, match="escapes"):
        views.extract_upload([("export.zip", payload)], dest)
    assert not (tmp_path / "evil.csv").exists() and not list(dest.rglob("*.csv"))


def test_zip_symlink_and_bomb_are_refused(tmp_path):
    link = _zip({"accounts.csv": b"/etc/passwd"}, modes={"accounts.csv": stat.S_IFLNK | 0o777})
    with pytest.raises(ExportError, match="links"):
        views.extract_upload([("x.zip", link)], tmp_path / "a")
    bomb = _zip({"accounts.csv": b"0" * (8 << 20)})  # 8 MiB of zeros compresses > 1000:1
    with pytest.raises(ExportError, match="ratio"):
        views.extract_upload([("x.zip", bomb)], tmp_path / "b")
    small = views.UploadLimits(max_total_bytes=1000, max_ratio=10_000)
    with pytest.raises(ExportError, match="limit"):
        views.extract_upload([("x.zip", _zip({"a.csv": b"1" * 5000}))], tmp_path / "c", small)
    with pytest.raises(ExportError, match="more than"):
        views.extract_upload(
            [("x.zip", _zip({f"f{i}.csv": b"" for i in range(5)}))],
            tmp_path / "d",
            views.UploadLimits(max_files=3),
        )
    with pytest.raises(ExportError, match="zip"):
        views.extract_upload([("x.zip", b"not a zip")], tmp_path / "e")


def test_upload_of_files_or_a_folder_zip_gives_the_export_dir(tmp_path):
    d = views.extract_upload([("accounts.csv", b"a"), ("usage.csv.gz", b"b")], tmp_path / "f")
    assert sorted(p.name for p in d.iterdir()) == ["accounts.csv", "usage.csv.gz"]
    d = views.extract_upload(
        [("e.zip", _zip({"demo/accounts.csv": b"a", "__MACOSX/demo/._x": b""}))], tmp_path / "z"
    )
    assert d.name == "demo" and (d / "accounts.csv").read_bytes() == b"a"
    with pytest.raises(ExportError, match="file names"):
        views.extract_upload([("acc ounts;.csv", b"a")], tmp_path / "g")


def test_load_upload_runs_the_real_loader_and_bad_exports_change_nothing(root, tmp_path):
    s = open_store(str(tmp_path / "new.duckdb"))
    v0 = s.version()
    bad = b"account_id,created_at\nacc1,2026-01-01T00:00:00Z\nacc1,2026-01-02T00:00:00Z\n"
    with pytest.raises(ExportError) as e:
        views.load_upload(s, [("accounts.csv", bad)], tmp_path / "w1")
    assert e.value.problems and views.problems_table(e.value)["file"].str.contains("accounts").all()
    assert s.version() == v0 and s.counts()["Account"] == 0
    src = export_dir(root)
    files = [(p.name, p.read_bytes()) for p in sorted(src.iterdir()) if p.name != "truth.csv"]
    report = views.load_upload(
        s, [("export.zip", _zip({f"export/{n}": b for n, b in files}))], tmp_path / "w2"
    )
    assert not report.skipped and s.counts()["Account"] == report.counts["accounts"] > 0


def test_markdown_escape_shows_text_literally():
    assert views.md("<script>[x](javascript:1)*b*") == r"\<script\>\[x\]\(javascript\:1\)\*b\*"
    assert (
        views.fmt_ts(None) == "—"
        and views.fmt_ts(pd.Timestamp("2026-01-02T03:04Z")) == "2026-01-02 03:04 UTC"
    )
