"""The playground's HTTP API: answers, and every kind of bad request refused with a 4xx,
nothing written, the server still answering afterwards."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

pytest.importorskip("starlette", reason="the playground needs cnnspec[serve]")
pytest.importorskip("httpx", reason="Starlette's test client needs httpx")

from starlette.testclient import TestClient  # noqa: E402

from cnnspec.servers.playground import MAX_BODY, create_app  # noqa: E402

SPECS = Path(__file__).resolve().parent.parent / "specs"
MODEL3 = (SPECS / "model3.cnn").read_text()
LOOPBACK = "http://127.0.0.1:8000"


@pytest.fixture
def folder(tmp_path):
    root = tmp_path / "served"
    root.mkdir()
    (root / "model3.cnn").write_text(MODEL3)
    (tmp_path / "secret.cnn").write_text("dense 10\n")
    return root


@pytest.fixture
def client(folder):
    return TestClient(create_app(folder), base_url=LOOPBACK, raise_server_exceptions=False)


def alive(client) -> None:
    response = client.post("/api/analyze", json={"text": "dense 10"})
    assert response.status_code == 200 and response.json()["valid"]


def snapshot(root: Path) -> dict:
    return {p: p.read_bytes() for p in root.parent.rglob("*") if p.is_file()}


def test_the_page_and_its_assets_are_served_from_the_package(client):
    page = client.get("/")
    assert page.status_code == 200 and "cnnspec playground" in page.text
    assert "http" not in page.text.replace("http-equiv", "")  # no CDN: every asset is local
    assert client.get("/static/app.js").status_code == 200
    assert client.get("/static/style.css").status_code == 200


def test_analyze_gives_the_rows_totals_and_memory_summary_gives(client):
    body = client.post("/api/analyze", json={"text": MODEL3}).json()
    assert body["valid"] and body["total_params"] == 449_482
    assert [row["line"] for row in body["rows"]][:2] == [5, 5]
    assert body["rows"][0]["output_shape"] == [28, 28, 16] and body["rows"][0]["receptive_field"] == [7, 7]
    assert body["training_memory"]["total_bytes"] > 0


def test_errors_and_warnings_come_with_the_line_and_columns_check_prints(client):
    body = client.post("/api/analyze", json={"text": "conv 5x5x6\ndense 128 sigmod\ndense 10"}).json()
    assert not body["valid"]
    [error] = body["messages"]
    assert (error["line"], error["column"], error["end"]) == (2, 11, 17)
    warned = client.post("/api/analyze", json={"text": "dense 7"}).json()
    assert warned["valid"] and warned["messages"][0]["severity"] == "warning"


def test_explain_and_diagram_for_the_line_under_the_cursor(client):
    explained = client.post("/api/explain", json={"text": MODEL3, "line": 6, "column": 1}).json()
    assert explained["text"].startswith("3. conv2d_1 (Conv2D), line 6")
    svg = client.post("/api/diagram", json={"text": MODEL3}).json()["svg"]
    assert svg.startswith("<?xml") and "<svg" in svg


def test_files_open_and_save_atomically_inside_the_folder(client, folder):
    assert client.get("/api/files").json()["files"] == ["model3.cnn"]
    assert client.get("/api/file", params={"path": "model3.cnn"}).json()["text"] == MODEL3
    saved = client.put("/api/file", json={"path": "new.cnn", "text": "dense 10\n"})
    assert saved.status_code == 200 and (folder / "new.cnn").read_text() == "dense 10\n"
    assert [p.name for p in folder.iterdir() if p.name.startswith(".")] == []  # no temporary left


@pytest.mark.parametrize("path, status", [
    ("../secret.cnn", 400), ("sub/../../secret.cnn", 400), ("/etc/passwd.cnn", 400),
    ("C:\\x.cnn", 400), ("\\\\server\\share.cnn", 400), ("notes.txt", 400), ("", 400), ("a\0.cnn", 400),
])
def test_paths_outside_the_folder_are_refused_and_nothing_is_written(client, folder, path, status):
    before = snapshot(folder)
    assert client.get("/api/file", params={"path": path}).status_code == status
    assert client.put("/api/file", json={"path": path, "text": "dense 10"}).status_code == status
    assert snapshot(folder) == before
    alive(client)


def test_symlinks_out_of_the_folder_are_refused(client, folder):
    (folder / "out.cnn").symlink_to(folder.parent / "secret.cnn")
    (folder / "outdir").symlink_to(folder.parent, target_is_directory=True)
    before = snapshot(folder)
    for path in ("out.cnn", "outdir/secret.cnn", "outdir/fresh.cnn"):
        assert client.get("/api/file", params={"path": path}).status_code in (403, 404)
        assert client.put("/api/file", json={"path": path, "text": "dense 3"}).status_code == 403
    assert snapshot(folder) == before and not (folder.parent / "fresh.cnn").exists()
    assert client.get("/api/files").json()["files"] == ["model3.cnn"]
    alive(client)


@pytest.mark.parametrize("body", [b"{not json", b"[1, 2]", b"\xff\xfe", b"", b'{"text": 3}', b'{"path": "x.cnn"}'])
def test_malformed_requests_get_a_400(client, folder, body):
    before = snapshot(folder)
    for method, url in (("POST", "/api/analyze"), ("PUT", "/api/file"), ("POST", "/api/train")):
        response = client.request(method, url, content=body, headers={"content-type": "application/json"})
        assert response.status_code == 400, (url, response.text)
        assert "error" in response.json()
    assert snapshot(folder) == before
    alive(client)


def test_huge_bodies_and_a_10_mb_spec_get_a_413_and_nothing_is_written(client, folder):
    before = snapshot(folder)
    spec = "dense 10\n" * (10 * 2**20 // 9)
    assert client.put("/api/file", json={"path": "big.cnn", "text": spec}).status_code == 413
    assert client.post("/api/analyze", json={"text": spec}).status_code == 413
    lying = client.post("/api/analyze", content=b"x" * (MAX_BODY + 10),
                        headers={"content-length": "5", "content-type": "application/json"})
    assert lying.status_code in (400, 413)
    chunks = (b"x" * 2**20 for _ in range(MAX_BODY // 2**20 + 2))  # no length given: counted as read
    assert client.post("/api/analyze", content=chunks, headers={"content-type": "application/json"}).status_code == 413
    assert snapshot(folder) == before
    alive(client)


def test_wrong_fields_get_a_4xx(client):
    assert client.post("/api/train", json={"text": "dense sigmod"}).status_code == 422
    assert client.post("/api/train", json={"text": "dense 10", "epochs": 0}).status_code == 400
    assert client.post("/api/train", json={"text": "dense 10", "epochs": True}).status_code == 400
    assert client.post("/api/explain", json={"text": "dense 10", "line": "x"}).status_code == 400
    assert client.post("/api/train/stop").status_code == 409
    assert client.post("/api/train/resume", json={}).status_code == 409
    assert client.get("/api/train/events").status_code == 204  # no training yet: nothing to follow
    assert client.get("/api/nothing").status_code == 404
    assert client.delete("/api/file").status_code == 405
    alive(client)


def test_off_loopback_every_request_needs_the_token(folder):
    client = TestClient(create_app(folder, token="s3cret", hosts=None), raise_server_exceptions=False)
    assert client.get("/").status_code == 401
    assert client.post("/api/analyze", json={"text": "dense 10"}).status_code == 401
    page = client.get("/?token=s3cret")
    assert page.status_code == 200 and "SameSite=Strict" in page.headers["set-cookie"]
    assert client.get("/static/app.js").status_code == 200  # the page's own assets: the cookie
    client.cookies.clear()
    assert client.get("/static/app.js").status_code == 401
    assert client.post("/api/analyze", json={"text": "dense 10"}, headers={"X-Cnnspec-Token": "s3cret"}).status_code == 200


def test_one_training_at_a_time_the_second_is_refused_with_a_409(folder):
    import threading
    from types import SimpleNamespace

    from cnnspec.servers.jobs import Trainings

    release = threading.Event()

    def slow_train(spec, config, log, stop):
        log(f"{spec.name}: training")
        release.wait(30)
        return SimpleNamespace(results={"test_accuracy": 0.5})

    trainings = Trainings(folder, train=slow_train)
    client = TestClient(create_app(folder, trainings=trainings), base_url=LOOPBACK, raise_server_exceptions=False)
    first = client.post("/api/train", json={"text": "dense 10", "epochs": 1, "limit": 100})
    assert first.status_code == 202 and first.json()["run_dir"].startswith("runs/")
    second = client.post("/api/train", json={"text": "dense 10"})
    assert second.status_code == 409 and "already running" in second.json()["error"]
    release.set()
    trainings._thread.join(10)
    assert [e["state"] for e in trainings.job.events if e["type"] == "state"] == ["running", "finished"]
    stream = client.get("/api/train/events").text  # a finished job's events, then the end
    assert '"state": "finished"' in stream and '"type": "log"' in stream
    last = len(trainings.job.events) - 1
    again = client.get("/api/train/events", headers={"Last-Event-ID": str(last - 1)})  # a reconnecting browser
    assert again.status_code == 200 and again.text.count("data:") == 1 and f"id: {last}" in again.text
    assert client.get("/api/train/events", headers={"Last-Event-ID": str(last)}).status_code == 204  # all seen
    assert client.post("/api/train", json={"text": "dense 10"}).status_code == 202


def test_other_web_pages_cannot_reach_it_no_form_posts_no_dns_rebinding(client, folder):
    before = snapshot(folder)
    form = client.put("/api/file", content=b'{"path": "x.cnn", "text": "dense 10"}',
                      headers={"content-type": "text/plain"})  # what a cross-site form can send
    assert form.status_code == 415
    rebound = client.get("/api/file", params={"path": "model3.cnn"}, headers={"host": "evil.example:8000"})
    assert rebound.status_code == 421
    assert client.get("/", headers={"host": "localhost:8000"}).status_code == 200
    assert client.get("/", headers={"host": "[::1]:8000"}).status_code == 200
    assert snapshot(folder) == before
    alive(client)


RESIDUAL = (SPECS / "residual.cnn").read_text()


def test_a_graph_spec_gives_its_rows_with_their_inputs(client):
    body = client.post("/api/analyze", json={"text": RESIDUAL}).json()
    assert body["valid"] and [m["severity"] for m in body["messages"]] == ["warning"]  # line 13's s2 'same'
    adds = [row for row in body["rows"] if row["type"] == "Add"]
    assert len(adds) == 3  # res 16 x2, res 32
    assert all(len(row["inputs"]) == 2 for row in adds)
    assert adds[0]["line"] == 9  # the body's `add @in` line
    assert body["rows"][-1]["output_shape"] == [10]
    edited = client.post("/api/analyze", json={"text": RESIDUAL.replace("res 32\n", "res 32 x2\n")}).json()
    assert len([row for row in edited["rows"] if row["type"] == "Add"]) == 4  # the table follows the edit


def test_the_diagram_of_a_graph_spec_draws_its_skip_connections(client):
    svg = client.post("/api/diagram", json={"text": RESIDUAL, "blocks": "expanded"}).json()["svg"]
    chain = client.post("/api/diagram", json={"text": MODEL3}).json()["svg"]
    links = [line for line in svg.splitlines() if line.startswith("<polyline") and "marker-end" in line]
    assert len(links) == 3 and chain.count("<polyline") == 0  # a shortcut per call (brackets have no head)
    assert svg.count("<polyline") > 3 + 3  # and a bracket per call and row it spans
    collapsed = client.post("/api/diagram", json={"text": RESIDUAL}).json()["svg"]  # as `draw`: collapsed
    assert collapsed.count("<polyline") == 0 and collapsed.count('fill="#eef3fa"') == 3  # a box per call
    assert "res f=16 (#2, line 12)" in collapsed
    refused = client.post("/api/diagram", json={"text": RESIDUAL, "blocks": "folded"})
    assert refused.status_code == 400 and "collapsed" in refused.text


def test_an_undefined_name_is_underlined_at_its_line_and_column(client):
    text = "input 28x28x1\nconv 3x3x8 -> a\nconv 3x3x8 linear\nadd @b | relu\ndense 10\n"
    body = client.post("/api/analyze", json={"text": text}).json()
    assert not body["valid"]
    [error] = [m for m in body["messages"] if m["severity"] == "error"]
    assert (error["line"], error["column"], error["end"]) == (4, 5, 7)
    assert "'b'" in error["message"]


def test_a_run_seen_stopped_leaves_room_for_the_next_while_its_thread_is_still_returning(folder):
    import time

    from cnnspec import parse
    from cnnspec.servers.jobs import Trainings

    def stoppable_train(spec, config, log, stop):
        while not stop():
            time.sleep(0.01)
        raise KeyboardInterrupt  # as the trainer's stop hook does

    class Lingering(Trainings):
        """A training thread slow to return after its last event (the race the browser test met)."""

        def _emit(self, event, job=None):
            super()._emit(event, *([job] if job else []))
            if event.get("state") == "stopped":
                time.sleep(0.5)

    trainings = Lingering(folder, train=stoppable_train)
    def wait_until(job, state):
        deadline = time.monotonic() + 10
        while job.state != state and time.monotonic() < deadline:
            trainings.wait_events(job, len(job.events) - 1, 0.1)

    first = trainings.start(parse("dense 10"), epochs=1, limit=100)
    wait_until(first, "running")  # as the page stops a run: once it runs
    assert trainings.stop()
    wait_until(first, "stopped")
    assert first.events[-1]["state"] == "stopped"  # what the page sees; the thread may still be returning
    second = trainings.start(parse("dense 10"), epochs=1, limit=100)  # before: Busy, "already running"
    assert second is not first and trainings.running
    assert [e["state"] for e in first.events if e["type"] == "state"] == ["running", "stopping", "stopped"]
    assert trainings.stop()
    trainings._thread.join(10)
    assert second.state == "stopped" and second.events[-1]["state"] == "stopped"
    assert all(event["type"] != "state" or event["state"] != "stopped" for event in second.events[:-1])
