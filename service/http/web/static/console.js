/* Mufakat console: every step form is sent through a queue kept in IndexedDB.
 *
 * A tap records the step in the queue first (with its idempotency key and the
 * moment it happened), then the queue is sent in order. When the connection is
 * lost the steps wait on this device, the page says how many, and they are sent
 * when it returns. A step the server refuses is shown and kept in a list until
 * the facilitator has read it: never dropped. The same key is sent again until
 * the server answers, so a step is recorded once however often it is retried.
 */
(function () {
  "use strict";

  var DB_NAME = "mufakat-console";
  var QUEUE = "queue";
  var REFUSED = "refused";
  var NAMING = "statement_names_a_participant";
  var RETRY_MS = 3000;
  var CACHE = "mufakat-console-v1"; // the service worker's cache (sw.js)
  var dbPromise = null;
  var flushing = false;
  var offline = false;
  var signedOut = false;

  function newKey() {
    if (window.crypto && crypto.randomUUID) {
      return crypto.randomUUID();
    }
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return b.toString(16).padStart(2, "0"); }).join("");
  }

  function openDb() {
    if (!dbPromise) {
      dbPromise = new Promise(function (resolve, reject) {
        var request = indexedDB.open(DB_NAME, 1);
        request.onupgradeneeded = function () {
          var db = request.result;
          var queue = db.createObjectStore(QUEUE, { keyPath: "seq", autoIncrement: true });
          queue.createIndex("key", "key", { unique: true });
          db.createObjectStore(REFUSED, { keyPath: "seq", autoIncrement: true });
        };
        request.onsuccess = function () { resolve(request.result); };
        request.onerror = function () { reject(request.error); };
      });
    }
    return dbPromise;
  }

  function tx(store, mode, work) {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var transaction = db.transaction(store, mode);
        var result = work(transaction.objectStore(store));
        transaction.oncomplete = function () { resolve(result && "result" in result ? result.result : result); };
        transaction.onerror = function () { reject(transaction.error); };
        transaction.onabort = function () { reject(transaction.error); };
      });
    });
  }

  function all(store) { return tx(store, "readonly", function (s) { return s.getAll(); }); }

  function csrf() {
    var meta = document.querySelector('meta[name="mufakat-csrf"]');
    return meta ? meta.content : "";
  }

  // --- what the page shows ---------------------------------------------------------------

  function status(confirmation) {
    var element = document.getElementById("queue-status");
    if (!element) { return Promise.resolve(); }
    return all(QUEUE).then(function (waiting) {
      var text = waiting.length === 0 && confirmation ? confirmation : "";
      element.classList.toggle("ok", Boolean(text));
      if (waiting.length === 1) {
        text = element.dataset.waitingOne;
      } else if (waiting.length > 1) {
        text = element.dataset.waitingMany.replace("{n}", String(waiting.length));
      }
      if (offline && waiting.length) {
        text = element.dataset.offline + " " + text;
      } else if (signedOut && waiting.length) {
        text = element.dataset.signedOut + " " + text;
      }
      element.textContent = text;
      element.dataset.waiting = String(waiting.length);
    });
  }

  function showRefused() {
    var section = document.getElementById("refused");
    var list = document.getElementById("refused-list");
    if (!section || !list) { return Promise.resolve(); }
    return all(REFUSED).then(function (refused) {
      list.textContent = "";
      refused.forEach(function (entry) {
        var item = document.createElement("li");
        var what = document.createElement("strong");
        what.textContent = entry.label;
        item.appendChild(what);
        item.appendChild(document.createTextNode(": " + entry.message));
        list.appendChild(item);
      });
      section.hidden = refused.length === 0;
    });
  }

  function refusalNextTo(formId, message) {
    var slot = document.getElementById(formId + "-refusal");
    if (slot) { slot.textContent = message; }
  }

  // A text refused for naming a participant comes back into its form, its fields marked, with the box that
  // says the name may be shown in public: the facilitator leaves the name out, or ticks the box, and sends again.
  function offerNamesArePublic(entry, fields) {
    var form = document.getElementById(entry.formId);
    if (!form) { return; }
    new URLSearchParams(entry.body).forEach(function (value, name) {
      var field = form.elements[name];
      var typed = field && (field.tagName === "TEXTAREA" || field.tagName === "SELECT" ||
        (field.tagName === "INPUT" && ["text", "number", "date", "url"].indexOf(field.type) >= 0));
      if (typed) { field.value = value; }
    });
    fields.forEach(function (name) {
      var field = form.elements[name];
      if (field && field.setAttribute) { field.setAttribute("aria-invalid", "true"); }
    });
    var offer = document.getElementById(entry.formId + "-names-public");
    if (offer) { offer.hidden = false; }
  }

  function describe(form, submitter) {
    var who = form.querySelector(".who");
    var section = form.closest("section");
    var heading = section ? section.querySelector("h2") : null;
    var parts = [];
    if (heading) { parts.push(heading.textContent.trim()); }
    if (who) { parts.push(who.textContent.trim()); }
    if (submitter && submitter.textContent.trim()) { parts.push(submitter.textContent.trim()); }
    return parts.join(" · ");
  }

  // --- recording a tap ------------------------------------------------------------------------

  var VOLATILE = ["csrf_token", "idempotency_key", "occurred_at", "tz_offset"];

  function requestText(data) {
    var copy = new URLSearchParams();
    data.forEach(function (value, name) {
      if (VOLATILE.indexOf(name) < 0) { copy.append(name, value); }
    });
    return copy.toString();
  }

  function onSubmit(event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.dataset.step) { return; }
    event.preventDefault();
    var submitter = event.submitter || null;
    var data = new FormData(form, submitter);
    var asked = requestText(data);
    // Same request, same key (a double tap records once); another request from this form, a new key.
    if (form.dataset.lastRequest && form.dataset.lastRequest !== asked) {
      form.elements.idempotency_key.value = newKey();
    }
    form.dataset.lastRequest = asked;
    var key = form.elements.idempotency_key.value;
    data.set("idempotency_key", key);
    var typed = data.get("occurred_at");
    var entry = {
      key: key,
      url: form.action,
      body: new URLSearchParams(data).toString(),
      typed: Boolean(typed),
      occurred_at: typed ? String(typed) : new Date().toISOString(),
      label: describe(form, submitter),
      formId: form.id,
      waited: offline
    };
    refusalNextTo(form.id, "");
    markTapped(form, submitter);
    tx(QUEUE, "readwrite", function (store) {
      var lookup = store.index("key").getKey(key);
      lookup.onsuccess = function () {
        if (lookup.result === undefined) { store.add(entry); }
      };
    }).then(function () { return status(); }).then(flush);
  }

  function markTapped(form, submitter) {
    if (form.classList.contains("tap-row")) {
      form.querySelectorAll("button[aria-pressed]").forEach(function (button) {
        button.setAttribute("aria-pressed", button === submitter ? "true" : "false");
      });
    } else if (!form.classList.contains("attendance")) {
      // A written step is in the queue: clear the form for the next one (and give it a new key).
      form.reset();
      form.elements.idempotency_key.value = newKey();
      delete form.dataset.lastRequest;
      var first = form.querySelector("[data-focus-after]");
      if (first) { first.focus(); }
    }
  }

  // --- sending the queue, in order -------------------------------------------------------------

  function oldest() {
    return all(QUEUE).then(function (entries) { return entries[0] || null; }); // in order of recording
  }

  function markWaiting() {
    // Every step still queued now waits for the connection: it will be sent with the moment it happened.
    return tx(QUEUE, "readwrite", function (store) {
      var cursor = store.openCursor();
      cursor.onsuccess = function () {
        var found = cursor.result;
        if (found) {
          found.value.waited = true;
          found.update(found.value);
          found.continue();
        }
      };
    });
  }

  function remove(store, seq) { return tx(store, "readwrite", function (s) { s.delete(seq); }); }

  function renewCsrf() {
    return fetch("/console/luring", { credentials: "same-origin", cache: "no-store" })
      .then(function (response) { return response.text(); })
      .then(function (html) {
        var meta = new DOMParser().parseFromString(html, "text/html").querySelector('meta[name="mufakat-csrf"]');
        var mine = document.querySelector('meta[name="mufakat-csrf"]');
        if (meta && mine) { mine.content = meta.content; }
      });
  }

  function send(entry) {
    var body = new URLSearchParams(entry.body);
    if (entry.waited || entry.typed) {
      // Sent later than it happened: the moment of the tap (or the one typed in) goes with it.
      body.set("occurred_at", entry.occurred_at);
    }
    body.set("csrf_token", csrf() || body.get("csrf_token") || "");
    return fetch(entry.url, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "Accept": "application/json", "X-CSRFToken": csrf() }
    });
  }

  function flush() {
    if (flushing) { return Promise.resolve(); }
    flushing = true;
    var recorded = [];
    function next() {
      return oldest().then(function (entry) {
        if (!entry) { return null; }
        return send(entry).then(function (response) {
          offline = false;
          signedOut = response.status === 401;
          if (response.status >= 500 || signedOut) {
            return null; // the server is in trouble or the session ended: keep the step, try again later
          }
          return response.json().then(function (answer) {
            if (answer.ok) {
              recorded.push({ entry: entry, answer: answer });
              return remove(QUEUE, entry.seq).then(next);
            }
            if (answer.code === "csrf" && !entry.csrfRenewed) {
              // Signed in again meanwhile: the session has a new CSRF token; fetch it and send the step again.
              entry.csrfRenewed = true;
              return tx(QUEUE, "readwrite", function (s) { s.put(entry); }).then(renewCsrf).then(next);
            }
            refusalNextTo(entry.formId, answer.message);
            if (answer.code === NAMING && !entry.waited) { offerNamesArePublic(entry, answer.fields || []); }
            if (!entry.waited && document.getElementById(entry.formId)) {
              // Refused at once: the reason stands next to the control that was tapped.
              return remove(QUEUE, entry.seq).then(next);
            }
            // Refused after waiting: the page may have changed since, so it is kept in a list until read.
            var refused = { label: entry.label, message: answer.message, code: answer.code, at: entry.occurred_at };
            return tx(REFUSED, "readwrite", function (s) { s.add(refused); })
              .then(function () { return remove(QUEUE, entry.seq); })
              .then(showRefused)
              .then(next);
          }, function () { return null; });
        }, function () {
          offline = true;
          return markWaiting().then(function () { return null; });
        });
      });
    }
    return next().then(function () {
      flushing = false;
      var said = recorded.length ? recorded[recorded.length - 1].answer.message : "";
      return status(said).then(function () { return afterRecorded(recorded); });
    }, function () { flushing = false; });
  }

  function afterRecorded(recorded) {
    if (!recorded.length) { return null; }
    return all(QUEUE).then(function (waiting) {
      if (waiting.length) { return null; }
      var last = recorded[recorded.length - 1];
      var target = new URL(last.answer.location || window.location.href, window.location.href);
      if (target.pathname !== window.location.pathname) {
        window.location.assign(target.href);
        return null;
      }
      return refresh(last.entry.formId);
    });
  }

  // The control that had the focus, found again in the fresh page (a keyboard user stays where they were).
  function focusKey(element) {
    if (!element || element === document.body) { return null; }
    var form = element.form || element.closest("form");
    return { id: element.id, formId: form ? form.id : "", name: element.name || "", value: element.value || "" };
  }

  function focusAgain(key) {
    if (!key) { return null; }
    if (key.id) { return document.getElementById(key.id); }
    var form = key.formId ? document.getElementById(key.formId) : null;
    if (!form) { return null; }
    var match = Array.prototype.find.call(form.elements, function (element) {
      return element.name === key.name && element.value === key.value;
    });
    return match || form.querySelector("button, input, select, textarea");
  }

  function refresh(formId) {
    return fetch(window.location.href, { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (!html) { return; }
        var page = new DOMParser().parseFromString(html, "text/html");
        var fresh = page.querySelector("main");
        var main = document.querySelector("main");
        if (!fresh || !main) { return; }
        var keep = focusKey(document.activeElement);
        main.innerHTML = fresh.innerHTML;
        var meta = page.querySelector('meta[name="mufakat-csrf"]');
        if (meta) { document.querySelector('meta[name="mufakat-csrf"]').content = meta.content; }
        quorum();
        var form = formId ? document.getElementById(formId) : null;
        var focus = (form && form.querySelector("[data-focus-after]")) || focusAgain(keep);
        if (focus) { focus.focus(); }
        document.dispatchEvent(new CustomEvent("mufakat:refreshed"));
      }, function () { /* offline again: the page stays as it is */ });
  }

  // --- the live quorum of the attendance list ---------------------------------------------------

  function quorum() {
    document.querySelectorAll("fieldset[data-quorum]").forEach(function (fieldset) {
      var output = fieldset.closest("form").querySelector("output.quorum-live");
      function update() {
        var present = fieldset.querySelectorAll("input[type=checkbox]:checked").length;
        var needed = Number(fieldset.dataset.quorum);
        output.textContent = output.dataset.template
          .replace("{present}", String(present))
          .replace("{invited}", fieldset.dataset.invited)
          .replace("{needed}", String(needed)) + " · " + (present >= needed ? output.dataset.met : output.dataset.notMet);
        output.className = "quorum-live " + (present >= needed ? "met" : "not-met");
      }
      fieldset.addEventListener("change", update);
      update();
    });
  }

  function start() {
    document.addEventListener("submit", onSubmit);
    window.addEventListener("online", function () { offline = false; flush(); });
    window.addEventListener("offline", function () { offline = true; status(); });
    var clear = document.getElementById("refused-clear");
    if (clear) {
      clear.addEventListener("click", function () {
        tx(REFUSED, "readwrite", function (s) { s.clear(); }).then(showRefused);
      });
    }
    var signOut = document.querySelector("form[action$='/console/keluar']");
    if (signOut && window.caches) {
      signOut.addEventListener("submit", function () { caches.delete(CACHE); });
    }
    quorum();
    status().then(showRefused).then(flush);
    setInterval(function () {
      var element = document.getElementById("queue-status");
      if (element && element.dataset.waiting && element.dataset.waiting !== "0") { flush(); }
    }, RETRY_MS);
    if ("serviceWorker" in navigator) {
      navigator.serviceWorker.register("/console/sw.js", { scope: "/console/" }).catch(function () {});
      // The page opened before the worker took over is kept too, so that it opens again without a connection.
      navigator.serviceWorker.ready.then(function () {
        if (!window.caches) { return null; }
        // The admin's pages and the sign-in pages show secrets and personal data: never kept on the device.
        if (/^\/console\/(admin|masuk)(\/|$)/.test(window.location.pathname)) { return null; }
        return caches.open(CACHE).then(function (cache) {
          // Usually the worker kept this page as it passed; the first page opened came before the worker.
          return cache.match(window.location.href).then(function (hit) {
            return hit || cache.add(window.location.href);
          });
        });
      }).then(function () { document.documentElement.dataset.offlineReady = "true"; }, function () {});
    }
  }

  start();
})();
