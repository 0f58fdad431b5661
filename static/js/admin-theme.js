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
  function run() {
    labelIcons(document);
    new MutationObserver(function () { labelIcons(document); }).observe(document.body, { childList: true, subtree: true });
    var source = document.getElementById("sws-admin-words");
    if (!source) { return; }
    var words = { choose: source.dataset.chooseFile, none: source.dataset.noFile };
    document.querySelectorAll('input[type="file"]').forEach(function (input) { enhance(input, words); });
    // Inline rows added later ("Weitere … hinzufügen") bring new file inputs.
    document.addEventListener("formset:added", function (event) {
      event.target.querySelectorAll('input[type="file"]').forEach(function (input) { enhance(input, words); });
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", run); } else { run(); }
})();
