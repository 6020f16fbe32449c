// GOV.UK Frontend styles some components differently when JavaScript runs. Kept in a file, not
// inline, so the Content-Security-Policy can forbid inline scripts.
document.body.className += " js-enabled" + ("noModule" in HTMLScriptElement.prototype ? " govuk-frontend-supported" : "");
