// The crews: a list with validation state, last run and success rate, and a crew page with its graph, its agents,
// models, tools and knowledge, and a form built from its typed inputs that starts a run.

import { get, post, query, may, ApiError } from "./api.js";
import { h, link, badge, table, notice, fmt, replace } from "./dom.js";
import { Dag } from "./dag.js";

const enc = encodeURIComponent;

export async function crewsPage(main) {
  const [{ crews }, analytics, { runs }] = await Promise.all([
    get("/v1/crews"), get("/v1/analytics/crews"), get("/v1/runs" + query({ limit: 500 })),
  ]);
  const rates = new Map(analytics.crews.map((row) => [row.crew, row.overall]));
  const last = new Map();
  for (const run of runs) if (!last.has(run.crew)) last.set(run.crew, run);
  const rows = crews.map((crew) => {
    const run = last.get(crew.crew || crew.name);
    const stats = rates.get(crew.crew || crew.name);
    return [
      link(`#/crews/${enc(crew.name)}`, crew.name),
      crew.description || "",
      h("span", {}, badge(crew.status),
        counts(crew)),
      crew.tasks === undefined ? "–" : fmt.count(crew.tasks),
      run ? h("span", {}, link(`#/runs/${enc(run.id)}`, fmt.time(run.started_at)), " ", badge(run.status)) : "never",
      stats ? `${fmt.percent(stats.success_rate)} of ${fmt.count(stats.runs)}` : "–",
    ];
  });
  replace(main,
    h("h1", { tabindex: -1 }, "Crews"),
    h("p", { class: "lead" }, `${crews.length} crews in this server's folder. Success rates cover the last 30 days.`),
    table("Crews", ["Crew", "Description", "State", "Tasks", "Last run", "Success rate"], rows, { numeric: [3] }));
}

function counts(crew) {
  const parts = [];
  if (crew.errors) parts.push(`${crew.errors} error${crew.errors === 1 ? "" : "s"}`);
  if (crew.warnings) parts.push(`${crew.warnings} warning${crew.warnings === 1 ? "" : "s"}`);
  return parts.length ? ` ${parts.join(", ")}` : "";
}

export async function crewPage(main, name, session) {
  const crew = await get(`/v1/crews/${enc(name)}`);
  const plan = crew.plan;
  const parts = [
    h("h1", { tabindex: -1 }, crew.name, " ", badge(crew.status)),
    crew.description ? h("p", { class: "lead" }, crew.description) : null,
    h("p", { class: "actions" },
      link(`#/runs${query({ crew: crew.crew || crew.name })}`, "Runs of this crew", { class: "button" }),
      link(`#/crews/${enc(name)}/edit`, may(session, "admin") ? "Edit crew.yaml" : "View crew.yaml",
        { class: "button" })),
  ];
  if (crew.failure) parts.push(notice("error", crew.failure));
  parts.push(diagnosticsList(crew.diagnostics));
  if (plan) {
    parts.push(inputsForm(crew, session));
    parts.push(h("section", { "aria-labelledby": "graph-h" }, h("h2", { id: "graph-h" }, "Planned graph"),
      new Dag(crew.graph, { label: `Task graph of ${crew.name}` }).element));
    parts.push(...resources(plan));
  }
  replace(main, parts);
}

export function diagnosticsList(diagnostics) {
  const list = (diagnostics && diagnostics.diagnostics) || [];
  if (!list.length) return null;
  return h("section", { "aria-labelledby": "diag-h" }, h("h2", { id: "diag-h" }, "Diagnostics"),
    h("ul", { class: "diagnostics" }, list.map((d) => h("li", { class: d.severity },
      h("strong", {}, `${d.severity} ${d.code}`), ` ${d.file || ""}${d.line ? `:${d.line}` : ""}: ${d.message}`,
      d.help ? h("div", { class: "help" }, d.help) : null))));
}

function inputsForm(crew, session) {
  const inputs = crew.plan.inputs || [];
  const status = h("div", { "aria-live": "polite" });
  const fields = inputs.map((input) => inputField(input));
  const form = h("form", { class: "inputs", novalidate: true },
    fields.map((field) => field.element),
    h("button", { type: "submit", class: "primary" }, "Run"),
    may(session, "runner") ? null : h("span", { class: "hint" }, ` Your role (${session.role}) cannot start runs.`),
    status);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const values = {};
    for (const field of fields) {
      const value = field.read();
      if (value instanceof Error) {
        replace(status, notice("error", value.message));
        field.focus();
        return;
      }
      if (value !== undefined) values[field.name] = value;
    }
    replace(status, notice("info", "Starting…"));
    try {
      const started = await post(`/v1/crews/${enc(crew.name)}/runs`, { inputs: values });
      location.hash = `#/runs/${enc(started.id)}`;
    } catch (error) {
      const text = error instanceof ApiError && error.status === 403
        ? `Forbidden (403): your role (${session.role}) may not start runs. Ask an admin for a runner token.`
        : `${error.message}`;
      replace(status, notice("error", text));
    }
  });
  return h("section", { "aria-labelledby": "inputs-h" }, h("h2", { id: "inputs-h" }, "Start a run"),
    inputs.length ? null : h("p", {}, "This crew takes no inputs."), form);
}

function inputField(input) {
  const id = `input-${input.name}`;
  const hasDefault = input.default !== undefined && input.default !== null;
  let control;
  if (input.type === "boolean") {
    control = h("input", { id, type: "checkbox", checked: input.default === true });
  } else if (input.type === "integer" || input.type === "number") {
    control = h("input", { id, type: "number", step: input.type === "integer" ? 1 : "any",
      value: hasDefault ? input.default : null, required: input.required });
  } else {
    const long = hasDefault && String(input.default).length > 60;
    control = h(long ? "textarea" : "input", { id, type: long ? null : "text", rows: long ? 3 : null,
      required: input.required });
    if (hasDefault) control.value = String(input.default);
  }
  const describe = input.description ? h("span", { class: "help", id: `${id}-help` }, input.description) : null;
  if (describe) control.setAttribute("aria-describedby", `${id}-help`);
  const element = h("div", { class: "field" },
    h("label", { for: id }, input.name, input.required ? " (required)" : "", h("span", { class: "type" }, input.type)),
    control, describe);
  const read = () => {
    if (input.type === "boolean") return control.checked;
    const text = control.value.trim();
    if (!text) return input.required ? new Error(`\`${input.name}\` is required.`) : undefined;
    if (input.type === "integer") {
      return /^-?\d+$/.test(text) ? Number(text) : new Error(`\`${input.name}\` must be a whole number.`);
    }
    if (input.type === "number") {
      return Number.isFinite(Number(text)) ? Number(text) : new Error(`\`${input.name}\` must be a number.`);
    }
    return control.value;
  };
  return { name: input.name, element, read, focus: () => control.focus() };
}

function resources(plan) {
  const agents = Object.entries(plan.agents || {}).map(([name, agent]) => [
    name, agent.role || "", agent.model || "", (agent.tools || []).join(", ") || "–",
    (agent.knowledge || []).join(", ") || "–",
  ]);
  const models = Object.entries(plan.models || {}).map(([name, model]) => [
    name, model.provider || "", model.model || "", model.temperature ?? "–",
  ]);
  const tools = Object.entries(plan.tools || {}).map(([name, tool]) => [name, tool.type || "", tool.description || ""]);
  const knowledge = Object.entries(plan.knowledge || {}).map(([name, base]) => [
    name, base.description || "", fmt.count((base.files || []).length),
  ]);
  return [
    h("section", { "aria-labelledby": "res-h" }, h("h2", { id: "res-h" }, "Agents, models, tools and knowledge"),
      table("Agents", ["Agent", "Role", "Model", "Tools", "Knowledge"], agents),
      table("Models", ["Model", "Provider", "Name", "Temperature"], models),
      table("Tools", ["Tool", "Type", "Description"], tools),
      table("Knowledge bases", ["Knowledge", "Description", "Files"], knowledge, { numeric: [2] })),
  ];
}
