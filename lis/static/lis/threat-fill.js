// The risk form's "Hot ur katalogen": choosing a threat fills orsak, händelse, konsekvens and
// the threatened aspects in place. Without JavaScript the "Fyll i från hotet" button does the
// same through the server. Text the user has written is kept; a field is filled when it is
// empty or still holds the previously chosen threat's text.
(function () {
  "use strict";
  var TEXTS = { cause: "cause", event: "event", consequence_text: "consequence" };

  function setUp(wrapper) {
    var select = wrapper.querySelector("select");
    var form = select && select.form;
    if (!form || wrapper.dataset.threatReady) return;
    wrapper.dataset.threatReady = "1";
    var button = wrapper.querySelector("[data-threat-fill-button]");
    var status = wrapper.querySelector("[data-threat-fill-status]");
    if (button) button.hidden = true;
    var previous = select.options[select.selectedIndex] || null;

    select.addEventListener("change", function () {
      var option = select.options[select.selectedIndex];
      if (!option || !option.dataset.cause) {
        previous = option;
        return;
      }
      Object.keys(TEXTS).forEach(function (name) {
        var field = form.elements.namedItem(name);
        if (!field) return;
        var before = previous && previous.dataset[TEXTS[name]];
        if (field.value.trim() === "" || field.value === before) field.value = option.dataset[TEXTS[name]];
      });
      var wanted = (option.dataset.aspects || "").split(" ");
      var earlier = previous && previous.dataset.aspects ? previous.dataset.aspects.split(" ") : [];
      var boxes = form.querySelectorAll('input[type="checkbox"][name="aspects"]');
      var untouched = Array.prototype.every.call(boxes, function (box) {
        return box.checked === (earlier.indexOf(box.value) !== -1);
      });
      if (untouched) {
        boxes.forEach(function (box) {
          box.checked = wanted.indexOf(box.value) !== -1;
        });
      }
      previous = option;
      if (status) status.textContent = wrapper.dataset.filledMessage;
    });
  }

  function init() {
    document.querySelectorAll("[data-threat-select]").forEach(setUp);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
