// Live updates (handlers/live.go): the layout opens one Server-Sent Events
// stream per tab on <body> (htmx's SSE extension). This script gives the
// stream the tab's id, so a reload replaces the tab's stream rather than
// adding one, and falls back to polling: every 30 s it fires "live-poll" on
// <body> while the stream is refused (over the cap) or broken, which live
// parts of a page listen to beside their "sse:" event
// (hx-trigger="sse:case-ID, live-poll from:body"). body[data-live-state]
// says which it is: open, polling or ended.
(function () {
  "use strict";

  var body = document.body;
  var POLL_MS = 30000;

  function tabID() {
    var id = null;
    try { id = sessionStorage.getItem("live-tab"); } catch (e) { /* storage off: no id */ }
    if (!id) {
      var bytes = new Uint8Array(12);
      crypto.getRandomValues(bytes);
      id = Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
      try { sessionStorage.setItem("live-tab", id); } catch (e) { /* storage off */ }
    }
    return id;
  }

  // The stream this tab holds (its path without the query); "" for none.
  var current = "";
  var generation = 0;
  var liveSource = null;

  function liveURL() {
    var p = document.querySelector(".page[data-live]");
    return p ? p.getAttribute("data-live") : "";
  }

  var first = liveURL();
  if (first && body.hasAttribute("sse-connect")) {
    current = first;
    body.setAttribute("sse-connect", first + "?tab=" + tabID());
  }

  var poller = null;
  var broken = false;
  var caughtUp = false; // the page asked once, after its stream opened, for what changed since it was rendered
  var signedOut = false;

  function state(s) { body.setAttribute("data-live-state", s); }
  function fire() { htmx.trigger(body, "live-poll"); }
  function polling(on) {
    if (on && !poller) {
      poller = setInterval(fire, POLL_MS);
    } else if (!on && poller) {
      clearInterval(poller);
      poller = null;
    }
  }

  var seen = typeof WeakSet === "function" ? new WeakSet() : null;
  body.addEventListener("htmx:sseOpen", function (evt) {
    var source = evt.detail && evt.detail.source;
    if (!source || (seen && seen.has(source))) return;
    if (seen) seen.add(source);
    liveSource = source;
    source.addEventListener("live", function () {
      polling(false);
      // Notices may have been missed while it was down, or, at its first
      // opening, between the page's rendering and the stream's opening
      // (a reply that redirects here, then the other side's "seen").
      if (broken || !caughtUp) fire();
      caughtUp = true;
      broken = false;
      state("open");
    });
    source.addEventListener("poll", function () {
      polling(true);
      state("polling");
    });
    source.addEventListener("reload", fire);
    source.addEventListener("end", function (e) {
      if (e.data === "replaced") { // another tab took this tab's stream (a duplicated tab): poll
        polling(true);
        state("polling");
        return;
      }
      polling(false);
      signedOut = true;
      state("ended");
    });
  });
  body.addEventListener("htmx:sseError", function () {
    if (signedOut) return;
    broken = true;
    polling(true);
    state("polling");
  });

  // A live update keeps what is being typed. Before a part of the page
  // (hx-select-oob) is swapped for its new version, each item of it
  // (data-live-item, with an id) whose form has the focus, an edited
  // field, a chosen file or a refusal's message keeps its present version:
  // its new version is marked hx-preserve, so htmx puts the present element
  // back in its place. The other items take their new version, a
  // <details> the reader opened staying open.
  function inUse(item) {
    var active = document.activeElement;
    if (active && active !== item && item.contains(active) && active.matches("input, textarea, select, summary")) return true;
    if (item.querySelector(".field-error")) return true;
    var fields = item.querySelectorAll("input, textarea, select");
    for (var i = 0; i < fields.length; i++) {
      var f = fields[i];
      if (f.type === "hidden") continue;
      if (f.type === "file") {
        if (f.files && f.files.length) return true;
      } else if (f.type === "checkbox" || f.type === "radio") {
        if (f.checked !== f.defaultChecked) return true;
      } else if (f.tagName === "SELECT") {
        for (var j = 0; j < f.options.length; j++) {
          if (f.options[j].selected !== f.options[j].defaultSelected) return true;
        }
      } else if (f.value !== f.defaultValue) {
        return true;
      }
    }
    return false;
  }

  // The field that had the focus in a kept item, given it back after the
  // swap where moving the element took it away (browsers without
  // Element.moveBefore).
  var refocus = null;
  body.addEventListener("htmx:oobBeforeSwap", function (evt) {
    var target = evt.detail && evt.detail.target, fresh = evt.detail && evt.detail.fragment;
    if (!target || !fresh || !target.querySelectorAll) return;
    target.querySelectorAll("[data-live-item][id]").forEach(function (item) {
      var next = fresh.querySelector("#" + CSS.escape(item.id));
      if (!next) return;
      if (inUse(item)) {
        next.setAttribute("hx-preserve", "true");
        var active = document.activeElement;
        if (item.contains(active)) {
          refocus = {el: active, start: active.selectionStart, end: active.selectionEnd};
        }
        return;
      }
      var was = item.querySelectorAll("details"), now = next.querySelectorAll("details");
      for (var i = 0; i < was.length && i < now.length; i++) {
        if (was[i].open) now[i].setAttribute("open", "");
      }
    });
  });
  body.addEventListener("htmx:oobAfterSwap", function () {
    var r = refocus;
    refocus = null;
    if (!r || document.activeElement === r.el || !document.body.contains(r.el)) return;
    r.el.focus({preventScroll: true});
    if (typeof r.start === "number" && r.el.setSelectionRange) {
      try { r.el.setSelectionRange(r.start, r.end); } catch (e) { /* a field without a selection */ }
    }
  });

  // A boosted navigation keeps <body>: after signing in (or out and in
  // again) in this tab, open the stream the new page asks for, and bind
  // the page's live parts to it (re-processing them, since the extension
  // binds an element to its stream when htmx first processes it).
  function connect(url) {
    if (liveSource) liveSource.close();
    current = url;
    signedOut = false;
    generation++;
    body.setAttribute("sse-connect", url + "?tab=" + tabID() + "&n=" + generation);
    htmx.process(body);
    document.querySelectorAll("[hx-trigger*='sse:']").forEach(function (el) {
      el.setAttribute("data-live-bound", String(generation));
      htmx.process(el);
    });
  }
  body.addEventListener("htmx:afterSettle", function () {
    var url = liveURL();
    if (url && (signedOut || url !== current)) connect(url);
  });
})();
