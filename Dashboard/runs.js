// Runs: the filtered list, the live run (its graph coloured over SSE, each task's activity and output, cancel and
// resume by role), and one task with the exact messages sent and its output as sanitised Markdown.

import { get, post, query, may } from "./api.js";
import { h, link, badge, table, notice, fmt, replace, throttled } from "./dom.js";
import { Dag } from "./dag.js";
import { markdown } from "./markdown.js";

const enc = encodeURIComponent;
const STATUSES = ["queued", "running", "succeeded", "failed", "interrupted"];
const KINDS = ["run_started", "task_started", "knowledge_hits", "request", "response", "retry", "tool_call",
  "tool_result", "delegation_started", "delegation_finished", "review", "task_finished", "task_failed",
  "task_skipped", "task_reused", "task_cached", "run_finished"];

export async function runsPage(main, params) {
  const filter = {
    crew: params.get("crew") || "", status: params.get("status") || "", since: params.get("since") || "",
    until: params.get("until") || "", cursor: params.get("cursor") || "",
  };
  const [{ crews }, page] = await Promise.all([get("/v1/crews"), get("/v1/runs" + query({
    crew: filter.crew, status: filter.status, limit: 25, cursor: filter.cursor,
    since: filter.since ? `${filter.since}T00:00:00Z` : "", until: filter.until ? `${filter.until}T23:59:59Z` : "",
  }))]);
  const names = [...new Set(crews.map((crew) => crew.crew || crew.name))].sort();
  const select = (id, label, value, options) => h("div", { class: "field" }, h("label", { for: id }, label),
    h("select", { id, name: id }, h("option", { value: "" }, "any"),
      options.map((option) => h("option", { value: option, selected: option === value }, option))));
  const date = (id, label, value) => h("div", { class: "field" }, h("label", { for: id }, label),
    h("input", { id, name: id, type: "date", value }));
  const form = h("form", { class: "filters" },
    select("crew", "Crew", filter.crew, names), select("status", "Status", filter.status, STATUSES),
    date("since", "From", filter.since), date("until", "To", filter.until),
    h("button", { type: "submit" }, "Filter"));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const data = Object.fromEntries(new FormData(form).entries());
    location.hash = "#/runs" + query(data);
  });
  const rows = page.runs.map((run) => [
    link(`#/runs/${enc(run.id)}`, run.id), run.crew, badge(run.status), fmt.time(run.started_at),
    fmt.duration(run.duration_ms),
    run.totals ? fmt.count(run.totals.input_tokens + run.totals.output_tokens) : "–",
    run.totals ? fmt.cost(run.totals.cost_usd) : "–",
  ]);
  const base = { crew: filter.crew, status: filter.status, since: filter.since, until: filter.until };
  replace(main,
    h("h1", { tabindex: -1 }, "Runs"), form,
    table("Runs, newest first", ["Run", "Crew", "Status", "Started", "Duration", "Tokens", "Cost"], rows,
      { numeric: [4, 5, 6] }),
    h("nav", { class: "pager", "aria-label": "Pages of runs" },
      filter.cursor ? link("#/runs" + query(base), "First page") : null,
      page.next_cursor ? link("#/runs" + query({ ...base, cursor: page.next_cursor }), "Older runs") : null));
}

/// The live view of one run. Returns a function that closes its event stream.
export async function runPage(main, id, session) {
  let run = await get(`/v1/runs/${enc(id)}?include=graph`);
  const dag = run.graph
    ? new Dag(run.graph, { href: (task) => `#/runs/${enc(id)}/tasks/${enc(task)}`, label: `Tasks of run ${id}` })
    : null;
  const header = h("div", { class: "run-header" });
  const cards = new Map();
  const log = h("ol", { class: "log", "aria-label": "Events" });
  const taskList = h("div", { class: "tasks" });
  const live = h("p", { class: "visually-hidden", "aria-live": "polite" });

  const drawHeader = () => {
    const totals = run.totals || {};
    const buttons = [];
    if (may(session, "runner") && (run.status === "running" || run.status === "queued") && run.active !== false) {
      buttons.push(h("button", { type: "button", onclick: () => act("cancel") }, "Cancel run"));
    }
    if (may(session, "runner") && (run.status === "failed" || run.status === "interrupted")) {
      buttons.push(h("button", { type: "button", onclick: () => act("resume") }, "Resume run"));
    }
    replace(header,
      h("h1", { tabindex: -1 }, `Run ${run.id} `, badge(run.status), run.crashed ? " (the server crashed)" : ""),
      h("dl", { class: "facts" },
        fact("Crew", run.crew), fact("Started", fmt.time(run.started_at)),
        fact("Duration", fmt.duration(run.duration_ms)),
        fact("Tokens", fmt.count((totals.input_tokens || 0) + (totals.output_tokens || 0))),
        fact("Cost", fmt.cost(totals.cost_usd))),
      h("p", { class: "actions" }, buttons, h("span", { id: "action-status", "aria-live": "polite" })));
  };
  const act = async (action) => {
    const status = header.querySelector("#action-status");
    try {
      await post(`/v1/runs/${enc(id)}/${action}`);
      replace(status, notice("info", action === "cancel" ? "Cancelling…" : "Resumed."));
      if (action === "resume") setTimeout(() => window.dispatchEvent(new HashChangeEvent("hashchange")), 300);
    } catch (error) {
      replace(status, notice("error", error.message));
    }
  };

  const card = (name) => {
    if (!cards.has(name)) {
      const element = h("details", { class: "task", id: `task-${name}` });
      element.addEventListener("toggle", () => {
        const entry = cards.get(name);
        if (element.open && entry.output === undefined && entry.result && entry.result.status === "succeeded") {
          loadOutput(name, true);
        }
      });
      cards.set(name, { element, activity: [], summary: null, result: null });
      taskList.append(element);
    }
    return cards.get(name);
  };
  const drawCard = (name) => {
    const entry = card(name);
    const state = dag ? dag.state(name) : "pending";
    const result = entry.result || {};
    replace(entry.element,
      h("summary", {}, h("span", { class: "task-name" }, name), " ", badge(state),
        result.latency_ms !== undefined ? ` ${fmt.duration(result.latency_ms)}` : "",
        result.input_tokens !== undefined ? ` · ${fmt.count(result.input_tokens + result.output_tokens)} tokens` : "",
        result.cost_usd !== undefined ? ` · ${fmt.cost(result.cost_usd)}` : ""),
      link(`#/runs/${enc(id)}/tasks/${enc(name)}`, "Messages and details"),
      entry.activity.length ? h("ul", { class: "activity" }, entry.activity.map((text) => h("li", {}, text))) : null,
      result.error ? notice("error", result.error) : null,
      entry.output !== undefined ? h("div", { class: "output markdown" }, markdown(entry.output))
        : entry.live ? h("div", { class: "output streaming", "aria-busy": "true" }, markdown(entry.live)) : null);
    if (eager && entry.live && entry.output === undefined && state === "running") entry.element.open = true;
  };
  // A big run loads a task's output when its card is opened, not all at once.
  const eager = (run.tasks || []).length <= 30;
  const loadOutput = async (name, force = false) => {
    if (!eager && !force && !card(name).element.open) return;
    try {
      const detail = await get(`/v1/runs/${enc(id)}/tasks/${enc(name)}`);
      card(name).output = detail.output;
      card(name).result = detail.result || card(name).result;
      drawCard(name);
    } catch { /* shown on the task page */ }
  };

  for (const task of run.tasks || []) {
    const state = task.status || "pending";
    if (dag) dag.setState(task.name, state);
    card(task.name).result = task.status === "pending" ? null : task;
    drawCard(task.name);
    if (task.status === "succeeded") loadOutput(task.name);
  }
  drawHeader();
  replace(main, header, live,
    dag ? h("section", { "aria-labelledby": "dag-h" }, h("h2", { id: "dag-h" }, "Graph"), dag.element) : null,
    h("section", { "aria-labelledby": "tasks-h" }, h("h2", { id: "tasks-h" }, "Tasks"), taskList),
    h("section", { "aria-labelledby": "log-h" }, h("h2", { id: "log-h" }, "Events"), log));

  const onEvent = (event) => {
    let data;
    try { data = JSON.parse(event.data); } catch { return; }
    log.append(h("li", {}, h("time", {}, fmt.time(data.ts)), ` ${data.type}`, data.task ? ` ${data.task}` : "",
      data.tool ? ` ${data.tool}` : "", data.error && typeof data.error === "string" ? `: ${data.error}` : ""));
    // The page keeps the latest events; all of them are on the task pages and in `crew logs`.
    while (log.childElementCount > 500) log.firstElementChild.remove();
    const task = data.task;
    const states = { task_started: "running", task_finished: "succeeded", task_failed: "failed",
      task_skipped: "skipped", task_reused: "succeeded" };
    if (task && states[data.type] && dag) dag.setState(task, states[data.type]);
    if (task) {
      const entry = card(task);
      const activity = describe(data);
      if (activity) entry.activity.push(activity);
      if (data.type === "task_finished" || data.type === "task_failed") {
        entry.result = { ...data, status: states[data.type] };
        if (data.type === "task_finished") loadOutput(task);
      }
      drawCard(task);
      if (states[data.type]) live.textContent = `${task}: ${states[data.type]}`;
    }
    if (data.type === "run_finished") {
      // A resumed run's record holds an earlier attempt's end too: the stream goes on while the run is active.
      get(`/v1/runs/${enc(id)}`).then((fresh) => {
        run = fresh;
        drawHeader();
        if (!run.active && run.status !== "queued") source.close();
      }, () => {});
      live.textContent = `Run ${data.status}`;
    }
  };
  // What a model is writing now: `offset` is where the piece goes in the answer (0 starts a new answer). Drawn at
  // most once a frame per task, however fast the pieces come.
  const pendingDraws = new Set();
  const drawLive = throttled(() => {
    for (const task of pendingDraws) drawCard(task);
    pendingDraws.clear();
  });
  const onOutput = (event) => {
    let data;
    try { data = JSON.parse(event.data); } catch { return; }
    const entry = card(data.task);
    if (entry.output !== undefined) return;
    entry.live = (entry.live || "").slice(0, data.offset) + data.text;
    pendingDraws.add(data.task);
    drawLive();
  };
  const source = new EventSource(`/v1/runs/${enc(id)}/events`);
  for (const kind of KINDS) source.addEventListener(kind, onEvent);
  source.addEventListener("output", onOutput);
  source.addEventListener("error", () => {
    // The server ends the stream of a run that is over; refresh what is shown instead of reconnecting forever.
    if (source.readyState === EventSource.CLOSED) return;
    get(`/v1/runs/${enc(id)}`).then((fresh) => {
      run = fresh;
      drawHeader();
      if (!run.active && run.status !== "queued") source.close();
    }, () => source.close());
  });
  return () => source.close();
}

/// One line of a task's activity, for the events that say what it did.
function describe(event) {
  const clip = (text, n) => (text.length > n ? text.slice(0, n - 1) + "…" : text);
  switch (event.type) {
    case "tool_call": return `tool call: ${event.tool}(${clip(String(event.arguments ?? ""), 120)})`;
    case "tool_result": return `tool result: ${event.tool}${event.error ? " (error)" : ""}`;
    case "knowledge_hits": {
      const hits = Array.isArray(event.hits) ? event.hits : [];
      const sources = [...new Set(hits.map((hit) => hit.source))].join(", ");
      return `knowledge ${event.knowledge}: ${hits.length} passages for “${clip(String(event.query ?? ""), 80)}”` +
        (sources ? ` from ${sources}` : "");
    }
    case "response": return `answer${event.agent ? ` from ${event.agent}` : ""}: ${fmt.count(event.input_tokens)} + ` +
      `${fmt.count(event.output_tokens)} tokens in ${fmt.duration(event.latency_ms)}` +
      (event.tool_calls ? `, asking for ${event.tool_calls} tool call${event.tool_calls === 1 ? "" : "s"}` : "") +
      (event.finish_reason ? ` (${event.finish_reason})` : "");
    case "retry": return `retry ${event.attempt ?? ""}: ${event.error || event.reason || ""}`;
    case "delegation_started": return `asked ${event.agent}`;
    case "review": return `review: ${event.decision ?? ""}`;
    case "task_cached": return `answered from the task cache: ${fmt.count((event.saved_input_tokens ?? 0) +
      (event.saved_output_tokens ?? 0))} tokens saved` + (event.from_run ? ` (stored by run ${event.from_run})` : "");
    default: return null;
  }
}

function fact(name, value) {
  return h("div", {}, h("dt", {}, name), h("dd", {}, value));
}

export async function taskPage(main, id, name) {
  const task = await get(`/v1/runs/${enc(id)}/tasks/${enc(name)}`);
  const result = task.result || {};
  const messages = Array.isArray(task.messages) ? task.messages : [];
  replace(main,
    h("p", {}, link(`#/runs/${enc(id)}`, `← Run ${id}`)),
    h("h1", { tabindex: -1 }, `Task ${name} `, badge(result.status || "pending")),
    h("dl", { class: "facts" },
      fact("Duration", fmt.duration(result.latency_ms)), fact("Requests", fmt.count(result.requests)),
      fact("Input tokens", fmt.count(result.input_tokens)), fact("Output tokens", fmt.count(result.output_tokens)),
      fact("Cost", fmt.cost(result.cost_usd)), fact("Tool calls", fmt.count(result.tool_calls))),
    result.error ? notice("error", result.error) : null,
    h("section", { "aria-labelledby": "out-h" }, h("h2", { id: "out-h" }, "Output"),
      task.output === undefined ? h("p", {}, "No output yet.")
        : h("div", { class: "output markdown" }, markdown(task.output))),
    h("section", { "aria-labelledby": "msg-h" }, h("h2", { id: "msg-h" }, "Messages sent"),
      messages.length ? h("ol", { class: "messages" }, messages.map((message) => h("li", {},
        h("div", { class: "role" }, message.role || ""),
        h("pre", {}, typeof message.content === "string" ? message.content : JSON.stringify(message.content, null, 2)),
        message.tool_calls ? h("pre", {}, JSON.stringify(message.tool_calls, null, 2)) : null)))
        : h("p", {}, "No messages recorded.")),
    h("section", { "aria-labelledby": "tools-h" }, h("h2", { id: "tools-h" }, "Tool calls and knowledge"),
      eventList([...(task.tool_calls || []), ...(task.knowledge_hits || [])])),
    h("section", { "aria-labelledby": "ev-h" }, h("h2", { id: "ev-h" }, "Events"), eventList(task.events || [])));
}

function eventList(events) {
  if (!events.length) return h("p", {}, "None.");
  return h("ol", { class: "log" }, events.map((event) => {
    const { ts, type, task, ...rest } = event;
    return h("li", {}, h("time", {}, fmt.time(ts)), ` ${type} `, h("code", {}, JSON.stringify(rest)));
  }));
}
