// Analytics: KPI cards, charts over days, per-crew and per-model tables for a date range, and CSV export, all from
// the API's analytics reports.

import { get, query } from "./api.js";
import { h, link, table, fmt, replace } from "./dom.js";
import { bars, line } from "./charts.js";

const DAY = 86400000;
const isoDay = (date) => date.toISOString().slice(0, 10);

export async function analyticsPage(main, params) {
  const today = new Date();
  const until = params.get("until") || isoDay(today);
  const since = params.get("since") || isoDay(new Date(today.getTime() - 29 * DAY));
  const range = { since: `${since}T00:00:00Z`, until: `${until}T23:59:59.999Z` };
  const [summary, crews, models] = await Promise.all(
    ["summary", "crews", "models"].map((report) => get(`/v1/analytics/${report}` + query(range))));
  const overall = summary.overall;
  // Every day of the range (up to a year), so quiet days show as zero rather than vanish.
  const byDay = new Map(summary.days.map((d) => [d.day, d]));
  let dayList = [];
  for (let t = Date.parse(range.since); t <= Date.parse(range.until) && dayList.length <= 366; t += DAY) {
    dayList.push(isoDay(new Date(t)));
  }
  if (dayList.length > 366) dayList = summary.days.map((d) => d.day);
  const empty = { runs: 0, succeeded: 0, failed: 0, p95_ms: null, input_tokens: 0, output_tokens: 0, cost_usd: 0 };
  const daily = dayList.map((day) => byDay.get(day) || empty);
  const days = dayList;

  const form = h("form", { class: "filters" },
    h("div", { class: "field" }, h("label", { for: "since" }, "From"),
      h("input", { id: "since", name: "since", type: "date", value: since })),
    h("div", { class: "field" }, h("label", { for: "until" }, "To"),
      h("input", { id: "until", name: "until", type: "date", value: until })),
    h("button", { type: "submit" }, "Apply"),
    [7, 30, 90].map((n) => link("#/analytics" + query({
      since: isoDay(new Date(today.getTime() - (n - 1) * DAY)), until: isoDay(today) }), `Last ${n} days`)));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    location.hash = "#/analytics" + query(Object.fromEntries(new FormData(form).entries()));
  });

  const card = (label, value, id) => h("div", { class: "kpi" },
    h("div", { class: "kpi-label", id: `${id}-label` }, label),
    h("div", { class: "kpi-value", id, "aria-labelledby": `${id}-label ${id}` }, value));
  const rows = (groups, key) => groups.map((group) => [
    group[key], fmt.count(group.overall.runs), fmt.percent(group.overall.success_rate),
    fmt.duration(group.overall.p50_ms), fmt.duration(group.overall.p95_ms),
    fmt.count(group.overall.input_tokens + group.overall.output_tokens), fmt.cost(group.overall.cost_usd),
  ]);
  const headers = (first, count) => [first, count, "Success", "p50", "p95", "Tokens", "Cost"];
  const csv = (report) => link(`/v1/analytics/${report}` + query({ ...range, format: "csv" }),
    `${report}.csv`, { download: `crew-${report}-${since}-${until}.csv` });

  replace(main,
    h("h1", { tabindex: -1 }, "Analytics"), form,
    h("section", { "aria-label": "Key figures", class: "kpis" },
      card("Runs", fmt.count(overall.runs), "kpi-runs"),
      card("Success rate", fmt.percent(overall.success_rate), "kpi-success"),
      card("p95 duration", fmt.duration(overall.p95_ms), "kpi-p95"),
      card("Tokens", fmt.count(overall.input_tokens + overall.output_tokens), "kpi-tokens"),
      card("Cost", fmt.cost(overall.cost_usd), "kpi-cost")),
    h("section", { "aria-labelledby": "time-h", class: "charts" }, h("h2", { id: "time-h" }, "Over time"),
      bars("Runs per day", days, [
        { name: "succeeded", class: "s-succeeded", values: daily.map((d) => d.succeeded) },
        { name: "failed", class: "s-failed", values: daily.map((d) => d.failed) },
        { name: "other", class: "s-pending", values: daily.map((d) => d.runs - d.succeeded - d.failed) }]),
      line("p95 run duration per day", days, daily.map((d) => d.p95_ms), fmt.duration),
      bars("Tokens per day", days, [{ name: "tokens", class: "s-running",
        values: daily.map((d) => d.input_tokens + d.output_tokens) }]),
      bars("Cost per day", days, [{ name: "USD", class: "s-running", values: daily.map((d) => d.cost_usd || 0) }],
        fmt.axisCost)),
    h("section", { "aria-labelledby": "crew-h" }, h("h2", { id: "crew-h" }, "Per crew"),
      h("div", { class: "charts" }, bars("Runs per crew", crews.crews.map((c) => c.crew), [
        { name: "succeeded", class: "s-succeeded", values: crews.crews.map((c) => c.overall.succeeded) },
        { name: "failed", class: "s-failed", values: crews.crews.map((c) => c.overall.failed) }])),
      table("Per crew", headers("Crew", "Runs"), rows(crews.crews, "crew"), { numeric: [1, 2, 3, 4, 5, 6] })),
    h("section", { "aria-labelledby": "model-h" }, h("h2", { id: "model-h" }, "Per model"),
      h("div", { class: "charts" }, bars("Task executions per model", models.models.map((m) => m.model), [
        { name: "succeeded", class: "s-succeeded", values: models.models.map((m) => m.overall.succeeded) },
        { name: "failed", class: "s-failed", values: models.models.map((m) => m.overall.failed) }]),
      bars("Tokens per model", models.models.map((m) => m.model), [{ name: "tokens", class: "s-running",
        values: models.models.map((m) => m.overall.input_tokens + m.overall.output_tokens) }])),
      table("Per model (task executions)", headers("Model", "Tasks"), rows(models.models, "model"),
        { numeric: [1, 2, 3, 4, 5, 6] })),
    h("section", { "aria-labelledby": "csv-h" }, h("h2", { id: "csv-h" }, "Export"),
      h("p", {}, "CSV for this range: ", csv("summary"), " · ", csv("crews"), " · ", csv("models"), " · ",
        csv("tasks"))));
}
