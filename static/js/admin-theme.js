/* The admin's file inputs say "Datei auswählen" and show the chosen name, instead of the browser's own
   English "Choose File" / "No file chosen"; the words come from the page (data attributes), in its language. */
(function () {
  "use strict";
  function enhance(input, words) {
    if (input.dataset.swsFile) { return; }
    input.dataset.swsFile = "1";
    if (!input.id) { input.id = "sws-file-" + Math.random().toString(36).slice(2); }
    var wrap = document.createElement("span");
    wrap.className = "sws-file";
    var label = document.createElement("label");
    label.className = "sws-file-button";
    label.htmlFor = input.id;
    label.textContent = words.choose;
    var name = document.createElement("span");
    name.className = "sws-file-name";
    name.setAttribute("aria-live", "polite");
    name.textContent = words.none;
    input.parentNode.insertBefore(wrap, input);
    wrap.appendChild(input);
    wrap.appendChild(label);
    wrap.appendChild(name);
    input.addEventListener("change", function () {
      var files = Array.prototype.map.call(input.files || [], function (f) { return f.name; });
      name.textContent = files.length ? files.join(", ") : words.none;
    });
  }
  // Django's selector widget labels its search icon with aria-label but no role (axe: aria-prohibited-attr).
  function labelIcons(root) {
    root.querySelectorAll(".search-label-icon[aria-label]:not([role])").forEach(function (icon) {
      icon.setAttribute("role", "img");
    });
  }
  // Fields inside tables (editable list columns, tabular inlines) have only their column's heading, which a
  // screen reader does not announce as their name: give each the heading and its row ("Position: Newsletter").
  function headings(table) {
    var map = [];
    var row = table.tHead && table.tHead.rows[table.tHead.rows.length - 1];
    if (!row) { return map; }
    Array.prototype.forEach.call(row.cells, function (cell) {
      for (var i = 0; i < (cell.colSpan || 1); i++) { map.push(cell.textContent.replace(/\s+/g, " ").trim()); }
    });
    return map;
  }
  function labelTableFields(root) {
    root.querySelectorAll("#result_list, .tabular table").forEach(function (table) {
      var heads = headings(table);
      Array.prototype.forEach.call(table.tBodies, function (body) {
        Array.prototype.forEach.call(body.rows, function (row) {
          var first = row.querySelector("th");
          var rowName = first ? first.textContent.replace(/\s+/g, " ").trim() : "";
          var column = 0;
          Array.prototype.forEach.call(row.cells, function (cell) {
            var head = heads[column] || "";
            column += cell.colSpan || 1;
            cell.querySelectorAll("input:not([type=hidden]), select, textarea").forEach(function (field) {
              if ((field.labels && field.labels.length) || field.getAttribute("aria-label") || !head) { return; }
              field.setAttribute("aria-label", rowName ? head + ": " + rowName : head);
            });
          });
        });
      });
    });
  }
  // Django 5.2 (the Python 3.11 line) writes a date-time field's parts as bare text ("Datum: <input>"), not as
  // labels: each part gets the field's name and its own ("Beginn – Datum").
  function labelDateTimeParts(root) {
    root.querySelectorAll("p.datetime input").forEach(function (input) {
      if ((input.labels && input.labels.length) || input.getAttribute("aria-label")) { return; }
      var part = input.previousSibling;
      while (part && part.nodeType !== 3) { part = part.previousSibling; }
      var row = input.closest(".form-row");
      var field = row && row.querySelector("label");
      var name = field ? field.textContent.replace(/:\s*$/, "").trim() : "";
      var own = part ? part.textContent.replace(/:\s*$/, "").trim() : "";
      if (name || own) { input.setAttribute("aria-label", [name, own].filter(Boolean).join(" – ")); }
    });
  }
  function run() {
    labelIcons(document);
    labelTableFields(document);
    labelDateTimeParts(document);
    new MutationObserver(function () { labelIcons(document); }).observe(document.body, { childList: true, subtree: true });
    var source = document.getElementById("sws-admin-words");
    if (!source) { return; }
    var words = { choose: source.dataset.chooseFile, none: source.dataset.noFile };
    document.querySelectorAll('input[type="file"]').forEach(function (input) { enhance(input, words); });
    // Inline rows added later ("Weitere … hinzufügen") bring new file inputs.
    document.addEventListener("formset:added", function (event) {
      event.target.querySelectorAll('input[type="file"]').forEach(function (input) { enhance(input, words); });
      labelTableFields(document);
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", run); } else { run(); }
})();
