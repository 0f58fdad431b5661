/* The event form's focal point: a click on the image preview sets the two percent inputs, a marker shows the
   point. Without this script the inputs work on their own. The marker is placed through the CSSOM
   (element.style), which the Content-Security-Policy allows, unlike style attributes in the HTML. */
(function () {
  "use strict";

  function percent(value) {
    const number = Number(value);
    return Number.isFinite(number) ? Math.min(100, Math.max(0, Math.round(number))) : 50;
  }

  function init(picker) {
    const inputX = document.getElementById(picker.dataset.inputX);
    const inputY = document.getElementById(picker.dataset.inputY);
    const fileInput = document.getElementById(picker.dataset.fileInput);
    const marker = picker.querySelector(".focal-marker");
    if (!inputX || !inputY || !marker) {
      return;
    }
    const image = function () {
      return picker.querySelector("img");
    };
    const place = function () {
      marker.style.left = percent(inputX.value) + "%";
      marker.style.top = percent(inputY.value) + "%";
      marker.hidden = false;
    };
    const set = function (x, y) {
      inputX.value = percent(x);
      inputY.value = percent(y);
      // Listeners such as the unsaved-changes warning learn of the change as if typed.
      inputX.dispatchEvent(new Event("change", { bubbles: true }));
      inputY.dispatchEvent(new Event("change", { bubbles: true }));
      place();
    };

    picker.addEventListener("click", function (event) {
      const img = image();
      if (!img) {
        return;
      }
      const box = img.getBoundingClientRect();
      set(((event.clientX - box.left) / box.width) * 100, ((event.clientY - box.top) / box.height) * 100);
    });
    inputX.addEventListener("input", place);
    inputY.addEventListener("input", place);

    if (fileInput) {
      // A newly chosen file is shown before it is uploaded, so its point can be set in the same save.
      fileInput.addEventListener("change", function () {
        const file = fileInput.files && fileInput.files[0];
        if (!file || !file.type.startsWith("image/")) {
          return;
        }
        const reader = new FileReader();
        reader.addEventListener("load", function () {
          let img = image();
          if (!img) {
            img = document.createElement("img");
            img.className = "focal-picker-image";
            img.alt = picker.dataset.alt || "";
            picker.insertBefore(img, marker);
          }
          img.src = reader.result; // a data: URL, which the policy's img-src allows
          picker.classList.remove("focal-picker-empty");
          picker.parentNode.querySelectorAll("[data-focal-hint]").forEach(function (hint) {
            hint.hidden = hint.dataset.focalHint !== "image";
          });
          set(50, 50);
        });
        reader.readAsDataURL(file);
      });
    }
    if (image()) {
      place();
    }
  }

  function start() {
    document.querySelectorAll("[data-focal-picker]").forEach(init);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
