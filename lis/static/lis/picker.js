// A filter box for long checkbox lists (PickerWidget): typing narrows the list; a polite live
// region says how many are shown and chosen. Without JavaScript the checkboxes work as they are.
(function () {
  "use strict";

  function normalise(text) {
    return text.toLocaleLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "");
  }

  function setUp(picker, number) {
    if (picker.dataset.pickerReady) return;
    picker.dataset.pickerReady = "1";
    var options = Array.prototype.slice.call(picker.querySelectorAll('input[type="checkbox"]')).map(function (box) {
      return { box: box, row: box.closest("div"), text: normalise(box.parentElement.textContent) };
    });
    var id = "picker-filter-" + number;
    var wrapper = document.createElement("div");
    wrapper.className = "picker-filter";
    var label = document.createElement("label");
    label.htmlFor = id;
    label.textContent = picker.dataset.filterLabel;
    var input = document.createElement("input");
    input.type = "search";
    input.id = id;
    input.autocomplete = "off";
    var status = document.createElement("p");
    status.className = "help";
    status.id = id + "-status";
    status.setAttribute("aria-live", "polite");
    input.setAttribute("aria-describedby", status.id);
    wrapper.appendChild(label);
    wrapper.appendChild(input);
    wrapper.appendChild(status);
    picker.insertBefore(wrapper, picker.firstChild);

    function update() {
      var words = normalise(input.value).split(/\s+/).filter(Boolean);
      var shown = 0;
      var chosen = 0;
      options.forEach(function (option) {
        var match = words.every(function (word) {
          return option.text.indexOf(word) !== -1;
        });
        option.row.hidden = !match;
        if (match) shown += 1;
        if (option.box.checked) chosen += 1;
      });
      status.textContent = picker.dataset.statusTemplate
        .replace("%(shown)s", shown)
        .replace("%(total)s", options.length)
        .replace("%(chosen)s", chosen);
    }

    input.addEventListener("input", update);
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") event.preventDefault(); // Enter filters, it does not submit the form
    });
    picker.addEventListener("change", function (event) {
      if (event.target !== input) update();
    });
    update();
  }

  function init() {
    document.querySelectorAll("[data-picker]").forEach(setUp);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
