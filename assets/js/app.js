// MintedMind's small script: toasts from HX-Trigger, a friendly message when
// a request fails, focus on the first invalid field. No inline script
// anywhere, so the Content-Security-Policy can forbid it.
(function () {
  "use strict";

  function showToast(level, message) {
    var box = document.getElementById("toasts");
    if (!box || !message) return;
    var el = document.createElement("div");
    el.className = "toast toast-" + (level || "info");
    el.setAttribute("role", level === "error" ? "alert" : "status");
    el.textContent = message;
    box.appendChild(el);
    setTimeout(function () { el.classList.add("toast-hide"); }, 4000);
    setTimeout(function () { el.remove(); }, 4600);
  }

  document.body.addEventListener("toast", function (evt) {
    var d = evt.detail || {};
    showToast(d.level, d.message);
  });

  document.body.addEventListener("htmx:responseError", function (evt) {
    var xhr = evt.detail.xhr;
    if (xhr && xhr.getResponseHeader("HX-Trigger")) return; // the server sent its own toast
    if (xhr && xhr.status >= 400 && xhr.status < 500) return; // a form shows its own errors
    showToast("error", "Something went wrong. Please try again.");
  });

  document.body.addEventListener("htmx:sendError", function () {
    showToast("error", "Could not reach the server. Check your connection and try again.");
  });

  function focusInvalid(root) {
    var bad = (root || document).querySelector("[aria-invalid=true]");
    if (bad) bad.focus();
  }
  document.body.addEventListener("htmx:afterSwap", function (evt) { focusInvalid(evt.detail.target); });
  document.addEventListener("DOMContentLoaded", function () { focusInvalid(document); });

  // Close the menu when a link in it is followed or the page is clicked elsewhere.
  document.addEventListener("click", function (evt) {
    document.querySelectorAll("details.nav-toggle[open]").forEach(function (d) {
      var links = d.nextElementSibling;
      var inside = d.contains(evt.target) || (links && links.contains(evt.target));
      if (!inside || evt.target.closest("a")) d.removeAttribute("open");
    });
  });
})();
