/* Mufakat console: every step form is sent through a queue kept in IndexedDB.
 *
 * A tap records the step in the queue first (with its idempotency key and the
 * moment it happened), then the queue is sent in order. When the connection is
 * lost the steps wait on this device, the page says how many, and they are sent
 * when it returns. A step the server refuses is shown and kept in a list until
 * the facilitator has read it: never dropped. The same key is sent again until
 * the server answers, so a step is recorded once however often it is retried.
 *
 * Nothing typed is lost: a refresh of the page after a recorded step keeps what
 * is being typed in every form; a refused step comes back into its form (or,
 * when that form holds the next step already, waits beside it to be put back or
 * dropped); a waiting step shows in the list it will join, "waiting to be sent".
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

  function said(name) {
    var words = document.getElementById("console-words");
    return (words && words.dataset[name]) || "";
  }

  function here(entry) {
    return entry.page === window.location.pathname ? document.getElementById(entry.formId) : null;
  }

  // Each waiting step in the list it will join (a contribution among the contributions), or beside its form.
  function showWaiting(waiting) {
    document.querySelectorAll(".pending, .pending-list").forEach(function (element) { element.remove(); });
    waiting.forEach(function (entry) {
      var form = here(entry);
      if (!form) { return; }
      var mark = document.createElement("strong");
      mark.className = "pending-mark";
      mark.textContent = said("pending");
      if (form.classList.contains("tap-row")) {
        var row = document.createElement("span");
        row.className = "pending";
        row.appendChild(document.createTextNode(" · "));
        row.appendChild(mark);
        (form.querySelector(".who") || form).appendChild(row);
        return;
      }
      var list = document.querySelector('[data-pending-for="' + entry.formId + '"]');
      var item;
      if (list && list.tagName === "TBODY") {
        item = document.createElement("tr");
        var cell = item.appendChild(document.createElement("td"));
        cell.colSpan = 3;
        item = { row: item, cell: cell };
      } else {
        if (!list) {
          list = document.createElement("ul");
          list.className = "pending-list";
          form.parentNode.insertBefore(list, form);
        }
        item = { row: document.createElement("li"), cell: null };
        item.cell = item.row;
      }
      item.row.classList.add("pending");
      item.cell.appendChild(document.createTextNode((entry.summary || entry.label) + " · "));
      item.cell.appendChild(mark);
      list.appendChild(item.row);
    });
  }

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
      showWaiting(waiting);
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
      showRefusedHere(refused);
    });
  }

  // A step refused after waiting stands on the item it concerns, with its reason: put back in its form, or dropped.
  function showRefusedHere(refused) {
    document.querySelectorAll(".refused-here").forEach(function (element) { element.remove(); });
    refused.forEach(function (entry) {
      var form = here(entry);
      if (!form) { return; }
      var box = document.createElement("div");
      box.className = "refused-here";
      var text = box.appendChild(document.createElement("p"));
      text.appendChild(document.createElement("strong")).textContent = said("refused");
      text.appendChild(document.createTextNode(" " + (entry.summary ? entry.summary + " — " : "") + entry.message));
      var buttons = box.appendChild(document.createElement("p"));
      buttons.className = "taps";
      if (!form.classList.contains("tap-row")) {
        var fix = buttons.appendChild(document.createElement("button"));
        fix.type = "button";
        fix.textContent = said("fix");
        fix.addEventListener("click", function () {
          putBack(form, entry, entry.fields || [], entry.code);
          tx(REFUSED, "readwrite", function (s) { s.delete(entry.seq); }).then(showRefused);
        });
      }
      var drop = buttons.appendChild(document.createElement("button"));
      drop.type = "button";
      drop.className = "secondary";
      drop.textContent = said("drop");
      drop.addEventListener("click", function () {
        tx(REFUSED, "readwrite", function (s) { s.delete(entry.seq); }).then(showRefused);
      });
      form.parentNode.insertBefore(box, form);
    });
  }

  function refusalNextTo(formId, message) {
    var slot = document.getElementById(formId + "-refusal");
    if (slot) { slot.textContent = message; }
  }

  // A refused step comes back into its form, the fields it was refused for marked (and named in its reason).
  // A text refused for naming a participant also gets the box that says the name may be shown in public: the
  // facilitator leaves the name out, or ticks the box, and sends again.
  function putBack(form, entry, fields, code) {
    var values = {};
    new URLSearchParams(entry.body).forEach(function (value, name) {
      (values[name] = values[name] || []).push(value);
    });
    Array.prototype.forEach.call(form.elements, function (field) {
      if (!field.name || field.type === "hidden" || field.tagName === "BUTTON" || field.type === "submit") { return; }
      var given = values[field.name] || [];
      if (field.type === "checkbox" || field.type === "radio") {
        field.checked = given.indexOf(field.value) >= 0;
      } else if (field.name === "occurred_at") {
        field.value = entry.typed ? String(entry.occurred_at).slice(0, 16) : "";
      } else {
        field.value = given.length ? given[0] : "";
      }
    });
    markInvalid(form, fields);
    if (code === NAMING) {
      var offer = document.getElementById(form.id + "-names-public");
      if (offer) { offer.hidden = false; }
    }
  }

  function fieldNamed(form, name) {
    var field = form.elements.namedItem(name);
    if (field && !field.tagName && field.length) { field = field[0]; } // a group of checkboxes
    if (field && name === "occurred_at" && form.classList.contains("tap-row")) {
      var round = form.closest(".round");
      field = (round && round.querySelector("[data-round-when]")) || field;
    }
    return field && field.tagName ? field : null;
  }

  // What a person reads as the field's name: its label (or the legend of its group), in the page's language.
  function labelOf(field) {
    var label = field.id ? document.querySelector('label[for="' + field.id + '"]') : null;
    var legend = field.closest("fieldset") ? field.closest("fieldset").querySelector("legend") : null;
    var text = label || legend;
    return text ? text.textContent.replace(/\s+/g, " ").trim() : "";
  }

  function markInvalid(form, names) {
    var first = null;
    names.forEach(function (name) {
      var field = fieldNamed(form, name);
      if (!field) { return; }
      field.setAttribute("aria-invalid", "true");
      var folded = field.closest("details");
      if (folded) { folded.open = true; }
      first = first || field;
    });
    if (first) { first.focus(); }
  }

  // The reason of a refusal, and the fields it concerns by the names their labels give them.
  function withFields(form, message, names) {
    if (!form || !names.length) { return message; }
    var labels = names.map(function (name) {
      var field = fieldNamed(form, name);
      return field ? labelOf(field) : "";
    }).filter(Boolean);
    return labels.length ? message + " " + said("field").replace("{fields}", labels.join(", ")) : message;
  }

  // The app's own messages instead of the browser's bubbles: every empty required field or bad value, named.
  function ownMessages() {
    document.querySelectorAll("form[data-step]").forEach(function (form) { form.noValidate = true; });
  }

  function refuseInvalid(form) {
    var invalid = Array.prototype.filter.call(form.elements, function (field) {
      return field.willValidate && !field.checkValidity();
    });
    if (!invalid.length) { return false; }
    var named = invalid.map(function (field) {
      return labelOf(field) + " (" + (field.validity.valueMissing ? said("missing") : said("invalid")) + ")";
    });
    refusalNextTo(form.id, said("check").replace("{fields}", named.join(", ")));
    invalid.forEach(function (field) { field.setAttribute("aria-invalid", "true"); });
    invalid[0].focus();
    return true;
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
    if (refuseInvalid(form)) { return; }
    var data = new FormData(form, submitter);
    if (form.classList.contains("tap-row")) {
      // The round's one "happened at", when it is filled in, dates every tap of the round.
      var round = form.closest(".round");
      var roundWhen = round ? round.querySelector("[data-round-when]") : null;
      if (roundWhen && roundWhen.value) { data.set("occurred_at", roundWhen.value); }
    }
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
      summary: summarize(form, submitter),
      page: window.location.pathname,
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

  // What the step says, as it will show in its list while it waits: who, which choice, the words typed.
  function summarize(form, submitter) {
    var parts = [];
    var who = form.querySelector(".who");
    if (who) { parts.push(who.textContent.trim()); }
    if (submitter && submitter.value) { parts.push(submitter.textContent.trim()); }
    Array.prototype.forEach.call(form.elements, function (field) {
      if (!field.name || field.type === "hidden" || VOLATILE.indexOf(field.name) >= 0) { return; }
      if (field.tagName === "SELECT" && field.value) {
        parts.push(field.options[field.selectedIndex].text.trim());
      } else if ((field.tagName === "TEXTAREA" || (field.tagName === "INPUT" &&
          ["text", "number", "date", "datetime-local"].indexOf(field.type) >= 0)) && field.value.trim()) {
        parts.push(field.value.trim());
      }
    });
    return parts.join(" · ").slice(0, 300);
  }

  function markTapped(form, submitter) {
    if (form.classList.contains("tap-row")) {
      var before = form.querySelector("button[aria-pressed=true]");
      form.dataset.pressedBefore = before ? before.value : "";
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
            var form = here(entry);
            var fields = answer.fields || [];
            // A text naming someone is named by the server already ("(teks)"); every other refusal by its labels.
            var message = answer.code === NAMING ? answer.message : withFields(form, answer.message, fields);
            if (!entry.waited && form && (form.classList.contains("tap-row") || !typedInto(form))) {
              // Refused at once: the reason stands next to the control that was tapped, and what was typed is back.
              refusalNextTo(entry.formId, message);
              if (form.classList.contains("tap-row")) { pressAgain(form); } else { putBack(form, entry, fields, answer.code); }
              return remove(QUEUE, entry.seq).then(next);
            }
            // Refused after waiting (the page may have changed since), or while its form holds the next step being
            // typed: kept beside its item and in a list until read, to be put back in the form or dropped.
            var refused = {
              label: entry.label, message: message, code: answer.code, at: entry.occurred_at, formId: entry.formId,
              page: entry.page, body: entry.body, typed: entry.typed, occurred_at: entry.occurred_at,
              summary: entry.summary, fields: fields
            };
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
    var caret = null;
    try { caret = [element.selectionStart, element.selectionEnd]; } catch (error) { caret = null; }
    return { id: element.id, formId: form ? form.id : "", name: element.name || "", value: element.value || "", caret: caret };
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

  function restoreCaret(key) {
    var element = key && key.id ? document.getElementById(key.id) : null;
    if (element && element === document.activeElement && key.caret && key.caret[0] !== null) {
      try { element.setSelectionRange(key.caret[0], key.caret[1]); } catch (error) { /* not a text field */ }
    }
  }

  // --- what is being typed, kept across a refresh ----------------------------------------------

  function defaultIndex(select) {
    for (var i = 0; i < select.options.length; i++) {
      if (select.options[i].defaultSelected) { return i; }
    }
    return select.options.length ? 0 : -1;
  }

  // The fields of a form that differ from what the page gave: what the facilitator typed, ticked or chose.
  function changedFields(form) {
    var changed = [];
    Array.prototype.forEach.call(form.elements, function (field) {
      if (!field.name || field.type === "hidden" || field.tagName === "BUTTON" || field.type === "submit") { return; }
      if (field.type === "file") { return; } // a chosen file cannot be set by script: its form is kept whole
      if (field.type === "checkbox" || field.type === "radio") {
        if (field.checked !== field.defaultChecked) { changed.push({ name: field.name, value: field.value, checked: field.checked }); }
      } else if (field.tagName === "SELECT") {
        if (field.selectedIndex !== defaultIndex(field)) { changed.push({ name: field.name, value: field.value }); }
      } else if (field.value !== field.defaultValue) {
        changed.push({ name: field.name, value: field.value });
      }
    });
    return changed;
  }

  function typedInto(form) { return changedFields(form).length > 0; }

  function typedValues() {
    var kept = { forms: {}, inputs: {} };
    document.querySelectorAll("main form[id]").forEach(function (form) {
      var fields = changedFields(form);
      var slot = document.getElementById(form.id + "-refusal");
      var refusal = slot ? slot.textContent : "";
      if (!fields.length && !refusal) { return; }
      var invalid = Array.prototype.filter.call(form.elements, function (field) {
        return field.getAttribute("aria-invalid") === "true";
      }).map(function (field) { return field.name; });
      var key = form.elements.idempotency_key;
      kept.forms[form.id] = {
        fields: fields, refusal: refusal, invalid: invalid, key: key ? key.value : "", last: form.dataset.lastRequest
      };
    });
    document.querySelectorAll("main [data-round-when]").forEach(function (input) {
      if (input.value && input.id) { kept.inputs[input.id] = input.value; }
    });
    return kept;
  }

  function restoreTyped(kept) {
    Object.keys(kept.forms).forEach(function (formId) {
      var form = document.getElementById(formId);
      var was = kept.forms[formId];
      if (!form) { return; }
      was.fields.forEach(function (typed) {
        Array.prototype.forEach.call(form.elements, function (field) {
          if (field.name !== typed.name) { return; }
          if (field.type === "checkbox" || field.type === "radio") {
            if (field.value === typed.value) { field.checked = typed.checked; }
          } else if (field.tagName === "SELECT") {
            if (Array.prototype.some.call(field.options, function (o) { return o.value === typed.value; })) {
              field.value = typed.value;
            }
          } else {
            field.value = typed.value;
            var folded = field.closest("details");
            if (folded) { folded.open = true; }
          }
        });
      });
      was.invalid.forEach(function (name) {
        var field = fieldNamed(form, name);
        if (field) { field.setAttribute("aria-invalid", "true"); }
      });
      var slot = document.getElementById(formId + "-refusal");
      if (slot && !slot.textContent) { slot.textContent = was.refusal; }
      if (was.fields.length && form.elements.idempotency_key && was.key) {
        form.elements.idempotency_key.value = was.key;
        if (was.last) { form.dataset.lastRequest = was.last; }
      }
    });
    Object.keys(kept.inputs).forEach(function (id) {
      var input = document.getElementById(id);
      if (input) {
        input.value = kept.inputs[id];
        var folded = input.closest("details");
        if (folded) { folded.open = true; }
      }
    });
  }

  function pressAgain(form) {
    var before = form.dataset.pressedBefore || "";
    form.querySelectorAll("button[aria-pressed]").forEach(function (button) {
      button.setAttribute("aria-pressed", button.value === before ? "true" : "false");
    });
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
        var typed = typedValues();
        // A photo chosen but not sent yet (it waits for a connection) stays chosen: its form is kept as it is.
        var chosen = Array.prototype.filter.call(main.querySelectorAll("form[data-needs-connection]"), function (form) {
          return Array.prototype.some.call(form.querySelectorAll("input[type=file]"), function (input) {
            return input.files && input.files.length > 0;
          });
        });
        main.innerHTML = fresh.innerHTML;
        chosen.forEach(function (form) {
          var replaced = document.getElementById(form.id);
          if (replaced) { replaced.replaceWith(form); }
        });
        restoreTyped(typed);
        ownMessages();
        var meta = page.querySelector('meta[name="mufakat-csrf"]');
        if (meta) { document.querySelector('meta[name="mufakat-csrf"]').content = meta.content; }
        quorum();
        var form = formId ? document.getElementById(formId) : null;
        // Whoever was typing into a field keeps typing there; after a tap, the form's first field takes the focus.
        var typing = keep && keep.id && keep.name ? document.getElementById(keep.id) : null;
        var focus = typing || (form && form.querySelector("[data-focus-after]")) || focusAgain(keep);
        if (focus) { focus.focus(); }
        restoreCaret(keep);
        document.dispatchEvent(new CustomEvent("mufakat:refreshed"));
        return all(QUEUE).then(showWaiting).then(showRefused); // the banner keeps what it said
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

  // A photo is sent by its own form: the queue carries text only. Without a connection the form says so, plainly,
  // and keeps the chosen file on the page, to send when the connection is back.
  function onPhoto(event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-needs-connection")) { return; }
    var slot = document.getElementById(form.id + "-refusal");
    if (!navigator.onLine || offline) {
      event.preventDefault();
      if (slot) { slot.textContent = form.dataset.offlineMessage || ""; }
    } else if (slot) {
      slot.textContent = "";
    }
  }

  function start() {
    ownMessages();
    document.addEventListener("submit", onSubmit);
    document.addEventListener("submit", onPhoto);
    document.addEventListener("input", function (event) {
      if (event.target.getAttribute && event.target.getAttribute("aria-invalid")) {
        event.target.removeAttribute("aria-invalid");
      }
    });
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
