"""`cnnspec serve` as a process: loopback without a token; any other bind prints one and
refuses requests without it."""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.error
import urllib.request

import pytest

from conftest import ROOT, SPECS
from playground_live import free_port

pytest.importorskip("starlette", reason="the playground needs cnnspec[serve]")
pytest.importorskip("uvicorn", reason="the playground needs cnnspec[serve]")


def start(*args: str) -> tuple[subprocess.Popen, str]:
    process = subprocess.Popen([sys.executable, "-m", "cnnspec", "serve", *args], cwd=ROOT,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    first = process.stdout.readline()
    return process, first


def post(url: str, body: dict, headers: dict | None = None) -> tuple[int, dict]:
    request = urllib.request.Request(url, json.dumps(body).encode(), {"Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def wait_up(url: str) -> None:
    import time

    for _ in range(200):
        try:
            urllib.request.urlopen(url, timeout=1).close()
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.05)


def test_serve_binds_loopback_and_answers_without_a_token():
    port = free_port()
    process, first = start(str(SPECS), "--port", str(port))
    try:
        assert first.startswith(f"cnnspec playground on http://127.0.0.1:{port}/ serving {SPECS}")
        wait_up(f"http://127.0.0.1:{port}/")
        status, body = post(f"http://127.0.0.1:{port}/api/analyze", {"text": (SPECS / "model3.cnn").read_text()})
        assert status == 200 and body["total_params"] == 449_482
        assert post(f"http://127.0.0.1:{port}/api/analyze", {"nothing": 1})[0] == 400
        assert post(f"http://127.0.0.1:{port}/api/analyze", {"text": "dense 10"})[0] == 200  # still alive
    finally:
        process.terminate()
        process.wait(10)


def test_any_other_bind_needs_the_token_printed_at_start_up():
    port = free_port()
    process, first = start(str(SPECS), "--host", "0.0.0.0", "--port", str(port))
    try:
        token = first.split("?token=")[1].split()[0]
        assert "needs the token" in process.stdout.readline()
        wait_up(f"http://127.0.0.1:{port}/")
        url = f"http://127.0.0.1:{port}/api/analyze"
        assert post(url, {"text": "dense 10"})[0] == 401
        assert post(url, {"text": "dense 10"}, {"X-Cnnspec-Token": token})[0] == 200
    finally:
        process.terminate()
        process.wait(10)
