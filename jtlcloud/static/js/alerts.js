// Alert rule form: show only the fields of the chosen kind of rule. Without
// JavaScript every fieldset stays visible and the server ignores the others.
(function () {
  "use strict";
  var form = document.querySelector(".rule-form");
  if (!form) return;
  var radios = form.querySelectorAll('input[name="kind"]');
  var groups = form.querySelectorAll(".rule-kind");
  function update() {
    var chosen = form.querySelector('input[name="kind"]:checked');
    var kind = chosen ? chosen.value : "";
    groups.forEach(function (group) {
      group.hidden = kind !== "" && group.getAttribute("data-kind") !== kind;
    });
  }
  radios.forEach(function (radio) { radio.addEventListener("change", update); });
  update();
})();
