// The dashboard's shell: sign-in, navigation and the router. Pages live at `#/...` so the server serves one page;
// each page is a module that reads the public API and builds its DOM from data.

import { request, get, ApiError } from "./api.js";
import { h, link, notice, replace } from "./dom.js";
import { crewsPage, crewPage } from "./crews.js";
import { runsPage, runPage, taskPage } from "./runs.js";
import { analyticsPage } from "./analytics.js";
import { editorPage } from "./editor.js";

const main = document.getElementById("main");
const account = document.getElementById("account");
let session = null;
let leave = null;

const routes = [
  [/^\/signin$/, () => signInPage(), "Sign in"],
  [/^\/(crews)?$/, () => crewsPage(main), "Crews"],
  [/^\/crews\/([^/]+)$/, (m) => crewPage(main, m[1], session), "Crew"],
  [/^\/crews\/([^/]+)\/edit$/, (m) => editorPage(main, m[1], session), "Editor"],
  [/^\/runs$/, (m, params) => runsPage(main, params), "Runs"],
  [/^\/runs\/([^/]+)$/, (m) => runPage(main, m[1], session), "Run"],
  [/^\/runs\/([^/]+)\/tasks\/([^/]+)$/, (m) => taskPage(main, m[1], m[2]), "Task"],
  [/^\/analytics$/, (m, params) => analyticsPage(main, params), "Analytics"],
];

async function route() {
  if (leave) { leave(); leave = null; }
  const hash = location.hash.replace(/^#/, "") || "/";
  const [path, search] = hash.split("?");
  if (!session && path !== "/signin") {
    try {
      session = await get("/v1/session");
    } catch {
      location.replace("#/signin");
      return;
    }
    drawAccount();
  }
  const params = new URLSearchParams(search || "");
  for (const [pattern, page, title] of routes) {
    const match = path.match(pattern);
    if (!match) continue;
    const decoded = match.map((part) => { try { return decodeURIComponent(part); } catch { return part; } });
    document.title = `${title} · crew`;
    markNavigation(path);
    replace(main, h("p", { class: "loading", role: "status" }, "Loading…"));
    try {
      const result = await page(decoded, params);
      if (typeof result === "function") leave = result;
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) return;
      replace(main, h("h1", { tabindex: -1 }, "Something went wrong"), notice("error", error.message));
    }
    const heading = main.querySelector("h1");
    if (heading) heading.focus({ preventScroll: true });
    return;
  }
  replace(main, h("h1", { tabindex: -1 }, "Not found"), h("p", {}, "No page here. ", link("#/crews", "See the crews")));
}

function markNavigation(path) {
  for (const anchor of document.querySelectorAll("header nav a")) {
    const section = anchor.getAttribute("href").slice(1);
    const current = path === section || path.startsWith(section + "/") || (section === "/crews" && path === "/");
    if (current) anchor.setAttribute("aria-current", "page"); else anchor.removeAttribute("aria-current");
  }
}

function drawAccount() {
  if (!session) { replace(account); return; }
  replace(account, h("span", {}, `${session.actor} (${session.role})`), " ",
    h("button", { type: "button", onclick: signOut }, "Sign out"));
}

async function signOut() {
  try { await request("/v1/session", { method: "DELETE" }); } catch { /* the cookie is gone either way */ }
  session = null;
  drawAccount();
  location.hash = "#/signin";
}

function signInPage() {
  const input = h("input", { id: "token", name: "token", type: "password", autocomplete: "off", required: true,
    "aria-describedby": "token-help" });
  const status = h("div", { "aria-live": "polite" });
  const form = h("form", { class: "signin" },
    h("div", { class: "field" }, h("label", { for: "token" }, "API token"), input,
      h("span", { class: "help", id: "token-help" },
        "A token from `crew token create`, or a JWT. It is kept in an HttpOnly cookie, never in the page or a URL.")),
    h("button", { type: "submit", class: "primary" }, "Sign in"), status);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      session = await request("/v1/session", { method: "POST", json: { token: input.value.trim() } });
      input.value = "";
      drawAccount();
      location.hash = "#/crews";
    } catch (error) {
      replace(status, notice("error", error.status === 401 ? "That token is not valid." : error.message));
      input.focus();
    }
  });
  replace(main, h("h1", { tabindex: -1 }, "Sign in"), form);
}

window.addEventListener("crew:signed-out", () => {
  session = null;
  drawAccount();
  location.hash = "#/signin";
});
// The skip link moves focus without touching the hash, which is the page's address.
document.querySelector(".skip").addEventListener("click", (event) => {
  event.preventDefault();
  main.focus();
});
window.addEventListener("hashchange", route);
route();
