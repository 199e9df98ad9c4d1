#!/usr/bin/env python3
"""Page-load figures of the dashboard on loopback, from the browser's own clocks: Debian's Chromium (Playwright)
loads each page afresh N times against a real `crew serve` (the browser tests' crews and test provider) and prints,
per page, the median and worst of
- `load`: Navigation Timing's loadEventEnd (the page and its modules), and
- `ready`: performance.now() when the page's heading is drawn (its API data fetched and rendered).
Usage: python3 Benchmarks/dashboard/pageload.py [--runs 10] (uses .build/debug/crew, or CREW_BIN)."""
import argparse
import pathlib
import re
import shutil
import statistics
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "Tests/Browser"))
from conftest import CHROMIUM, Server  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    folder = pathlib.Path(tempfile.mkdtemp(prefix="crew-pageload-"))
    # Hundreds of loads in a few seconds would spend the default per-caller rate limit.
    server = Server(folder, extra_args=["--rate-limit", "1000000"])
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
            page = browser.new_page()
            page.goto(server.url + "/#/signin")
            page.get_by_label("API token").fill(server.tokens["admin"])
            page.get_by_role("button", name="Sign in").click()
            page.wait_for_selector("main h1:text('Crews')")
            # A finished run to show.
            page.goto(server.url + "/#/crews/demo")
            page.get_by_role("button", name="Run", exact=True).click()
            page.wait_for_url(re.compile(r"#/runs/[0-9a-f-]+$"))
            run = page.url.rsplit("/", 1)[-1]
            page.wait_for_selector("h1 .badge:text('succeeded')", timeout=60000)
            pages = [("crews", "#/crews", "Crews"), ("crew (3 tasks)", "#/crews/demo", "demo"),
                     ("crew (2,000 tasks)", "#/crews/wide", "wide"), ("runs", "#/runs", "Runs"),
                     ("run", f"#/runs/{run}", "Run "), ("task", f"#/runs/{run}/tasks/brief", "Task brief"),
                     ("analytics", "#/analytics", "Analytics"), ("editor", "#/crews/demo/edit", "Edit demo")]
            print(f"dashboard page loads on loopback, {args.runs} fresh loads each (ms): median / worst")
            print(f"{'page':<20} {'load':>16} {'ready':>16}")
            for name, route, heading in pages:
                loads, readies = [], []
                for _ in range(args.runs):
                    page.goto("about:blank")
                    page.goto(server.url + "/" + route)
                    page.wait_for_function(
                        "h => { const e = document.querySelector('main h1');"
                        " if (e && e.textContent.startsWith(h)) { window.__ready = window.__ready || performance.now();"
                        " return true; } return false; }", arg=heading, polling="raf", timeout=30000)
                    page.wait_for_load_state("load")
                    timing = page.evaluate(
                        "() => [performance.getEntriesByType('navigation')[0].loadEventEnd, window.__ready]")
                    loads.append(timing[0])
                    readies.append(timing[1])
                print(f"{name:<20} {statistics.median(loads):>7.0f} / {max(loads):>5.0f}"
                      f" {statistics.median(readies):>7.0f} / {max(readies):>5.0f}")
            browser.close()
    finally:
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
