"use strict";
// Ask before leaving an admin change form with unsaved changes (link, reload, closing the tab).
//
// A form counts as changed when its values differ from what they were before the person first touched the
// page (key or pointer): so widgets that rewrite fields while loading, and editors that sync a hidden
// textarea with or without events, are judged by the values alone, and typing something and taking it back
// is no change. A form the server sent back with errors holds unsaved input from the start. Submitting the
// form itself never asks; a submit into another frame (the live preview) is not leaving.
(function () {
    if (window.swsUnsavedChanges) {
        return; // included twice (the admin's base template and a ModelAdmin's media)
    }
    window.swsUnsavedChanges = true;

    const SKIPPED_TYPES = new Set(["submit", "button", "reset", "image"]);

    function snapshot(form) {
        const parts = [];
        for (const element of form.elements) {
            const type = (element.type || "").toLowerCase();
            if (!element.name || element.name === "csrfmiddlewaretoken" || SKIPPED_TYPES.has(type)) {
                continue;
            }
            if (element.tagName === "FIELDSET" || element.tagName === "OUTPUT" || element.tagName === "OBJECT") {
                continue;
            }
            if (element.tagName === "SELECT") {
                // "filter_horizontal": the chosen box is sent whole, the box of the remaining choices not at all.
                if (element.id.endsWith("_from")) {
                    continue;
                }
                const whole = element.id.endsWith("_to");
                const values = Array.from(element.options)
                    .filter((option) => whole || option.selected)
                    .map((option) => option.value)
                    .sort();
                parts.push([element.name, values]);
            } else if (type === "checkbox" || type === "radio") {
                parts.push([element.name, element.value, element.checked]);
            } else if (type === "file") {
                parts.push([element.name, Array.from(element.files || [], (file) => `${file.name}:${file.size}`)]);
            } else {
                parts.push([element.name, element.value]);
            }
        }
        return JSON.stringify(parts);
    }

    function init() {
        if (!document.body.classList.contains("change-form")) {
            return;
        }
        const forms = Array.from(document.querySelectorAll("form[id$='_form']"));
        if (!forms.length) {
            return;
        }
        const baselines = new Map();
        // Sent back with errors: what is in the form has not been saved.
        const rejected = new Set(forms.filter((form) => form.querySelector(".errornote, .errorlist")));
        let leavingBySubmit = false;

        function touch(event) {
            if (!event.isTrusted || baselines.size) {
                return;
            }
            for (const form of forms) {
                baselines.set(form, snapshot(form));
            }
        }
        // Capture: the values are taken before the key or click that starts the first change does anything.
        document.addEventListener("keydown", touch, true);
        document.addEventListener("pointerdown", touch, true);

        function unsaved() {
            return forms.some(
                (form) => rejected.has(form) || (baselines.has(form) && snapshot(form) !== baselines.get(form)),
            );
        }

        for (const form of forms) {
            form.addEventListener("submit", function (event) {
                const submitter = event.submitter;
                if (submitter && submitter.hasAttribute("data-preview-submit")) {
                    return;
                }
                const target = (submitter && submitter.getAttribute("formtarget")) || form.getAttribute("target") || "";
                if (target && target !== "_self" && target !== "_top" && target !== "_parent") {
                    return; // opens elsewhere: this page stays
                }
                leavingBySubmit = true;
            });
        }
        // A handler that stopped the submission (a confirmation, a check) keeps the question for later.
        document.addEventListener("submit", function (event) {
            if (event.defaultPrevented) {
                leavingBySubmit = false;
            }
        });
        // Back from the cache after submitting ("Back" in the browser): the form is here again.
        window.addEventListener("pageshow", function (event) {
            if (event.persisted) {
                leavingBySubmit = false;
            }
        });

        window.addEventListener("beforeunload", function (event) {
            if (leavingBySubmit || !unsaved()) {
                return;
            }
            event.preventDefault();
            event.returnValue = ""; // older browsers need a value; none shows the text
        });
    }

    if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", init);
    } else {
        init();
    }
})();
