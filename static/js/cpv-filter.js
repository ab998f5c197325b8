// Tender form: a search box above the CPV code checkboxes that hides the codes not matching what is typed.
// Without JavaScript the whole list shows (light-touch services first), so nothing depends on this.
(function () {
  var first = document.querySelector("input[data-cpv-option]");
  if (!first) return;
  var group = first.closest(".govuk-checkboxes");
  if (!group) return;
  var items = Array.prototype.slice.call(group.querySelectorAll(".govuk-checkboxes__item"));
  var wrapper = document.createElement("div");
  wrapper.className = "govuk-form-group govuk-!-margin-bottom-3";
  var label = document.createElement("label");
  label.className = "govuk-label";
  label.htmlFor = "cpv-filter";
  label.textContent = "Search the CPV codes by number or words";
  var input = document.createElement("input");
  input.className = "govuk-input govuk-!-width-two-thirds";
  input.id = "cpv-filter";
  input.type = "search";
  input.setAttribute("autocomplete", "off");
  var status = document.createElement("p");
  status.className = "govuk-body-s";
  status.setAttribute("aria-live", "polite");
  wrapper.appendChild(label);
  wrapper.appendChild(input);
  wrapper.appendChild(status);
  group.parentNode.insertBefore(wrapper, group);
  input.addEventListener("input", function () {
    var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
    var shown = 0;
    items.forEach(function (item) {
      var box = item.querySelector("input");
      var text = item.textContent.toLowerCase();
      var match = box.checked || words.every(function (w) { return text.indexOf(w) !== -1; });
      item.hidden = !match;
      if (match) shown += 1;
    });
    status.textContent = words.length ? shown + " of " + items.length + " codes shown (ticked codes always show)" : "";
  });
})();
