// Markdown for model output, rendered to DOM nodes (never to markup): headings, paragraphs, lists, quotes, fenced
// code, rules, and inline code, emphasis and links. A link keeps only an http(s) or mailto address; anything else,
// including raw HTML, stays text.

import { h } from "./dom.js";

/// Text shown at most; the rest is on the task's page (and in the run record) as it was written.
const SHOWN = 200000;
/// A paragraph longer than this is shown as plain text: every pattern below is bounded, and so is their cost.
const FORMATTED = 20000;

export function markdown(source, shown = SHOWN) {
  const text = String(source);
  const blocks = parse(text.length > shown ? text.slice(0, shown) : text);
  if (text.length > shown) {
    blocks.push(h("p", { class: "hint" }, `… ${(text.length - shown).toLocaleString("en-US")} more characters.`));
  }
  return blocks;
}

function parse(source) {
  const lines = source.replace(/\r\n?/g, "\n").split("\n");
  const blocks = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i];
    const fence = line.match(/^\s*(```|~~~)\s*([\w+-]*)/);
    if (fence) {
      const body = [];
      for (i++; i < lines.length && !lines[i].trim().startsWith(fence[1]); i++) body.push(lines[i]);
      i++;
      blocks.push(h("pre", {}, h("code", { "data-lang": fence[2] || null }, body.join("\n"))));
      continue;
    }
    const heading = line.match(/^(#{1,6})\s+(.*)$/);
    if (heading) {
      // Model headings sit below the page's own.
      blocks.push(h(`h${Math.min(6, heading[1].length + 2)}`, {}, inline(heading[2])));
      i++;
      continue;
    }
    if (/^\s*([-*_])(\s*\1){2,}\s*$/.test(line)) {
      blocks.push(h("hr"));
      i++;
      continue;
    }
    if (/^\s*>/.test(line)) {
      const body = [];
      for (; i < lines.length && /^\s*>/.test(lines[i]); i++) body.push(lines[i].replace(/^\s*>\s?/, ""));
      blocks.push(h("blockquote", {}, parse(body.join("\n"))));
      continue;
    }
    const item = /^\s*([-*+]|\d{1,9}[.)])\s+/;
    if (item.test(line)) {
      const ordered = /^\s*\d/.test(line);
      const items = [];
      for (; i < lines.length && (item.test(lines[i]) || (/^\s{2,}\S/.test(lines[i]) && items.length)); i++) {
        if (item.test(lines[i])) items.push(lines[i].replace(item, ""));
        else items[items.length - 1] += " " + lines[i].trim();
      }
      blocks.push(h(ordered ? "ol" : "ul", {}, items.map((text) => h("li", {}, inline(text)))));
      continue;
    }
    if (!line.trim()) {
      i++;
      continue;
    }
    const body = [];
    for (; i < lines.length && lines[i].trim() && !/^(#{1,6}\s|\s*(```|~~~|>))/.test(lines[i]) &&
      !item.test(lines[i]); i++) body.push(lines[i].trim());
    blocks.push(h("p", {}, inline(body.join(" "))));
  }
  return blocks;
}

// Underscores emphasise only at word edges, so `snake_case_names` stay as they are.
const INLINE = new RegExp([
  "(`{1,3})([^`]{0,500}?[^`])\\1(?!`)", "\\*\\*([^*]{1,2000})\\*\\*", "(?<!\\w)__([^_]{1,2000})__(?!\\w)",
  "\\*([^*\\s][^*]{0,2000})\\*", "(?<!\\w)_([^_\\s][^_]{0,2000})_(?!\\w)", "\\[([^\\]]{1,500})\\]\\(([^)\\s]{1,2000})\\)",
].join("|"), "g");

export function inline(text) {
  if (text.length > FORMATTED) return [text];
  const out = [];
  let last = 0;
  for (const match of text.matchAll(INLINE)) {
    if (match.index > last) out.push(text.slice(last, match.index));
    if (match[1]) out.push(h("code", {}, match[2].trim()));
    else if (match[3] || match[4]) out.push(h("strong", {}, inline(match[3] || match[4])));
    else if (match[5] || match[6]) out.push(h("em", {}, inline(match[5] || match[6])));
    else out.push(safeLink(match[7], match[8]));
    last = match.index + match[0].length;
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}

function safeLink(label, address) {
  let url = null;
  try { url = new URL(address); } catch { /* relative or malformed: text */ }
  if (!url || !["http:", "https:", "mailto:"].includes(url.protocol)) return `${label} (${address})`;
  return h("a", { href: url.href, rel: "noopener noreferrer nofollow", target: "_blank" }, inline(label));
}
