"use strict";
// One tab per language for the translated fields of an admin form (swsdigital/core/admin_translation.py).
// django-modeltranslation marks each language's widget with the classes "mt" and "mt-field-<field>-<lang>";
// the rows of one field become the panels of one tab list. A row with an error opens on its own tab.
(function () {
    const PATTERN = /^mt-field-(.+)-([a-z]{2}(?:-[a-z]+)?)$/;

    function languageName(code) {
        try {
            const name = new Intl.DisplayNames([document.documentElement.lang || code], { type: "language" }).of(code);
            return name.charAt(0).toUpperCase() + name.slice(1);
        } catch (error) {
            return code.toUpperCase();
        }
    }

    function groups(form) {
        const found = new Map();
        for (const widget of form.querySelectorAll(".mt")) {
            const match = Array.from(widget.classList).map((cls) => PATTERN.exec(cls)).find(Boolean);
            const row = widget.closest(".form-row");
            if (!match || !row || row.closest(".inline-group")) {
                continue;
            }
            const [, field, language] = match;
            if (!found.has(field)) {
                found.set(field, []);
            }
            if (!found.get(field).some((entry) => entry.row === row)) {
                found.get(field).push({ row, language });
            }
        }
        return Array.from(found.entries()).filter(([, entries]) => entries.length > 1);
    }

    function build(field, entries) {
        const list = document.createElement("div");
        list.className = "translation-tabs";
        list.setAttribute("role", "tablist");
        const tabs = entries.map(({ row, language }, index) => {
            row.id = row.id || `translation-${field}-${language}`;
            row.classList.add("translation-panel");
            row.setAttribute("role", "tabpanel");
            const tab = document.createElement("button");
            tab.type = "button";
            tab.className = "translation-tab";
            tab.id = `${row.id}-tab`;
            tab.setAttribute("role", "tab");
            tab.setAttribute("aria-controls", row.id);
            tab.lang = language;
            tab.textContent = languageName(language);
            row.setAttribute("aria-labelledby", tab.id);
            if (row.querySelector(".errorlist") || row.querySelector(".errors")) {
                tab.classList.add("translation-tab--error");
            }
            list.appendChild(tab);
            return tab;
        });
        function select(chosen, focus) {
            tabs.forEach((tab, index) => {
                const selected = tab === chosen;
                tab.setAttribute("aria-selected", selected ? "true" : "false");
                tab.tabIndex = selected ? 0 : -1;
                entries[index].row.hidden = !selected;
            });
            if (focus) {
                chosen.focus();
            }
        }
        tabs.forEach((tab, index) => {
            tab.addEventListener("click", () => select(tab, false));
            tab.addEventListener("keydown", (event) => {
                const step = { ArrowRight: 1, ArrowLeft: -1 }[event.key];
                if (step) {
                    event.preventDefault();
                    select(tabs[(index + step + tabs.length) % tabs.length], true);
                }
            });
        });
        entries[0].row.parentNode.insertBefore(list, entries[0].row);
        select(tabs.find((tab) => tab.classList.contains("translation-tab--error")) || tabs[0], false);
    }

    function init() {
        for (const form of document.querySelectorAll("#content-main form")) {
            for (const [field, entries] of groups(form)) {
                build(field, entries);
            }
        }
    }

    if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", init);
    } else {
        init();
    }
})();
