/* Keyboard shortcuts, as agents know them from Zendesk, Zammad and Freshdesk.
   "?" lists them in the <dialog id="shortcuts"> (templates/includes/shortcuts.html), which also
   holds the addresses to go to; "/" goes to the search box, "n" to the complaint's next step,
   "g" then a letter to another page. None fires while the user types in a field or holds
   Ctrl, Alt or Meta: the key is then theirs. */
(function () {
  "use strict";
  var dialog = document.getElementById("shortcuts");
  if (!dialog) {
    return;
  }
  var pendingGo = false;

  function typing(target) {
    if (!target || !target.closest) {
      return false;
    }
    return Boolean(target.closest("input, textarea, select, [contenteditable]:not([contenteditable='false'])"));
  }

  function open() {
    if (!dialog.open) {
      dialog.showModal(); // focus moves into the dialog; Escape closes it
    }
  }

  function searchBox() {
    return document.querySelector("[role='search'] input[type='search']");
  }

  function focusSearch() {
    var box = searchBox();
    if (box) {
      box.focus();
      box.select();
      return;
    }
    window.location.assign(dialog.dataset.searchUrl); // my work, search box focused on load
  }

  function firstControl(container) {
    var controls = container.querySelectorAll("input:not([type='hidden']), select, textarea, button");
    for (var i = 0; i < controls.length; i += 1) {
      if (!controls[i].disabled && controls[i].offsetParent !== null) {
        return controls[i];
      }
    }
    return null;
  }

  function nextStep() {
    var step = document.querySelector("#stepper [aria-current='step']");
    if (!step) {
      return;
    }
    var details = step.querySelector("details:not([open])");
    if (details) {
      details.open = true;
    }
    var control = firstControl(step);
    if (control) {
      control.focus();
      return;
    }
    var heading = step.querySelector("h3") || step;
    heading.setAttribute("tabindex", "-1");
    heading.focus();
  }

  var goTo = {};
  dialog.querySelectorAll("[data-go-key]").forEach(function (item) {
    goTo[item.dataset.goKey] = item.dataset.goUrl;
  });

  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.ctrlKey || event.altKey || event.metaKey) {
      return;
    }
    if (dialog.open || typing(event.target)) {
      pendingGo = false;
      return;
    }
    var key = event.key;
    if (pendingGo) {
      pendingGo = false;
      if (Object.prototype.hasOwnProperty.call(goTo, key)) {
        event.preventDefault();
        window.location.assign(goTo[key]);
      }
      return;
    }
    if (key === "?") {
      event.preventDefault();
      open();
    } else if (key === "/") {
      event.preventDefault();
      focusSearch();
    } else if (key === "n") {
      event.preventDefault();
      nextStep();
    } else if (key === "g") {
      pendingGo = true;
    }
  });

  var opener = document.getElementById("shortcuts-open");
  if (opener) {
    opener.addEventListener("click", open);
  }

  if (window.location.hash === "#search") {
    var box = searchBox();
    if (box) {
      box.focus();
    }
  }
})();
