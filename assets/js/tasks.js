// Drag and drop for a case's tasks (progressive: without it, the up and
// down buttons move tasks). Dropping a task posts its new position through
// the page's move form, as the buttons do.
(function () {
  "use strict";
  document.querySelectorAll("[data-task-list]").forEach(function (list) {
    var form = list.parentElement.querySelector("[data-task-move-form]");
    if (!form) return;
    var dragged = null;
    list.addEventListener("dragstart", function (e) {
      dragged = e.target.closest("li[data-task-move]");
      if (dragged) e.dataTransfer.effectAllowed = "move";
    });
    list.addEventListener("dragover", function (e) {
      if (dragged) e.preventDefault();
    });
    list.addEventListener("drop", function (e) {
      var target = e.target.closest("li[data-task-move]");
      if (!dragged || !target || target === dragged) return;
      e.preventDefault();
      var rows = Array.prototype.slice.call(list.querySelectorAll(":scope > li[data-task-move]"));
      form.action = dragged.getAttribute("data-task-move");
      form.querySelector("[name=to]").value = rows.indexOf(target) + 1;
      form.submit();
    });
  });
})();
