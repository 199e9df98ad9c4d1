// Builds the page from data without ever parsing markup: every string becomes a text node or an attribute value,
// so model output, crew text and file names cannot add elements or run scripts.

const SVG = "http://www.w3.org/2000/svg";

function build(element, attrs, children) {
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "text") element.textContent = String(value);
    else if (key.startsWith("on") && typeof value === "function") element.addEventListener(key.slice(2), value);
    else element.setAttribute(key, value === true ? "" : String(value));
  }
  append(element, children);
  return element;
}

export function append(element, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return element;
}

export const h = (tag, attrs, ...children) => build(document.createElement(tag), attrs, children);
export const svg = (tag, attrs, ...children) => build(document.createElementNS(SVG, tag), attrs, children);

export function replace(element, ...children) {
  element.replaceChildren();
  return append(element, children);
}

export const link = (href, text, attrs = {}) => h("a", { href, ...attrs }, text);

export function badge(status) {
  return h("span", { class: `badge s-${status}` }, status);
}

export function table(caption, headers, rows, { numeric = [] } = {}) {
  return h("table", {},
    h("caption", {}, caption),
    h("thead", {}, h("tr", {}, headers.map((name, i) =>
      h("th", { scope: "col", class: numeric.includes(i) ? "num" : null }, name)))),
    h("tbody", {}, rows.length === 0
      ? h("tr", {}, h("td", { colspan: headers.length, class: "empty" }, "Nothing yet."))
      : rows.map((row) => h("tr", {}, row.map((cell, i) =>
        h("td", { class: numeric.includes(i) ? "num" : null }, cell))))));
}

export function notice(kind, text) {
  return h("p", { class: `notice ${kind}`, role: kind === "error" ? "alert" : "status" }, text);
}

export const fmt = {
  duration(ms) {
    if (ms === null || ms === undefined) return "–";
    if (ms < 1000) return `${ms} ms`;
    if (ms < 60000) return `${(ms / 1000).toFixed(1)} s`;
    const minutes = Math.floor(ms / 60000);
    return `${minutes} min ${Math.round((ms % 60000) / 1000)} s`;
  },
  percent(rate) {
    return rate === null || rate === undefined ? "–" : `${(rate * 100).toFixed(1)}%`;
  },
  count(n) {
    return n === null || n === undefined ? "–" : Number(n).toLocaleString("en-US");
  },
  cost(usd) {
    if (usd === null || usd === undefined) return "–";
    return usd < 0.01 ? `$${usd.toFixed(6)}` : `$${usd.toFixed(2)}`;
  },
  axisCost(usd) {
    if (!usd) return "$0";
    return usd < 0.01 ? `$${usd.toPrecision(2)}` : `$${usd.toFixed(2)}`;
  },
  time(iso) {
    if (!iso) return "–";
    return iso.replace("T", " ").replace(/\.\d+Z$/, "Z");
  },
};

/// Repeats `work` at most once per animation frame, however often it is asked for.
export function throttled(work) {
  let pending = false;
  return () => {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      work();
    });
  };
}
