// Service worker of the field client (scope /field/). Made by field.views.service_worker.
// Static files: cache first. The shell: network first, the cached copy when there is no network.
// The API is never cached: the day's data lives in IndexedDB, the outbox is sent live.
"use strict";
const VERSION = "{{ version }}";
const CACHE = "valiza-field-" + VERSION;
const SHELL = "/field/";
const ASSETS = {{ assets_json|safe }};
// No fetch waits for ever: a stalled line must not hold the install, nor the app's opening.
const NETWORK_WAIT_MS = 30000;

async function fetchWithin(request, options) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), NETWORK_WAIT_MS);
  try {
    return await fetch(request, Object.assign({}, options, {signal: controller.signal}));
  } finally {
    clearTimeout(timer);
  }
}

async function cacheShell(cache) {
  // Only a real shell: a redirect to the login page must never be kept as the app.
  try {
    const response = await fetchWithin(SHELL, {credentials: "same-origin", cache: "no-store"});
    if (response.ok && !response.redirected && response.type === "basic") {
      await cache.put(SHELL, response);
    }
  } catch (e) { /* offline while installing: the next visit online keeps it */ }
}

self.addEventListener("install", (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    // All or nothing, as cache.addAll, but each with a deadline.
    const responses = await Promise.all(ASSETS.map(async (url) => {
      const response = await fetchWithin(url, {cache: "no-cache"});
      if (!response.ok) { throw new Error(url + ": " + response.status); }
      return [url, response];
    }));
    await Promise.all(responses.map(([url, response]) => cache.put(url, response)));
    await cacheShell(cache);
    await self.skipWaiting();
  })());
});

// The page asks again when the shell could not be saved at install (the server did not answer then).
self.addEventListener("message", (event) => {
  if (event.data === "cache-shell") {
    event.waitUntil(caches.open(CACHE).then(cacheShell));
  }
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    const names = await caches.keys();
    const old = await caches.open(CACHE).then((c) => c.match(SHELL));
    for (const name of names) {
      if (name.startsWith("valiza-field-") && name !== CACHE) {
        // Keep the last shell if the new cache has none yet (installed while logged out).
        if (!old) {
          const previous = await caches.open(name).then((c) => c.match(SHELL));
          if (previous) { await caches.open(CACHE).then((c) => c.put(SHELL, previous)); }
        }
        await caches.delete(name);
      }
    }
    await self.clients.claim();
  })());
});

// A slow mobile line (or a server just restarting) must not keep the app from opening: after a few
// seconds the saved copy is shown, and the network's answer still refreshes the cache when it comes.
const SHELL_WAIT_MS = 4000;

async function shellFirstFromNetwork(request) {
  const cache = await caches.open(CACHE);
  const fromNetwork = fetchWithin(request).then((response) => {
    if (response.ok && !response.redirected && response.type === "basic") {
      cache.put(SHELL, response.clone());
    }
    return response;
  });
  fromNetwork.catch(() => { /* answered from the cache below */ });
  try {
    const cachedSoon = new Promise((resolve) => setTimeout(async () => resolve(await cache.match(SHELL)), SHELL_WAIT_MS));
    const first = await Promise.race([fromNetwork, cachedSoon.then((c) => c || fromNetwork)]);
    return first;
  } catch (e) {
    const cached = await cache.match(SHELL);
    if (cached) { return cached; }
    return new Response("<!doctype html><meta charset=utf-8><title>Валіза</title>" +
      "<p>Немає зв'язку, а програму виїзду ще не збережено на цьому комп'ютері. " +
      "Відкрийте цю сторінку один раз з інтернетом.</p>",
      {status: 503, headers: {"Content-Type": "text/html; charset=utf-8"}});
  }
}

async function staticFirstFromCache(request) {
  const cache = await caches.open(CACHE);
  const cached = await cache.match(request, {ignoreSearch: true});
  if (cached) { return cached; }
  const response = await fetchWithin(request);
  if (response.ok) { cache.put(request, response.clone()); }
  return response;
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") { return; }
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }
  if (url.pathname.startsWith("/api/")) { return; }  // always live, never cached
  if (url.pathname === SHELL || (request.mode === "navigate" && url.pathname === "/field/index.html")) {
    event.respondWith(shellFirstFromNetwork(request));
  } else if (ASSETS.includes(url.pathname)) {
    event.respondWith(staticFirstFromCache(request));
  }
});
