// sansho: the checklist warns before a page with unsaved edits is left. Served from /static/
// (the CSP forbids inline script); the checklist works without it: one form saves every row.
"use strict";
(function () {
  var form = document.getElementById("checklist");
  if (!form) return;
  var notice = document.getElementById(form.getAttribute("data-unsaved") || "unsaved");
  var initial = new Map();
  var fields = form.querySelectorAll("select, textarea");
  fields.forEach(function (f) { initial.set(f, f.value); });
  var submitting = false;

  function changedRows() {
    var rows = new Set();
    fields.forEach(function (f) {
      if (f.value !== initial.get(f)) {
        var tr = f.closest("tr");
        if (tr) rows.add(tr);
      }
    });
    return rows;
  }

  function refresh() {
    var rows = changedRows();
    form.querySelectorAll("tr.changed").forEach(function (tr) {
      if (!rows.has(tr)) tr.classList.remove("changed");
    });
    rows.forEach(function (tr) { tr.classList.add("changed"); });
    if (notice) notice.hidden = rows.size === 0;
  }

  form.addEventListener("input", refresh);
  form.addEventListener("change", refresh);
  form.addEventListener("submit", function () { submitting = true; });
  window.addEventListener("beforeunload", function (e) {
    if (submitting || changedRows().size === 0) return;
    e.preventDefault();
    // Older browsers show the prompt only when a value is set.
    e.returnValue = "";
  });
  // A page that came back with refusals holds entered values that are not saved yet.
  if (form.querySelector("tr.row-error")) {
    form.querySelectorAll("tr.row-error select, tr.row-error textarea").forEach(function (f) {
      initial.set(f, "\u0000unsaved");
    });
    refresh();
  }
})();
