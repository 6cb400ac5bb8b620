"""How fast does the playground answer a keystroke, and how many requests does it hold?
(issue 14)

Prints, measured in one run on this machine:
- keystroke to table, server-side: the work of one `POST /api/analyze` (parse, analyze,
  lint, receptive fields, totals, memory, JSON) in-process, per distinct text, for
  Model 3 and for a large spec (`specs/zoo/resnet50.cnn` when it exists, else a generated
  200-layer chain); the aim is under 20 ms;
- the same request's round trip over loopback to a `cnnspec serve` process;
- keystroke to painted table in headless Chromium (when `chromium` and Playwright are
  installed): from the input event to the table's last row in the page; aim under 100 ms;
- requests per second with 20 concurrent clients (keep-alive connections on 127.0.0.1,
  a bounded number of requests each), and how many failed (aim: none).
Run: `.venv/bin/python benchmarks/playground.py`.

`--screenshot PATH` instead draws README's picture of the page (Model 3, the cursor on
line 6, a 3-epoch training on 3,000 MNIST images; needs chromium and $CNNSPEC_MNIST).
"""

from __future__ import annotations

import http.client
import json
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MODEL3 = (ROOT / "specs" / "model3.cnn").read_text()
RESNET50 = ROOT / "specs" / "zoo" / "resnet50.cnn"
CLIENTS = 20
REQUESTS_PER_CLIENT = 100


def chain(layers: int = 200) -> str:
    """A 200-layer chain: convolutions and batch norms on 56x56, pools every 50 lines."""
    lines = ['name "chain200"', "input 112x112x3"]
    while len(lines) - 2 < layers - 3:
        index = len(lines)
        lines.append("pool 2" if index % 50 == 0 else ("batchnorm" if index % 2 else f"conv 3x3x{32 + index % 7}"))
    return "\n".join(lines + ["gap", "dense 64 relu", "dense 10"]) + "\n"


def large_spec() -> tuple[str, str]:
    if RESNET50.exists():
        return "ResNet50 (specs/zoo/resnet50.cnn)", RESNET50.read_text()
    return "a generated 200-layer chain (no specs/zoo/resnet50.cnn yet)", chain()


def keystrokes(text: str, count: int) -> list[str]:
    """`text` with a comment grown by one key per step: every text distinct, as typing."""
    return [text + "# " + "x" * i + "\n" for i in range(count)]


def server_side_ms(text: str, count: int = 200) -> float:
    from cnnspec.servers import document

    times = []
    for variant in keystrokes(text, count):
        start = time.perf_counter()
        json.dumps(document.summary(document.inspect(variant)))
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(port: int) -> subprocess.Popen:
    process = subprocess.Popen([sys.executable, "-m", "cnnspec", "serve", str(ROOT / "specs"), "--port", str(port)],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    process.stdout.readline()
    for _ in range(400):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return process
        except OSError:
            time.sleep(0.025)
    process.kill()
    raise RuntimeError("cnnspec serve did not start")


def post(connection: http.client.HTTPConnection, text: str) -> int:
    body = json.dumps({"text": text})
    connection.request("POST", "/api/analyze", body, {"Content-Type": "application/json"})
    response = connection.getresponse()
    response.read()
    return response.status


def round_trip_ms(port: int, text: str, count: int = 100) -> float:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    times = []
    for variant in keystrokes(text, count):
        start = time.perf_counter()
        assert post(connection, variant) == 200
        times.append(time.perf_counter() - start)
    connection.close()
    return statistics.median(times) * 1000


def concurrent(port: int, text: str = MODEL3, requests: int = REQUESTS_PER_CLIENT) -> tuple[float, int, int]:
    """Requests per second with CLIENTS keep-alive clients, and the failures among them."""
    failures, done = [0], [0]
    lock = threading.Lock()
    texts = keystrokes(text, requests)

    def client() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        for text in texts:
            try:
                ok = post(connection, text) == 200
            except (OSError, http.client.HTTPException):
                ok = False
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            with lock:
                done[0] += 1
                failures[0] += not ok
        connection.close()

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return done[0] / (time.perf_counter() - start), done[0], failures[0]


def paint_ms(port: int, text: str, count: int = 30) -> float | None:
    """Median time from an input event to the updated table, in headless Chromium."""
    chromium = shutil.which("chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return None
    if chromium is None:
        return None
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=[
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run"])
        page = browser.new_page(bypass_csp=True)
        page.goto(f"http://127.0.0.1:{port}/")
        page.wait_for_selector("body[data-analyzed]")
        times = page.evaluate("""async ([texts]) => {
            const source = document.getElementById('source'), out = [];
            for (const text of texts) {
              const before = document.body.dataset.analyzed;
              const start = performance.now();
              source.value = text;
              source.dispatchEvent(new Event('input'));
              while (document.body.dataset.analyzed === before) await new Promise(r => setTimeout(r, 0));
              await new Promise(r => requestAnimationFrame(() => r()));
              out.push(performance.now() - start);
            }
            return out;
        }""", [keystrokes(text, count)])
        browser.close()
    return statistics.median(times)


def main() -> None:
    name, large = large_spec()
    print(f"keystroke to table, server-side work (median of 200 distinct texts):")
    print(f"  Model 3: {server_side_ms(MODEL3):.2f} ms")
    print(f"  {name}: {server_side_ms(large, 50):.2f} ms")
    port = free_port()
    server = start_server(port)
    try:
        print("round trip of POST /api/analyze over loopback to `cnnspec serve` (median of 100):")
        print(f"  Model 3: {round_trip_ms(port, MODEL3):.2f} ms")
        print(f"  {name}: {round_trip_ms(port, large, 30):.2f} ms")
        for label, text in (("Model 3", MODEL3), (name, large)):
            painted = paint_ms(port, text)
            if painted is None:
                print("keystroke to painted table: skipped (needs chromium and playwright)")
                break
            print(f"keystroke to painted table in headless Chromium, {label}: {painted:.1f} ms (median of 30)")
        rate, done, failed = concurrent(port)
        print(f"{CLIENTS} concurrent clients x {REQUESTS_PER_CLIENT} requests (Model 3): "
              f"{rate:,.0f} requests/s, {failed} of {done} failed")
        rate, done, failed = concurrent(port, large, 10)
        print(f"{CLIENTS} concurrent clients x 10 requests ({name}): "
              f"{rate:,.0f} requests/s, {failed} of {done} failed")
    finally:
        server.terminate()
        server.wait(10)


def screenshot(path: Path) -> None:
    import tempfile

    from playwright.sync_api import sync_playwright

    port = free_port()
    with tempfile.TemporaryDirectory() as folder:
        shutil.copy(ROOT / "specs" / "model3.cnn", folder)
        process = subprocess.Popen([sys.executable, "-m", "cnnspec", "serve", folder, "--port", str(port)],
                                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        process.stdout.readline()
        time.sleep(1)
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=shutil.which("chromium"), args=[
                    "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"])
                page = browser.new_page(viewport={"width": 1400, "height": 1000}, bypass_csp=True)
                page.goto(f"http://127.0.0.1:{port}/")
                page.wait_for_function("document.querySelector('#files').options.length > 1")
                page.select_option("#files", "model3.cnn")
                page.wait_for_function("document.querySelector('#status').textContent === 'opened model3.cnn'")
                page.fill("#epochs", "3")
                page.fill("#limit", "3000")
                page.click("#train")
                page.wait_for_selector("body[data-training='finished']", timeout=600_000)
                page.locator("#source").click()
                page.keyboard.press("Control+Home")
                for _ in range(5):
                    page.keyboard.press("ArrowDown")
                page.wait_for_function("document.querySelector('#explain').textContent.startsWith('3.')")
                page.wait_for_timeout(300)
                page.screenshot(path=str(path), full_page=True)
                browser.close()
        finally:
            process.terminate()
            process.wait(10)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--screenshot"]:
        screenshot(Path(sys.argv[2]))
    else:
        main()
