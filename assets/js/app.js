// MintedMind's small script: toasts from HX-Trigger, a friendly message when
// a request fails, focus on the first invalid field. No inline script
// anywhere, so the Content-Security-Policy can forbid it. The failure
// messages come from the page (the toast box's data-msg-failed and
// data-msg-offline, views/layouts/page.html), in its language.
(function () {
  "use strict";

  function pageMessage(name) {
    var box = document.getElementById("toasts");
    return (box && box.getAttribute("data-msg-" + name)) || "";
  }

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
    showToast("error", pageMessage("failed"));
  });

  document.body.addEventListener("htmx:sendError", function () {
    showToast("error", pageMessage("offline"));
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

// ---------------------------------------------------------------------------
// Documents on a case (handlers/documents*.go, views/partials/documents/).
// Files chosen or dropped on the upload form go one at a time, each in its
// own htmx request with its own progress bar (htmx:xhr:progress); the
// server answers with the file's line and the case's list out of band.
// Without script the form posts all files at once and the page reloads.
// The messages come from the form (data-msg-too-large, data-msg-empty,
// data-msg-failed), rendered in the page's language.
// ---------------------------------------------------------------------------
(function () {
  "use strict";
  var pending = [];
  var busy = false;
  var uploaded = 0;

  function line(queue, file) {
    var li = document.createElement("li");
    li.className = "upload-item";
    var form = document.createElement("form");
    form.className = "upload-form";
    var name = document.createElement("span");
    name.className = "up-name";
    name.textContent = file.name;
    var bar = document.createElement("progress");
    bar.max = 100;
    bar.value = 0;
    var msg = document.createElement("span");
    msg.className = "up-msg";
    form.appendChild(name);
    form.appendChild(bar);
    form.appendChild(msg);
    li.appendChild(form);
    queue.appendChild(li);
    return form;
  }

  // message is the form's data-msg-NAME: the page's words, in its language.
  function message(form, name) {
    return (form && form.getAttribute("data-msg-" + name)) || "";
  }

  function fail(form, text) {
    form.parentElement.classList.add("up-failed");
    form.querySelector("progress").remove();
    var msg = form.querySelector(".up-msg");
    msg.textContent = text;
    msg.className = "up-msg up-error";
  }

  function hidden(form, name, value) {
    var input = document.createElement("input");
    input.type = "hidden";
    input.name = name;
    input.value = value;
    form.appendChild(input);
  }

  function enqueue(source, files) {
    var queue = source.parentElement.querySelector("[data-upload-queue]");
    if (!queue || !files || !files.length) return;
    var max = parseInt(source.getAttribute("data-max-bytes"), 10) || 0;
    var csrf = source.querySelector("input[name=_csrf]");
    var shared = source.querySelector("input[name=shared]");
    Array.prototype.forEach.call(files, function (file) {
      var form = line(queue, file);
      if (max && file.size > max) {
        fail(form, message(source, "too-large"));
        return;
      }
      if (file.size === 0) {
        fail(form, message(source, "empty"));
        return;
      }
      // The CSRF token and the share choice go first: the server reads
      // the fields in front of the file before the file itself.
      hidden(form, "_csrf", csrf ? csrf.value : "");
      form.setAttribute("data-msg-failed", message(source, "failed"));
      if (shared && shared.checked) hidden(form, "shared", "1");
      var input = document.createElement("input");
      input.type = "file";
      input.name = "file";
      input.hidden = true;
      var dt = new DataTransfer();
      dt.items.add(file);
      input.files = dt.files;
      form.appendChild(input);
      form.setAttribute("hx-post", source.getAttribute("action"));
      form.setAttribute("hx-encoding", "multipart/form-data");
      form.setAttribute("hx-target", "find .up-msg");
      form.setAttribute("hx-swap", "innerHTML");
      form.setAttribute("hx-headers", JSON.stringify({ "X-Upload-Files": "1" }));
      pending.push(form);
    });
    pump();
  }

  function pump() {
    if (busy) return;
    var form = pending.shift();
    if (!form) {
      if (uploaded > 0 && document.getElementById("timeline")) {
        uploaded = 0;
        htmx.ajax("GET", window.location.pathname, { target: "#timeline", select: "#timeline", swap: "outerHTML" });
      }
      return;
    }
    busy = true;
    htmx.process(form);
    htmx.trigger(form, "submit");
  }

  // The bar follows the request's upload only: htmx:xhr:progress also
  // reports the answer's download, which would pull a full bar back.
  document.body.addEventListener("htmx:beforeSend", function (evt) {
    var form = evt.target;
    var xhr = evt.detail.xhr;
    if (!form || !form.classList || !form.classList.contains("upload-form") || !xhr || !xhr.upload) return;
    var bar = form.querySelector("progress");
    xhr.upload.addEventListener("progress", function (e) {
      if (bar && e.lengthComputable && e.total) bar.value = Math.round((e.loaded / e.total) * 100);
    });
  });

  document.body.addEventListener("htmx:afterRequest", function (evt) {
    var form = evt.detail.elt;
    if (!form || !form.classList || !form.classList.contains("upload-form")) return;
    busy = false;
    var xhr = evt.detail.xhr;
    var status = xhr ? xhr.status : 0;
    var input = form.querySelector("input[type=file]");
    if (input) input.remove();
    if (status >= 200 && status < 300) {
      uploaded++;
      var bar = form.querySelector("progress");
      if (bar) bar.value = 100;
      form.parentElement.classList.add("up-done");
    } else if (status >= 400 && status < 500) {
      form.parentElement.classList.add("up-failed");
      var p = form.querySelector("progress");
      if (p) p.remove();
    } else {
      fail(form, message(form, "failed"));
    }
    pump();
  });

  function uploadForm(node) {
    return node && node.closest ? node.closest("form[data-doc-upload]") : null;
  }

  document.addEventListener("change", function (evt) {
    var source = uploadForm(evt.target);
    if (!source || evt.target.type !== "file") return;
    enqueue(source, evt.target.files);
    evt.target.value = "";
  });
  document.addEventListener("submit", function (evt) {
    var source = uploadForm(evt.target);
    if (!source || evt.target !== source) return;
    evt.preventDefault();
    var input = source.querySelector("input[type=file]");
    enqueue(source, input.files);
    input.value = "";
  });

  function dropZone(node) {
    return node && node.nodeType === 1 ? node.closest("[data-drop-zone]") : null;
  }
  function hasFiles(evt) {
    return evt.dataTransfer && Array.prototype.indexOf.call(evt.dataTransfer.types || [], "Files") >= 0;
  }
  document.addEventListener("dragover", function (evt) {
    var zone = dropZone(evt.target);
    if (!zone || !hasFiles(evt)) return;
    evt.preventDefault();
    evt.dataTransfer.dropEffect = "copy";
    zone.classList.add("drop-over");
  });
  document.addEventListener("dragleave", function (evt) {
    var zone = dropZone(evt.target);
    if (zone && !zone.contains(evt.relatedTarget)) zone.classList.remove("drop-over");
  });
  document.addEventListener("drop", function (evt) {
    var zone = dropZone(evt.target);
    if (!zone || !hasFiles(evt)) return;
    evt.preventDefault();
    zone.classList.remove("drop-over");
    var source = uploadForm(zone);
    if (source) {
      enqueue(source, evt.dataTransfer.files);
    } else {
      attach(progressForm(zone), evt.dataTransfer.files);
    }
  });

  // Forms whose files go with their other fields in one post (a new
  // request, a reply: data-upload-progress) keep the files in the form and
  // show a line per file with its own bar as the one post goes up: the
  // multipart body carries the files in order, so the bytes sent so far
  // fill each file's bar in turn. Without script the form posts as is.
  function progressForm(node) {
    return node && node.closest ? node.closest("form[data-upload-progress]") : null;
  }
  function fileInput(form) {
    return form.querySelector("[data-drop-zone] input[type=file]");
  }
  // attach adds files (dropped) to the form's file input and lists them.
  function attach(form, files) {
    if (!form || !files || !files.length) return;
    var input = fileInput(form);
    var dt = new DataTransfer();
    Array.prototype.forEach.call(input.files, function (f) { dt.items.add(f); });
    Array.prototype.forEach.call(files, function (f) { dt.items.add(f); });
    input.files = dt.files;
    listFiles(form);
  }
  // listFiles shows the form's chosen files, each with its bar at 0, and
  // says which are too large or empty (the server would refuse them).
  function listFiles(form) {
    var queue = form.querySelector("[data-upload-queue]");
    if (!queue) return;
    queue.textContent = "";
    var max = parseInt(form.getAttribute("data-max-bytes"), 10) || 0;
    Array.prototype.forEach.call(fileInput(form).files, function (file) {
      var line1 = line(queue, file);
      if (max && file.size > max) fail(line1, message(form, "too-large"));
      else if (file.size === 0) fail(line1, message(form, "empty"));
    });
  }
  document.addEventListener("change", function (evt) {
    var form = progressForm(evt.target);
    if (form && evt.target === fileInput(form)) listFiles(form);
  });
  document.addEventListener("submit", function (evt) {
    var form = evt.target;
    if (!form.matches || !form.matches("form[data-upload-progress]")) return;
    var files = Array.prototype.slice.call(fileInput(form).files);
    if (!files.length || !window.FormData) return; // nothing to show: the ordinary post
    evt.preventDefault();
    listFiles(form);
    var bars = Array.prototype.slice.call(form.querySelectorAll("[data-upload-queue] progress"));
    var button = form.querySelector("button[type=submit]");
    if (button) button.disabled = true;
    var xhr = new XMLHttpRequest();
    xhr.open("POST", form.getAttribute("action"));
    xhr.upload.addEventListener("progress", function (e) {
      if (!e.lengthComputable) return;
      // The text fields go first; what is left of the body is the files'.
      var sent = e.loaded - Math.max(0, e.total - files.reduce(function (n, f) { return n + f.size; }, 0));
      files.forEach(function (f, i) {
        if (!bars[i]) return;
        var v = f.size ? Math.max(0, Math.min(sent, f.size)) / f.size : 1;
        bars[i].value = Math.round(v * 100);
        sent -= f.size;
      });
    });
    xhr.addEventListener("load", function () {
      if (xhr.status >= 200 && xhr.status < 300 && xhr.responseURL && xhr.responseURL !== window.location.href.split("#")[0]) {
        bars.forEach(function (b) { b.value = 100; });
        window.location.assign(xhr.responseURL + (xhr.responseURL.indexOf("#") < 0 && form.getAttribute("data-done-hash") ? form.getAttribute("data-done-hash") : ""));
        return;
      }
      // Refused (the page with its messages) or a problem page: show it.
      document.open();
      document.write(xhr.responseText);
      document.close();
    });
    xhr.addEventListener("error", function () {
      if (button) button.disabled = false;
      bars.forEach(function (b) { fail(b.parentElement, message(form, "failed")); });
    });
    xhr.send(new FormData(form));
  });

  // With script, choosing files starts their upload: the button is not needed.
  function hideButtons(root) {
    (root || document).querySelectorAll("form[data-doc-upload] [data-upload-submit]").forEach(function (b) { b.hidden = true; });
  }
  document.addEventListener("DOMContentLoaded", function () { hideButtons(document); });
  document.body.addEventListener("htmx:afterSettle", function (evt) { hideButtons(evt.detail.elt); });
})();

// ---------------------------------------------------------------------------
// The shell (views/partials/layout/nav.html): "/" focuses the search box,
// the arrow keys walk its dropdown, Escape closes the dropdown and the
// menus, and a click elsewhere closes them too. All of it works without
// script as well: the box submits to the results page, the menus are
// <details>.
// ---------------------------------------------------------------------------
(function () {
  "use strict";
  function typing(el) {
    return el && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName));
  }
  function box() { return document.getElementById("shell-q"); }
  function dropdown() { return document.getElementById("shell-suggest"); }
  function closeDropdown() {
    var d = dropdown();
    if (d && d.firstChild) d.textContent = "";
  }
  function suggestLinks() {
    var d = dropdown();
    return d ? Array.prototype.slice.call(d.querySelectorAll("a")) : [];
  }
  document.addEventListener("keydown", function (evt) {
    if (evt.key === "/" && !evt.ctrlKey && !evt.metaKey && !evt.altKey && !typing(evt.target)) {
      var q = box();
      if (!q || !q.offsetParent) return;
      evt.preventDefault();
      q.focus();
      q.select();
      return;
    }
    if (evt.key === "Escape") {
      var d = dropdown();
      if (d && d.firstChild && d.parentElement.contains(evt.target)) {
        closeDropdown();
        if (box()) box().focus();
        return;
      }
      var open = evt.target.closest && evt.target.closest("details[open]");
      if (open && (open.classList.contains("account-menu") || open.classList.contains("drawer"))) {
        open.removeAttribute("open");
        var s = open.querySelector("summary");
        if (s) s.focus();
      }
      return;
    }
    if (evt.key === "ArrowDown" || evt.key === "ArrowUp") {
      var links = suggestLinks();
      if (!links.length) return;
      var i = links.indexOf(document.activeElement);
      if (evt.target === box() && evt.key === "ArrowDown") i = 0;
      else if (i >= 0) i = evt.key === "ArrowDown" ? Math.min(i + 1, links.length - 1) : i - 1;
      else return;
      evt.preventDefault();
      if (i < 0) box().focus(); else links[i].focus();
    }
  });
  document.addEventListener("click", function (evt) {
    var form = document.getElementById("shell-search");
    if (form && !form.contains(evt.target)) closeDropdown();
    document.querySelectorAll("details.account-menu[open]").forEach(function (d) {
      if (!d.contains(evt.target) || evt.target.closest("a")) d.removeAttribute("open");
    });
    document.querySelectorAll("details.drawer[open]").forEach(function (d) {
      if (!d.contains(evt.target) || evt.target.closest("a")) d.removeAttribute("open");
    });
  });
})();

// Recovery codes (views/pages/account/two-factor.html): copy them, or
// download them as a text file. The buttons stay hidden without script;
// the codes are on the page to select and print either way. What it says
// comes from the status line's data-msg-copied, data-msg-copy-failed and
// data-msg-saved, in the page's language.
(function () {
  "use strict";
  function codesOf(btn) {
    var list = document.getElementById(btn.getAttribute("data-codes"));
    if (!list) return "";
    return Array.prototype.map.call(list.querySelectorAll("code"), function (c) { return c.textContent; }).join("\n") + "\n";
  }
  function reveal(root) {
    (root || document).querySelectorAll("[data-codes][hidden]").forEach(function (b) { b.hidden = false; });
  }
  document.addEventListener("DOMContentLoaded", function () { reveal(document); });
  document.body.addEventListener("htmx:afterSettle", function (evt) { reveal(evt.detail.elt); });
  document.addEventListener("click", function (evt) {
    var btn = evt.target.closest && evt.target.closest("button[data-codes]");
    if (!btn) return;
    var text = codesOf(btn);
    var status = document.getElementById(btn.getAttribute("data-status"));
    if (btn.hasAttribute("data-copy")) {
      navigator.clipboard.writeText(text).then(function () {
        if (status) status.textContent = status.getAttribute("data-msg-copied") || "";
      }, function () {
        if (status) status.textContent = status.getAttribute("data-msg-copy-failed") || "";
      });
      return;
    }
    var a = document.createElement("a");
    a.href = URL.createObjectURL(new Blob([text], { type: "text/plain;charset=utf-8" }));
    a.download = btn.getAttribute("data-filename") || "recovery-codes.txt";
    document.body.appendChild(a);
    a.click();
    setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 0);
    if (status) status.textContent = status.getAttribute("data-msg-saved") || "";
  });
})();

// Sign-up (views/partials/signup/form.html): the address follows the agency
// name as it is typed ("Lovelace & Co." → "lovelace-co"), until the person
// edits the address themselves. The input event it sends lets htmx check
// the address as if it had been typed. Without script the address is typed.
(function () {
  "use strict";
  function slugOf(name) {
    return name.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
      .replace(/[^a-z0-9]+/g, "-").replace(/^-+/, "").slice(0, 40).replace(/-+$/, "");
  }
  var generated = null; // the address last filled in from the name
  document.addEventListener("input", function (evt) {
    var el = evt.target;
    if (el.id !== "f-agency_name" || !el.closest("#signup-form")) return;
    var slug = document.getElementById("f-slug");
    if (!slug) return;
    if (generated === null) generated = slug.value === "" ? "" : null;
    if (generated === null || slug.value !== generated) return; // the person's own address
    generated = slugOf(el.value);
    slug.value = generated;
    slug.dispatchEvent(new Event("input", { bubbles: true }));
  });
})();

// Tables wider than their box scroll sideways inside .table-wrap: such a
// box takes the keyboard focus, as a region named after its table, so
// that it can be scrolled without a mouse (WCAG 2.1.1). A box that fits
// adds no stop to the Tab order.
(function () {
  "use strict";
  function name(w) {
    var c = w.querySelector("caption");
    if (c && c.textContent.trim()) return c.textContent.trim();
    for (var el = w; el && el !== document.body; el = el.parentElement) {
      for (var h = el.previousElementSibling; h; h = h.previousElementSibling) {
        if (/^H[1-6]$/.test(h.tagName)) return h.textContent.trim();
      }
    }
    return "Table";
  }
  function mark() {
    document.querySelectorAll(".table-wrap").forEach(function (w) {
      var scrolls = w.scrollWidth > w.clientWidth + 1;
      if (scrolls && !w.hasAttribute("tabindex")) {
        w.setAttribute("tabindex", "0");
        w.setAttribute("role", "region");
        if (!w.hasAttribute("aria-label")) w.setAttribute("aria-label", name(w) + " (scrolls sideways)");
        w.setAttribute("data-scrolls", "");
      } else if (!scrolls && w.hasAttribute("data-scrolls")) {
        ["tabindex", "role", "aria-label", "data-scrolls"].forEach(function (a) { w.removeAttribute(a); });
      }
    });
  }
  document.addEventListener("DOMContentLoaded", mark);
  window.addEventListener("load", mark);
  window.addEventListener("resize", mark);
  document.body.addEventListener("htmx:afterSettle", mark);
})();

// Confirmations (handlers/confirm.go): a form with hx-target="#confirm-slot"
// loads its question as a <dialog>, opened here as a modal; Cancel, Escape
// or the confirmed post (which swaps the page) close it. Without script the
// same form opens the question as a page of its own.
(function () {
  "use strict";
  document.body.addEventListener("htmx:afterSwap", function (evt) {
    var slot = evt.detail.target;
    if (!slot || slot.id !== "confirm-slot") return;
    var dialog = slot.querySelector("dialog");
    if (!dialog || dialog.open) return;
    dialog.addEventListener("close", function () { dialog.remove(); });
    dialog.showModal();
    var first = dialog.querySelector("button[type=submit]");
    if (first) first.focus();
  });
  document.addEventListener("click", function (evt) {
    var cancel = evt.target.closest && evt.target.closest("[data-confirm-cancel]");
    if (!cancel) return;
    var dialog = cancel.closest("dialog");
    if (dialog) dialog.close();
  });
})();

// The browser's time zone (issue 19): a field marked data-browser-zone
// (the sign-up form's time_zone) is filled with the browser's IANA zone
// when it is empty; without script the agency starts on UTC, editable on
// its settings page.
(function () {
  "use strict";
  function fill(root) {
    var zone = "";
    try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (e) { return; }
    root.querySelectorAll("input[data-browser-zone]").forEach(function (input) {
      if (!input.value && zone) input.value = zone;
    });
  }
  document.addEventListener("DOMContentLoaded", function () { fill(document); });
  document.body.addEventListener("htmx:load", function (evt) { fill(evt.detail.elt); });
})();
