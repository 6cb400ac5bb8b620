"""The playground in a real headless Chromium (Debian's `chromium`, driven by Playwright):
type a spec key by key and watch the table, diagram and underlines follow; save; share;
train one epoch on a few hundred MNIST images, stop, resume."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from cnnspec.training.runs import load_run
from conftest import SPECS, needs_mnist
from playground_live import running_playground

pytest.importorskip("starlette", reason="the playground needs cnnspec[serve]")
pytest.importorskip("playwright", reason="the browser tests drive Chromium with Playwright (cnnspec[test])")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="no chromium on PATH: apt-get install -y chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def folder(tmp_path):
    root = tmp_path / "served"
    root.mkdir()
    shutil.copy(SPECS / "model3.cnn", root)
    return root


@pytest.fixture
def page(browser, folder):
    with running_playground(folder) as url:
        page = browser.new_page(viewport={"width": 1400, "height": 1000}, bypass_csp=True)  # for the test's own probes
        page.goto(url)
        page.wait_for_selector("body[data-analyzed]")
        yield page
        page.close()


def type_spec(page, text: str) -> None:
    source = page.locator("#source")
    source.click()
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    source.press_sequentially(text, delay=5)


def table(page) -> list[list[str]]:
    return page.eval_on_selector_all("#table tbody tr", "rows => rows.map(r => [...r.cells].map(c => c.textContent))")


def test_typing_key_by_key_updates_the_table_and_the_diagram(page):
    type_spec(page, "conv 5x5x6 | pool 2\ndense 1")
    page.wait_for_function("document.querySelectorAll('#table tbody tr').length === 4")
    assert table(page)[-1][:4] == ["2", "dense (Dense)", "1", "1,177"]  # 1,176 weights and a bias
    page.keyboard.type("0")  # dense 1 -> dense 10: one keystroke, the table follows
    page.wait_for_function("document.querySelector('#table tbody tr:last-child td:nth-child(3)').textContent === '10'")
    rows = table(page)
    assert [r[2] for r in rows] == ["28x28x6", "14x14x6", "1176", "10"]
    assert rows[-1][3] == "11,770"
    assert "11,926 params" in page.inner_text("#totals")
    page.wait_for_function("(document.querySelector('#diagram svg') || {}).textContent?.includes('dense 10')")


def test_an_error_is_underlined_at_its_line_and_column_with_the_message_on_hover(page):
    type_spec(page, "conv 5x5x6\ndense 128 sigmod\ndense 10")
    page.wait_for_selector("#highlight .error")
    assert page.inner_text("#highlight .error") == "sigmod"
    assert page.inner_text("#messages li.error").startswith("2:11: error: unknown activation 'sigmod'")
    box = page.locator("#highlight .error").bounding_box()
    editor = page.locator("#source").bounding_box()
    char = page.evaluate("(() => { const s = document.createElement('span'); s.style.font = getComputedStyle(document.querySelector('#highlight')).font; s.textContent = '0'.repeat(100); document.body.appendChild(s); const w = s.getBoundingClientRect().width / 100; s.remove(); return w; })()")
    assert abs(box["x"] - (editor["x"] + 8 + 10 * char)) < 2  # column 11
    assert abs(box["y"] - (editor["y"] + 8 + 20)) < 4  # line 2
    page.mouse.move(box["x"] + 5, box["y"] + 8)
    page.wait_for_selector("#tooltip:not([hidden])")
    assert "unknown activation 'sigmod'" in page.inner_text("#tooltip")
    assert page.inner_text("#totals") == "fix the errors to see the table"


def test_a_graph_draws_its_shortcut_and_an_undefined_name_is_underlined(page):
    type_spec(page, "conv 3x3x8 -> a\nconv 3x3x8 linear\nadd @a | relu\ndense 10")
    page.wait_for_function("document.querySelectorAll('#diagram svg polyline').length === 1")  # the skip from a
    assert [r[2] for r in table(page)] == ["28x28x8", "28x28x8", "28x28x8", "28x28x8", "6272", "10"]  # dense flattens first
    type_spec(page, "conv 3x3x8 -> a\nconv 3x3x8 linear\nadd @b | relu\ndense 10")
    page.wait_for_selector("#highlight .error")
    assert page.inner_text("#highlight .error") == "@b"
    assert page.inner_text("#messages li.error").startswith("3:5: error:")


def test_explain_follows_the_cursor(page):
    type_spec(page, "conv 5x5x6 | pool 2\ndense 10")
    page.wait_for_function("document.querySelector('#explain').textContent.includes('dense')")
    page.locator("#source").press("Control+Home")
    page.wait_for_function("document.querySelector('#explain').textContent.startsWith('1. conv2d')")


def test_open_and_save_a_file_of_the_folder(page, folder):
    page.wait_for_function("document.querySelector('#files').options.length > 1")
    page.select_option("#files", "model3.cnn")
    page.wait_for_function("document.querySelector('#status').textContent === 'opened model3.cnn'")
    assert page.input_value("#source") == (folder / "model3.cnn").read_text()
    type_spec(page, 'name "mine"\ndense 10\n')
    page.fill("#path", "mine.cnn")
    page.click("#save")
    page.wait_for_function("document.querySelector('#status').textContent === 'saved mine.cnn'")
    assert (folder / "mine.cnn").read_text() == 'name "mine"\ndense 10\n'
    page.fill("#path", "../escape.cnn")
    page.click("#save")
    page.wait_for_function("document.querySelector('#status').textContent.startsWith('not saved')")
    assert not (folder.parent / "escape.cnn").exists()


def test_a_shared_link_carries_the_spec_in_its_fragment(page, browser):
    spec = 'name "Ünïcode"\nconv 3x3x4 | pool 2 # a comment\ndense 10\n'
    type_spec(page, spec)
    page.click("#share")
    link = page.url
    assert "#spec=" in link and "conv" not in link
    other = browser.new_page()  # under the page's own Content-Security-Policy, as a user sees it
    complaints = []
    other.on("console", lambda message: complaints.append(message.text) if message.type == "error" else None)
    other.goto(link)
    other.wait_for_selector("body[data-analyzed]")
    assert other.input_value("#source") == spec
    other.wait_for_selector("#diagram svg")
    assert other.locator("#table tbody tr").count() == 4 and complaints == []
    other.close()


def wait_for_training(page, selector: str, timeout_s: int = 180) -> None:
    """Wait for `selector`; on a timeout, fail saying what the page showed (status, log)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.wait_for_selector(selector, timeout=timeout_s * 1000)
    except PlaywrightTimeout:
        pytest.fail(f"no {selector} after {timeout_s} s; the page shows: {page.inner_text('#status')!r}, "
                    f"training {page.evaluate('document.body.dataset.training')!r}, log:\n{page.inner_text('#log')}")


@needs_mnist
def test_train_streams_epochs_and_stops_and_resumes_a_run(page, folder):
    type_spec(page, 'name "tiny"\nconv 3x3x4 | pool 2\ndense 10')
    page.wait_for_function("!document.querySelector('#train').disabled")
    page.fill("#epochs", "3")
    page.fill("#limit", "300")
    page.click("#train")
    wait_for_training(page, "body[data-epochs='1']")
    assert "epoch 1/3" in page.inner_text("#log")
    page.click("#stop")
    wait_for_training(page, "body[data-training='stopped']")
    page.wait_for_function("!document.querySelector('#resume').disabled")
    page.click("#resume")
    wait_for_training(page, "body[data-training='finished']")
    assert page.evaluate("document.body.dataset.epochs") == "3"
    [run] = (folder / "runs").iterdir()
    assert [row.epoch for row in load_run(run).history] == [1, 2, 3]  # finished, as `cnnspec train` leaves it
    assert (run / "metrics.csv").read_text().count("\n") == 4  # header + 3 epochs, one run


def test_through_the_token_link_the_whole_page_works(browser, folder):
    with running_playground(folder, token="t0ken") as url:
        page = browser.new_page(bypass_csp=True)
        assert page.goto(url).status == 401  # no token, no page
        page.goto(url + "?token=t0ken")
        page.wait_for_selector("body[data-analyzed]")  # its script loaded, its requests answered
        page.wait_for_function("document.querySelectorAll('#table tbody tr').length === 8")
        page.wait_for_function("document.querySelector('#files').options.length > 1")
        page.close()
