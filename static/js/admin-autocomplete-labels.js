/* Accessible names for the admin's autocomplete fields. Django's select2 (4.0) names its combobox only by the
   chosen value (nothing while empty) and leaves its search boxes without a name: both get the field's label. */
(function () {
  "use strict";
  if (!window.django || !window.django.jQuery || window.swsAutocompleteLabels) {
    return; // no autocomplete on this page, or the script is already here (the event form's media brings it too)
  }
  window.swsAutocompleteLabels = true;
  const $ = window.django.jQuery;

  function label(select) {
    return document.querySelector('label[for="' + select.id + '"]');
  }

  function labelText(select) {
    const element = label(select);
    return element ? element.textContent.replace(/:\s*$/, "").trim() : "";
  }

  function name(select) {
    const element = label(select);
    const container = select.nextElementSibling; // select2 puts its container right after the select
    if (!element || !container || !container.classList.contains("select2")) {
      return;
    }
    element.id = element.id || select.id + "_label";
    const combobox = container.querySelector(".select2-selection--single");
    if (combobox) {
      const chosen = combobox.getAttribute("aria-labelledby");
      if (chosen && chosen.split(" ").indexOf(element.id) === -1) {
        combobox.setAttribute("aria-labelledby", element.id + " " + chosen); // "Venue: Malzhaus, Plauen"
      }
      // The chosen value is text inside the combobox, not a second, nameless read-only textbox (as in select2 4.1).
      const rendered = combobox.querySelector(".select2-selection__rendered");
      if (rendered) {
        rendered.removeAttribute("role");
        rendered.removeAttribute("aria-readonly");
      }
    }
    container.querySelectorAll(".select2-search__field").forEach(function (search) {
      search.setAttribute("aria-label", labelText(select));
    });
    // A multiple choice's "remove all" cross is drawn inside the list of choices, where only list items belong;
    // it is a mouse shortcut (each choice has its own cross, Backspace removes), so it is hidden from screen
    // readers — again after every change, as select2 draws it anew.
    const choices = container.querySelector(".select2-selection--multiple .select2-selection__rendered");
    if (choices) {
      const hide = function () {
        choices.querySelectorAll(":scope > .select2-selection__clear").forEach(function (cross) {
          cross.setAttribute("aria-hidden", "true");
        });
      };
      hide();
      new MutationObserver(hide).observe(choices, { childList: true });
    }
  }

  // Queued on jQuery's ready list after Django's autocomplete.js, which starts select2 there.
  $(function () {
    document.querySelectorAll("select.admin-autocomplete").forEach(name);
    $(document).on("select2:open", "select.admin-autocomplete", function () {
      const text = labelText(this);
      document.querySelectorAll(".select2-container--open .select2-search__field").forEach(function (search) {
        search.setAttribute("aria-label", text);
      });
      // An open combobox names the list it controls (select2 4.0 only sets aria-owns).
      const combobox = this.nextElementSibling && this.nextElementSibling.querySelector(".select2-selection");
      if (combobox && this.id) {
        combobox.setAttribute("aria-controls", "select2-" + this.id + "-results");
      }
    });
    $(document).on("select2:close", "select.admin-autocomplete", function () {
      const combobox = this.nextElementSibling && this.nextElementSibling.querySelector(".select2-selection");
      if (combobox) {
        combobox.removeAttribute("aria-controls");
      }
    });
    document.addEventListener("formset:added", function (event) {
      // An inline's new row starts its select2 in Django's own formset:added listener, which runs first.
      event.target.querySelectorAll("select.admin-autocomplete").forEach(name);
    });
  });
})();
