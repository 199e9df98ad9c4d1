// The editor: a crew's YAML checked as you type through POST /v1/validate (in the crew's own folder, so the files it
// names are found), each diagnostic at its line, and the graph redrawn when the file is valid. An admin saves it
// into the crews folder (refused if someone saved since it was opened); others download it.

import { request, may, ApiError } from "./api.js";
import { h, notice, replace } from "./dom.js";
import { Dag } from "./dag.js";

const enc = encodeURIComponent;

export async function editorPage(main, name, session) {
  const response = await request(`/v1/crews/${enc(name)}/file`, { raw: true });
  let tag = response.headers.get("ETag");
  const original = await response.text();

  const area = h("textarea", { id: "crew-yaml", spellcheck: "false", autocapitalize: "off", wrap: "off",
    "aria-describedby": "editor-state" });
  area.value = original;
  const gutter = h("div", { class: "gutter", "aria-hidden": "true" });
  const state = h("p", { id: "editor-state", role: "status" });
  const problems = h("ul", { class: "diagnostics", "aria-label": "Diagnostics" });
  const graph = h("div", { class: "editor-graph" });
  const saveStatus = h("span", { "aria-live": "polite" });
  let marks = new Map();

  const drawGutter = () => {
    const count = area.value.split("\n").length;
    const lines = [];
    for (let n = 1; n <= count; n++) {
      lines.push(h("div", { class: marks.has(n) ? `mark-${marks.get(n)}` : null }, marks.has(n) ? `! ${n}` : `${n}`));
    }
    replace(gutter, lines);
    gutter.scrollTop = area.scrollTop;
  };
  const goTo = (line, column) => {
    const lines = area.value.split("\n");
    let offset = 0;
    for (let i = 0; i < Math.min(line - 1, lines.length); i++) offset += lines[i].length + 1;
    offset += Math.max(0, (column || 1) - 1);
    area.focus();
    area.setSelectionRange(offset, offset);
    const lineHeight = parseFloat(getComputedStyle(area).lineHeight) || 18;
    area.scrollTop = Math.max(0, (line - 3) * lineHeight);
  };

  let sequence = 0;
  const check = async () => {
    const mine = ++sequence;
    state.textContent = "Checking…";
    let result;
    try {
      result = await request(`/v1/validate?crew=${enc(name)}`, { method: "POST", text: area.value });
    } catch (error) {
      if (mine === sequence) state.textContent = `Could not check: ${error.message}`;
      return;
    }
    if (mine !== sequence) return;
    const list = (result.diagnostics && result.diagnostics.diagnostics) || [];
    marks = new Map();
    for (const d of list) if (d.line && !marks.has(d.line)) marks.set(d.line, d.severity);
    drawGutter();
    const errors = list.filter((d) => d.severity === "error").length;
    state.textContent = result.valid
      ? `Valid${list.length ? ` with ${list.length} warning${list.length === 1 ? "" : "s"}` : ""}.`
      : `${errors} error${errors === 1 ? "" : "s"}.`;
    replace(problems, list.map((d) => h("li", { class: d.severity },
      h("button", { type: "button", class: "link", onclick: () => goTo(d.line || 1, d.column) },
        `Line ${d.line || "?"}${d.column ? `, column ${d.column}` : ""}`),
      ` ${d.severity} ${d.code}: ${d.message}`, d.help ? h("div", { class: "help" }, d.help) : null)));
    if (result.graph) replace(graph, new Dag(result.graph, { label: "Graph of the edited crew" }).element);
  };
  let timer = null;
  area.addEventListener("input", () => {
    drawGutter();
    clearTimeout(timer);
    timer = setTimeout(check, 300);
  });
  area.addEventListener("scroll", () => { gutter.scrollTop = area.scrollTop; });

  const save = async () => {
    try {
      const saved = await request(`/v1/crews/${enc(name)}/file`, {
        method: "PUT", text: area.value, headers: { "If-Match": tag || "" }, raw: true });
      tag = saved.headers.get("ETag");
      replace(saveStatus, notice("info", "Saved to the crews folder."));
    } catch (error) {
      const text = error instanceof ApiError && error.status === 412
        ? "Someone saved this crew after you opened it. Copy your change, reload the page, and apply it again."
        : error.message;
      replace(saveStatus, notice("error", text));
    }
  };
  const download = () => {
    const url = URL.createObjectURL(new Blob([area.value], { type: "application/yaml" }));
    const anchor = h("a", { href: url, download: `${name}-crew.yaml` });
    document.body.append(anchor);
    anchor.click();
    anchor.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  };

  replace(main,
    h("p", {}, h("a", { href: `#/crews/${enc(name)}` }, `← Crew ${name}`)),
    h("h1", { tabindex: -1 }, `Edit ${name}/crew.yaml`),
    h("div", { class: "editor" },
      h("div", { class: "editor-text" },
        h("label", { for: "crew-yaml" }, "crew.yaml"),
        h("div", { class: "code" }, gutter, area),
        h("p", { class: "actions" },
          may(session, "admin") ? h("button", { type: "button", class: "primary", onclick: save }, "Save") : null,
          h("button", { type: "button", onclick: download }, "Download"), saveStatus),
        may(session, "admin") ? null : h("p", { class: "hint" }, "Only an admin can save; you can download your copy.")),
      h("div", { class: "editor-side" }, h("h2", {}, "Checks"), state, problems, h("h2", {}, "Graph"), graph)));
  drawGutter();
  await check();
}
