// The running timer's time so far ([data-elapsed-since], an RFC 3339
// start) counted on as h:mm each few seconds; the server wrote the value
// the page opened with, so without this script it simply stays.
(function () {
  "use strict";
  function pad(n) { return n < 10 ? "0" + n : String(n); }
  function tick() {
    document.querySelectorAll("[data-elapsed-since]").forEach(function (el) {
      var since = Date.parse(el.getAttribute("data-elapsed-since"));
      if (isNaN(since)) return;
      var m = Math.max(0, Math.floor((Date.now() - since) / 60000));
      var text = Math.floor(m / 60) + ":" + pad(m % 60);
      if (el.textContent !== text) el.textContent = text;
    });
  }
  setInterval(tick, 5000);
  document.addEventListener("htmx:afterSettle", tick);
})();
