// The application form's outline (templates/members/includes/join_outline.html): marks the section in view
// and each required section once its required fields are filled in. Without this script the outline is a
// list of links to the sections, with the errors of a submission beside them.
(function () {
  "use strict";
  var outlines = document.querySelectorAll("[data-join-outline]");
  var form = document.querySelector("form.join-form");
  if (!outlines.length || !form) return;

  var ids = [];
  outlines[0].querySelectorAll("[data-outline-section]").forEach(function (link) {
    ids.push(link.getAttribute("data-outline-section"));
  });
  var sections = ids.map(function (id) { return document.getElementById(id); }).filter(Boolean);

  function links(id) {
    return document.querySelectorAll('[data-join-outline] [data-outline-section="' + id + '"]');
  }

  function filled(field) {
    if (field.type === "checkbox") return field.checked;
    if (field.type === "radio") return !!form.querySelector('input[name="' + field.name + '"]:checked');
    return field.value.trim() !== "";
  }

  function requiredFields(section) {
    return Array.prototype.filter.call(
      section.querySelectorAll("input[required], select[required], textarea[required]"),
      function (field) { return field.type !== "hidden" && !field.closest("[aria-hidden=true]"); }
    );
  }

  function updateProgress() {
    var total = 0;
    var done = 0;
    sections.forEach(function (section) {
      var fields = requiredFields(section);
      var complete = fields.length > 0 && fields.every(filled);
      if (fields.length) total += 1;
      if (complete) done += 1;
      links(section.id).forEach(function (link) {
        link.classList.toggle("is-done", complete);
        link.querySelector(".join-outline-done").hidden = !complete;
      });
    });
    document.querySelectorAll("[data-outline-progress]").forEach(function (progress) {
      progress.textContent = progress.getAttribute("data-text").replace("{done}", done).replace("{total}", total);
      progress.hidden = false;
    });
  }

  function updateCurrent() {
    // The current section is the last one whose top has passed the upper third of the window.
    var line = window.innerHeight / 3;
    var current = sections[0];
    sections.forEach(function (section) {
      if (section.getBoundingClientRect().top <= line) current = section;
    });
    if (window.innerHeight + window.scrollY >= document.documentElement.scrollHeight - 2) {
      current = sections[sections.length - 1];  // at the bottom, the last section cannot reach the line
    }
    sections.forEach(function (section) {
      links(section.id).forEach(function (link) {
        if (section === current) {
          link.classList.add("active");
          link.setAttribute("aria-current", "true");
        } else {
          link.classList.remove("active");
          link.removeAttribute("aria-current");
        }
      });
    });
  }

  var scheduled = false;
  window.addEventListener("scroll", function () {
    if (scheduled) return;
    scheduled = true;
    window.requestAnimationFrame(function () {
      scheduled = false;
      updateCurrent();
    });
  }, { passive: true });
  window.addEventListener("resize", updateCurrent);
  form.addEventListener("input", updateProgress);
  form.addEventListener("change", updateProgress);
  updateProgress();
  updateCurrent();
})();
