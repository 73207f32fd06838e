// Saldo console: swaps server-rendered fragments, keeps the inbox live over
// server-sent events, and drives the composer. Every page works without it;
// with it nothing reloads.
(function () {
  "use strict";
  var csrf = (document.querySelector('meta[name="csrf-token"]') || {}).content || "";
  var inbox = document.querySelector("main.inbox");

  function $(sel, root) { return (root || document).querySelector(sel); }
  function $$(sel, root) { return Array.prototype.slice.call((root || document).querySelectorAll(sel)); }

  function request(method, url, body) {
    var headers = { "X-Requested-With": "fetch" };
    if (method !== "GET") { headers["X-CSRF-Token"] = csrf; }
    return fetch(url, { method: method, body: body, headers: headers, credentials: "same-origin" }).then(function (r) {
      if (r.status === 401) { window.location = "/login?next=" + encodeURIComponent(location.pathname + location.search); }
      return r.text().then(function (t) { return { ok: r.ok, status: r.status, html: t }; });
    });
  }

  // Autosubmitting selects (language, sort, assignee, priority).
  document.addEventListener("change", function (e) {
    var el = e.target;
    if (el.matches && el.matches("select[data-autosubmit]") && el.form) {
      if (el.form.requestSubmit) { el.form.requestSubmit(); } else { el.form.submit(); }
    }
  });

  if (!inbox) { return; }

  var selected = inbox.dataset.selected || "";
  var listQuery = new URLSearchParams(location.search);

  function listURL() {
    var q = new URLSearchParams(listQuery);
    if (selected) { q.set("c", selected); } else { q.delete("c"); }
    return "/inbox/list?" + q.toString();
  }

  function scrollDown() {
    var m = $("#messages");
    if (m) { m.scrollTop = m.scrollHeight; }
  }

  // setChat shows a fresh chat. A live refresh keeps what the agent is doing:
  // only the messages (and the header, unless it has the focus) change, as
  // long as the conversation and its window are the same.
  function setChat(html, live) {
    var chat = $("#chat");
    if (live) {
      var tmp = document.createElement("div");
      tmp.innerHTML = html;
      var cur = $(".chat", chat), next = $(".chat", tmp);
      if (cur && next && cur.dataset.conversation === next.dataset.conversation && cur.dataset.windowCloses === next.dataset.windowCloses) {
        var m = $("#messages", chat);
        var atBottom = m.scrollHeight - m.scrollTop - m.clientHeight < 60;
        m.innerHTML = $("#messages", tmp).innerHTML;
        var head = $(".chat-head", chat);
        if (!head.contains(document.activeElement)) { head.replaceWith($(".chat-head", tmp)); }
        if (atBottom) { scrollDown(); }
        return;
      }
    }
    var draft = $("#text", chat);
    var keep = draft ? draft.value : "";
    var focused = document.activeElement && document.activeElement.id;
    chat.innerHTML = html;
    var fresh = $("#text", chat);
    if (fresh && keep && !fresh.value) { fresh.value = keep; }
    if (focused && $("#" + focused, chat)) { $("#" + focused, chat).focus(); }
    initChat();
    scrollDown();
  }

  function refreshList() {
    return request("GET", listURL()).then(function (r) { if (r.ok) { $("#list").innerHTML = r.html; } });
  }
  function refreshChat(live) {
    if (!selected) { return Promise.resolve(); }
    return request("GET", "/inbox/c/" + selected + "/chat").then(function (r) { if (r.ok) { setChat(r.html, live); } });
  }
  function refreshPanel() {
    if (!selected) { return Promise.resolve(); }
    return request("GET", "/inbox/c/" + selected + "/panel").then(function (r) { if (r.ok) { $("#panel").innerHTML = r.html; } });
  }

  function open(id, href) {
    selected = id;
    inbox.classList.add("has-chat");
    history.pushState({ c: id }, "", href);
    Promise.all([refreshChat(), refreshPanel()]).then(function () {
      request("POST", "/inbox/c/" + id + "/read").then(refreshList);
    });
    $$("a.conv").forEach(function (a) { a.classList.toggle("on", a.dataset.conv === id); });
  }

  document.addEventListener("click", function (e) {
    var a = e.target.closest && e.target.closest("a.conv");
    if (a && !e.metaKey && !e.ctrlKey && !e.shiftKey) {
      e.preventDefault();
      open(a.dataset.conv, a.getAttribute("href"));
      return;
    }
    var assist = e.target.closest && e.target.closest("[data-assist]");
    if (assist) {
      e.preventDefault();
      var box = $("#text");
      var body = new FormData();
      body.append("text", box ? box.value : "");
      assist.disabled = true;
      request("POST", assist.dataset.assist, body).then(function (r) {
        var now = $("#text"); // the chat may have been refreshed meanwhile
        if (r.ok && now) { now.value = r.html; now.focus(); } else if (!r.ok) { alert(r.html); }
      }).finally(function () { assist.disabled = false; });
      return;
    }
    var back = e.target.closest && e.target.closest("a.back");
    if (back && window.matchMedia("(max-width: 900px)").matches) {
      e.preventDefault();
      inbox.classList.remove("has-chat");
    }
  });

  window.addEventListener("popstate", function () {
    var q = new URLSearchParams(location.search);
    selected = q.get("c") || "";
    inbox.classList.toggle("has-chat", !!selected);
    refreshChat(); refreshPanel(); refreshList();
  });

  // Forms of the chat and the panel post in the background; the answer is the fresh chat.
  document.addEventListener("submit", function (e) {
    var form = e.target;
    if (form.matches("[data-panel-search]")) {
      e.preventDefault();
      request("GET", form.action + "?" + new URLSearchParams(new FormData(form)).toString()).then(function (r) {
        if (r.ok) { $("#panel").innerHTML = r.html; var q = $("#link-q"); if (q) { q.focus(); } }
      });
      return;
    }
    if (!form.matches("[data-action]")) { return; }
    e.preventDefault();
    var button = form.querySelector("button[type=submit], button:not([type])");
    if (button) { button.disabled = true; }
    request("POST", form.action, new FormData(form)).then(function (r) {
      if (r.status === 200 || r.status === 422) {
        if (form.matches("[data-compose]") && r.status === 200) { var t = $("#text"); if (t) { t.value = ""; } }
        setChat(r.html);
        if (r.status === 200 && form.matches("[data-compose]")) { var f = $("#text"); if (f) { f.value = ""; f.focus(); } }
        refreshList(); refreshPanel();
      } else {
        alert(r.html || r.status);
      }
    }).finally(function () { if (button) { button.disabled = false; } });
  });

  // Ctrl/Cmd+Enter sends.
  document.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey) && e.target.matches("textarea") && e.target.form) {
      e.preventDefault();
      e.target.form.requestSubmit();
    }
  });

  // The 24-hour window countdown; when it runs out the composer switches to templates.
  var tick;
  function initChat() {
    clearInterval(tick);
    var chat = $(".chat");
    if (!chat) { return; }
    var closes = parseInt(chat.dataset.windowCloses || "0", 10) * 1000;
    var left = $("[data-left]", chat);
    var lang = document.body.dataset.lang;
    function update() {
      var ms = closes - Date.now();
      if (!left) { return; }
      if (ms <= 0) { clearInterval(tick); refreshChat(); return; }
      var h = Math.floor(ms / 3600000), m = Math.floor(ms / 60000) % 60;
      var d = (h ? h + " h " + (m < 10 ? "0" : "") : "") + m + " min";
      left.textContent = lang === "en" ? d + " left" : (lang === "pt" ? "restam " : "quedan ") + d;
      left.parentNode.classList.toggle("soon", ms < 3600000);
    }
    if (closes) { update(); tick = setInterval(update, 15000); }
    $$("[data-template-form]", chat).forEach(initTemplateForm);
  }

  // The template picker: one field per variable and a live preview.
  function initTemplateForm(form) {
    var select = $("select[name=template]", form);
    var vars = $("[data-fields]", form);
    var preview = $("[data-preview]", form);
    function render() {
      var opt = select.options[select.selectedIndex];
      var body = opt.dataset.body || "";
      preview.textContent = body.replace(/\{\{(\d+)\}\}/g, function (all, n) {
        var input = form.elements["p" + n];
        return input && input.value ? input.value : all;
      });
    }
    function build() {
      var opt = select.options[select.selectedIndex];
      var n = parseInt(opt.dataset.vars || "0", 10);
      vars.textContent = "";
      for (var i = 1; i <= n; i++) {
        var label = document.createElement("label");
        label.textContent = "{{" + i + "}}";
        var input = document.createElement("input");
        input.name = "p" + i; input.required = true; input.maxLength = 1024;
        label.appendChild(input);
        vars.appendChild(label);
      }
      if (opt.dataset.url === "true") {
        var l = document.createElement("label");
        l.textContent = document.body.dataset.lang === "en" ? "Button link suffix" : (document.body.dataset.lang === "pt" ? "Final do link do botão" : "Final del enlace del botón");
        var u = document.createElement("input");
        u.name = "button_url"; u.required = true;
        l.appendChild(u);
        vars.appendChild(l);
      }
      render();
    }
    select.addEventListener("change", build);
    form.addEventListener("input", render);
    render();
  }

  // A short beep for new messages, when the agent asked for it.
  var sound = $("#sound");
  if (sound) {
    sound.checked = localStorage.getItem("saldo.sound") === "on";
    sound.addEventListener("change", function () { localStorage.setItem("saldo.sound", sound.checked ? "on" : "off"); });
  }
  function beep() {
    if (!sound || !sound.checked || !window.AudioContext) { return; }
    var ctx = new AudioContext(), o = ctx.createOscillator(), g = ctx.createGain();
    o.frequency.value = 880; g.gain.value = 0.05;
    o.connect(g); g.connect(ctx.destination);
    o.start(); o.stop(ctx.currentTime + 0.15);
  }

  // Live: one stream per signed-in user; each event refreshes what it touches.
  var pending = null;
  function onChange(ev) {
    var data = {};
    try { data = JSON.parse(ev.data); } catch (err) { return; }
    if (data.kind === "message") { beep(); }
    var touched = data.conversation_id === selected;
    clearTimeout(pending);
    pending = setTimeout(function () {
      refreshList();
      if (touched) { refreshChat(true); refreshPanel(); }
    }, 80);
  }
  if (window.EventSource) {
    var es = new EventSource("/events");
    es.addEventListener("change", onChange);
    document.body.dataset.live = "connecting";
    es.onopen = function () { document.body.dataset.live = "on"; };
    es.onerror = function () { document.body.dataset.live = "off"; };
  }

  initChat();
  scrollDown();
})();
