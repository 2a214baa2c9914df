"""Fetching public files, against a local http.server (never the real network)."""

from __future__ import annotations

import functools
import gzip
import hashlib
import http.server
import io
import threading
import zipfile
from pathlib import Path

import pytest
import yaml

from boardpack import cli
from boardpack import fetch as fetch_mod
from boardpack.errors import BoardPackError, FetchError, OptionError

CSV = b"borough,month,calls\nBarnet,2019-01,5\n"
JSON = b'[{"type": "Person search"}]'
LAYOUT_FOLDERS = {"mps_borough_crime", "pas_confidence", "stop_search", "boundaries", "census_ethnicity",
                  "population", "mps_homicide"}


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class Handler(http.server.SimpleHTTPRequestHandler):
    requests: list[str] = []

    def do_GET(self):
        Handler.requests.append(self.path)
        super().do_GET()

    def log_message(self, *args):  # keep test output clean
        pass


@pytest.fixture
def server(tmp_path):
    root = tmp_path / "site"
    (root / "download").mkdir(parents=True)
    (root / "download" / "plain.csv").write_bytes(CSV)
    (root / "download" / "api.json").write_bytes(JSON)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("bundle/ESRI/a.shp", b"shape bytes")
        zf.writestr("bundle/ESRI/a.dbf", b"table bytes")
        zf.writestr("bundle/other.txt", b"not wanted")
    (root / "download" / "bundle.zip").write_bytes(buf.getvalue())
    Handler.requests = []
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=str(root)))
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()
    thread.join(timeout=5)


def catalogue(tmp_path, files) -> Path:
    path = tmp_path / "catalogue.yaml"
    path.write_text(yaml.safe_dump({"files": files}))
    return path


def plain(sha256=None, name="plain.csv"):
    return {"id": "plain", "group": "crime", "url": f"https://publisher.example/download/{name}",
            "target": "mps_borough_crime/x/plain.csv", "sha256": sha256}


def run(tmp_path, files, server, **kw):
    return fetch_mod.fetch(tmp_path / "data", base_url=server, progress=False,
                           catalogue=catalogue(tmp_path, files), **kw)


def test_downloads_into_layout_with_gzip_and_zip_members(tmp_path, server):
    files = [
        plain(sha(CSV)),
        {"id": "api", "group": "stop_search", "url": "https://api.example/download/api.json?force=metropolitan",
         "target": "stop_search/api/2024-09.json.gz"},
        {"id": "zip", "group": "boundaries", "url": "https://gla.example/download/bundle.zip",
         "members": [{"member": "bundle/ESRI/a.shp", "target": "boundaries/b/ESRI/a.shp",
                      "sha256": sha(b"shape bytes")},
                     {"member": "bundle/ESRI/a.dbf", "target": "boundaries/b/ESRI/a.dbf"}]},
    ]
    results = run(tmp_path, files, server)
    data = tmp_path / "data"
    assert [r.status for r in results] == ["downloaded"] * 3
    assert (data / "mps_borough_crime/x/plain.csv").read_bytes() == CSV
    assert gzip.decompress((data / "stop_search/api/2024-09.json.gz").read_bytes()) == JSON
    assert (data / "boundaries/b/ESRI/a.shp").read_bytes() == b"shape bytes"
    assert not (data / "boundaries/b/other.txt").exists()
    assert not list(data.rglob("*.part")) and not list(data.glob(".fetch-*"))


def test_checksum_mismatch_is_refused_and_not_kept(tmp_path, server):
    with pytest.raises(BoardPackError, match="checksum mismatch for mps_borough_crime/x/plain.csv"):
        run(tmp_path, [plain("0" * 64)], server)
    assert not (tmp_path / "data/mps_borough_crime/x/plain.csv").exists()
    assert not list((tmp_path / "data").rglob("*.part"))


def test_zip_member_checksum_mismatch(tmp_path, server):
    files = [{"id": "zip", "url": "https://gla.example/download/bundle.zip",
              "members": [{"member": "bundle/ESRI/a.shp", "target": "b/a.shp", "sha256": "f" * 64}]}]
    with pytest.raises(BoardPackError, match="checksum mismatch"):
        run(tmp_path, files, server)
    assert not (tmp_path / "data/b/a.shp").exists()


def test_skips_files_already_present_with_right_hash(tmp_path, server, capsys):
    run(tmp_path, [plain(sha(CSV))], server)
    assert len(Handler.requests) == 1
    results = run(tmp_path, [plain(sha(CSV))], server)
    assert [r.status for r in results] == ["present"] and len(Handler.requests) == 1
    assert "0 downloaded, 1 already present" in fetch_mod.summarise(results, tmp_path / "data")
    assert capsys.readouterr() == ("", "")  # the library prints nothing; the command line prints the summary


def test_present_file_with_wrong_hash_is_downloaded_again(tmp_path, server):
    target = tmp_path / "data/mps_borough_crime/x/plain.csv"
    target.parent.mkdir(parents=True)
    target.write_bytes(b"stale")
    assert [r.status for r in run(tmp_path, [plain(sha(CSV))], server)] == ["downloaded"]
    assert target.read_bytes() == CSV


def test_404_gives_clear_error_and_other_files_still_fetched(tmp_path, server):
    files = [plain(name="missing.csv"), dict(plain(), id="good", target="mps_borough_crime/x/good.csv")]
    with pytest.raises(FetchError) as info:
        run(tmp_path, files, server)
    assert f"{server}/download/missing.csv answered HTTP 404" in str(info.value)
    assert (tmp_path / "data/mps_borough_crime/x/good.csv").read_bytes() == CSV
    assert [r.status for r in info.value.results] == ["failed", "downloaded"]
    assert "FAILED   plain" in fetch_mod.summarise(info.value.results, tmp_path / "data")


def test_only_selects_by_id_or_group_and_rejects_unknown(tmp_path, server):
    files = [plain(), {"id": "api", "group": "stop_search", "url": "https://x.example/download/api.json",
                       "target": "stop_search/a.json"}]
    assert [r.id for r in run(tmp_path, files, server, only=["stop_search"])] == ["api"]
    with pytest.raises(OptionError, match="--only nope: unknown file or group"):
        run(tmp_path, files, server, only=["nope"])


def test_manual_entries_are_listed_not_downloaded(tmp_path, server):
    files = [{"id": "pas", "page": "https://pub.example/pas", "manual": "Export the sheet to CSV."}]
    results = run(tmp_path, files, server)
    assert [r.status for r in results] == ["manual"]
    assert "by hand  pas: Export the sheet to CSV. (https://pub.example/pas)" in fetch_mod.summarise(results, tmp_path)
    assert Handler.requests == []


def test_base_url_from_environment(tmp_path, server, monkeypatch):
    monkeypatch.setenv(fetch_mod.BASE_URL_ENV, server)
    fetch_mod.fetch(tmp_path / "data", progress=False, catalogue=catalogue(tmp_path, [plain()]))
    assert Handler.requests == ["/download/plain.csv"]


def test_rewrite_url_keeps_path_and_query():
    url = "https://data.police.uk/api/stops-force?force=metropolitan&date=2019-02"
    assert fetch_mod.rewrite_url(url, "http://127.0.0.1:9/mirror/") == \
        "http://127.0.0.1:9/mirror/api/stops-force?force=metropolitan&date=2019-02"
    assert fetch_mod.rewrite_url(url, None) == url


def test_command_line_help_summary_and_exit_codes(tmp_path, server, capsys, monkeypatch):
    with pytest.raises(SystemExit) as info:
        cli.main(["fetch", "--help"])
    assert info.value.code == 0 and "--data-dir" in capsys.readouterr().out
    monkeypatch.setattr(fetch_mod, "CATALOGUE", catalogue(tmp_path, [plain(name="missing.csv")]))
    assert cli.main(["fetch", "--data-dir", str(tmp_path / "d"), "--base-url", server, "--no-progress"]) == 1
    out, err = capsys.readouterr()
    assert "FAILED   plain" in out  # the summary still lists what happened to every file
    assert err.startswith("run_all.py fetch: plain: ") and "answered HTTP 404" in err and err.count("\n") == 1
    assert cli.main(["fetch", "--data-dir", str(tmp_path / "d"), "--only", "nope", "--no-progress"]) == 2
    assert capsys.readouterr().err.startswith("run_all.py fetch: --only nope: unknown file or group")
    monkeypatch.setattr(fetch_mod, "CATALOGUE", catalogue(tmp_path, [plain()]))
    assert cli.main(["fetch", "--data-dir", str(tmp_path / "d"), "--base-url", server, "--only", "crime",
                     "--no-progress"]) == 0
    out, err = capsys.readouterr()
    assert "1 downloaded" in out and err == ""


def test_verbose_fetch_logs_each_file(tmp_path, server, capsys, monkeypatch):
    monkeypatch.setattr(fetch_mod, "CATALOGUE", catalogue(tmp_path, [plain()]))
    assert cli.main(["fetch", "--data-dir", str(tmp_path / "d"), "--base-url", server, "--no-progress", "-v"]) == 0
    assert "plain: downloaded" in capsys.readouterr().err


def test_a_failed_fetch_survives_a_pickle_with_its_results(tmp_path, server):
    import pickle

    with pytest.raises(FetchError) as info:
        run(tmp_path, [plain(name="missing.csv")], server)
    back = pickle.loads(pickle.dumps(info.value))
    assert isinstance(back, BoardPackError) and str(back) == str(info.value)
    assert back.results == info.value.results


def test_real_catalogue_targets_follow_the_layout():
    entries = fetch_mod.load_catalogue()
    assert len({e.id for e in entries}) == len(entries)
    for entry in entries:
        assert entry.page.startswith("https://")
        if entry.manual:
            continue
        assert entry.url.startswith("https://")
        for target in entry.targets:
            assert Path(target.path).parts[0] in LAYOUT_FOLDERS, target.path
            assert not Path(target.path).is_absolute() and ".." not in Path(target.path).parts
