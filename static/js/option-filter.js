// Search-as-you-type over a long <select>: an input with data-filters="<select id>" hides
// the options that do not contain every typed word. Chosen options stay chosen while hidden,
// and a live line under the list says which are chosen.
(function () {
  "use strict";

  function words(text) {
    return text.toLowerCase().split(/\s+/).filter(Boolean);
  }

  function describeChosen(select, output) {
    const chosen = Array.from(select.selectedOptions).map((option) => option.textContent.trim());
    output.textContent = chosen.length ? "Chosen: " + chosen.join("; ") : "None chosen yet.";
  }

  function attach(input) {
    const select = document.getElementById(input.dataset.filters);
    if (!select) return;
    const output = document.getElementById(input.dataset.summary);
    input.addEventListener("input", function () {
      const wanted = words(input.value);
      for (const option of select.options) {
        const text = option.textContent.toLowerCase();
        option.hidden = !option.selected && !wanted.every((word) => text.includes(word));
      }
    });
    if (output) {
      select.addEventListener("change", () => describeChosen(select, output));
      describeChosen(select, output);
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("input[data-filters]").forEach(attach);
  });
})();
