/* Outsourcer: the little behaviour the pages need. No inline handlers; everything is delegated. */
(function () {
  "use strict";

  var doc = document;
  doc.documentElement.classList.add("js");

  function closest(el, selector) {
    return el && el.closest ? el.closest(selector) : null;
  }

  /* --- Copy to clipboard: <button data-copy="element-id"> copies that element's text. ---------- */

  function announce(text) {
    var live = doc.getElementById("js-live");
    if (!live) {
      live = doc.createElement("div");
      live.id = "js-live";
      live.className = "visually-hidden";
      live.setAttribute("role", "status");
      live.setAttribute("aria-live", "polite");
      doc.body.appendChild(live);
    }
    live.textContent = "";
    window.setTimeout(function () { live.textContent = text; }, 50);
  }

  function copyFallback(source) {
    var range = doc.createRange();
    range.selectNodeContents(source);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
    var ok = false;
    try { ok = doc.execCommand("copy"); } catch (e) { ok = false; }
    return ok;
  }

  function copied(button, ok) {
    var label = button.getAttribute("data-label") || button.textContent;
    button.setAttribute("data-label", label);
    button.textContent = ok ? "Copied" : "Select and copy by hand";
    button.classList.toggle("is-copied", ok);
    announce(ok ? "Copied to the clipboard." : "Could not copy. The text is selected: copy it by hand.");
    window.setTimeout(function () {
      button.textContent = label;
      button.classList.remove("is-copied");
    }, 2500);
  }

  doc.addEventListener("click", function (event) {
    var button = closest(event.target, "[data-copy]");
    if (!button) return;
    var source = doc.getElementById(button.getAttribute("data-copy"));
    if (!source) return;
    var text = source.textContent.trim();
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(
        function () { copied(button, true); },
        function () { copied(button, copyFallback(source)); }
      );
    } else {
      copied(button, copyFallback(source));
    }
  });

  /* --- Narrow screens: the Menu button opens and closes the sidebar. -------------------------- */

  doc.addEventListener("click", function (event) {
    var toggle = closest(event.target, "[data-nav-toggle]");
    if (!toggle) return;
    var nav = doc.getElementById(toggle.getAttribute("aria-controls"));
    if (!nav) return;
    var open = toggle.getAttribute("aria-expanded") !== "true";
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
    nav.classList.toggle("is-open", open);
    if (open) {
      var first = nav.querySelector("a[href]");
      if (first) first.focus();
    }
  });

  /* --- Dropdowns (<details data-dropdown>): close on Escape and on a click elsewhere. --------- */

  doc.addEventListener("click", function (event) {
    doc.querySelectorAll("details[data-dropdown][open]").forEach(function (details) {
      if (!details.contains(event.target)) details.removeAttribute("open");
    });
  });

  doc.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    doc.querySelectorAll("details[data-dropdown][open]").forEach(function (details) {
      details.removeAttribute("open");
      var summary = details.querySelector("summary");
      if (summary) summary.focus();
    });
    var toggle = doc.querySelector("[data-nav-toggle][aria-expanded='true']");
    if (toggle) {
      var nav = doc.getElementById(toggle.getAttribute("aria-controls"));
      if (nav && nav.contains(doc.activeElement)) {
        toggle.setAttribute("aria-expanded", "false");
        nav.classList.remove("is-open");
        toggle.focus();
      }
    }
  });

  /* --- Ask before destructive forms: <form data-confirm="Question?">. ------------------------- */
  /* With data-confirm-if="fieldname", ask only when that checkbox is ticked. */

  doc.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form || !form.hasAttribute || !form.hasAttribute("data-confirm")) return;
    var onlyIf = form.getAttribute("data-confirm-if");
    if (onlyIf) {
      var box = form.elements[onlyIf];
      if (!box || !box.checked) return;
    }
    if (!window.confirm(form.getAttribute("data-confirm"))) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);

  /* --- Activity filter: keep the current chip marked after htmx swaps the table. -------------- */

  function markFilter() {
    var face = new URLSearchParams(window.location.search).get("face") || "";
    doc.querySelectorAll("[data-filter-nav] [data-face]").forEach(function (link) {
      if (link.getAttribute("data-face") === face) {
        link.setAttribute("aria-current", "true");
      } else {
        link.removeAttribute("aria-current");
      }
    });
  }

  doc.addEventListener("click", function (event) {
    var link = closest(event.target, "[data-filter-nav] [data-face]");
    if (!link) return;
    doc.querySelectorAll("[data-filter-nav] [data-face]").forEach(function (other) {
      other.removeAttribute("aria-current");
    });
    link.setAttribute("aria-current", "true");
  });

  doc.addEventListener("htmx:beforeRequest", function (event) {
    var target = event.detail && event.detail.target;
    if (target) target.setAttribute("aria-busy", "true");
  });
  doc.addEventListener("htmx:afterSettle", markFilter);
  doc.addEventListener("htmx:responseError", function (event) {
    var target = event.detail && event.detail.target;
    if (target) target.removeAttribute("aria-busy");
    announce("Could not load that. Reload the page and try again.");
  });

  /* --- On load: bring the eye to an error summary or a one-time secret. ----------------------- */

  function focusOnLoad() {
    var target = doc.querySelector("[data-error-summary]") || doc.querySelector("[data-focus-on-load]");
    if (target) target.focus();
  }

  if (doc.readyState === "loading") {
    doc.addEventListener("DOMContentLoaded", focusOnLoad);
  } else {
    focusOnLoad();
  }
})();
