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
  // Cases: "select all" ticks every case checkbox shown in the list.
  document.addEventListener("change", function (evt) {
    var box = evt.target;
    if (!box.matches || !box.matches("input[data-select-all]")) return;
    document.querySelectorAll("input[type=checkbox][name=ids]").forEach(function (b) { b.checked = box.checked; });
  });

  // Case board: drag a card to another column. The drop submits the card's
  // own move form with the column's status, the same request its arrow
  // buttons make, so the board works the same with or without dragging.
  var dragged = null;
  function boardColumn(node) {
    return node && node.nodeType === 1 ? node.closest(".board-col") : node && node.parentElement ? node.parentElement.closest(".board-col") : null;
  }
  function clearDropTargets() {
    document.querySelectorAll(".board-col.drop-target").forEach(function (c) { c.classList.remove("drop-target"); });
  }
  document.addEventListener("dragstart", function (evt) {
    var card = evt.target.nodeType === 1 ? evt.target.closest(".case-card[draggable=true]") : null;
    if (!card) return;
    dragged = card;
    evt.dataTransfer.effectAllowed = "move";
    evt.dataTransfer.setData("text/plain", card.getAttribute("data-case") || "");
    card.classList.add("dragging");
  });
  document.addEventListener("dragend", function () {
    if (dragged) dragged.classList.remove("dragging");
    dragged = null;
    clearDropTargets();
  });
  document.addEventListener("dragover", function (evt) {
    var col = dragged && boardColumn(evt.target);
    if (!col || col.contains(dragged)) return;
    evt.preventDefault();
    evt.dataTransfer.dropEffect = "move";
    if (!col.classList.contains("drop-target")) {
      clearDropTargets();
      col.classList.add("drop-target");
    }
  });
  document.addEventListener("drop", function (evt) {
    var col = dragged && boardColumn(evt.target);
    if (!col || col.contains(dragged)) return;
    evt.preventDefault();
    var form = dragged.querySelector("form.case-card-move");
    if (!form) return;
    var status = document.createElement("input");
    status.type = "hidden";
    status.name = "status";
    status.value = col.getAttribute("data-status");
    form.appendChild(status);
    var list = col.querySelector("ol.case-cards");
    if (list) list.appendChild(dragged);
    if (form.requestSubmit) form.requestSubmit(); else form.submit();
  });
})();

// Clients: a checkbox with data-check-all="FORM" ticks or clears every row
// checkbox that belongs to that form (the client list's bulk actions).
(function () {
  "use strict";
  document.addEventListener("change", function (evt) {
    var all = evt.target.closest && evt.target.closest("input[data-check-all]");
    if (!all) return;
    var form = all.getAttribute("data-check-all");
    document.querySelectorAll('input[type=checkbox][name=id][form="' + form + '"]').forEach(function (box) {
      box.checked = all.checked;
    });
  });
})();
