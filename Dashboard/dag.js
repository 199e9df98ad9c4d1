// The planned task graph as SVG: one column per wave (tasks that may run together), the critical path drawn bold,
// and each task coloured by its state. A wave wider than `limit` shows its first tasks, every task on the critical
// path, and one "+N more" node that opens the wave: a 2,000-task crew draws a few dozen nodes until asked for more.

import { svg, h, throttled } from "./dom.js";

const NODE_W = 168, NODE_H = 30, GAP_X = 56, GAP_Y = 10, PAD = 12;
const MARK = { pending: "○", queued: "○", running: "●", succeeded: "✓", failed: "✗", skipped: "–", reused: "↺",
  interrupted: "!" };

const plural = (n, word) => `${n} ${word}${n === 1 ? "" : "s"}`;

export class Dag {
  /// graph: {waves, critical_path, edges}; href(task) gives a link for a node, or null.
  constructor(graph, { limit = 12, href = null, label = "Task graph" } = {}) {
    this.graph = graph;
    this.limit = limit;
    this.href = href;
    this.states = new Map();
    this.open = new Set();
    this.critical = new Set(graph.critical_path || []);
    this.element = h("figure", { class: "dag" });
    this.label = label;
    this.redraw = throttled(() => this.draw());
    this.draw();
  }

  setState(task, state) {
    if (this.states.get(task) === state) return;
    this.states.set(task, state);
    const node = this.nodes && this.nodes.get(task);
    if (node) {
      node.setAttribute("class", this.nodeClass(task));
      node.querySelector("title").textContent = this.title(task);
      node.querySelector(".mark").textContent = MARK[state] || "○";
      if (node.parentNode && node.parentNode.localName === "a") node.parentNode.setAttribute("aria-label", this.title(task));
    } else {
      this.redraw();
    }
  }

  state(task) { return this.states.get(task) || "pending"; }

  nodeClass(task) {
    return `node s-${this.state(task)}${this.critical.has(task) ? " critical" : ""}`;
  }

  title(task) {
    return `${task}: ${this.state(task)}${this.critical.has(task) ? " (critical path)" : ""}`;
  }

  /// Which tasks of each wave are drawn, and how many are folded into its "+N more" node.
  shown() {
    return this.graph.waves.map((wave, index) => {
      if (wave.length <= this.limit || this.open.has(index)) return { tasks: wave, hidden: [] };
      const tasks = [], hidden = [];
      for (const task of wave) {
        (tasks.length < this.limit || this.critical.has(task) ? tasks : hidden).push(task);
      }
      return { tasks, hidden };
    });
  }

  draw() {
    const columns = this.shown();
    const position = new Map();
    let height = 0;
    columns.forEach((column, wave) => {
      const x = PAD + wave * (NODE_W + GAP_X);
      column.tasks.forEach((task, row) => position.set(task, { x, y: PAD + row * (NODE_H + GAP_Y) }));
      const rows = column.tasks.length + (column.hidden.length ? 1 : 0);
      column.more = { x, y: PAD + column.tasks.length * (NODE_H + GAP_Y) };
      height = Math.max(height, PAD * 2 + rows * (NODE_H + GAP_Y));
    });
    const fold = new Map();
    for (const column of columns) for (const task of column.hidden) fold.set(task, column.more);
    const where = (task) => position.get(task) || fold.get(task);
    const width = PAD * 2 + columns.length * (NODE_W + GAP_X) - GAP_X;

    // Edges as two paths (ordinary and critical), each folded edge drawn once.
    let plain = "", bold = "";
    const drawn = new Set();
    for (const [from, to] of this.graph.edges || []) {
      const a = where(from), b = where(to);
      if (!a || !b) continue;
      const key = `${a.x},${a.y}>${b.x},${b.y}`;
      if (drawn.has(key)) continue;
      drawn.add(key);
      const x1 = a.x + NODE_W, y1 = a.y + NODE_H / 2, x2 = b.x, y2 = b.y + NODE_H / 2, mid = (x1 + x2) / 2;
      const d = `M${x1},${y1}C${mid},${y1} ${mid},${y2} ${x2},${y2}`;
      if (this.critical.has(from) && this.critical.has(to)) bold += d; else plain += d;
    }

    this.nodes = new Map();
    const nodes = [];
    for (const [task, at] of position) {
      const label = task.length > 20 ? task.slice(0, 19) + "…" : task;
      const group = svg("g", { class: this.nodeClass(task), transform: `translate(${at.x},${at.y})` },
        svg("title", {}, this.title(task)),
        svg("rect", { width: NODE_W, height: NODE_H, rx: 6 }),
        svg("text", { x: 10, y: 20, class: "mark", "aria-hidden": "true" }, MARK[this.state(task)] || "○"),
        svg("text", { x: 26, y: 20 }, label));
      const href = this.href && this.href(task);
      const node = href ? svg("a", { href, "aria-label": this.title(task) }, group) : group;
      this.nodes.set(task, group);
      nodes.push(node);
    }
    columns.forEach((column, wave) => {
      if (!column.hidden.length) return;
      const counts = {};
      for (const task of column.hidden) counts[this.state(task)] = (counts[this.state(task)] || 0) + 1;
      const detail = Object.entries(counts).map(([state, n]) => `${n} ${state}`).join(", ");
      const text = `+${column.hidden.length} more (${detail})`;
      const open = () => { this.open.add(wave); this.draw(); };
      nodes.push(svg("g", {
        class: "node more", role: "button", tabindex: 0, transform: `translate(${column.more.x},${column.more.y})`,
        "aria-label": `Show all ${column.tasks.length + column.hidden.length} tasks of wave ${wave + 1}: ${detail}`,
        onclick: open, onkeydown: (event) => {
          if (event.key === "Enter" || event.key === " ") { event.preventDefault(); open(); }
        },
      }, svg("title", {}, text), svg("rect", { width: NODE_W, height: NODE_H, rx: 6 }),
      svg("text", { x: 10, y: 20 }, text.length > 26 ? `+${column.hidden.length} more` : text)));
    });

    const total = this.graph.waves.reduce((sum, wave) => sum + wave.length, 0);
    const picture = svg("svg", {
      width, height, viewBox: `0 0 ${width} ${height}`, role: "group",
      "aria-label": `${this.label}: ${total} tasks in ${columns.length} waves; critical path ${
        (this.graph.critical_path || []).join(" → ")}`,
    },
    svg("path", { d: plain, class: "edge" }),
    svg("path", { d: bold, class: "edge critical" }),
    nodes);
    const legend = h("figcaption", {},
      `${plural(total, "task")} · ${plural(columns.length, "wave")} · critical path: ${
        plural((this.graph.critical_path || []).length, "task")}`,
      h("span", { class: "legend" }, ["pending", "running", "succeeded", "failed", "skipped"].map((state) =>
        h("span", { class: `key s-${state}` }, `${MARK[state]} ${state}`))));
    // The scroll box takes focus so a keyboard can scroll a graph wider or taller than the page.
    const box = h("div", { class: "dag-scroll", tabindex: 0, role: "region", "aria-label": `${this.label}, scrollable` },
      picture);
    this.element.replaceChildren(box, legend);
  }
}
