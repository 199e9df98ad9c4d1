"""The dashboard in a real browser (Debian's Chromium through Playwright), against a real `crew serve`: sign in,
start a run and watch it live, open a task, compare analytics with the API, break the YAML in the editor, try a
hostile model answer, and get a 403 as a viewer. Every page is scanned with axe-core and saved as a screenshot."""
import re
import urllib.request

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

AXE = Axe()


def sign_in(page: Page, server, role="admin"):
    page.goto(server.url + "/#/signin")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    page.get_by_label("API token").fill(server.tokens[role])
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Crews")).to_be_visible()


def accessible(page: Page, name: str):
    """No serious or critical axe-core violation on the page as it is now."""
    results = AXE.run(page)
    bad = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    assert not bad, f"{name}: " + "; ".join(f"{v['id']}: {v['help']} ({len(v['nodes'])} nodes)" for v in bad)


def start_run(page: Page, crew: str) -> str:
    page.goto(f"{page.url.split('#')[0]}#/crews/{crew}")
    expect(page.get_by_role("heading", name="Start a run")).to_be_visible()
    page.get_by_role("button", name="Run", exact=True).click()
    page.wait_for_url(re.compile(r"#/runs/\d{8}-\d{6}-[0-9a-f]{4}$"))
    return page.url.rsplit("/", 1)[-1]


def test_sign_in_start_a_run_watch_it_live_and_open_a_task(page: Page, server, shots):
    page.goto(server.url + "/")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    page.screenshot(path=shots / "01-sign-in.png")
    accessible(page, "sign-in")
    sign_in(page, server, "runner")
    expect(page.get_by_role("link", name="demo", exact=True)).to_be_visible()
    expect(page.locator("tr", has_text="broken").locator(".badge")).to_have_text("invalid")
    page.screenshot(path=shots / "02-crews.png", full_page=True)
    accessible(page, "crews")

    page.get_by_role("link", name="demo", exact=True).click()
    expect(page.get_by_role("heading", name="Planned graph")).to_be_visible()
    expect(page.locator(".dag .node")).to_have_count(3)
    expect(page.get_by_label(re.compile("^topic"))).to_have_value("tides")
    expect(page.get_by_label(re.compile("^depth"))).to_have_value("2")
    page.screenshot(path=shots / "03-crew.png", full_page=True)
    accessible(page, "crew")

    page.get_by_label(re.compile("^topic")).fill("coral reefs")
    page.get_by_role("button", name="Run", exact=True).click()
    page.wait_for_url(re.compile(r"#/runs/\d{8}-\d{6}-[0-9a-f]{4}$"))
    run_id = page.url.rsplit("/", 1)[-1]
    # Live: a node turns running, then every node succeeds, without reloading the page.
    expect(page.locator(".dag .node.s-running").first).to_be_visible(timeout=15000)
    page.screenshot(path=shots / "04-run-live.png", full_page=True)
    expect(page.locator(".dag .node.s-succeeded")).to_have_count(3, timeout=30000)
    expect(page.locator("h1 .badge")).to_have_text("succeeded", timeout=15000)
    expect(page.locator("#task-brief .output h4")).to_have_text("Findings")
    expect(page.locator(".log li", has_text="run_finished")).to_have_count(1)
    page.screenshot(path=shots / "05-run-finished.png", full_page=True)
    accessible(page, "run")
    assert server.api(f"/v1/runs/{run_id}")["inputs"]["topic"] == "coral reefs"

    page.get_by_role("link", name=re.compile("^brief: succeeded")).click()
    expect(page.get_by_role("heading", name=re.compile("^Task brief"))).to_be_visible()
    expect(page.locator(".messages li")).to_have_count(2)
    expect(page.locator(".messages pre").nth(1)).to_contain_text("Write the brief")
    expect(page.locator(".output strong")).to_have_text("in bold")
    page.screenshot(path=shots / "06-task.png", full_page=True)
    accessible(page, "task")


def test_analytics_figures_equal_the_apis(page: Page, server, shots):
    sign_in(page, server)
    start_run(page, "demo")
    expect(page.locator("h1 .badge")).to_have_text("succeeded", timeout=30000)
    page.goto(server.url + "/#/analytics")
    expect(page.get_by_role("heading", name="Analytics")).to_be_visible()
    since = page.locator("#since").input_value()
    until = page.locator("#until").input_value()
    summary = server.api(f"/v1/analytics/summary?since={since}T00:00:00Z&until={until}T23:59:59.999Z")["overall"]
    assert summary["runs"] >= 1
    expect(page.locator("#kpi-runs")).to_have_text(f"{summary['runs']:,}")
    expect(page.locator("#kpi-success")).to_have_text(f"{summary['success_rate'] * 100:.1f}%")
    expect(page.locator("#kpi-tokens")).to_have_text(f"{summary['input_tokens'] + summary['output_tokens']:,}")
    p95 = summary["p95_ms"]
    shown = page.locator("#kpi-p95").inner_text()
    number, unit = shown.split()
    assert abs(float(number) * (1 if unit == "ms" else 1000) - p95) <= 50, f"p95 {p95} ms shown as {shown}"
    crews = server.api(f"/v1/analytics/crews?since={since}T00:00:00Z&until={until}T23:59:59.999Z")["crews"]
    demo = next(row for row in crews if row["crew"] == "demo")["overall"]
    expect(page.locator("table", has_text="Per crew").locator("tr", has_text="demo").locator("td").nth(1)) \
        .to_have_text(f"{demo['runs']:,}")
    link = page.get_by_role("link", name="crews.csv")
    with page.expect_download() as download:
        link.click()
    text = open(download.value.path(), encoding="utf-8", newline="").read()
    assert text.startswith("group,day,runs,") and "\r\ndemo,all," in text
    page.screenshot(path=shots / "07-analytics.png", full_page=True)
    accessible(page, "analytics")
    page.get_by_role("link", name="Crews", exact=True).click()
    expect(page.locator("tr", has_text="demo").locator(".badge").nth(1)).to_have_text("succeeded")
    page.screenshot(path=shots / "14-crews-with-runs.png", full_page=True)


def test_the_editor_shows_a_broken_line_and_saves_for_an_admin(page: Page, server, shots):
    sign_in(page, server)
    page.goto(server.url + "/#/crews/demo/edit")
    editor = page.get_by_label("crew.yaml")
    expect(editor).to_have_value(re.compile("^version: 1"))
    expect(page.locator("#editor-state")).to_have_text(re.compile(r"^Valid"))
    original = editor.input_value()
    lines = original.split("\n")
    broken_line = next(i for i, line in enumerate(lines) if line.startswith("agents:")) + 1
    lines[broken_line - 1] = "agents: 3"
    lines = [line for line in lines if not line.startswith("  researcher:") and not line.startswith("  writer:")]
    editor.fill("\n".join(lines))
    expect(page.locator("#editor-state")).to_have_text(re.compile(r"^\d+ errors?\.$"))
    located = page.locator(".diagnostics li", has_text="E112")
    expect(located).to_contain_text(f"Line {broken_line}, column 9")
    expect(page.locator(f".gutter .mark-error", has_text=f"! {broken_line}")).to_have_count(1)
    located.get_by_role("button").click()
    assert editor.evaluate("e => e.value.slice(0, e.selectionStart).split('\\n').length") == broken_line
    page.screenshot(path=shots / "08-editor-error.png", full_page=True)
    accessible(page, "editor")

    # A valid change redraws the graph and an admin saves it into the crews folder.
    editor.fill(original.replace("Write the brief", "Write the short brief"))
    expect(page.locator("#editor-state")).to_have_text(re.compile(r"^Valid"))
    expect(page.locator(".editor-graph .node")).to_have_count(3)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Saved to the crews folder.")).to_be_visible()
    assert "Write the short brief" in (server.folder / "crews/demo/crew.yaml").read_text()
    (server.folder / "crews/demo/crew.yaml").write_text(original)


def test_a_hostile_model_answer_stays_text(page: Page, server, shots):
    blocked = []
    page.on("console", lambda message: blocked.append(message.text) if "Content Security Policy" in message.text
            else None)
    sign_in(page, server)
    start_run(page, "hostile")
    expect(page.locator("h1 .badge")).to_have_text("succeeded", timeout=30000)
    output = page.locator("#task-answer .output")
    expect(output).to_contain_text('<img src=x onerror="window.__crew_xss=1">')
    expect(output).to_contain_text("<script>window.__crew_xss=2</script>")
    assert output.locator("img, script, a[href^='javascript']").count() == 0
    page.get_by_role("link", name=re.compile("^answer: succeeded")).click()
    expect(page.locator(".output")).to_contain_text("onerror")
    assert page.locator("main img, main script").count() == 0
    assert page.evaluate("window.__crew_xss") is None
    page.screenshot(path=shots / "09-hostile-answer.png", full_page=True)


def test_an_answer_streams_live_and_a_runner_cancels_and_resumes(page: Page, server, shots):
    sign_in(page, server, "runner")
    start_run(page, "story")
    streaming = page.locator("#task-tell .output.streaming")
    expect(streaming).to_contain_text("Sentence 2 of a story", timeout=20000)
    assert page.locator(".dag .node.s-running").count() == 1, "the answer shows while the task still runs"
    page.screenshot(path=shots / "12-streaming.png", full_page=True)
    page.get_by_role("button", name="Cancel run").click()
    expect(page.locator("h1 .badge")).to_have_text("interrupted", timeout=20000)
    expect(page.get_by_role("button", name="Cancel run")).to_have_count(0)
    page.get_by_role("button", name="Resume run").click()
    expect(page.locator("h1 .badge")).to_have_text("succeeded", timeout=60000)
    final = page.locator("#task-tell .output.markdown")
    expect(final).to_contain_text("Sentence 12 of a story told slowly.")
    expect(final.locator("h4")).to_have_text("Chapter one")
    assert page.locator("#task-tell .output.streaming").count() == 0


def test_a_viewer_who_presses_run_gets_403(page: Page, server, shots):
    sign_in(page, server, "viewer")
    page.goto(server.url + "/#/crews/demo")
    expect(page.get_by_text("Your role (viewer) cannot start runs.")).to_be_visible()
    page.get_by_role("button", name="Run", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("Forbidden (403)")
    page.screenshot(path=shots / "10-viewer-403.png", full_page=True)
    run = server.api("/v1/runs?limit=1")["runs"][0]["id"]
    page.goto(server.url + f"/#/runs/{run}")
    expect(page.get_by_role("heading", name=re.compile(f"^Run {run}"))).to_be_visible()
    assert page.get_by_role("button", name=re.compile("Cancel run|Resume run")).count() == 0
    page.goto(server.url + "/#/crews/demo/edit")
    expect(page.get_by_role("button", name="Download")).to_be_visible()
    assert page.get_by_role("button", name="Save").count() == 0


def test_a_2000_task_crew_draws_folded_and_opens_by_keyboard(page: Page, server, shots):
    sign_in(page, server)
    page.goto(server.url + "/#/crews/wide")
    expect(page.get_by_role("heading", name="Planned graph")).to_be_visible()
    figure = page.locator(".dag")
    expect(figure.locator("figcaption")).to_contain_text("2,000 tasks" if False else "2000 tasks")
    drawn = figure.locator(".node:not(.more)").count()
    assert drawn <= 20, f"{drawn} nodes drawn before the wave is opened"
    more = figure.locator(".node.more")
    expect(more).to_have_count(1)
    expect(more).to_have_attribute("aria-label", re.compile("Show all 1998 tasks of wave 2"))
    page.screenshot(path=shots / "11-wide-crew.png")
    more.focus()
    page.keyboard.press("Enter")
    expect(figure.locator(".node:not(.more)")).to_have_count(2000)
    accessible(page, "wide crew")

    # Live, the folded wave counts its tasks by state, and the page keeps the latest 500 events.
    start_run(page, "wide")
    expect(page.locator("h1 .badge")).to_have_text("succeeded", timeout=180000)
    expect(page.locator(".dag .node.more")).to_have_attribute("aria-label", re.compile("Show all 1998 tasks of wave 2: 1986 succeeded$"))
    assert page.locator(".log li").count() <= 500
    page.locator("#task-finish summary").click()
    expect(page.locator("#task-finish .output")).to_be_visible()
    page.screenshot(path=shots / "13-wide-run.png")


def test_the_page_policy_forbids_inline_script(server):
    with urllib.request.urlopen(server.url + "/") as response:
        policy = response.headers["Content-Security-Policy"]
        page = response.read().decode()
    assert "unsafe-inline" not in policy and "script-src 'self'" in policy
    assert "<script>" not in page and " style=" not in page and " on" not in re.sub(r"<!--.*?-->", "", page).lower() \
        .replace(" only", "")


def test_markdown_stays_inert_and_bounded_on_hostile_text(page: Page, server):
    page.goto(server.url + "/#/signin")
    result = page.evaluate("""async () => {
        const { markdown } = await import('/ui/markdown.js');
        const box = document.createElement('div');
        const render = (text) => { box.replaceChildren(...markdown(text)); return box; };
        const out = {};
        for (const [name, text] of Object.entries({
            brackets: '['.repeat(300000), ticks: '`'.repeat(300000), stars: '*a'.repeat(150000),
            unders: '_a '.repeat(100000), links: '[x](javascript:alert(1)) [y](data:text/html,hi) [z](https://e.x/a)',
            html: '<img src=x onerror=alert(1)><svg onload=alert(2)>', fence: '```\\n<script>alert(3)</script>\\n```',
        })) {
            const node = render(text);
            out[name] = { elements: node.querySelectorAll('*').length, text: node.textContent.length,
                anchors: [...node.querySelectorAll('a')].map((a) => a.href),
                unsafe: node.querySelectorAll('img, svg, script, iframe').length };
        }
        return out;
    }""")
    for name in ("brackets", "ticks", "stars", "unders"):
        assert result[name]["unsafe"] == 0 and result[name]["text"] > 0, name
    assert result["brackets"]["text"] < 210000, "text beyond 200,000 characters is left to the task page"
    assert result["links"]["anchors"] == ["https://e.x/a"]
    assert result["html"]["unsafe"] == 0 and result["html"]["text"] > 40
    assert result["fence"]["unsafe"] == 0
