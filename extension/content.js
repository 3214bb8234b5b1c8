// Lifeguard monitoring: the part that runs in each page. It reads what the
// pupil types into text fields (never a password field, never a field
// marked for card numbers or one-time codes) and the query of a search
// results page, and hands them to the service worker, which checks the
// school's excluded sites, queues and sends. It reads nothing until the
// service worker says this site is monitored.
"use strict";

(() => {
  const IDLE_MS = 1500;     // a field is sent once the pupil stops typing this long
  const MAX_TEXT = 5000;    // the server's limit of one capture
  const lastSent = new WeakMap();
  const timers = new WeakMap();

  // Search results pages: the query parameter of the common engines, and
  // any page whose path says "search" with q= or query=.
  function searchQuery(u) {
    const p = u.searchParams;
    const host = u.hostname;
    if (host.endsWith("youtube.com")) return p.get("search_query");
    if (host.includes("yahoo.")) return p.get("p");
    if (/(^|\.)(google|bing|duckduckgo|ecosia|kiddle)\./.test(host) || /search/i.test(u.pathname)) {
      return p.get("q") || p.get("query");
    }
    return null;
  }

  // never says whether a field must never be read.
  function never(el) {
    if (el instanceof HTMLInputElement) {
      const type = (el.getAttribute("type") || "text").toLowerCase();
      if (!["text", "search", "email", "url", ""].includes(type)) return true; // password, hidden, number, tel…
      const ac = (el.getAttribute("autocomplete") || "").toLowerCase();
      if (ac.includes("password") || ac.startsWith("cc-") || ac.includes("one-time-code")) return true;
      return false;
    }
    return !(el instanceof HTMLTextAreaElement || el.isContentEditable);
  }

  function textOf(el) {
    if (el instanceof HTMLInputElement || el instanceof HTMLTextAreaElement) return el.value;
    return el.innerText || "";
  }

  function send(el) {
    clearTimeout(timers.get(el));
    if (never(el)) return;
    let text = textOf(el).trim();
    if (!text || text === lastSent.get(el)) return;
    lastSent.set(el, text);
    if (text.length > MAX_TEXT) text = text.slice(-MAX_TEXT);
    chrome.runtime.sendMessage({type: "capture", kind: "typed", url: location.href, text});
  }

  function target(e) {
    let el = e.target;
    if (el && !(el instanceof HTMLInputElement || el instanceof HTMLTextAreaElement)) {
      while (el && el !== document.body && !el.isContentEditable) el = el.parentElement;
      if (!el || el === document.body) return null;
      // The editable root, so that one document is one capture.
      while (el.parentElement && el.parentElement.isContentEditable) el = el.parentElement;
    }
    return el;
  }

  function start() {
    document.addEventListener("input", (e) => {
      const el = target(e);
      if (!el || never(el)) return;
      clearTimeout(timers.get(el));
      timers.set(el, setTimeout(() => send(el), IDLE_MS));
    }, true);
    document.addEventListener("change", (e) => { const el = target(e); if (el) send(el); }, true);
    document.addEventListener("focusout", (e) => { const el = target(e); if (el) send(el); }, true);
    document.addEventListener("keydown", (e) => {
      if (e.key === "Enter") { const el = target(e); if (el) send(el); }
    }, true);
    document.addEventListener("submit", (e) => {
      for (const el of e.target.querySelectorAll("input, textarea")) send(el);
    }, true);
    const q = searchQuery(new URL(location.href));
    if (q && q.trim() && window === window.top) {
      chrome.runtime.sendMessage({type: "capture", kind: "search", url: location.href, text: q.trim().slice(0, MAX_TEXT)});
    }
  }

  chrome.runtime.sendMessage({type: "monitored", url: location.href}, (answer) => {
    if (chrome.runtime.lastError) return;
    if (answer && answer.monitored) start();
  });
})();
