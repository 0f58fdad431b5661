// The rich-text editor on admin forms: django-prose-editor's Tiptap bundle, started without anything the
// Content-Security-Policy forbids (no inline <style>, no style attributes, no import map).
import * as prose from "../django_prose_editor/editor.js";

const SELECTOR = "textarea[data-richtext]";
const ALWAYS = ["Document", "Paragraph", "Text", "Dropcursor", "Gapcursor", "History", "Menu"];

// The stored HTML of a table without Tiptap's style="min-width: …" and <colgroup> (the sanitiser would drop them;
// the pages draw tables with their own CSS). The editing view keeps its table view, styled through the CSSOM.
const TableWithoutStyles = prose.Table.extend({
  renderHTML({ HTMLAttributes }) {
    return ["table", prose.mergeAttributes(this.options.HTMLAttributes, HTMLAttributes), ["tbody", 0]];
  },
});

function extensionsFrom(config) {
  const wanted = { ...Object.fromEntries(ALWAYS.map((name) => [name, true])), ...config.extensions };
  const list = [];
  for (const [name, options] of Object.entries(wanted)) {
    const extension = name === "Table" ? TableWithoutStyles : prose[name];
    if (!extension || options === false) continue;
    list.push(typeof options === "object" ? extension.configure(options) : extension);
  }
  return list;
}

// The editor's dialogs ask window.gettext; its menu titles are English words, replaced here.
function teach(labels) {
  const django = (window.django = window.django || {});
  django.catalog = django.catalog || {};
  for (const [english, translated] of Object.entries(labels)) {
    if (!(english in django.catalog)) django.catalog[english] = translated;
  }
}

function relabel(root, labels) {
  for (const element of root.querySelectorAll(".prose-menubar [title], .prose-menubar [aria-label]")) {
    for (const attribute of ["title", "aria-label"]) {
      const english = element.getAttribute(attribute);
      if (english && labels[english]) element.setAttribute(attribute, labels[english]);
    }
  }
  for (const option of root.querySelectorAll(".prose-menubar__option > *")) {
    const english = option.textContent.trim();
    if (labels[english]) option.textContent = labels[english];
  }
}

// Dialogs (link, table) open inside the editor's wrapper; their choices are English words the editor compares,
// so the value stays and only the visible text changes.
function relabelDialogs(wrapper, labels) {
  new MutationObserver((records) => {
    for (const record of records) {
      for (const node of record.addedNodes) {
        if (node.nodeType !== Node.ELEMENT_NODE) continue;
        for (const option of node.querySelectorAll("option:not([value])")) {
          const english = option.textContent;
          if (!labels[english]) continue;
          option.value = english;
          option.textContent = labels[english];
        }
      }
    }
  }).observe(wrapper, { childList: true });
}

function isEmpty(html) {
  return /^<(\w+)(\s[^>]*)?><\/\1>$/i.test(html);
}

function create(textarea) {
  const config = JSON.parse(textarea.getAttribute("data-richtext") || "{}");
  const labels = JSON.parse(textarea.getAttribute("data-richtext-labels") || "{}");
  teach(labels);
  const disabled = textarea.hasAttribute("disabled");
  const wrapper = prose.crel("div", { className: disabled ? "prose-editor disabled" : "prose-editor" });
  textarea.before(wrapper);
  wrapper.append(textarea);
  const editor = new prose.Editor({
    element: wrapper,
    editable: !disabled,
    extensions: extensionsFrom(config),
    content: textarea.value,
    injectCSS: false, // Tiptap would add a <style> element; its rules are in css/richtext.css
    // The menu is built when the editor is created and may swap buttons later: translate it each time.
    onCreate({ editor }) {
      relabel(wrapper, labels);
      editor.on("transaction", () => relabel(wrapper, labels));
    },
    onUpdate({ editor }) {
      const html = editor.getHTML();
      textarea.value = isEmpty(html) ? "" : html;
      textarea.dispatchEvent(new Event("input", { bubbles: true }));
    },
  });
  relabelDialogs(wrapper, labels);
  // The label still points at the hidden textarea; let it focus the editor instead.
  const label = textarea.id && document.querySelector(`label[for="${CSS.escape(textarea.id)}"]`);
  if (label) {
    editor.view.dom.setAttribute("aria-labelledby", label.id || (label.id = `${textarea.id}_label`));
    label.addEventListener("click", () => editor.commands.focus());
  }
  textarea.dispatchEvent(new CustomEvent("richtext:ready", { detail: { editor }, bubbles: true }));
  return editor;
}

prose.initializeEditors((textarea) => {
  if (!textarea.closest(".prose-editor")) create(textarea);
}, SELECTOR);
