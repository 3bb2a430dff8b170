// Keyboard: "/" jumps to the search box from anywhere but a text field; Escape leaves it and
// closes any open menu.
(function () {
  document.addEventListener("keydown", function (event) {
    var target = event.target;
    var typing = target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName);
    if (event.key === "/" && !typing && !event.ctrlKey && !event.metaKey && !event.altKey) {
      var box = document.getElementById("global-search");
      if (box) { event.preventDefault(); box.focus(); }
    } else if (event.key === "Escape") {
      document.querySelectorAll("header details[open]").forEach(function (d) { d.open = false; });
      document.querySelectorAll("header.open").forEach(function (h) { h.classList.remove("open"); });
      if (target.id === "global-search") target.blur();
    }
  });
  // the phone menu
  document.addEventListener("click", function (event) {
    var toggle = event.target.closest && event.target.closest(".menu-toggle");
    if (!toggle) return;
    var header = toggle.closest("header");
    var open = header.classList.toggle("open");
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
  });
  // one open menu at a time
  document.addEventListener("toggle", function (event) {
    var opened = event.target;
    if (!(opened instanceof HTMLDetailsElement) || !opened.open || !opened.closest("header")) return;
    document.querySelectorAll("header details.group[open]").forEach(function (d) {
      if (d !== opened && !d.contains(opened)) d.open = false;
    });
  }, true);
})();
