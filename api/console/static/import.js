// Customer import and contact groups: the preview fetched in place (the
// chosen file stays in the form, so "confirm" sends it again), the progress
// bar of a background import, and confirmations before deleting.
(function () {
  "use strict";
  var csrf = (document.querySelector('meta[name="csrf-token"]') || {}).content || "";

  document.addEventListener("submit", function (e) {
    var form = e.target;
    var msg = form.getAttribute("data-confirm");
    if (msg && !window.confirm(msg)) {
      e.preventDefault();
    }
  });

  var form = document.getElementById("import-form");
  var target = document.getElementById("import-preview");
  if (form && target && window.fetch && window.FormData) {
    form.addEventListener("submit", function (e) {
      var submitter = e.submitter;
      if (submitter && submitter.getAttribute("formaction")) {
        return; // importing: an ordinary submit, answered with a redirect
      }
      e.preventDefault();
      target.setAttribute("aria-busy", "true");
      fetch(form.action, {
        method: "POST", body: new FormData(form), credentials: "same-origin",
        headers: { "X-Requested-With": "fetch", "X-CSRF-Token": csrf }
      }).then(function (r) { return r.text(); }).then(function (html) {
        target.innerHTML = html;
      }).catch(function () {
        form.submit();
      }).then(function () { target.removeAttribute("aria-busy"); });
    });
  }

  var status = document.getElementById("import-status");
  if (status && status.getAttribute("data-ended") !== "true" && window.fetch) {
    var url = status.getAttribute("data-status-url");
    var set = function (id, text) { var el = document.getElementById(id); if (el) { el.textContent = text; } };
    var poll = function () {
      fetch(url, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
        .then(function (r) { return r.json(); })
        .then(function (s) {
          var bar = document.getElementById("import-progress");
          if (bar) { bar.value = s.percent; bar.textContent = s.percent + "%"; }
          set("import-state", s.state_text);
          set("import-rows", s.rows_text);
          set("import-counts", s.counts_text);
          if (s.ended) { window.location.reload(); return; }
          window.setTimeout(poll, 1000);
        })
        .catch(function () { window.setTimeout(poll, 3000); });
    };
    window.setTimeout(poll, 1000);
  }
})();
