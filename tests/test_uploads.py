"""linkgraph.casework.uploads: safe extraction of an uploaded export, then the real loader."""

from __future__ import annotations

import io
import stat
import zipfile

import pytest

from linkgraph.casework.uploads import UploadLimits, extract_upload, load_upload, problems_table
from linkgraph.errors import ExportError
from linkgraph.store import open_store
from tests.test_app_support import export_dir


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
        extract_upload([("export.zip", payload)], dest)
    assert not (tmp_path / "evil.csv").exists() and not list(dest.rglob("*.csv"))


def test_zip_symlink_and_bomb_are_refused(tmp_path):
    link = _zip({"accounts.csv": b"/etc/passwd"}, modes={"accounts.csv": stat.S_IFLNK | 0o777})
    with pytest.raises(ExportError, match="links"):
        extract_upload([("x.zip", link)], tmp_path / "a")
    bomb = _zip({"accounts.csv": b"0" * (8 << 20)})  # 8 MiB of zeros compresses > 1000:1
    with pytest.raises(ExportError, match="ratio"):
        extract_upload([("x.zip", bomb)], tmp_path / "b")
    small = UploadLimits(max_total_bytes=1000, max_ratio=10_000)
    with pytest.raises(ExportError, match="limit"):
        extract_upload([("x.zip", _zip({"a.csv": b"1" * 5000}))], tmp_path / "c", small)
    with pytest.raises(ExportError, match="more than"):
        extract_upload(
            [("x.zip", _zip({f"f{i}.csv": b"" for i in range(5)}))],
            tmp_path / "d",
            UploadLimits(max_files=3),
        )
    with pytest.raises(ExportError, match="zip"):
        extract_upload([("x.zip", b"not a zip")], tmp_path / "e")


def test_upload_of_files_or_a_folder_zip_gives_the_export_dir(tmp_path):
    d = extract_upload([("accounts.csv", b"a"), ("usage.csv.gz", b"b")], tmp_path / "f")
    assert sorted(p.name for p in d.iterdir()) == ["accounts.csv", "usage.csv.gz"]
    d = extract_upload(
        [("e.zip", _zip({"demo/accounts.csv": b"a", "__MACOSX/demo/._x": b""}))], tmp_path / "z"
    )
    assert d.name == "demo" and (d / "accounts.csv").read_bytes() == b"a"
    with pytest.raises(ExportError, match="file names"):
        extract_upload([("acc ounts;.csv", b"a")], tmp_path / "g")


def test_load_upload_runs_the_real_loader_and_bad_exports_change_nothing(prepared_root, tmp_path):
    s = open_store(str(tmp_path / "new.duckdb"))
    v0 = s.version()
    bad = b"account_id,created_at\nacc1,2026-01-01T00:00:00Z\nacc1,2026-01-02T00:00:00Z\n"
    with pytest.raises(ExportError) as e:
        load_upload(s, [("accounts.csv", bad)], tmp_path / "w1")
    assert e.value.problems and problems_table(e.value)["file"].str.contains("accounts").all()
    assert s.version() == v0 and s.counts()["Account"] == 0
    src = export_dir(prepared_root)
    files = [(p.name, p.read_bytes()) for p in sorted(src.iterdir()) if p.name != "truth.csv"]
    report = load_upload(s, [("export.zip", _zip({f"export/{n}": b for n, b in files}))], tmp_path / "w2")
    assert not report.skipped and s.counts()["Account"] == report.counts["accounts"] > 0
