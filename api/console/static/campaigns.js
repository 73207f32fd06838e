// Saldo console, campaigns: the new campaign form (variables per template,
// audience preview, inline segment builder, live message preview), the
// campaign page's live counters, and confirmations before cancelling or
// deleting. Server answers are put in the page as text, never as HTML.
(function () {
  "use strict";
  var csrf = (document.querySelector('meta[name="csrf-token"]') || {}).content || "";

  document.addEventListener("submit", function (e) {
    var f = e.target;
    if (f.dataset && f.dataset.confirm && !window.confirm(f.dataset.confirm)) { e.preventDefault(); }
  });

  function post(url, form) {
    return fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: { "X-CSRF-Token": csrf, "Accept": "application/json", "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(new FormData(form)).toString()
    }).then(function (r) {
      return r.json().catch(function () { return { error: r.status + " " + r.statusText }; });
    });
  }

  function el(tag, cls, text) {
    var n = document.createElement(tag);
    if (cls) { n.className = cls; }
    if (text !== undefined) { n.textContent = text; }
    return n;
  }

  // ------------------------------------------------------------ new campaign
  var form = document.getElementById("campaign-form");
  if (form) {
    var rows = document.getElementById("var-rows");
    var rowTpl = document.getElementById("var-row-tpl");
    var tplSelect = document.getElementById("cmp-template");
    var previewBox = document.getElementById("message-preview");
    var timer = null;

    var showAudience = function () {
      var chosen = (form.querySelector('input[name="audience"]:checked') || {}).value || "segment";
      form.querySelectorAll("[data-audience]").forEach(function (d) { d.hidden = d.getAttribute("data-audience") !== chosen; });
    };

    var showText = function (row) {
      var src = row.querySelector("[data-var-source]");
      var text = row.querySelector(".var-text");
      if (src && text) { text.hidden = src.value !== "text"; }
    };

    var buildRows = function () {
      var opt = tplSelect.options[tplSelect.selectedIndex];
      var n = opt ? parseInt(opt.getAttribute("data-vars") || "0", 10) : 0;
      var have = rows.querySelectorAll(".var-row").length;
      for (var i = have + 1; i <= n; i++) {
        var html = rowTpl.innerHTML.split("var_source_0").join("var_source_" + i)
          .split("var_text_0").join("var_text_" + i).split("{{0}}").join("{{" + i + "}}").split('data-n="0"').join('data-n="' + i + '"');
        var holder = document.createElement("div");
        holder.innerHTML = html; // our own markup, from the page's <template>
        while (holder.firstElementChild) { rows.appendChild(holder.firstElementChild); }
      }
      rows.querySelectorAll(".var-row").forEach(function (r) {
        if (parseInt(r.getAttribute("data-n"), 10) > n) { r.remove(); }
      });
      rows.querySelectorAll(".var-row").forEach(showText);
      var none = rows.querySelector(".var-none");
      if (n === 0 && opt && opt.value) {
        if (!none) { rows.appendChild(el("p", "muted var-none", rows.getAttribute("data-none"))); }
      } else if (none) { none.remove(); }
    };

    var renderBubble = function (box, a) {
      box.textContent = "";
      if (a.error) { box.appendChild(el("p", "error", a.error)); return; }
      var b = el("div", "wa-bubble");
      if (a.header) { b.appendChild(el("p", "wa-header", a.header)); }
      b.appendChild(el("p", "wa-body", a.body));
      if (a.footer) { b.appendChild(el("p", "wa-footer", a.footer)); }
      if (a.buttons && a.buttons.length) {
        var bs = el("div", "wa-buttons");
        a.buttons.forEach(function (t) { bs.appendChild(el("span", "", t)); });
        b.appendChild(bs);
      }
      box.appendChild(b);
      box.appendChild(el("p", "muted wa-note", a.note));
    };

    var refreshPreview = function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        if (!tplSelect.value) { return; }
        post("/campaigns/preview", form).then(function (a) { renderBubble(previewBox, a); });
      }, 250);
    };

    form.addEventListener("change", function (e) {
      var t = e.target;
      if (t.name === "audience") { showAudience(); }
      if (t === tplSelect) { buildRows(); }
      if (t.hasAttribute && t.hasAttribute("data-var-source")) { showText(t.closest(".var-row")); }
      if (t.name === "scheduled_at" && t.value) {
        var later = form.querySelector('input[name="when"][value="later"]');
        if (later) { later.checked = true; }
      }
      if (t === tplSelect || t.name === "audience" || t.name === "segment_id" || t.name === "group_id" || (t.name || "").indexOf("var_") === 0) {
        refreshPreview();
      }
    });
    form.addEventListener("input", function (e) {
      if ((e.target.name || "").indexOf("var_text_") === 0) { refreshPreview(); }
    });

    var audienceBtn = form.querySelector("[data-preview-audience]");
    var audienceBox = document.getElementById("audience-result");
    if (audienceBtn) {
      audienceBtn.addEventListener("click", function () {
        audienceBtn.disabled = true;
        post("/campaigns/audience", form).then(function (a) {
          audienceBox.textContent = "";
          if (a.error) { audienceBox.appendChild(el("p", "error", a.error)); return; }
          audienceBox.appendChild(el("p", "audience-total", a.text));
          if (a.skipped && a.skipped.length) {
            var ul = el("ul", "audience-skipped");
            a.skipped.forEach(function (s) { ul.appendChild(el("li", "", s)); });
            audienceBox.appendChild(ul);
          }
          if (a.sample && a.sample.length) { audienceBox.appendChild(el("p", "muted", "→ " + a.sample.join(", "))); }
        }).finally(function () { audienceBtn.disabled = false; });
      });
    }

    var saveSeg = form.querySelector("[data-save-segment]");
    if (saveSeg) {
      saveSeg.addEventListener("click", function (e) {
        e.preventDefault();
        var out = form.querySelector(".seg-result");
        saveSeg.disabled = true;
        post("/segments", form).then(function (a) {
          out.textContent = "";
          if (a.error) { out.appendChild(el("span", "error", a.error)); return; }
          var sel = document.getElementById("cmp-segment");
          var opt = el("option", "", a.name + " — " + a.criteria);
          opt.value = a.id;
          sel.appendChild(opt);
          sel.value = a.id;
          out.appendChild(el("span", "notice", "✓ " + a.name));
          var det = form.querySelector(".seg-builder");
          if (det) { det.open = false; }
          refreshPreview();
        }).finally(function () { saveSeg.disabled = false; });
      });
    }

    showAudience();
    rows.querySelectorAll(".var-row").forEach(showText);
    if (tplSelect.value && !rows.querySelector(".var-row")) { buildRows(); }
    if (tplSelect.value) { refreshPreview(); }
  }

  // ------------------------------------------------------------ live counters
  var page = document.getElementById("campaign");
  if (page && page.getAttribute("data-live") === "true") {
    var url = page.getAttribute("data-live-url");
    var status = page.getAttribute("data-status");
    var tick = function () {
      fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (a) {
          if (!a) { return; }
          Object.keys(a.counters).forEach(function (k) {
            page.querySelectorAll('[data-counter="' + k + '"]').forEach(function (n) { n.textContent = a.counters[k]; });
          });
          page.querySelectorAll('[data-rate="delivery"]').forEach(function (n) { n.textContent = a.delivery_rate; });
          page.querySelectorAll('[data-rate="read"]').forEach(function (n) { n.textContent = a.read_rate; });
          if (a.status !== status) { window.location.reload(); return; }
          if (a.live) { setTimeout(tick, 2000); }
        })
        .catch(function () { setTimeout(tick, 5000); });
    };
    setTimeout(tick, 2000);
  }
})();
