"""The brief opens in Chromium with the network off: zero requests off the machine,
interactive charts drawn, and it prints to PDF."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from dashboard.config import REPO_ROOT

from .conftest import VIEWPORT

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def brief_file(tmp_path_factory, default_db):
    work = tmp_path_factory.mktemp("brief")
    path = work / "brief.html"
    env = {**os.environ, "DASHBOARD_DB": str(default_db), "DASHBOARD_DATA_DIR": str(work / "local")}
    run = subprocess.run([sys.executable, "-m", "dashboard", "brief", "province=Khyber Pakhtunkhwa",
                          "--period", "month", "-o", str(path)],
                         cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    return path


def test_the_brief_is_one_file_under_5_mb_that_works_offline(browser, brief_file, tmp_path):
    assert brief_file.stat().st_size < 5_000_000
    context = browser.new_context(viewport=VIEWPORT, offline=True)
    requests, errors = [], []
    context.on("request", lambda r: requests.append(r.url))
    page = context.new_page()
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.goto(brief_file.as_uri())
        page.wait_for_selector("body[data-ready='yes']", timeout=60_000)
        page.wait_for_timeout(500)
        assert page.locator(".js-plotly-plot").count() == 1  # TTP against ISKP (interactive)
        assert page.locator("svg.map path").count() >= 30  # the change map: every province
        assert page.locator("text=Data note").count() == 1
        outside = [u for u in requests if not u.startswith(("file:", "data:", "blob:", "about:"))]
        assert outside == [], outside
        assert errors == [], errors
        page.screenshot(path=str(tmp_path / "brief.png"), full_page=True)
        pdf = page.pdf(format="A4", print_background=True)
        assert pdf[:4] == b"%PDF" and pdf.count(b"/Type /Page") >= 2
    finally:
        context.close()
