"""In headless Chromium, the chart page draws the data with uPlot, within the strict CSP."""

from __future__ import annotations

import os
import shutil
import time

import pytest

from jtlcloud.telemetry.batch import Batch
from jtlcloud.telemetry.store import store_batch
from tests.conftest import GOOD_PIN

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="needs Chromium"),
]


@pytest.fixture
def browser_page():
    from playwright.sync_api import sync_playwright

    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        yield page
        browser.close()


@pytest.mark.django_db(transaction=True)
def test_the_chart_draws_the_readings(live_server, browser_page, owner, installation):
    now_ms = int(time.time() * 1000)
    store_batch(
        installation,
        Batch(
            readings=[("flow_temp", now_ms - 60_000 * i, 40 + (i % 30)) for i in range(600)],
            units={"flow_temp": "°C"},
        ),
    )
    problems: list[str] = []
    page = browser_page
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on(
        "console",
        lambda message: (
            problems.append(message.text)
            if message.type == "error" and "charts.js" in (message.location or {}).get("url", "")
            else None
        ),
    )
    page.goto(f"{live_server.url}/login")
    page.fill("input[name=email]", owner.email)
    page.fill("input[name=pin]", GOOD_PIN)
    page.click("main button[type=submit]")
    page.goto(f"{live_server.url}/installations/{installation.code}/chart")
    page.wait_for_selector("#chart canvas", timeout=10_000)
    page.wait_for_function(
        "document.getElementById('chart-status').textContent.includes('points')", timeout=10_000
    )
    status = page.text_content("#chart-status") or ""
    assert "flow_temp: 600 points" in status, status
    # Something was drawn: the canvas is not blank.
    drawn = page.evaluate(
        """() => {
            const canvas = document.querySelector('#chart canvas');
            const context = canvas.getContext('2d');
            const data = context.getImageData(0, 0, canvas.width, canvas.height).data;
            let inked = 0;
            for (let i = 3; i < data.length; i += 4) if (data[i] > 0) inked++;
            return inked;
        }"""
    )
    assert drawn > 1000
    page.click("button[data-preset='604800']")  # 7 days: a new request, same chart
    page.wait_for_function(
        "document.querySelector('[data-preset=\"604800\"]').getAttribute('aria-pressed') === 'true'"
    )
    assert not problems, problems
