// The bid form: word counts beside each answer, and saving a draft as the bidder types.
(function () {
  var form = document.getElementById("bid-form");
  if (!form || !window.fetch) return;
  var status = document.getElementById("autosave-status");
  var token = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  var pending = {}, timer = null;
  function words(text) { var m = text.trim().match(/\S+/g); return m ? m.length : 0; }
  function counter(field) {
    var limit = parseInt(field.getAttribute("data-word-limit"), 10);
    if (!limit) return;
    var el = document.getElementById(field.id + "-count");
    if (!el) { el = document.createElement("p"); el.id = field.id + "-count"; el.className = "govuk-hint"; field.parentNode.appendChild(el); }
    var n = words(field.value);
    el.textContent = n + " of " + limit + " words" + (n > limit ? ": over the limit" : "");
  }
  function save() {
    var body = pending; pending = {};
    fetch(form.getAttribute("data-autosave-url"), {method: "POST", headers: {"Content-Type": "application/json", "X-CSRFToken": token}, body: JSON.stringify(body), credentials: "same-origin"})
      .then(function (r) { return r.json().then(function (d) { status.textContent = r.ok ? d.message : "Not saved: " + d.detail; }); })
      .catch(function () { status.textContent = "Not saved automatically: use Save draft"; Object.assign(pending, body); });
  }
  form.querySelectorAll("[data-autosave]").forEach(function (field) {
    counter(field);
    field.addEventListener("input", function () {
      counter(field);
      pending[field.getAttribute("data-autosave")] = field.value;
      clearTimeout(timer); timer = setTimeout(save, 1200);
    });
  });
})();
