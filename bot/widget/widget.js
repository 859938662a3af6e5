/* govqa widget: one <script src=".../widget.js" data-title="…"> adds a launcher and a chat panel.
 * Dependency-free. Everything lives in a shadow root so the host page's CSS cannot reach it.
 * Document text is only ever inserted as text nodes, never parsed as HTML. */
(function () {
  "use strict";
  if (window.__govqaWidget) return; // the tag may be pasted twice
  window.__govqaWidget = true;

  var script = document.currentScript;
  var src = new URL((script && script.src) || "/widget.js", window.location.href);
  // API base = where this script came from, so a page on another host still talks to our server
  var API = src.origin + src.pathname.replace(/\/[^/]*$/, "");
  var TITLE = (script && script.getAttribute("data-title")) || "问答";
  var MAX_QUESTION = 2000; // AskRequest.question max_length

  var CSS = [
    ":host{all:initial;position:fixed;right:20px;bottom:20px;z-index:2147483000;",
    "font:14px/1.6 system-ui,-apple-system,'PingFang SC','Microsoft YaHei','Noto Sans CJK SC',sans-serif;color:#1f2933}",
    "*{box-sizing:border-box;letter-spacing:normal}",
    "[hidden]{display:none!important}",
    "button{font:inherit;color:inherit;cursor:pointer;border:1px solid #c3ccd6;background:#fff;border-radius:6px;padding:2px 8px;margin:0}",
    "button:focus-visible,textarea:focus-visible,[tabindex]:focus-visible{outline:3px solid #ffb000;outline-offset:2px}",
    ".launcher{width:56px;height:56px;border-radius:50%;border:none;background:#1a56a6;color:#fff;font-size:24px;",
    "box-shadow:0 2px 8px rgba(0,0,0,.3);display:flex;align-items:center;justify-content:center;padding:0}",
    ".launcher:hover{background:#134483}",
    ".panel{position:absolute;right:0;bottom:68px;width:380px;height:560px;max-height:calc(100vh - 100px);background:#fff;",
    "border:1px solid #c3ccd6;border-radius:10px;box-shadow:0 6px 24px rgba(0,0,0,.25);display:flex;flex-direction:column;overflow:hidden}",
    ".head{display:flex;align-items:center;justify-content:space-between;padding:8px 12px;background:#1a56a6;color:#fff}",
    ".head h2{font-size:15px;margin:0;font-weight:600}",
    ".head button{background:transparent;color:#fff;border-color:transparent;font-size:18px;line-height:1}",
    ".log{flex:1;overflow-y:auto;padding:10px 12px;display:flex;flex-direction:column;gap:10px}",
    ".msg{max-width:92%;padding:8px 10px;border-radius:8px;white-space:pre-wrap;word-break:break-word}",
    ".q{align-self:flex-end;background:#e3edfa}",
    ".a{align-self:flex-start;background:#f4f6f8;border:1px solid #e1e5ea}",
    ".a.unanswerable{background:#fff8e6;border-color:#f0d48a}",
    ".a.error{background:#fdecec;border-color:#f2b8b8}",
    ".cite{font-size:12px;padding:0 4px;margin:0 1px;vertical-align:super;line-height:1.2;color:#1a56a6;border-color:#9db7dc}",
    ".cite[aria-expanded=true]{background:#1a56a6;color:#fff}",
    ".tools{display:flex;gap:6px;margin-top:6px;white-space:normal}",
    ".tools button{font-size:12px}",
    ".tools button[aria-pressed=true]{background:#1a56a6;color:#fff}",
    ".detail{margin-top:6px;padding:6px 8px;border-left:3px solid #1a56a6;background:#fff;font-size:13px;white-space:pre-wrap}",
    ".detail .meta{font-weight:600;color:#3e4c59;margin-bottom:4px}",
    "mark{background:#ffe27a;color:inherit}",
    ".chart{margin-top:8px;white-space:normal}",
    ".chart .cap{font-size:12px;color:#52606d;margin-bottom:4px}",
    ".row{display:grid;grid-template-columns:minmax(5em,max-content) 1fr auto;align-items:center;gap:6px;font-size:12px;margin:2px 0}",
    ".row .track{height:12px;background:#e6eaef;border-radius:3px;overflow:hidden}",
    ".row .bar{height:100%;background:#1a56a6}",
    ".row.missing .num{color:#7b8794}",
    "form{display:flex;gap:6px;padding:8px;border-top:1px solid #e1e5ea}",
    "textarea{flex:1;resize:none;font:inherit;color:inherit;border:1px solid #c3ccd6;border-radius:6px;padding:6px;height:58px;background:#fff}",
    ".send{background:#1a56a6;color:#fff;border-color:#1a56a6;padding:0 14px}",
    ".send:disabled{opacity:.5;cursor:default}",
    ".sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}",
    "@media (max-width:480px){:host{right:12px;bottom:12px}",
    ".panel{position:fixed;left:0;right:0;bottom:0;top:0;width:100%;height:100%;max-height:none;border-radius:0}}"
  ].join("");

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (k) {
        if (k === "text") node.textContent = attrs[k];
        else if (k === "className") node.className = attrs[k];
        else if (k.slice(0, 2) === "on") node.addEventListener(k.slice(2), attrs[k]);
        else node.setAttribute(k, attrs[k]);
      });
    }
    (children || []).forEach(function (c) {
      node.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
    });
    return node;
  }

  var host = document.createElement("govqa-widget"); // a custom tag: host rules like `div {…}` miss it
  var root = host.attachShadow({ mode: "open" });
  root.appendChild(el("style", { text: CSS }));

  var uid = "govqa-" + Math.random().toString(36).slice(2, 8);
  var launcher = el("button", {
    className: "launcher", type: "button", title: TITLE, "aria-label": TITLE, "aria-expanded": "false",
    "aria-controls": uid + "-panel", text: "问"
  });
  var log = el("div", { className: "log", role: "log", "aria-live": "polite", "aria-label": "对话记录" });
  var input = el("textarea", {
    "aria-label": "输入问题（Enter 发送，Shift+Enter 换行）", maxlength: String(MAX_QUESTION),
    placeholder: "请输入问题，Enter 发送"
  });
  var sendBtn = el("button", { className: "send", type: "submit", text: "发送" });
  var form = el("form", {}, [input, sendBtn]);
  var closeBtn = el("button", { type: "button", "aria-label": "关闭", text: "×" });
  var panel = el("div", { className: "panel", id: uid + "-panel", role: "dialog", "aria-label": TITLE, hidden: "" }, [
    el("div", { className: "head" }, [el("h2", { text: TITLE }), closeBtn]),
    log,
    form
  ]);
  root.appendChild(panel);
  root.appendChild(launcher);

  var sessionId = null;
  var busy = false;
  var composing = false;

  function setOpen(open) {
    panel.hidden = !open;
    launcher.setAttribute("aria-expanded", String(open));
    if (open) input.focus();
    else launcher.focus();
  }

  launcher.addEventListener("click", function () { setOpen(panel.hidden); });
  closeBtn.addEventListener("click", function () { setOpen(false); });
  root.addEventListener("keydown", function (e) {
    if (e.key === "Escape" && !panel.hidden) { e.preventDefault(); setOpen(false); }
  });

  input.addEventListener("compositionstart", function () { composing = true; });
  input.addEventListener("compositionend", function () { composing = false; });
  input.addEventListener("keydown", function (e) {
    if (e.key !== "Enter" || e.shiftKey) return;
    // Enter that confirms an IME candidate (拼音 → 汉字) must not send; Safari reports it as keyCode 229
    if (e.isComposing || composing || e.keyCode === 229) return;
    e.preventDefault();
    submit();
  });
  form.addEventListener("submit", function (e) { e.preventDefault(); submit(); });

  function scrollDown() { log.scrollTop = log.scrollHeight; }

  /* ---------- answer rendering (text nodes only) ---------- */

  function showCitation(msg, cite, button) {
    var detail = msg.detail;
    var same = button.getAttribute("aria-expanded") === "true";
    msg.bubble.querySelectorAll(".cite").forEach(function (b) { b.setAttribute("aria-expanded", "false"); });
    detail.textContent = "";
    if (same) { detail.hidden = true; return; }
    button.setAttribute("aria-expanded", "true");
    var meta = [cite.region, cite.year, cite.section].filter(function (x) { return x !== null && x !== undefined && x !== ""; });
    detail.appendChild(el("div", { className: "meta", text: "[" + cite.n + "] " + meta.join(" · ") }));
    var body = el("div", { className: "passage" });
    var text = cite.text || "";
    var quote = cite.quote || "";
    var at = quote ? text.indexOf(quote) : -1;
    if (at >= 0) {
      body.appendChild(document.createTextNode(text.slice(0, at)));
      body.appendChild(el("mark", { text: quote }));
      body.appendChild(document.createTextNode(text.slice(at + quote.length)));
    } else {
      body.appendChild(document.createTextNode(text));
      if (quote) body.appendChild(el("div", {}, ["引文：", el("mark", { text: quote })]));
    }
    detail.appendChild(body);
    detail.hidden = false;
    scrollDown();
  }

  function citeButton(msg, n) {
    var cite = msg.citations.filter(function (c) { return c.n === n; })[0];
    if (!cite) return null;
    var b = el("button", {
      type: "button", className: "cite", "aria-expanded": "false", "aria-controls": msg.detail.id,
      "aria-label": "查看引文 " + n, text: "[" + n + "]"
    });
    b.addEventListener("click", function () { showCitation(msg, cite, b); });
    return b;
  }

  function renderAnswerText(msg) {
    var target = msg.textNode;
    target.textContent = "";
    var parts = msg.answer.split(/\[(\d+)\]/);
    for (var i = 0; i < parts.length; i++) {
      if (i % 2 === 0) {
        if (parts[i]) target.appendChild(document.createTextNode(parts[i]));
      } else {
        var b = citeButton(msg, Number(parts[i]));
        target.appendChild(b || document.createTextNode("[" + parts[i] + "]"));
      }
    }
  }

  function renderChart(msg, table) {
    if (!table || !table.rows || !table.rows.length) return;
    var values = table.rows.map(function (r) { return r.value; }).filter(function (v) { return typeof v === "number"; });
    var max = values.length ? Math.max.apply(null, values.map(Math.abs)) : 0;
    var caption = (table.label || table.metric) + (table.unit ? "（" + table.unit + "）" : "");
    var chart = el("div", { className: "chart", role: "group", "aria-label": "图表：" + caption }, [
      el("div", { className: "cap", text: caption })
    ]);
    table.rows.forEach(function (r) {
      var missing = typeof r.value !== "number";
      var label = r.region + (r.year ? " " + r.year : "");
      var shown = missing ? "未披露" : (r.display || String(r.value));
      var track = el("div", { className: "track", "aria-hidden": "true" });
      if (!missing) {
        var pct = max > 0 ? Math.max(2, Math.round(Math.abs(r.value) / max * 100)) : 0;
        track.appendChild(el("div", { className: "bar", style: "width:" + pct + "%" }));
      } else {
        track.style.background = "transparent";
      }
      var num = el("span", { className: "num", text: shown });
      var row = el("div", { className: "row" + (missing ? " missing" : ""), "data-region": r.region }, [
        el("span", { className: "region", text: label }), track, num
      ]);
      if (r.citation) {
        var b = citeButton(msg, r.citation);
        if (b) num.appendChild(b);
      }
      chart.appendChild(row);
    });
    msg.bubble.insertBefore(chart, msg.detail);
  }

  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text).catch(function () { return fallbackCopy(text); });
    }
    return Promise.resolve(fallbackCopy(text));
  }

  function fallbackCopy(text) {
    // execCommand needs a selection in the light DOM; put a throwaway textarea there
    var ta = document.createElement("textarea");
    ta.value = text;
    ta.setAttribute("readonly", "");
    ta.style.cssText = "position:fixed;top:-1000px;opacity:0";
    document.body.appendChild(ta);
    ta.select();
    var ok = false;
    try { ok = document.execCommand("copy"); } catch (err) { ok = false; }
    document.body.removeChild(ta);
    if (!ok) throw new Error("copy failed");
  }

  function sendFeedback(msg, rating, button, other) {
    button.setAttribute("aria-pressed", "true");
    other.setAttribute("aria-pressed", "false");
    try {
      fetch(API + "/api/feedback", {
        method: "POST", headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ session_id: msg.sessionId || "", question: msg.question, answer: msg.answer, rating: rating,
          route: msg.route, citations: msg.citations, source: "widget" })
      }).catch(function () { /* feedback is best effort */ });
    } catch (err) { /* ditto */ }
  }

  function addTools(msg) {
    var copy = el("button", { type: "button", text: "复制", "aria-label": "复制回答" });
    copy.addEventListener("click", function () {
      var plain = msg.answer;
      copyText(plain).then(function () { copy.textContent = "已复制"; },
        function () { copy.textContent = "复制失败"; });
      setTimeout(function () { copy.textContent = "复制"; }, 2000);
    });
    var up = el("button", { type: "button", text: "有帮助", "aria-pressed": "false" });
    var down = el("button", { type: "button", text: "没帮助", "aria-pressed": "false" });
    up.addEventListener("click", function () { sendFeedback(msg, "up", up, down); });
    down.addEventListener("click", function () { sendFeedback(msg, "down", down, up); });
    msg.bubble.insertBefore(el("div", { className: "tools" }, [copy, up, down]), msg.detail);
  }

  /* ---------- streaming ---------- */

  function parseBlock(block) {
    var event = "message";
    var data = [];
    block.split(/\r\n|\r|\n/).forEach(function (line) {
      if (!line || line.charAt(0) === ":") return; // comments are keep-alive pings
      var colon = line.indexOf(":");
      var field = colon < 0 ? line : line.slice(0, colon);
      var value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
      if (field === "event") event = value;
      else if (field === "data") data.push(value);
    });
    return data.length ? { event: event, data: data.join("\n") } : null;
  }

  function readStream(response, onEvent) {
    var reader = response.body.getReader();
    var decoder = new TextDecoder("utf-8");
    var buffer = "";
    function pump() {
      return reader.read().then(function (step) {
        buffer += decoder.decode(step.value || new Uint8Array(), { stream: !step.done });
        var sep = /\r\n\r\n|\n\n|\r\r/;
        var m;
        while ((m = sep.exec(buffer))) {
          var ev = parseBlock(buffer.slice(0, m.index));
          buffer = buffer.slice(m.index + m[0].length);
          if (ev) onEvent(ev.event, JSON.parse(ev.data));
        }
        if (step.done) {
          var last = parseBlock(buffer);
          if (last) onEvent(last.event, JSON.parse(last.data));
          return;
        }
        return pump();
      });
    }
    return pump();
  }

  function submit() {
    var question = input.value.trim();
    if (!question || busy) return;
    busy = true;
    sendBtn.disabled = true;
    input.value = "";
    log.appendChild(el("div", { className: "msg q", text: question }));

    var bubble = el("div", { className: "msg a" });
    var msg = {
      question: question, answer: "", citations: [], sessionId: sessionId, bubble: bubble,
      textNode: el("div", { className: "text" }),
      detail: el("div", { className: "detail", id: uid + "-d" + log.childElementCount, hidden: "" })
    };
    bubble.appendChild(msg.textNode);
    bubble.appendChild(msg.detail);
    log.appendChild(bubble);
    // finished answers are announced once; not every token
    log.setAttribute("aria-busy", "true");
    scrollDown();

    var body = { question: question };
    if (sessionId) body.session_id = sessionId;
    var done = null;
    fetch(API + "/api/chat", {
      method: "POST", headers: { "Content-Type": "application/json", Accept: "text/event-stream" },
      body: JSON.stringify(body)
    }).then(function (response) {
      if (!response.ok || !response.body) throw new Error("HTTP " + response.status);
      return readStream(response, function (event, data) {
        if (event === "token") {
          msg.answer += data.text;
          msg.textNode.textContent = msg.answer;
          scrollDown();
        } else if (event === "replace") {
          // The streamed answer failed the grounding check: show the checked (extractive) one instead.
          msg.answer = data.text;
          msg.textNode.textContent = msg.answer;
          scrollDown();
        } else if (event === "citations") {
          msg.citations = data || [];
        } else if (event === "done") {
          done = data;
        }
      });
    }).then(function () {
      if (!done) throw new Error("stream ended early");
      msg.answer = done.answer;
      msg.citations = done.citations || msg.citations;
      msg.route = done.route || null;
      if (done.session_id) sessionId = done.session_id;
      msg.sessionId = sessionId;
      if (done.answerable === false) bubble.className += " unanswerable";
      renderAnswerText(msg);
      renderChart(msg, done.table);
      addTools(msg);
    }).catch(function (err) {
      bubble.className += " error";
      msg.textNode.textContent = (msg.answer ? msg.answer + "\n" : "") + "抱歉，服务暂时不可用（" + err.message + "）。";
    }).then(function () {
      busy = false;
      sendBtn.disabled = false;
      log.setAttribute("aria-busy", "false");
      scrollDown();
    });
  }

  function mount() { document.body.appendChild(host); }
  if (document.body) mount();
  else document.addEventListener("DOMContentLoaded", mount);
})();
