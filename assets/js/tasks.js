// Dragging to reorder, for lists marked data-sortable (a case's tasks, a
// task's checklist): press a row's handle ([data-drag-handle]), move, let
// go over another row. The drop posts the section's move form
// ([data-move-form]) to the row's data-move address with its new 1-based
// position ("to"), the very form the ↑/↓ buttons post with "dir"; without
// this script those buttons move rows. Pointer events, so a mouse, a pen
// and a finger all drag; listeners sit on the document, so rows htmx swaps
// in drag too.
(function () {
  "use strict";
  var drag = null; // {row, list, target}

  function rows(list) {
    return Array.prototype.filter.call(list.children, function (li) { return li.hasAttribute("data-move"); });
  }
  function clearMarks(list) {
    rows(list).forEach(function (r) { r.classList.remove("drop-before", "drop-after"); });
  }
  // rowAt is the row of list under the point, or null.
  function rowAt(list, x, y) {
    var el = document.elementFromPoint(x, y);
    var row = el && el.closest("[data-move]");
    while (row && row.parentElement !== list) {
      row = row.parentElement.closest("[data-move]");
    }
    return row;
  }
  function finish() {
    if (!drag) return null;
    var d = drag;
    drag = null;
    d.row.classList.remove("dragging");
    d.list.classList.remove("sorting");
    clearMarks(d.list);
    return d;
  }

  document.addEventListener("pointerdown", function (e) {
    var handle = e.target.closest && e.target.closest("[data-drag-handle]");
    if (!handle || e.button !== 0) return;
    var row = handle.closest("[data-move]");
    var list = row && row.parentElement;
    if (!list || !list.hasAttribute("data-sortable")) return;
    e.preventDefault();
    if (handle.setPointerCapture) handle.setPointerCapture(e.pointerId);
    drag = {row: row, list: list, target: null};
    row.classList.add("dragging");
    list.classList.add("sorting");
  });

  document.addEventListener("pointermove", function (e) {
    if (!drag) return;
    var over = rowAt(drag.list, e.clientX, e.clientY);
    if (!over) return;
    clearMarks(drag.list);
    drag.target = over === drag.row ? null : over;
    if (drag.target) {
      var all = rows(drag.list);
      drag.target.classList.add(all.indexOf(drag.target) > all.indexOf(drag.row) ? "drop-after" : "drop-before");
    }
  });

  document.addEventListener("pointercancel", finish);

  document.addEventListener("pointerup", function () {
    var d = finish();
    if (!d || !d.target) return;
    var section = d.list.closest("section") || document;
    var form = section.querySelector("form[data-move-form]");
    if (!form) return;
    form.querySelector("[name=to]").value = rows(d.list).indexOf(d.target) + 1;
    var url = d.row.getAttribute("data-move");
    if (window.htmx && section.id) {
      window.htmx.ajax("POST", url, {source: form, target: "#" + section.id, swap: "outerHTML"});
    } else {
      form.action = url;
      form.submit();
    }
  });
})();
