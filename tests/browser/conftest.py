"""Fixtures for the end-to-end tests: a Streamlit server, Debian's Chromium, an offline recorder.

- ``app_server`` (session): ``streamlit run dashboard/app.py`` on a free port with
  a temporary store, started through ``serve_guarded.py`` (which records any
  outside name lookup or connection the *server* makes); stopped at the end,
  also when tests fail.
- ``browser`` (session): Debian's ``/usr/bin/chromium`` driven by Playwright,
  with the flags that keep Chromium itself quiet. Never downloads a browser.
- ``app`` (per test): a fresh browser context (1440x1000) whose every request
  and websocket is recorded. Requests to any host other than the app's own
  are also routed to a handler that aborts them (nothing leaves the machine even when a test
  fails); at teardown the test errors if any was seen, and if the browser
  console showed an error from the app.

The whole folder is skipped, with the reason shown, when Chromium or the
Playwright package is missing.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest

from dashboard.config import REPO_ROOT

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = {"width": 1440, "height": 1000}
SCREENSHOTS = REPO_ROOT / "tests" / "screenshots"
SERVE = Path(__file__).with_name("serve_guarded.py")
VIEWS = REPO_ROOT / "dashboard" / "views"

# (name, url path, title shown as the page's h1)
PAGES = [
    ("overview", "/", "Overview"),
    ("changes", "/changes", "Changes"),
    ("map", "/map", "Map"),
    ("timeline", "/timeline", "Timeline"),
    ("claims", "/claims", "Claims & attribution"),
    ("rivalry", "/rivalry", "Rivalry"),
    ("incidents", "/incidents", "Incidents"),
    ("about", "/about", "About the data"),
]
DATA_PAGE = ("data", "/data", "Import & manage")

try:
    from playwright.sync_api import sync_playwright
except ImportError:  # pragma: no cover - the requirements install it
    sync_playwright = None


def _why_skip() -> str | None:
    if not CHROMIUM.exists():
        return (f"{CHROMIUM} is missing: install Debian's chromium "
                "(apt-get update && apt-get install -y chromium); never `playwright install`")
    if sync_playwright is None:
        return "the playwright Python package is not installed (pip install -r requirements.txt)"
    return None


SKIP_REASON = _why_skip()


def pytest_collection_modifyitems(config, items):
    """Every test in this folder is a browser test; all are skipped when Chromium is missing."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)
            if SKIP_REASON:
                item.add_marker(pytest.mark.skip(reason=SKIP_REASON))


# --------------------------------------------------------------------------- server
def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class AppServer:
    port: int
    process: subprocess.Popen
    log_path: Path
    outbound_log: Path
    workdir: Path

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str = "/", query: dict | None = None) -> str:
        qs = f"?{urlencode(query, doseq=True)}" if query else ""
        return f"{self.base}{path}{qs}"

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def outbound(self) -> list[str]:
        """Outside lookups/connections the server process made (UDP route probes excluded)."""
        if not self.outbound_log.exists():
            return []
        lines = self.outbound_log.read_text().splitlines()
        return [line for line in lines if line and not line.startswith("udp-connect")]


def start_server(workdir: Path, db_source: Path | None = None, timeout: float = 90) -> AppServer:
    """Start the dashboard on a free port with a store under ``workdir``; wait for /_stcore/health."""
    workdir.mkdir(parents=True, exist_ok=True)
    db = workdir / "store.duckdb"
    if db_source is not None:
        shutil.copy(db_source, db)
    env = dict(os.environ)
    env.update(
        DASHBOARD_DB=str(db),
        DASHBOARD_DATA_DIR=str(workdir / "local"),
        OUTBOUND_LOG=str(workdir / "outbound.log"),
        PYTHONUNBUFFERED="1",
    )
    port = _free_port()
    log_path = workdir / "streamlit.log"
    cmd = [
        sys.executable, str(SERVE), "run", "dashboard/app.py",
        "--server.port", str(port), "--server.headless", "true",
        # Other engineers edit this tree while tests run: no reruns on save.
        "--server.fileWatcherType", "none",
    ]
    cmd += os.environ.get("BROWSER_TEST_SERVER_ARGS", "").split()  # for proving the checks can fail
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(cmd, cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                                start_new_session=True)
    server = AppServer(port, proc, log_path, workdir / "outbound.log", workdir)
    deadline = time.monotonic() + timeout
    while True:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited with {proc.returncode}:\n{server.log()}")
        try:
            with urllib.request.urlopen(f"{server.base}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return server
        except OSError:
            pass
        if time.monotonic() > deadline:
            stop_server(server)
            raise RuntimeError(f"streamlit did not answer /_stcore/health within {timeout}s:\n{server.log()}")
        time.sleep(0.25)


def stop_server(server: AppServer) -> None:
    proc = server.process
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)  # its own session: the server and nothing else
    except ProcessLookupError:
        return
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)


@pytest.fixture(scope="session")
def app_server(tmp_path_factory, default_db):
    if SKIP_REASON:
        pytest.skip(SKIP_REASON)
    server = start_server(tmp_path_factory.mktemp("browser-app"), db_source=default_db)
    try:
        yield server
    finally:
        stop_server(server)


# --------------------------------------------------------------------------- browser
@pytest.fixture(scope="session")
def browser():
    if SKIP_REASON:
        pytest.skip(SKIP_REASON)
    with sync_playwright() as pw:
        # Playwright gives every launch a new, empty temporary profile (user-data-dir).
        b = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_FLAGS)
        installed = subprocess.run([str(CHROMIUM), "--version"], capture_output=True, text=True).stdout
        assert b.version in installed, f"not Debian's chromium? launched {b.version}, {CHROMIUM}: {installed}"
        try:
            yield b
        finally:
            b.close()


ALLOWED_SCHEMES = {"data", "blob", "about"}
# Streamlit's internals when a sub-page URL is opened directly: /<page>/_stcore/... (DESIGN-NOTES).
HARMLESS_404 = re.compile(r"^/[^/]+/_stcore/")


@dataclass
class Recorder:
    """Every request a browser context makes, and which of them would leave the machine."""

    port: int
    seen: list[tuple[str, str]] = field(default_factory=list)  # (url, how it was seen)
    aborted: list[str] = field(default_factory=list)

    def is_local(self, url: str) -> bool:
        parts = urlsplit(url)
        if parts.scheme in ALLOWED_SCHEMES:
            return True
        return (parts.scheme in ("http", "https", "ws", "wss")
                and parts.hostname in ("127.0.0.1", "localhost", "::1")
                and parts.port == self.port)

    def note(self, url: str, how: str) -> None:
        self.seen.append((url, how))

    def external(self) -> list[str]:
        out: list[str] = []
        for url, _ in self.seen:
            if not self.is_local(url) and url not in out:
                out.append(url)
        return out

    def local_count(self) -> int:
        return sum(1 for url, _ in self.seen if self.is_local(url))

    def forget(self, url: str) -> None:
        """Drop a request a test made on purpose (the recorder's own test)."""
        self.seen = [(u, h) for u, h in self.seen if u != url]


@dataclass
class AppPage:
    """A Playwright page on the dashboard, with what its console said."""

    page: object
    server: AppServer
    recorder: Recorder
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)

    def goto(self, path: str = "/", query: dict | None = None) -> None:
        self.page.goto(self.server.url(path, query), wait_until="domcontentloaded")
        self.wait_ready()

    def open_url(self, url: str) -> None:
        self.page.goto(url, wait_until="domcontentloaded")
        self.wait_ready()

    def wait_ready(self, timeout: float = 60_000) -> None:
        """Wait until the app is connected, its script has finished, and nothing is stale."""
        page = self.page
        page.wait_for_selector('[data-testid="stApp"][data-test-connection-state="CONNECTED"]', timeout=timeout)
        # A rerun may not have started yet when this is called right after an input.
        page.wait_for_timeout(150)
        page.wait_for_function(
            """() => {
                const app = document.querySelector('[data-testid="stApp"]');
                if (!app) return false;
                const state = app.getAttribute('data-test-script-state');
                if (state !== 'notRunning') return false;
                if (document.querySelector('[data-stale="true"]')) return false;
                if (document.querySelector('[data-testid="stSkeleton"]')) return false;
                return !!document.querySelector('[data-testid="stMain"] h1');
            }""",
            timeout=timeout,
            polling=100,
        )

    # --- reading and driving the page ------------------------------------------------
    def metrics(self) -> dict[str, str]:
        """Headline metrics as {label: value}, e.g. {"Incidents": "141", ...}."""
        out = {}
        for m in self.page.get_by_test_id("stMetric").all():
            label = m.get_by_test_id("stMetricLabel").inner_text().strip()
            out[label] = m.get_by_test_id("stMetricValue").inner_text().strip()
        return out

    def multiselect(self, label: str):
        """The sidebar multiselect with this label (Country, Province, District, Group)."""
        return self.page.get_by_test_id("stSidebar").get_by_test_id("stMultiSelect").filter(
            has=self.page.get_by_test_id("stWidgetLabel").get_by_text(label, exact=True))

    def wait_for_param(self, key: str, value: str, timeout: float = 60_000) -> None:
        """Wait until the URL's query string has key=value (the sidebar writes it at the end of
        a run), then until the page is settled: a rerun that has not started yet cannot be missed."""
        self.page.wait_for_function(
            "([k, v]) => new URLSearchParams(location.search).getAll(k).includes(v)",
            arg=[key, value], timeout=timeout, polling=100,
        )
        self.wait_ready()

    def choose(self, label: str, option: str | re.Pattern, typed: str,
               param: tuple[str, str] | None = None) -> None:
        """Open a multiselect, type to narrow it, click one option, close it, wait for the rerun.

        (Streamlit 1.67's multiselect offers "Select N matches" first, so Enter would take
        every match; the wanted option is clicked instead.)
        """
        box = self.multiselect(label).get_by_role("combobox")
        box.click()
        box.fill(typed)
        name = option if isinstance(option, re.Pattern) else re.compile(rf"^{re.escape(option)}( —|$)")
        self.page.get_by_role("option", name=name).first.click()
        self.page.keyboard.press("Escape")
        if param:
            self.wait_for_param(*param)
        else:
            self.wait_ready()

    def selected(self, label: str) -> list[str]:
        """The values shown as chosen in a sidebar multiselect (tag texts)."""
        tags = self.multiselect(label).locator(".react-aria-ComboBox [data-tag]")
        return [t.get_attribute("aria-label") for t in tags.all()]

    def radio_value(self, label: str) -> str:
        group = self.page.get_by_test_id("stSidebar").get_by_role("radiogroup", name=label)
        return group.locator("input:checked").evaluate("e => e.closest('label').innerText").strip()

    def selectbox_value(self, label: str) -> str:
        box = self.page.get_by_test_id("stSidebar").get_by_test_id("stSelectbox").filter(
            has=self.page.get_by_test_id("stWidgetLabel").get_by_text(label, exact=True))
        combo = box.get_by_role("combobox")
        value = combo.input_value() if combo.evaluate("e => e.tagName") == "INPUT" else ""
        return value or box.inner_text().replace(label, "", 1).strip()

    def query(self) -> dict[str, list[str]]:
        from urllib.parse import parse_qs

        return parse_qs(urlsplit(self.page.url).query)

    def app_console_errors(self) -> list[str]:
        return list(self.console_errors) + [f"page error: {e}" for e in self.page_errors]

    def exceptions(self) -> list[str]:
        return [e.inner_text() for e in self.page.query_selector_all('[data-testid="stException"]')]

    def screenshot(self, name: str) -> Path:
        """A full-page PNG in tests/screenshots/ (Streamlit scrolls inside its own container,
        so the viewport is made as tall as the content first)."""
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page = self.page
        height = page.evaluate(
            """() => {
                const els = [document.documentElement, document.body,
                    document.querySelector('[data-testid="stAppViewContainer"]'),
                    document.querySelector('[data-testid="stMain"]'),
                    document.querySelector('[data-testid="stMainBlockContainer"]'),
                    document.querySelector('[data-testid="stSidebarContent"]')];
                return Math.max(...els.filter(Boolean).map(e => e.scrollHeight));
            }"""
        )
        page.set_viewport_size({"width": VIEWPORT["width"], "height": max(VIEWPORT["height"], min(int(height), 12000))})
        page.wait_for_timeout(600)  # let charts re-layout to the new size
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        page.set_viewport_size(VIEWPORT)
        return path


def _console_listener(app: AppPage):
    def on_console(msg) -> None:
        if msg.type != "error":
            return
        url = (msg.location or {}).get("url", "")
        path = urlsplit(url).path if url else ""
        if "404" in msg.text and HARMLESS_404.match(path):
            return
        app.console_errors.append(f"{msg.text} (at {url or 'unknown'})")

    return on_console


def new_app_page(browser, server: AppServer) -> tuple[object, AppPage]:
    """A new context + page with the offline recorder and console capture attached."""
    context = browser.new_context(viewport=VIEWPORT, accept_downloads=True, service_workers="block")
    recorder = Recorder(port=server.port)

    def block(r) -> None:
        url = r.request.url
        recorder.note(url, "route")
        recorder.aborted.append(url)
        r.abort("blockedbyclient")  # recorded, and never sent

    def block_ws(ws) -> None:
        recorder.note(ws.url, "websocket-route")
        recorder.aborted.append(ws.url)
        ws.close(code=1008, reason="blocked by the offline test")

    # Only requests that are NOT for the app reach Python (the regex is matched inside the
    # browser driver); routing every request through Python would slow each page by seconds.
    outside = re.compile(rf"^(?!(https?|wss?)://(127\.0\.0\.1|localhost|\[::1\]):{server.port}/)(?!(data|blob|about):)")
    context.route(outside, block)
    context.route_web_socket(outside, block_ws)
    context.on("request", lambda req: recorder.note(req.url, "request"))

    def on_page(p) -> None:
        p.on("websocket", lambda ws: recorder.note(ws.url, "websocket"))

    context.on("page", on_page)
    page = context.new_page()
    app = AppPage(page=page, server=server, recorder=recorder)
    page.on("console", _console_listener(app))
    page.on("pageerror", lambda err: app.page_errors.append(str(err)))
    page.set_default_timeout(30_000)
    return context, app


def assert_offline(recorder: Recorder) -> None:
    outside = recorder.external()
    assert not outside, (
        "the page asked for something outside this machine (aborted by the test, but the app must "
        "not ask at all):\n  " + "\n  ".join(outside)
    )


@pytest.fixture
def app(browser, app_server):
    """A dashboard page; at teardown: no outside request, no console error from the app."""
    context, app_page = new_app_page(browser, app_server)
    try:
        yield app_page
        assert_offline(app_page.recorder)
        errors = app_page.app_console_errors()
        assert not errors, "the browser console showed errors:\n  " + "\n  ".join(errors)
    finally:
        context.close()


def fixture_file(*parts: str) -> Path:
    """A file under ``tests/`` (the format fixtures are ``tests/fixtures/*``, the project's own)."""
    path = REPO_ROOT.joinpath("tests", *parts)
    assert path.exists(), f"{path} is missing: run python scripts/make_test_fixtures.py"
    return path
