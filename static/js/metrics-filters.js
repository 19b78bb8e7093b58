// Capacity metrics filters: show only the period fields the chosen period uses (all of them stay in the page and
// work without JavaScript; a field with an error is never hidden).
(function () {
  "use strict";
  const uses = {
    all: [], year: ["year"], quarter: ["year", "quarter"], month: ["year", "month"], term: ["term"],
    custom: ["start", "end"],
  };
  document.querySelectorAll("[data-metrics-period]").forEach(function (fieldset) {
    const select = fieldset.querySelector('select[name="period"]');
    if (!select) return;
    function update() {
      const shown = uses[select.value || "all"] || [];
      fieldset.querySelectorAll("[data-field]").forEach(function (wrapper) {
        const name = wrapper.dataset.field;
        if (name === "period") return;
        const hasError = wrapper.classList.contains("metrics__field--error");
        wrapper.hidden = !shown.includes(name) && !hasError;
      });
    }
    select.addEventListener("change", update);
    update();
  });
})();
