// Saldo console, WhatsApp templates: confirms deletes, and on the new
// template form keeps a WhatsApp-style preview, the sample inputs of the
// body's variables, the character counters and the button rows in step with
// what is typed. The form works without it; the server checks everything.
(function () {
  "use strict";

  function $(sel, root) { return (root || document).querySelector(sel); }
  function $$(sel, root) { return Array.prototype.slice.call((root || document).querySelectorAll(sel)); }

  // Delete buttons ask first.
  document.addEventListener("submit", function (e) {
    var f = e.target;
    if (f.dataset && f.dataset.confirm && !window.confirm(f.dataset.confirm)) { e.preventDefault(); }
  });

  var form = $("#tpl-form");
  if (!form) { return; }

  var MAX_BUTTONS = 10;
  var varRe = /\{\{\s*(\d+)\s*\}\}/g;

  function variables(text) {
    var n = 0, m;
    varRe.lastIndex = 0;
    while ((m = varRe.exec(text)) !== null) { n = Math.max(n, parseInt(m[1], 10)); }
    return n;
  }

  function fill(text, values) {
    return text.replace(varRe, function (all, n) {
      var v = values[parseInt(n, 10) - 1];
      return v ? v : all;
    });
  }

  // The sample inputs follow the body's highest {{n}}, keeping what was typed.
  function syncExamples() {
    var n = Math.min(variables(form.body.value), 100);
    var box = $("#examples");
    var labels = $$("label.example", box);
    for (var i = labels.length; i < n; i++) {
      var label = document.createElement("label");
      label.className = "example";
      label.appendChild(document.createTextNode("{{" + (i + 1) + "}} "));
      var input = document.createElement("input");
      input.name = "example";
      label.appendChild(input);
      box.appendChild(label);
    }
    labels = $$("label.example", box);
    for (var j = labels.length - 1; j >= n; j--) {
      var inp = $("input", labels[j]);
      if (inp && inp.value === "") { labels[j].remove(); } else { labels[j].hidden = true; inp.disabled = true; }
    }
    labels = $$("label.example", box);
    labels.forEach(function (l, k) {
      var on = k < n, inp = $("input", l);
      l.hidden = !on; inp.disabled = !on;
    });
    $("#examples-box").hidden = n === 0;
  }

  function headerKind() { return form.header_format.value; }

  function syncHeaderFields() {
    var k = headerKind();
    $$("[data-header]", form).forEach(function (el) {
      var on = (el.dataset.header === "text" && k === "TEXT") || (el.dataset.header === "media" && k !== "" && k !== "TEXT");
      el.hidden = !on;
      $$("input", el).forEach(function (i) { i.disabled = !on; });
    });
  }

  function counters() {
    $$("[data-count]", form).forEach(function (el) {
      var field = form.elements[el.dataset.count];
      var max = parseInt(el.dataset.max, 10), n = Array.from(field.value).length;
      el.textContent = n + "/" + max;
      el.classList.toggle("over", n > max);
    });
  }

  function buttonLabel(row) {
    var type = $("select", row).value, text = $("input[name=button_text]", row).value;
    if (type === "COPY_CODE") { return text || $("select option:checked", row).textContent; }
    return text;
  }

  function preview() {
    var values = $$("#examples input", form).filter(function (i) { return !i.disabled; }).map(function (i) { return i.value; });
    var k = headerKind();
    var header = $("#pv-header"), media = $("#pv-media");
    header.textContent = k === "TEXT" ? fill(form.header.value, [form.header_example.value]) : "";
    media.hidden = k === "" || k === "TEXT";
    if (!media.hidden) { media.textContent = form.header_format.options[form.header_format.selectedIndex].textContent; }
    $("#pv-body").textContent = fill(form.body.value, values);
    $("#pv-footer").textContent = form.footer.value;
    var box = $("#pv-buttons");
    box.textContent = "";
    $$("#buttons .tpl-button-row", form).forEach(function (row) {
      if (!$("select", row).value) { return; }
      var span = document.createElement("span");
      span.textContent = buttonLabel(row) || "…";
      box.appendChild(span);
    });
  }

  function syncButtons() {
    var rows = $$("#buttons .tpl-button-row", form);
    rows.forEach(function (row) {
      var type = $("select", row).value;
      var value = $("input[name=button_value]", row), example = $("input[name=button_example]", row);
      value.closest("label").hidden = type !== "URL" && type !== "PHONE_NUMBER";
      value.placeholder = type === "PHONE_NUMBER" ? "+573001234567" : "https://…/{{1}}";
      example.closest("label").hidden = type !== "COPY_CODE" && !(type === "URL" && /\{\{1\}\}$/.test(value.value));
      example.maxLength = type === "COPY_CODE" ? 15 : 200;
      $("[data-remove-button]", row).hidden = false;
    });
    $("#add-button").hidden = rows.length >= MAX_BUTTONS;
  }

  function update() {
    syncExamples();
    syncHeaderFields();
    syncButtons();
    counters();
    preview();
  }

  form.addEventListener("input", update);
  form.addEventListener("change", update);

  $("#add-button").addEventListener("click", function () {
    var tpl = $("#button-row-template");
    var row = tpl.content.firstElementChild.cloneNode(true);
    $("#buttons").appendChild(row);
    update();
    $("select", row).focus();
  });

  form.addEventListener("click", function (e) {
    var rm = e.target.closest && e.target.closest("[data-remove-button]");
    if (!rm) { return; }
    rm.closest(".tpl-button-row").remove();
    update();
  });

  // Blank rows the server added are only noise once rows can be added.
  $$("#buttons .tpl-button-row", form).forEach(function (row, i) {
    var blank = !$("select", row).value && $$("input", row).every(function (x) { return x.value === ""; });
    var hasError = $(".field-error", row);
    if (blank && !hasError && i > 0) { row.remove(); }
  });
  update();
})();
