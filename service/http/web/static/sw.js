/* Mufakat console service worker: the console's pages and files from the network when it answers,
 * from this device's cache when it does not. Steps (POST) are never touched here: the page queues them. */
"use strict";
var CACHE = "mufakat-console-v1";
var SHELL = ["/console/luring", "/web-static/web.css", "/web-static/console.js", "/web-static/icon.svg"];

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CACHE).then(function (cache) { return cache.addAll(SHELL); }).then(function () {
    return self.skipWaiting();
  }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) { return name !== CACHE; }).map(function (name) {
      return caches.delete(name);
    }));
  }).then(function () { return self.clients.claim(); }));
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") { return; }
  var url = new URL(request.url);
  if (url.origin !== self.location.origin || url.pathname === "/console/sw.js") { return; }
  if (url.pathname.indexOf("/console") !== 0 && url.pathname.indexOf("/web-static/") !== 0) { return; }
  // A sealed berita acara (with names) is read from the server each time, never kept on the device.
  if (/\.pdf$/.test(url.pathname)) { return; }
  // The admin's pages (tokens, sign-in links, personal data) and the sign-in pages are never kept on the device.
  if (/^\/console\/(admin|masuk)(\/|$)/.test(url.pathname)) { return; }
  event.respondWith(fetch(request).then(function (response) {
    if (response.ok && response.type === "basic" && !response.redirected) {
      var copy = response.clone();
      event.waitUntil(caches.open(CACHE).then(function (cache) { return cache.put(request, copy); }));
    }
    return response;
  }).catch(function () {
    return caches.match(request, { ignoreVary: true }).then(function (hit) {
      if (hit) { return hit; }
      return request.mode === "navigate" ? caches.match("/console/luring") : Response.error();
    });
  }));
});
