// Server-sent change events (GET /api/events, "event: change", data {kind, action, id, country_iso3}):
// one EventSource for the whole app, reopened with a growing delay when the connection is closed.

const listeners = new Set();
let source = null;
let retryMs = 1000;

function connect() {
  source = new EventSource("/api/events");
  source.addEventListener("open", () => {
    retryMs = 1000;
  });
  source.addEventListener("change", (event) => {
    let change;
    try {
      change = JSON.parse(event.data);
    } catch {
      return;
    }
    for (const listener of [...listeners]) listener(change);
  });
  source.addEventListener("error", () => {
    // the browser retries by itself while the state is CONNECTING; a CLOSED source is reopened here
    if (source.readyState === EventSource.CLOSED) {
      source = null;
      setTimeout(connect, retryMs);
      retryMs = Math.min(retryMs * 2, 30000);
    }
  });
}

// Call listener(change) for each change event; returns the function that unsubscribes it.
export function subscribe(listener) {
  if (!source) connect();
  listeners.add(listener);
  return () => listeners.delete(listener);
}
