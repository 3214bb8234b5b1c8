// Lifeguard monitoring: the service worker. It keeps the queue of captures
// in the extension's storage (so that nothing is lost while the device is
// offline or the browser closes), reads the school's settings from its
// Lifeguard (the sites never monitored, the notice pupils see), and sends
// the queue to POST /api/v1/monitor/captures with the monitor's token.
// docs/monitor.md describes the whole and the policy that configures it.
"use strict";

const BATCH = 100;                  // the server's limit of one request
const MAX_QUEUE = 2000;             // beyond this the oldest are dropped
const SETTINGS_MAX_AGE = 5 * 60e3;  // settings are read again after this
const RETRY_MIN = 2e3, RETRY_MAX = 60e3;

// config is the school's policy (managed storage). A value in local
// storage under devConfig is read only when no policy gives a server and a
// token: for development and the project's tests, never in a school, where
// the policy is always set and wins.
async function config() {
  let managed = {};
  try {
    // Managed storage can take a while to answer while the browser loads
    // its policies (and, without any, may not answer soon at all): wait
    // briefly, then use what there is and read it again next time.
    managed = await Promise.race([chrome.storage.managed.get(null),
      new Promise((resolve) => setTimeout(() => resolve({}), 1000))]);
  } catch (e) {
    // No managed storage on this platform.
  }
  if (managed && managed.server_url && managed.token) return managed;
  const {devConfig} = await chrome.storage.local.get("devConfig");
  return devConfig || {};
}

// note keeps the last problem in the extension's storage, for whoever
// looks into a device that sends nothing; it never holds what was typed.
async function note(problem) {
  await chrome.storage.local.set({lastProblem: {at: new Date().toISOString(), problem}});
}

function api(c, path) {
  return new URL(path, c.server_url).toString();
}

// settingsNow returns the cached settings, reading them from the server
// when they are missing or old; null while they have never been read.
async function settingsNow(force) {
  const {settings} = await chrome.storage.local.get("settings");
  if (!force && settings && Date.now() - settings.fetchedAt < SETTINGS_MAX_AGE) return settings;
  const c = await config();
  if (!c.server_url || !c.token) return settings || null;
  try {
    const r = await fetch(api(c, "/api/v1/monitor/settings"), {headers: {Authorization: "Bearer " + c.token}});
    if (!r.ok) {
      await note("settings: HTTP " + r.status);
      return settings || null;
    }
    const s = await r.json();
    const fresh = {excludedSites: s.excluded_sites || [], notice: s.notice || "", fetchedAt: Date.now()};
    await chrome.storage.local.set({settings: fresh});
    return fresh;
  } catch (e) {
    await note("settings: " + e);
    return settings || null; // offline: the last settings read
  }
}

// excluded says whether host is one of the school's excluded sites or a
// subdomain of one.
function excluded(settings, host) {
  if (!settings) return false;
  host = host.toLowerCase();
  return settings.excludedSites.some((n) => host === n || host.endsWith("." + n));
}

function hostOf(url) {
  try {
    return new URL(url).hostname;
  } catch (e) {
    return "";
  }
}

// Changes to the queue go one after another, so that a capture added while
// a batch is being sent is not lost when the sent ones are removed.
let queueLock = Promise.resolve();
function withQueue(fn) {
  const run = queueLock.then(async () => {
    const {queue} = await chrome.storage.local.get("queue");
    const out = await fn(queue || []);
    if (out) await chrome.storage.local.set({queue: out});
  });
  queueLock = run.catch(() => {});
  return run;
}

async function enqueue(kind, url, text) {
  const c = await config();
  let u = url;
  if (u.length > 2000) {
    const p = new URL(url);
    u = p.origin + p.pathname.slice(0, 1500);
  }
  const item = {
    id: crypto.randomUUID(), time: new Date().toISOString(), kind, url: u,
    device: c.device || "unnamed device", user: c.user || "", text,
  };
  await withQueue((q) => {
    q.push(item);
    return q.length > MAX_QUEUE ? q.slice(q.length - MAX_QUEUE) : q;
  });
}

let flushing = false;
let retryDelay = RETRY_MIN;
let retryTimer = null;

function retryLater() {
  clearTimeout(retryTimer);
  retryTimer = setTimeout(flush, retryDelay);
  retryDelay = Math.min(retryDelay * 2, RETRY_MAX);
}

// flush sends the queue, oldest first. Settings are read first: a capture
// queued before they were known, on a site they exclude, is dropped
// unsent. A batch the server refuses for good (4xx other than 401, 403,
// 404, 429) is dropped so that it cannot block the rest; anything else
// keeps the queue for the next try.
async function flush() {
  if (flushing) return;
  flushing = true;
  try {
    const c = await config();
    if (!c.server_url || !c.token) return;
    const settings = await settingsNow(false);
    if (!settings) {
      retryLater();
      return;
    }
    await withQueue((q) => q.filter((x) => !excluded(settings, hostOf(x.url))));
    for (;;) {
      const {queue} = await chrome.storage.local.get("queue");
      if (!queue || queue.length === 0) break;
      const batch = queue.slice(0, BATCH);
      let r;
      try {
        r = await fetch(api(c, "/api/v1/monitor/captures"), {
          method: "POST",
          headers: {"Content-Type": "application/json", Authorization: "Bearer " + c.token},
          body: JSON.stringify({captures: batch}),
        });
      } catch (e) {
        retryLater();
        return;
      }
      const forGood = r.status >= 400 && r.status < 500 && ![401, 403, 404, 408, 429].includes(r.status);
      if (!r.ok && !forGood) {
        retryLater();
        return;
      }
      const sent = new Set(batch.map((x) => x.id));
      await withQueue((q) => q.filter((x) => !sent.has(x.id)));
    }
    retryDelay = RETRY_MIN;
  } finally {
    flushing = false;
  }
}

chrome.runtime.onMessage.addListener((msg, sender, reply) => {
  if (!msg || sender.id !== chrome.runtime.id) return false;
  (async () => {
    if (msg.type === "refresh") { // the notice page, opened: the latest settings
      const settings = await settingsNow(true);
      reply({notice: settings ? settings.notice : ""});
      flush();
      return;
    }
    const settings = await settingsNow(false);
    const host = hostOf(msg.url);
    if (msg.type === "monitored") {
      reply({monitored: host !== "" && !excluded(settings, host)});
      return;
    }
    if (msg.type === "capture" && host !== "" && !excluded(settings, host) &&
        (msg.kind === "typed" || msg.kind === "search") && typeof msg.text === "string" && msg.text.trim()) {
      await enqueue(msg.kind, msg.url, msg.text);
      reply({queued: true});
      flush();
      return;
    }
    reply({queued: false});
  })();
  return true; // the reply comes later
});

chrome.alarms.create("lifeguard-flush", {periodInMinutes: 1});
chrome.alarms.onAlarm.addListener((a) => {
  if (a.name === "lifeguard-flush") flush();
});

// The pupil is shown the school's notice when the extension is installed.
chrome.runtime.onInstalled.addListener(async () => {
  await settingsNow(true);
  chrome.tabs.create({url: chrome.runtime.getURL("notice.html")});
});
chrome.runtime.onStartup.addListener(() => flush());
chrome.storage.onChanged.addListener((changes, area) => {
  if (area === "managed" || changes.devConfig) settingsNow(true).then(flush);
});
