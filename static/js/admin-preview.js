"use strict";
// Live preview beside an admin change form (swsdigital/core/admin_preview.py). The form's own hidden preview
// buttons post its current values into an iframe: no fetch, no eval, no inline script. Each refresh loads
// into a fresh iframe, swapped in when it has loaded: no flicker, the scroll position stays, and the
// browser's history gains no entries (a new frame's first page replaces its blank one), so "Back" still
// leaves the form.
(function () {
    const TYPING_PAUSE = 800; // ms after the last keystroke
    const CHOICE_PAUSE = 50; // selects, checkboxes, radio buttons: at once
    const GIVE_UP = 20000; // a refresh that never loads no longer blocks the next one
    const HIDDEN_KEY = "swsLivePreviewHidden";

    function init() {
        const pane = document.querySelector("[data-live-preview]");
        if (!pane) {
            return;
        }
        const form = document.getElementById(pane.dataset.form);
        if (!form || typeof form.requestSubmit !== "function") {
            return; // without requestSubmit the pane stays hidden; the form works as before
        }
        const layout = pane.closest(".live-preview-layout");
        const tabs = Array.from(pane.querySelectorAll("[role=tab]"));
        const toggle = pane.querySelector(".live-preview__toggle");
        const filesHint = pane.querySelector("[data-files-hint]");
        const languages = tabs.map((tab) => tab.dataset.language);
        const state = {};
        for (const language of languages) {
            state[language] = {
                panel: pane.querySelector(`[role=tabpanel][data-language="${language}"]`),
                button: pane.querySelector(`[data-preview-submit="${language}"]`),
                stale: true,
                busy: false,
                again: false,
                latest: null,
                timer: null,
            };
        }
        let active = languages[0];
        let counter = 0;
        let timer = null;
        let hidden = false;

        function current(panel) {
            return panel.querySelector("iframe.live-preview__frame:not(.is-loading)");
        }

        function done(language, frame) {
            const entry = state[language];
            clearTimeout(entry.timer);
            entry.busy = false;
            if (frame === entry.latest) {
                const old = current(entry.panel);
                let top = 0;
                try {
                    top = old ? old.contentWindow.scrollY : 0;
                } catch (error) {
                    top = 0; // an error page of another origin
                }
                for (const other of entry.panel.querySelectorAll("iframe")) {
                    if (other !== frame) {
                        other.remove();
                    }
                }
                frame.classList.remove("is-loading");
                try {
                    frame.contentWindow.scrollTo(0, top);
                } catch (error) {
                    // nothing to restore
                }
            } else {
                frame.remove();
            }
            if (entry.again) {
                entry.again = false;
                refresh(language);
            }
        }

        function refresh(language) {
            const entry = state[language];
            if (hidden) {
                return;
            }
            if (entry.busy) {
                entry.again = true; // one refresh at a time; the next one takes the newest values
                return;
            }
            entry.stale = false;
            entry.busy = true;
            counter += 1;
            const frame = document.createElement("iframe");
            frame.name = `live-preview-${language}-${counter}`;
            frame.title = entry.panel.dataset.frameTitle;
            frame.className = "live-preview__frame is-loading";
            // A picture of the page: no scripts, no forms; links open in a new tab (the page sets <base target>).
            frame.setAttribute("sandbox", "allow-same-origin allow-popups allow-popups-to-escape-sandbox");
            entry.panel.appendChild(frame);
            entry.latest = frame;
            frame.addEventListener("load", function () {
                let blank = false;
                try {
                    blank = frame.contentDocument && frame.contentDocument.URL === "about:blank";
                } catch (error) {
                    blank = false;
                }
                if (!blank) {
                    done(language, frame);
                }
            });
            entry.timer = setTimeout(function () {
                done(language, frame);
            }, GIVE_UP);
            entry.button.formTarget = frame.name;
            form.requestSubmit(entry.button);
        }

        function changed(delay) {
            for (const language of languages) {
                state[language].stale = true;
            }
            clearTimeout(timer);
            timer = setTimeout(function () {
                refresh(active);
            }, delay);
        }

        function select(tab, focus) {
            for (const other of tabs) {
                const selected = other === tab;
                other.setAttribute("aria-selected", selected ? "true" : "false");
                other.tabIndex = selected ? 0 : -1;
                state[other.dataset.language].panel.hidden = !selected;
            }
            if (focus) {
                tab.focus();
            }
            active = tab.dataset.language;
            if (state[active].stale) {
                refresh(active);
            }
        }

        function setHidden(value) {
            hidden = value;
            pane.classList.toggle("live-preview--collapsed", value);
            if (layout) {
                layout.classList.toggle("live-preview-layout--collapsed", value);
            }
            toggle.setAttribute("aria-expanded", value ? "false" : "true");
            toggle.textContent = value ? toggle.dataset.showLabel : toggle.dataset.hideLabel;
            try {
                window.localStorage.setItem(HIDDEN_KEY, value ? "1" : "");
            } catch (error) {
                // private mode: not remembered
            }
            if (!value && state[active].stale) {
                refresh(active);
            }
        }

        for (const tab of tabs) {
            tab.addEventListener("click", function () {
                select(tab, false);
            });
            tab.addEventListener("keydown", function (event) {
                const index = tabs.indexOf(tab);
                let next = null;
                if (event.key === "ArrowRight") {
                    next = tabs[(index + 1) % tabs.length];
                } else if (event.key === "ArrowLeft") {
                    next = tabs[(index - 1 + tabs.length) % tabs.length];
                } else if (event.key === "Home") {
                    next = tabs[0];
                } else if (event.key === "End") {
                    next = tabs[tabs.length - 1];
                }
                if (next) {
                    event.preventDefault();
                    select(next, true);
                }
            });
        }
        toggle.addEventListener("click", function () {
            setHidden(!hidden);
        });

        form.addEventListener("input", function (event) {
            const type = event.target.type || "";
            changed(type === "checkbox" || type === "radio" || type.startsWith("select") ? CHOICE_PAUSE : TYPING_PAUSE);
        });
        form.addEventListener("change", function (event) {
            const target = event.target;
            if (target.type === "file") {
                if (filesHint) {
                    filesHint.hidden = !Array.from(form.querySelectorAll("input[type=file]")).some(
                        (input) => input.files.length,
                    );
                }
                return; // files are not sent to the preview
            }
            changed(target.tagName === "SELECT" || target.type === "checkbox" || target.type === "radio" ? CHOICE_PAUSE : TYPING_PAUSE);
        });
        // The autocomplete widgets (select2) announce a choice through jQuery only, which native listeners miss.
        if (window.django && window.django.jQuery) {
            window.django.jQuery(form).on("select2:select select2:unselect select2:clear", function () {
                changed(CHOICE_PAUSE);
            });
        }
        // Choices moved between the two boxes of a "filter_horizontal" field fire no event; their options change.
        // Only a different choice counts: the widget also redraws its boxes when the form is submitted.
        function chosenKey() {
            return Array.from(form.querySelectorAll("select[multiple][id$=_to]"), (box) =>
                Array.from(box.options, (option) => option.value).sort().join(","),
            ).join(";");
        }
        if (form.querySelector("select[multiple]") && "MutationObserver" in window) {
            let chosen = null;
            const observer = new MutationObserver(function () {
                const key = chosenKey();
                if (key !== chosen) {
                    chosen = key;
                    changed(CHOICE_PAUSE);
                }
            });
            window.addEventListener("load", function () {
                setTimeout(function () {
                    // after the widgets have built their boxes on "load"
                    chosen = chosenKey();
                    for (const box of form.querySelectorAll("select[multiple]")) {
                        observer.observe(box, { childList: true });
                    }
                }, 0);
            });
        }

        // Beside the preview the form is narrower: an inline's table that no longer fits scrolls sideways, and
        // keyboard users must be able to reach and scroll it.
        function reachable() {
            for (const box of form.querySelectorAll(".wrapper")) {
                const scrolls = box.scrollWidth > box.clientWidth;
                if (scrolls && !box.hasAttribute("tabindex")) {
                    box.tabIndex = 0;
                    box.dataset.previewTabindex = "";
                } else if (!scrolls && "previewTabindex" in box.dataset) {
                    box.removeAttribute("tabindex");
                    delete box.dataset.previewTabindex;
                }
            }
        }
        let resizing = null;
        window.addEventListener("resize", function () {
            clearTimeout(resizing);
            resizing = setTimeout(reachable, 200);
        });
        toggle.addEventListener("click", reachable);

        pane.hidden = false;
        reachable();
        let remembered = false;
        try {
            remembered = window.localStorage.getItem(HIDDEN_KEY) === "1";
        } catch (error) {
            remembered = false;
        }
        if (remembered) {
            setHidden(true);
        }
        const start = function () {
            reachable();
            refresh(active);
        };
        if (document.readyState === "complete") {
            start();
        } else {
            window.addEventListener("load", start);
        }
    }

    if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", init);
    } else {
        init();
    }
})();
