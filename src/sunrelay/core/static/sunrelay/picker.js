// People and team pickers: a <select multiple> becomes a search box with the chosen ones as
// removable chips. The select stays in the form (hidden), so without JavaScript it still works
// and the server reads the same field either way. Keyboard: type, arrows, Enter picks,
// Backspace in an empty box removes the last chip.
(function () {
  function enhance(select) {
    var box = document.createElement("div");
    box.className = "picker";
    var chips = document.createElement("span");
    var input = document.createElement("input");
    input.type = "search";
    input.placeholder = "Type a name…";
    input.setAttribute("aria-label", (select.closest("label") || {}).firstChild ?
      select.closest("label").firstChild.textContent.trim() : "Search");
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-expanded", "false");
    var list = document.createElement("ul");
    list.className = "picker-list";
    list.setAttribute("role", "listbox");
    box.append(chips, input, list);
    select.hidden = true;
    select.after(box);
    var active = -1;

    function render() {
      chips.replaceChildren();
      Array.prototype.forEach.call(select.selectedOptions, function (option) {
        var chip = document.createElement("button");
        chip.type = "button";
        chip.className = "chip";
        chip.textContent = option.textContent + " ×";
        chip.setAttribute("aria-label", "Remove " + option.textContent);
        chip.addEventListener("click", function () { option.selected = false; render(); input.focus(); });
        chips.append(chip);
      });
      var text = input.value.trim().toLowerCase();
      list.replaceChildren();
      if (!text) { input.setAttribute("aria-expanded", "false"); return; }
      var shown = Array.prototype.filter.call(select.options, function (o) {
        return !o.selected && (o.textContent.toLowerCase().indexOf(text) >= 0 ||
                               o.value.toLowerCase().indexOf(text) >= 0);
      }).slice(0, 8);
      active = Math.min(Math.max(active, 0), shown.length - 1);
      shown.forEach(function (option, i) {
        var item = document.createElement("li");
        item.setAttribute("role", "option");
        item.textContent = option.textContent;
        if (i === active) item.setAttribute("aria-selected", "true");
        item.addEventListener("mousedown", function (e) { e.preventDefault(); pick(option); });
        list.append(item);
      });
      input.setAttribute("aria-expanded", shown.length ? "true" : "false");
      list.options = shown;
    }
    function pick(option) { option.selected = true; input.value = ""; active = 0; render(); }
    input.addEventListener("input", function () { active = 0; render(); });
    input.addEventListener("keydown", function (e) {
      var shown = list.options || [];
      if (e.key === "ArrowDown") { active = Math.min(active + 1, shown.length - 1); render(); e.preventDefault(); }
      else if (e.key === "ArrowUp") { active = Math.max(active - 1, 0); render(); e.preventDefault(); }
      else if (e.key === "Enter" && shown[active]) { pick(shown[active]); e.preventDefault(); }
      else if (e.key === "Backspace" && !input.value && select.selectedOptions.length) {
        select.selectedOptions[select.selectedOptions.length - 1].selected = false; render();
      }
    });
    render();
  }
  document.querySelectorAll("select[multiple][data-picker]").forEach(enhance);
})();
