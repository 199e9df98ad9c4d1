// The one HTTP client of the page: same-origin requests carrying the session cookie, JSON in and out, and the API's
// error shape turned into an ApiError with its status, code and message.

export class ApiError extends Error {
  constructor(status, code, message, details) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

export async function request(path, { method = "GET", json, text, headers = {}, raw = false } = {}) {
  const init = { method, headers: { ...headers }, credentials: "same-origin" };
  if (json !== undefined) {
    init.body = JSON.stringify(json);
    init.headers["Content-Type"] = "application/json";
  } else if (text !== undefined) {
    init.body = text;
    init.headers["Content-Type"] = "application/yaml";
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch {
    throw new ApiError(0, "network", "The server cannot be reached. Is `crew serve` running?");
  }
  if (!response.ok) {
    let body = null;
    try { body = await response.json(); } catch { /* not JSON */ }
    const error = body && body.error ? body.error : {};
    if (response.status === 401 && !path.startsWith("/v1/session")) {
      window.dispatchEvent(new CustomEvent("crew:signed-out"));
    }
    throw new ApiError(response.status, error.code || "http",
      error.message || `${response.status} ${response.statusText}`, error.details);
  }
  if (raw) return response;
  if (response.status === 204) return null;
  return response.json();
}

export const get = (path) => request(path);
export const post = (path, json) => request(path, { method: "POST", json: json === undefined ? {} : json });

export function query(params) {
  const pairs = Object.entries(params).filter(([, value]) => value !== undefined && value !== null && value !== "");
  return pairs.length ? "?" + new URLSearchParams(pairs).toString() : "";
}

/// "What the role may do", to show only the buttons that work; the server checks every call anyway.
export const roles = { viewer: 0, runner: 1, admin: 2 };
export const may = (session, role) => session && roles[session.role] >= roles[role];
