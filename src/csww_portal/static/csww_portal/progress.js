// The "being checked" page: ask for the check's state every few seconds and, when it has
// finished, put the finished page in place of this one (no reload, focus on its heading).
// Without JavaScript the page refreshes itself instead (a meta refresh inside <noscript>).
(function () {
  "use strict";
  var box = document.getElementById("check-progress");
  if (!box || box.getAttribute("data-finished") === "true") return;
  var url = box.getAttribute("data-status-url");
  var state = document.getElementById("check-state");
  var failures = 0;

  function describe(s) {
    if (s.status === "queued") {
      return s.position > 0
        ? "Waiting to be checked: " + s.position + " upload" + (s.position === 1 ? "" : "s") + " ahead of yours."
        : "Waiting to be checked: yours is next.";
    }
    return "Being checked now.";
  }

  function showFinished() {
    fetch(window.location.href, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (r) { return r.text(); })
      .then(function (html) {
        var next = new DOMParser().parseFromString(html, "text/html");
        var main = document.getElementById("main-content");
        var fresh = next.getElementById("main-content");
        if (!main || !fresh) { window.location.reload(); return; }
        main.innerHTML = fresh.innerHTML;
        document.title = next.title;
        // A failed check leads with its error summary, as GOV.UK pages do; else the heading.
        var target = main.querySelector(".govuk-error-summary") || main.querySelector("h1");
        if (target) {
          target.setAttribute("tabindex", "-1");
          target.focus();
        }
      })
      .catch(function () { window.location.reload(); });
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) {
        if (!r.ok) throw new Error(r.status);
        return r.json();
      })
      .then(function (s) {
        failures = 0;
        if (s.finished) { showFinished(); return; }
        if (state) state.textContent = describe(s);
        box.setAttribute("data-status", s.status);
        // The server says when asking again is worth it (longer while far back in the queue).
        window.setTimeout(poll, Math.max(1, s.retry_after || 2) * 1000);
      })
      .catch(function () {
        failures += 1;
        if (failures > 5) { window.location.reload(); return; }
        window.setTimeout(poll, 4000);
      });
  }

  window.setTimeout(poll, 1000);
})();
