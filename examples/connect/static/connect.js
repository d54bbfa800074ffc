// Lists the events Flinks Connect posts to this page
// (https://docs.flinks.com/guides/connect/flinks-connect/use-event-listener),
// accepting messages only from the iframe, at the origin it was given.
// A real app sends the loginId of the REDIRECT event to its server.
// The script runs before the iframe exists, so that no event is missed;
// events that come before the list is parsed wait for it.
"use strict";
const pending = [];

function show(step) {
  const list = document.getElementById("connect-events");
  if (!list) {
    pending.push(step);
    return;
  }
  const item = document.createElement("li");
  item.dataset.step = step;
  item.textContent = step;
  list.append(item);
}

addEventListener("DOMContentLoaded", () => pending.splice(0).forEach(show));

addEventListener("message", (e) => {
  const frame = document.getElementById("flinks-connect");
  if (!frame || e.source !== frame.contentWindow || e.origin !== frame.dataset.origin) {
    return;
  }
  let data = e.data;
  if (typeof data === "string") { // stringify=true
    try { data = JSON.parse(data); } catch { return; }
  }
  if (!data || typeof data.step !== "string") {
    return;
  }
  show(data.step);
});

// The back/forward cache keeps pages that say Cache-Control: no-store
// (Chromium does); such a page shows an iframe whose token is spent, so
// fetch the page again, with a fresh token.
addEventListener("pageshow", (e) => {
  if (e.persisted) {
    location.reload();
  }
});
