// The API client: JSON requests with the sign-in token (kept in sessionStorage, sent as Bearer), errors
// turned into Error objects that carry the API's message, code and details, and file downloads.

import { language } from "./i18n.js";

const TOKEN_KEY = "permille.token";

export function token() {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function setToken(value) {
  if (value) sessionStorage.setItem(TOKEN_KEY, value);
  else sessionStorage.removeItem(TOKEN_KEY);
}

// "/practices?q=x" → "/api/practices?q=x"; a path that already starts with /api/ is kept.
export function apiUrl(path) {
  return path.startsWith("/api/") ? path : `/api${path.startsWith("/") ? "" : "/"}${path}`;
}

function authHeaders() {
  const value = token();
  const headers = { "Accept-Language": language() }; // the API answers its messages in the page's language
  return value ? { ...headers, Authorization: `Bearer ${value}` } : headers;
}

async function failure(response) {
  let message = `${response.status} ${response.statusText}`;
  let code = "http_error";
  let details = [];
  try {
    const body = await response.json();
    if (body && body.error) {
      message = body.error.message || message;
      code = body.error.code || code;
      details = body.error.details || [];
    }
  } catch {
    // not a JSON error body: keep the HTTP status as the message
  }
  const error = new Error(message);
  Object.assign(error, { status: response.status, code, details });
  return error;
}

// api(path, {method, body, form}) → the parsed JSON (text for a non-JSON answer); throws on an error status.
// body is sent as JSON; form (a FormData or a plain object) is sent as multipart form data.
export async function api(path, { method, body, form } = {}) {
  const init = { method: method || (body || form ? "POST" : "GET"), headers: authHeaders() };
  if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  } else if (form !== undefined) {
    init.body = form instanceof FormData ? form : toFormData(form);
  }
  const response = await fetch(apiUrl(path), init);
  if (!response.ok) throw await failure(response);
  if (response.status === 204) return null;
  const type = response.headers.get("Content-Type") || "";
  return type.includes("json") ? response.json() : response.text();
}

function toFormData(object) {
  const data = new FormData();
  for (const [key, value] of Object.entries(object)) {
    if (value !== undefined && value !== null) data.append(key, value);
  }
  return data;
}

function filenameOf(response, url) {
  const disposition = response.headers.get("Content-Disposition") || "";
  const match = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(disposition);
  if (match) return decodeURIComponent(match[1]);
  return new URL(url, location.href).pathname.split("/").filter(Boolean).pop() || "download";
}

export function saveBlob(filename, blob) {
  const href = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = href;
  link.download = filename;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(href), 1000);
}

// Fetch a URL of the API with the sign-in token and save what it answers as a file.
export async function downloadUrl(url) {
  const response = await fetch(apiUrl(url), { headers: authHeaders() });
  if (!response.ok) throw await failure(response);
  saveBlob(filenameOf(response, url), await response.blob());
}
