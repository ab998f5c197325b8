// Runs first in <body>, before anything is drawn: GOV.UK Frontend styles depend on these classes.
// A static file (not inline) so the Content-Security-Policy can forbid every inline script.
document.body.className += " js-enabled" + ("noModule" in HTMLScriptElement.prototype ? " govuk-frontend-supported" : "");
