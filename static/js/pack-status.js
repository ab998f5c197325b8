// Board pack page while the pack is being prepared: shows progress and reloads when it is ready.
(function () {
  var box = document.getElementById("pack-status");
  var bar = document.getElementById("pack-bar");
  if (!box || !bar) return;
  var url = box.getAttribute("data-status-url");
  bar.style.width = (bar.getAttribute("data-progress") || "0") + "%";
  function poll() {
    fetch(url, {credentials: "same-origin", headers: {"Accept": "application/json"}}).then(function (r) { return r.json(); }).then(function (s) {
      document.getElementById("pack-percent").textContent = s.progress;
      bar.style.width = s.progress + "%";
      if (s.ready || s.status === "failed") { window.location.reload(); } else { window.setTimeout(poll, 1500); }
    }).catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 1000);
})();
