// Every page: start the GOV.UK Frontend components, and Jointly's small behaviours (no inline scripts: CSP).
import { initAll } from "../dist/govuk-frontend.min.js";

initAll();

// "Go back" links on refusal pages (a javascript: URL would be blocked by the Content-Security-Policy).
document.querySelectorAll("[data-jointly-back]").forEach(function (link) {
  link.addEventListener("click", function (event) {
    event.preventDefault();
    window.history.back();
  });
});
