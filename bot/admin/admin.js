/* govqa admin console: a plain-JS client of the admin API (no build step, nothing from another origin).
 *
 * Safety rules this file keeps: report text, metadata and feedback are written by others, so every
 * value reaches the page through textContent or DOM attributes, never innerHTML; the admin token
 * lives in sessionStorage (this tab only) and travels as an Authorization header, never in a URL
 * or a cookie another site could replay.
 */
(function () {
  "use strict";

  var TOKEN_KEY = "govqa-admin-token";
  var EDITABLE = [["region", "地区"], ["year", "年份"], ["level", "级别"], ["title", "标题"]];
  // Where a detected field came from (Document.provenance[field].source).
  var SOURCES = { title: "标题", chrome: "网页信息栏", addressee: "主送单位", opening: "开头段落", body: "正文提及",
                  report_as_follows: "“现将…报告如下”", filename: "文件名", filename_pinyin: "文件名拼音",
                  index_code: "索引号", signature: "落款" };
  var KINDS = { government: "政府", department: "部门", sub_district: "街道", town: "乡镇", party: "党委" };
  var state = { docs: [], dense: true, metrics: [], feedback: [] };

  // --- DOM helpers ------------------------------------------------------------------------------

  function $(id) { return document.getElementById(id); }

  /** Build an element; strings become text nodes, so data can never become markup. */
  function h(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      var value = attrs[key];
      if (value === null || value === undefined || value === false) return;
      if (key === "text") node.textContent = String(value);
      else if (key === "className") node.className = value;
      else if (key.slice(0, 2) === "on") node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value === true ? "" : String(value));
    });
    (children || []).forEach(function (child) {
      if (child === null || child === undefined) return;
      node.appendChild(typeof child === "string" || typeof child === "number" ? document.createTextNode(String(child)) : child);
    });
    return node;
  }

  function svg(tag, attrs, text) {
    var node = document.createElementNS("http://www.w3.org/2000/svg", tag);
    Object.keys(attrs || {}).forEach(function (key) { node.setAttribute(key, String(attrs[key])); });
    if (text !== undefined) node.textContent = String(text);
    return node;
  }

  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); return node; }
  function show(node, visible) { node.hidden = !visible; }
  function shown(value) { return value === null || value === undefined || value === "" ? "—" : String(value); }

  function flash(message, bad) {
    var box = $("flash");
    box.textContent = message || "";
    box.className = bad ? "bad" : "";
  }

  // --- API --------------------------------------------------------------------------------------

  function token() { return sessionStorage.getItem(TOKEN_KEY) || ""; }

  function errorText(status, body) {
    if (body && typeof body.detail === "string") return body.detail;
    if (body && Array.isArray(body.detail)) return body.detail.map(function (d) { return d.msg; }).join("; ");
    return "HTTP " + status;
  }

  /** fetch with the bearer token; resolves to parsed JSON (or text), rejects with a readable Error. */
  function api(path, options) {
    options = options || {};
    var headers = Object.assign({ Authorization: "Bearer " + token() }, options.headers || {});
    var init = { method: options.method || "GET", headers: headers, credentials: "omit", cache: "no-store" };
    if (options.json !== undefined) {
      headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(options.json);
    }
    return fetch(path, init).then(function (response) {
      if (response.status === 401) { logout("令牌无效或已更换，请重新登录。"); }
      if (response.status === 204) return null;
      var type = response.headers.get("Content-Type") || "";
      var read = type.indexOf("json") >= 0 && type.indexOf("ndjson") < 0 ? response.json() : response.text();
      return read.then(function (body) {
        if (!response.ok) {
          var err = new Error(errorText(response.status, body));
          err.status = response.status;
          throw err;
        }
        return body;
      });
    });
  }

  function download(filename, text, type) {
    var url = URL.createObjectURL(new Blob([text], { type: type }));
    var link = h("a", { href: url, download: filename });
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(function () { URL.revokeObjectURL(url); }, 1000);
  }

  // --- log in / out -----------------------------------------------------------------------------

  function logout(message) {
    sessionStorage.removeItem(TOKEN_KEY);
    show($("nav"), false);
    document.querySelectorAll(".view").forEach(function (v) { show(v, false); });
    show($("login"), true);
    $("login-error").textContent = message || "";
  }

  function login(event) {
    event.preventDefault();
    var given = $("token").value.trim();
    if (!given) return;
    // Check the token on an admin route before keeping it.
    fetch("/api/feedback", { headers: { Authorization: "Bearer " + given }, credentials: "omit", cache: "no-store" })
      .then(function (response) {
        if (response.ok) {
          sessionStorage.setItem(TOKEN_KEY, given);
          $("token").value = "";
          enter();
        } else if (response.status === 403) {
          start();
        } else {
          $("login-error").textContent = "令牌错误，登录被拒绝。";
        }
      }, function () { $("login-error").textContent = "无法连接服务。"; });
  }

  function enter() {
    show($("login"), false);
    show($("nav"), true);
    $("login-error").textContent = "";
    route();
  }

  function start() {
    fetch("/api/admin/status", { credentials: "omit", cache: "no-store" })
      .then(function (r) { return r.json(); })
      .then(function (status) {
        state.dense = status.dense !== false;
        if (!status.enabled) {
          sessionStorage.removeItem(TOKEN_KEY);
          show($("disabled"), true);
          show($("login"), false);
          show($("nav"), false);
          document.querySelectorAll(".view").forEach(function (v) { show(v, false); });
          return;
        }
        if (token()) enter(); else logout("");
      }, function () { flash("无法连接服务。", true); });
  }

  // --- routing ----------------------------------------------------------------------------------

  function route() {
    if (!token()) return;
    var parts = (location.hash || "#reports").slice(1).split("/");
    var view = parts[0] === "doc" ? "detail" : parts[0];
    if (!$("view-" + view)) view = "reports";
    document.querySelectorAll(".view").forEach(function (v) { show(v, v.id === "view-" + view); });
    document.querySelectorAll("#nav a").forEach(function (a) {
      if (a.dataset.view === view) a.setAttribute("aria-current", "page"); else a.removeAttribute("aria-current");
    });
    if (view === "reports") loadDocs();
    else if (view === "detail") loadDetail(decodeURIComponent(parts[1] || ""), parts[2]);
    else if (view === "metrics") loadMetrics();
    else if (view === "feedback") loadFeedback();
    else if (view === "eval") loadEval();
    else if (view === "keys") loadKeys();
    else if (view === "tokens") loadTokens();
    else if (view === "audit") loadAudit();
    else if (view === "backups") loadBackups();
  }

  // --- reports ----------------------------------------------------------------------------------

  function loadDocs() {
    loadEmbedProgress();
    return api("/api/documents").then(function (docs) {
      state.docs = docs;
      renderDocs();
    }, function (err) { flash("读取报告列表失败：" + err.message, true); });
  }

  /** Background embedding: what is left and how fast it goes; re-read every few seconds until done. */
  function loadEmbedProgress() {
    clearTimeout(state.embedTimer);
    fetch("/readyz", { credentials: "omit", cache: "no-store" })
      .then(function (r) { return r.json(); })
      .then(function (ready) {
        var e = ready.embedding || {};
        var line = $("embed-progress");
        var busy = e.enabled && e.pending > 0;
        show(line, busy || !!e.last_error);
        line.textContent = busy
          ? "后台向量化：还有 " + e.pending + " 段待处理" + (e.chunks_per_s ? "（约 " + e.chunks_per_s + " 段/秒）" : "") +
            "；关键词检索已可用。" + (e.last_error ? " 上次出错：" + e.last_error : "")
          : (e.last_error ? "后台向量化出错：" + e.last_error : "");
        if (busy && $("view-reports") && !$("view-reports").hidden) {
          state.embedTimer = setTimeout(function () { loadEmbedProgress(); loadDocsQuietly(); }, 3000);
        }
      }, function () { /* readiness is informative only */ });
  }

  function loadDocsQuietly() {
    api("/api/documents").then(function (docs) { state.docs = docs; renderDocs(); }, function () {});
  }

  function metaCell(doc, field) {
    var manual = doc.manual.indexOf(field) >= 0;
    var detected = doc.detected ? doc.detected[field] : undefined;
    var badge = h("span", {
      className: "badge " + (manual ? "manual" : "auto"), text: manual ? "人工" : "自动",
      title: manual ? "自动识别：" + shown(detected) : "自动识别"
    });
    var cells = [h("span", { className: "value", text: shown(doc[field]) }), badge];
    var how = doc.provenance ? doc.provenance[field] : undefined;
    if (how && !manual) badge.title = "自动识别，来源：" + (SOURCES[how.source] || how.source) + "，置信度 " + how.confidence;
    if (field === "region" && !doc.region) {
      cells.push(h("span", { className: "badge fix", text: "待更正", title: "没有识别出地区：不参与地区排名，请更正" }));
    } else if ((doc.needs_correction || []).indexOf("check_" + field) >= 0) {
      cells.push(h("span", { className: "badge fix", text: "待核对",
                             title: "识别依据较弱（" + (SOURCES[how && how.source] || "") + "）：请核对，必要时更正" }));
    }
    return h("td", { "data-field": field }, cells);
  }

  function statusText(doc) {
    if (!doc.chunks) return "无正文";
    if (!state.dense) return "已索引（关键词）";
    if (doc.embedded < doc.chunks) return "向量化中 " + doc.embedded + "/" + doc.chunks;
    return "已就绪";
  }

  function renderDocs() {
    var body = clear($("docs").tBodies[0]);
    if (!state.docs.length) {
      body.appendChild(h("tr", {}, [h("td", { colspan: 13, text: "还没有报告。把文件拖到上面的区域即可导入。" })]));
      return;
    }
    state.docs.forEach(function (doc) {
      var actions = h("td", { className: "actions" }, [
        h("button", { type: "button", text: "更正", "aria-label": "更正 " + doc.doc_id, onclick: function () { openEdit(doc); } }),
        h("a", { href: "#doc/" + encodeURIComponent(doc.doc_id), text: "查看" }),
        " ",
        h("button", { type: "button", text: "删除", "aria-label": "删除 " + doc.doc_id, onclick: function () { confirmDelete(doc); } })
      ]);
      body.appendChild(h("tr", { "data-doc": doc.doc_id }, [
        metaCell(doc, "title"), metaCell(doc, "region"), metaCell(doc, "level"), metaCell(doc, "year"),
        h("td", { text: shown(doc.issuer) }), h("td", { text: shown(doc.date) }),
        h("td", { className: "num", text: shown(doc.pages) }), h("td", { className: "num", text: doc.chunks }),
        h("td", { className: "num", text: doc.metrics }), h("td", { className: "num", text: doc.ocr_pages }),
        h("td", { text: shown(doc.ingested_at) }), h("td", { className: "status", text: statusText(doc) }), actions
      ]));
    });
  }

  function uploadOne(file) {
    var bar = h("progress", { max: 100, value: 0, "aria-label": file.name + " 上传进度" });
    var stateText = h("span", { className: "state", text: "等待" });
    var row = h("li", { "data-file": file.name }, [h("span", { className: "name", text: file.name }), bar, stateText]);
    $("uploads").appendChild(row);
    return function () {
      return new Promise(function (resolve) {
        var xhr = new XMLHttpRequest();
        var form = new FormData();
        form.append("file", file, file.name);
        xhr.open("POST", "/api/documents");
        xhr.setRequestHeader("Authorization", "Bearer " + token());
        xhr.upload.onprogress = function (e) {
          if (e.lengthComputable) bar.value = Math.round((e.loaded / e.total) * 90);
          stateText.textContent = bar.value >= 90 ? "导入中…" : "上传中…";
        };
        xhr.onload = function () {
          var body = null;
          try { body = JSON.parse(xhr.responseText); } catch (err) { body = null; }
          if (xhr.status === 200 && body) {
            bar.value = 100;
            row.className = "done";
            stateText.textContent = "完成：" + body.doc_id + "（" + shown(body.region) + " " + shown(body.year) + "）";
          } else {
            row.className = "failed";
            stateText.textContent = "失败：" + errorText(xhr.status, body);
            if (xhr.status === 401) logout("令牌无效或已更换，请重新登录。");
          }
          resolve();
        };
        xhr.onerror = function () { row.className = "failed"; stateText.textContent = "失败：网络错误"; resolve(); };
        xhr.send(form);
      });
    };
  }

  /** One request per file, one after the other: the server ingests into one store. */
  function uploadAll(fileList) {
    var jobs = Array.prototype.map.call(fileList, uploadOne);
    jobs.reduce(function (chain, job) { return chain.then(job); }, Promise.resolve()).then(loadDocs);
  }

  function openEdit(doc) {
    var fields = clear($("edit-fields"));
    $("edit-doc").textContent = doc.doc_id + " · " + doc.source;
    $("edit-error").textContent = "";
    EDITABLE.forEach(function (pair) {
      var key = pair[0];
      var manual = doc.manual.indexOf(key) >= 0;
      var input = h("input", { id: "edit-" + key, name: key, type: key === "year" ? "number" : "text",
                               value: doc[key] === null || doc[key] === undefined ? "" : doc[key] });
      input.value = doc[key] === null || doc[key] === undefined ? "" : String(doc[key]);
      var note = h("span", { className: "detected",
                             text: (manual ? "人工值；自动识别为 " : "自动识别：") + shown(doc.detected ? doc.detected[key] : null) });
      var reset = manual ? h("label", {}, [h("input", { type: "checkbox", name: "reset-" + key }), " 恢复自动识别值"]) : null;
      fields.appendChild(h("div", {}, [h("label", { for: "edit-" + key, text: pair[1] }), input, note, reset]));
    });
    var dialog = $("edit-dialog");
    dialog.dataset.doc = doc.doc_id;
    dialog.showModal();
  }

  function saveEdit(event) {
    event.preventDefault();
    var dialog = $("edit-dialog");
    var doc = state.docs.filter(function (d) { return d.doc_id === dialog.dataset.doc; })[0];
    if (!doc) return;
    var patch = {};
    EDITABLE.forEach(function (pair) {
      var key = pair[0];
      var reset = dialog.querySelector('[name="reset-' + key + '"]');
      var raw = $("edit-" + key).value.trim();
      if (reset && reset.checked) { patch[key] = null; return; }
      var value = key === "year" ? (raw ? Number(raw) : null) : raw || null;
      var current = doc[key] === undefined ? null : doc[key];
      if (value !== current && value !== null) patch[key] = value;
    });
    if (!Object.keys(patch).length) { dialog.close(); return; }
    api("/api/documents/" + encodeURIComponent(doc.doc_id), { method: "PATCH", json: patch }).then(function (updated) {
      dialog.close();
      flash("已更正 " + updated.doc_id + "，检索和指标已按新值生效。");
      loadDocs();
    }, function (err) { $("edit-error").textContent = "保存失败：" + err.message; });
  }

  function confirmDelete(doc) {
    var dialog = $("confirm-dialog");
    $("confirm-text").textContent = "删除报告“" + (doc.title || doc.doc_id) + "”及其分块和指标？此操作不能撤销。";
    dialog.returnValue = "";
    dialog.onclose = function () {
      if (dialog.returnValue !== "ok") return;
      api("/api/documents/" + encodeURIComponent(doc.doc_id), { method: "DELETE" }).then(function () {
        flash("已删除 " + doc.doc_id + "。");
        loadDocs();
      }, function (err) { flash("删除失败：" + err.message, true); });
    };
    dialog.showModal();
  }

  // --- report detail ----------------------------------------------------------------------------

  /** The sentence around `offset` inside a chunk's text, as [start, end) within that text. */
  function sentenceAround(text, offset) {
    var stops = "。！？；\n";
    var start = offset, end = offset;
    while (start > 0 && stops.indexOf(text[start - 1]) < 0) start--;
    while (end < text.length && stops.indexOf(text[end]) < 0) end++;
    return [start, Math.min(text.length, end + 1)];
  }

  function chunkNode(chunk, target) {
    var node = h("div", { className: "chunk", id: "chunk-" + chunk.ord, "data-start": chunk.start },
      [h("span", { className: "tag", text: "#" + chunk.ord + " · " + chunk.start + "–" + chunk.end + (chunk.embedded ? " · 已向量化" : "") })]);
    if (target !== null && target >= chunk.start && target < chunk.end) {
      var span = sentenceAround(chunk.text, target - chunk.start);
      node.appendChild(document.createTextNode(chunk.text.slice(0, span[0])));
      node.appendChild(h("mark", { text: chunk.text.slice(span[0], span[1]) }));
      node.appendChild(document.createTextNode(chunk.text.slice(span[1])));
      node.className += " target";
    } else {
      node.appendChild(document.createTextNode(chunk.text));
    }
    return node;
  }

  function sectionNode(section, target) {
    var holds = function (s) {
      return s.chunks.some(function (c) { return target !== null && target >= c.start && target < c.end; }) ||
        s.children.some(holds);
    };
    var details = h("details", { open: target === null || holds(section) },
      [h("summary", { text: section.title || "（正文开头）" })]);
    section.chunks.forEach(function (c) { details.appendChild(chunkNode(c, target)); });
    section.children.forEach(function (child) { details.appendChild(sectionNode(child, target)); });
    return details;
  }

  function loadDetail(docId, offset) {
    var target = offset !== undefined && offset !== "" && !isNaN(Number(offset)) ? Number(offset) : null;
    api("/api/documents/" + encodeURIComponent(docId) + "/sections").then(function (outline) {
      var doc = outline.document;
      $("detail-title").textContent = doc.title || doc.doc_id;
      var meta = clear($("detail-meta"));
      [["编号", doc.doc_id], ["文件", doc.source], ["地区", doc.region], ["级别", doc.level], ["年份", doc.year],
       ["发布机关", doc.issuer], ["机关类别", KINDS[doc.issuer_level] || doc.issuer_level], ["报告类别", doc.kind],
       ["索引号", doc.index_code], ["文号", doc.doc_number], ["网页发布日期", doc.published],
       ["日期", doc.date], ["分块", doc.chunks], ["指标", doc.metrics],
       ["人工更正", doc.manual.join("、")]].forEach(function (pair) {
        meta.appendChild(h("dt", { text: pair[0] }));
        meta.appendChild(h("dd", { text: shown(pair[1]) }));
      });
      var tree = clear($("detail-tree"));
      outline.sections.forEach(function (s) { tree.appendChild(sectionNode(s, target)); });
      var hit = tree.querySelector(".chunk.target");
      if (hit) hit.scrollIntoView({ block: "center" });
    }, function (err) { flash("读取报告失败：" + err.message, true); });
  }

  // --- metrics ----------------------------------------------------------------------------------

  function fillSelect(select, values, labels) {
    var keep = select.value;
    while (select.options.length > 1) select.remove(1);
    values.forEach(function (v) { select.appendChild(h("option", { value: v, text: labels ? labels[v] : v })); });
    select.value = values.map(String).indexOf(keep) >= 0 ? keep : "";
  }

  function loadMetrics() {
    api("/api/metrics").then(function (rows) {
      state.metrics = rows;
      var labels = {};
      rows.forEach(function (r) { labels[r.metric] = r.label + "（" + r.metric + "）"; });
      var uniq = function (key) {
        return rows.map(function (r) { return r[key]; }).filter(function (v, i, all) {
          return v !== null && all.indexOf(v) === i;
        }).sort();
      };
      fillSelect($("f-metric"), uniq("metric"), labels);
      fillSelect($("f-region"), uniq("region"));
      fillSelect($("f-year"), uniq("year"));
      renderMetrics();
    }, function (err) { flash("读取指标失败：" + err.message, true); });
  }

  function metricFilters() {
    return { metric: $("f-metric").value, region: $("f-region").value, year: $("f-year").value,
             measure: $("f-measure").value.trim(), scope_kind: $("f-scope-kind").value, scope: $("f-scope").value.trim() };
  }

  function renderMetrics() {
    var f = metricFilters();
    var rows = state.metrics.filter(function (r) {
      var measure = (r.measure || "") + " " + r.label;
      return (!f.metric || r.metric === f.metric) && (!f.region || r.region === f.region) &&
        (!f.year || String(r.year) === f.year) &&
        (!f.measure || f.measure.split(/\s+/).every(function (w) { return measure.indexOf(w) >= 0; })) &&
        (!f.scope_kind || r.scope_kind === f.scope_kind) && (!f.scope || (r.scope || "").indexOf(f.scope) >= 0);
    });
    var query = new URLSearchParams({ format: "csv" });
    Object.keys(f).forEach(function (k) { if (f[k]) query.set(k, f[k]); });
    $("metrics-csv").setAttribute("href", "/api/metrics?" + query.toString());
    var body = clear($("metrics").tBodies[0]);
    rows.forEach(function (r) {
      var where = r.span ? "#doc/" + encodeURIComponent(r.doc_id) + "/" + r.span[0] : "#doc/" + encodeURIComponent(r.doc_id);
      body.appendChild(h("tr", { "data-metric": r.metric }, [
        h("td", { text: r.label }),
        h("td", { text: shown(r.measure) + (r.kind === "change" ? "（变化）" : "") + (r.source === "table" ? "〔表〕" : "") }),
        h("td", { className: "num", text: (r.written || r.value) + (r.written ? "" : (r.unit || "")) + (r.derived ? "（推算）" : "") }),
        h("td", { text: shown(r.region) }), h("td", { text: shown(r.year) }), h("td", { text: shown(r.period) }),
        h("td", { text: shown(r.scope) + (r.scope_kind ? "（" + ({ region: "全域", government: "政府本级", subunit: "下属单位" })[r.scope_kind] + "）" : "") }),
        h("td", {}, [h("a", { href: where, className: "source", text: r.doc_id })]),
        h("td", { className: "long", text: r.sentence })
      ]));
    });
    renderChart(f.metric ? rows.filter(function (r) { return r.metric === f.metric; }) : []);
  }

  /** One bar per region (and year): the first reported, non-derived value, as the report wrote it. */
  function renderChart(rows) {
    var figure = $("chart");
    var chart = clear($("chart-svg"));
    if (!rows.length) { show(figure, false); return; }
    var seen = {};
    var bars = [];
    rows.filter(function (r) { return !r.derived; }).concat(rows.filter(function (r) { return r.derived; }))
      .forEach(function (r) {
        var key = shown(r.region) + " " + shown(r.year);
        if (seen[key]) return;
        seen[key] = true;
        bars.push({ label: key, value: r.value, text: r.written || String(r.value) + (r.unit || "") });
      });
    var max = Math.max.apply(null, bars.map(function (b) { return b.value; }).concat([0]));
    var rowHeight = 26, left = 150, width = 720, barSpace = width - left - 120;
    var height = bars.length * rowHeight + 10;
    chart.setAttribute("viewBox", "0 0 " + width + " " + height);
    chart.setAttribute("aria-label", rows[0].label + "：各地区对比");
    bars.forEach(function (b, i) {
      var y = 5 + i * rowHeight;
      var w = max > 0 ? Math.max(1, (b.value / max) * barSpace) : 1;
      chart.appendChild(svg("text", { x: left - 8, y: y + 16, "text-anchor": "end" }, b.label));
      chart.appendChild(svg("rect", { x: left, y: y + 3, width: w, height: rowHeight - 8, "class": "bar" }));
      chart.appendChild(svg("text", { x: left + w + 6, y: y + 16 }, b.text));
    });
    $("chart-caption").textContent = rows[0].label + "（" + (rows[0].unit || "") + "），各地区对比";
    show(figure, true);
  }

  // --- feedback ---------------------------------------------------------------------------------

  function loadFeedback() {
    api("/api/feedback").then(function (items) {
      state.feedback = items;
      var sources = items.map(function (f) { return f.source; })
        .filter(function (v, i, all) { return v && all.indexOf(v) === i; }).sort();
      fillSelect($("fb-source"), sources);
      renderFeedback();
    }, function (err) { flash("读取反馈失败：" + err.message, true); });
  }

  function feedbackShown() {
    var rating = $("fb-rating").value, source = $("fb-source").value, text = $("fb-text").value.trim();
    return state.feedback.filter(function (f) {
      return (!rating || f.rating === rating) && (!source || f.source === source) &&
        (!text || (f.question + f.answer + (f.comment || "")).indexOf(text) >= 0);
    });
  }

  function renderFeedback() {
    var body = clear($("feedback").tBodies[0]);
    feedbackShown().forEach(function (f) {
      var cites = h("ol", {}, (f.citations || []).map(function (c) {
        return h("li", { value: c.n }, [h("a", { href: "#doc/" + encodeURIComponent(c.doc_id),
          text: shown(c.region) + " " + shown(c.year) + " · " + (c.section || c.doc_id) })]);
      }));
      body.appendChild(h("tr", { "data-id": f.id }, [
        h("td", { text: f.created_at }), h("td", { text: f.rating === "up" ? "有帮助" : "没帮助" }),
        h("td", { className: "long", text: f.question }), h("td", { className: "long", text: f.answer }),
        h("td", {}, [cites]), h("td", { text: shown(f.comment) }), h("td", { text: shown(f.route) }),
        h("td", { text: shown(f.source) })
      ]));
    });
  }

  function exportFeedback() {
    var rating = $("fb-rating").value;
    var ids = {};
    feedbackShown().forEach(function (f) { ids["feedback-" + f.id] = true; });
    api("/api/feedback/export" + (rating ? "?rating=" + encodeURIComponent(rating) : "")).then(function (text) {
      // The server turns feedback into gold items; keep the lines the reviewer has filtered to.
      var lines = String(text).split("\n").filter(function (line) {
        if (!line) return false;
        try { return ids[JSON.parse(line).id]; } catch (err) { return false; }
      });
      download("feedback-gold.jsonl", lines.join("\n") + (lines.length ? "\n" : ""), "application/x-ndjson");
    }, function (err) { flash("导出失败：" + err.message, true); });
  }

  // --- eval -------------------------------------------------------------------------------------

  function pct(x) { return typeof x === "number" ? (x * 100).toFixed(1) + "%" : "—"; }

  function loadEval() {
    api("/api/eval/latest").then(function (report) {
      $("eval-summary").textContent = "共 " + report.items + " 题，答对 " + report.correct + " 题，准确率 " +
        pct(report.accuracy) + (report.generated_at ? "（报告文件时间 " + report.generated_at + "）" : "") +
        (report.threshold_failures && report.threshold_failures.length ? "；未达阈值：" + report.threshold_failures.join("、") : "");
      var kinds = clear($("eval-kinds").tBodies[0]);
      Object.keys(report.by_kind).sort().forEach(function (kind) {
        var k = report.by_kind[kind];
        kinds.appendChild(h("tr", {}, [h("td", { text: kind }), h("td", { className: "num", text: k.items }),
          h("td", { className: "num", text: k.correct }), h("td", { className: "num", text: pct(k.accuracy) })]));
      });
      var failures = clear($("eval-failures").tBodies[0]);
      if (!report.failures.length) failures.appendChild(h("tr", {}, [h("td", { colspan: 6, text: "全部通过。" })]));
      report.failures.forEach(function (f) {
        failures.appendChild(h("tr", {}, [h("td", { text: f.id }), h("td", { text: shown(f.kind) }),
          h("td", { className: "long", text: shown(f.question) }), h("td", { className: "long", text: shown(f.expected) }),
          h("td", { className: "long", text: shown(f.error || f.got) }),
          h("td", { text: (f.missing || []).map(function (m) { return Array.isArray(m) ? m.join("/") : m; }).join("、") })]));
      });
    }, function (err) {
      $("eval-summary").textContent = "没有评测报告：" + err.message;
      clear($("eval-kinds").tBodies[0]);
      clear($("eval-failures").tBodies[0]);
    });
  }

  // --- API keys ---------------------------------------------------------------------------------

  function loadKeys() {
    return api("/api/admin/keys").then(renderKeys, function (err) { flash("读取密钥失败：" + err.message, true); });
  }

  function renderKeys(keys) {
    var body = clear($("keys").tBodies[0]);
    if (!keys.length) {
      body.appendChild(h("tr", {}, [h("td", { colspan: 8, text: "还没有密钥。" })]));
      return;
    }
    keys.forEach(function (k) {
      var routes = Object.keys(k.usage || {}).sort().map(function (r) { return r + " × " + k.usage[r]; }).join("；");
      var revoke = k.revoked_at ? null : h("button", {
        type: "button", text: "吊销", "aria-label": "吊销 " + k.name,
        onclick: function () { revokeKey(k); }
      });
      body.appendChild(h("tr", { "data-key": k.id, className: k.revoked_at ? "revoked" : "" }, [
        h("td", { text: k.name }), h("td", { text: k.prefix + "…" }), h("td", { text: k.created_at }),
        h("td", { text: shown(k.last_used_at) }), h("td", { className: "num uses", text: k.uses }),
        h("td", { text: shown(routes) }),
        h("td", { className: "status", text: k.revoked_at ? "已吊销 " + k.revoked_at : "有效" }),
        h("td", { className: "actions" }, [revoke])
      ]));
    });
  }

  function createKey(event) {
    event.preventDefault();
    var name = $("key-name").value.trim();
    if (!name) return;
    api("/api/admin/keys", { method: "POST", json: { name: name } }).then(function (created) {
      $("key-name").value = "";
      $("key-secret").textContent = created.key;
      show($("key-new"), true);
      flash("已创建密钥“" + created.name + "”。");
      loadKeys();
    }, function (err) { flash("创建失败：" + err.message, true); });
  }

  function revokeKey(key) {
    api("/api/admin/keys/" + encodeURIComponent(key.id), { method: "DELETE" }).then(function () {
      flash("已吊销“" + key.name + "”，使用它的请求将被拒绝。");
      loadKeys();
    }, function (err) { flash("吊销失败：" + err.message, true); });
  }

  // --- named admin tokens ----------------------------------------------------------------------

  function loadTokens() {
    return api("/api/admin/tokens").then(renderTokens, function (err) { flash("读取令牌失败：" + err.message, true); });
  }

  function renderTokens(tokens) {
    var body = clear($("tokens").tBodies[0]);
    if (!tokens.length) body.appendChild(h("tr", {}, [h("td", { colspan: 7, text: "还没有具名令牌。" })]));
    tokens.forEach(function (t) {
      var revoke = t.revoked_at ? null : h("button", {
        type: "button", text: "吊销", "aria-label": "吊销 " + t.name, onclick: function () { revokeToken(t); }
      });
      body.appendChild(h("tr", { "data-token": t.id, className: t.revoked_at ? "revoked" : "" }, [
        h("td", { text: t.name }), h("td", { text: t.id }), h("td", { text: t.prefix + "…" }),
        h("td", { text: t.created_at }), h("td", { text: shown(t.last_used_at) }),
        h("td", { className: "status", text: t.revoked_at ? "已吊销 " + t.revoked_at : "有效" }),
        h("td", { className: "actions" }, [revoke])
      ]));
    });
  }

  // --- backups (bot/admin_backup.py) -------------------------------------------------------------

  function loadBackups() {
    return api("/api/admin/backups").then(renderBackups, function (err) { flash("读取备份失败：" + err.message, true); });
  }

  function megabytes(bytes) { return (bytes / 1048576).toFixed(1) + " MB"; }

  function renderBackups(backups) {
    var body = clear($("backups").tBodies[0]);
    if (!backups.length) {
      body.appendChild(h("tr", {}, [h("td", { colspan: 9, text: "还没有备份。" })]));
      return;
    }
    backups.forEach(function (b) {
      body.appendChild(h("tr", { "data-backup": b.name }, [
        h("td", { text: b.name }), h("td", { text: b.created_at }), h("td", { className: "num", text: b.store_version }),
        h("td", { className: "num", text: b.counts.documents }), h("td", { className: "num", text: b.counts.chunks }),
        h("td", { className: "num", text: b.counts.metrics }), h("td", { className: "num", text: b.counts.vectors }),
        h("td", { className: "num", text: megabytes(b.bytes) }),
        h("td", { className: "actions" }, [h("button", {
          type: "button", text: "恢复", "aria-label": "恢复 " + b.name, onclick: function () { restoreBackup(b); }
        })])
      ]));
    });
  }

  function createToken(event) {
    event.preventDefault();
    var name = $("token-name").value.trim();
    if (!name) return;
    api("/api/admin/tokens", { method: "POST", json: { name: name } }).then(function (created) {
      $("token-name").value = "";
      $("token-secret").textContent = created.token;
      show($("token-new"), true);
      flash("已为“" + created.name + "”创建管理令牌。");
      loadTokens();
    }, function (err) { flash("创建失败：" + err.message, true); });
  }

  function revokeToken(t) {
    api("/api/admin/tokens/" + encodeURIComponent(t.id), { method: "DELETE" }).then(function () {
      flash("已吊销“" + t.name + "”的管理令牌。");
      loadTokens();
    }, function (err) { flash("吊销失败：" + err.message, true); });
  }

  // --- audit trail ------------------------------------------------------------------------------

  // The action names bot/audit.py writes, as the console shows them; an unknown one shows as written.
  var ACTIONS = { "document.upload": "上传报告", "document.delete": "删除报告", "document.correct": "更正元数据",
                  "api_key.create": "创建 API 密钥", "api_key.revoke": "吊销 API 密钥",
                  "admin_token.create": "创建管理令牌", "admin_token.revoke": "吊销管理令牌",
                  "feedback.export": "导出反馈", "audit.export": "导出审计记录", "backup": "备份", "restore": "恢复备份" };
  var OUTCOMES = { ok: "成功", failed: "失败", refused: "被拒绝" };
  var AUDIT_FILTERS = [["actor", "au-actor"], ["action", "au-action"], ["outcome", "au-outcome"],
                       ["since", "au-since"], ["until", "au-until"]];

  function auditQuery(limit) {
    var query = new URLSearchParams();
    AUDIT_FILTERS.forEach(function (pair) { var v = $(pair[1]).value.trim(); if (v) query.set(pair[0], v); });
    if (limit) query.set("limit", limit);
    return query.toString();
  }

  function fields(values) {
    if (!values) return "—";
    return Object.keys(values).map(function (k) { return k + "：" + shown(values[k]); }).join("；");
  }

  function loadAudit() {
    if ($("au-action").options.length === 1) fillSelect($("au-action"), Object.keys(ACTIONS), ACTIONS);
    api("/api/admin/audit?" + auditQuery(500)).then(function (entries) {
      var actors = $("au-actors");
      var known = Array.prototype.map.call(actors.options, function (o) { return o.value; });
      entries.forEach(function (e) {
        if (known.indexOf(e.actor) < 0) { known.push(e.actor); actors.appendChild(h("option", { value: e.actor })); }
      });
      $("audit-count").textContent = entries.length >= 500 ? "显示最新 500 条；导出 CSV 可得全部。" : "共 " + entries.length + " 条。";
      var body = clear($("audit").tBodies[0]);
      if (!entries.length) body.appendChild(h("tr", {}, [h("td", { colspan: 9, text: "没有符合条件的记录。" })]));
      entries.forEach(function (e) {
        var detail = Object.keys(e.detail || {}).length ? JSON.stringify(e.detail) : "—";
        body.appendChild(h("tr", { "data-id": e.id, className: "outcome-" + e.outcome }, [
          h("td", { className: "at", text: e.at.replace("T", " ").replace("+00:00", "") }), h("td", { text: e.actor + (e.actor_id ? "（" + e.actor_id + "）" : "") }),
          h("td", { className: "action", text: ACTIONS[e.action] || e.action }), h("td", { text: shown(e.target) }),
          h("td", { className: "outcome", text: (OUTCOMES[e.outcome] || e.outcome) + (e.status ? " " + e.status : "") }),
          h("td", { className: "before", text: fields(e.before) }), h("td", { className: "after", text: fields(e.after) }),
          h("td", { className: "long", text: detail }), h("td", { text: shown(e.request_id) })
        ]));
      });
    }, function (err) { flash("读取审计记录失败：" + err.message, true); });
  }

  function exportAudit() {
    // Through the API (the token travels as a header, never in a link), then saved from memory.
    api("/api/admin/audit.csv?" + auditQuery()).then(function (text) {
      text = String(text);
      download("audit.csv", text.charAt(0) === "\ufeff" ? text : "\ufeff" + text, "text/csv;charset=utf-8");
      loadAudit();  // the export itself is recorded
    }, function (err) { flash("导出失败：" + err.message, true); });
  }

  function createBackup() {
    var button = $("backup-create");
    button.disabled = true;
    flash("正在备份……");
    api("/api/admin/backups", { method: "POST" }).then(function (made) {
      flash("已备份：" + made.name + "（" + made.counts.documents + " 份报告）。");
      loadBackups();
    }, function (err) { flash("备份失败：" + err.message, true); }).then(function () { button.disabled = false; });
  }

  function restoreBackup(backup) {
    flash("正在校验并恢复 " + backup.name + "……");
    api("/api/admin/backups/" + encodeURIComponent(backup.name) + "/restore", { method: "POST" }).then(function (done) {
      flash("已恢复 " + done.name + "（" + done.counts.documents + " 份报告）。");
      $("backup-restored").textContent = "恢复到：" + done.store + "　启动命令：" + done.serve;
      show($("backup-restored"), true);
    }, function (err) { flash("恢复失败：" + err.message, true); });
  }

  // --- wiring -----------------------------------------------------------------------------------

  function wire() {
    $("login-form").addEventListener("submit", login);
    $("logout").addEventListener("click", function () { logout("已退出。"); });
    window.addEventListener("hashchange", function () { flash(""); route(); });

    var zone = $("dropzone"), input = $("file-input");
    zone.addEventListener("dragover", function (e) { e.preventDefault(); zone.classList.add("over"); });
    zone.addEventListener("dragleave", function () { zone.classList.remove("over"); });
    zone.addEventListener("drop", function (e) {
      e.preventDefault();
      zone.classList.remove("over");
      if (e.dataTransfer && e.dataTransfer.files.length) uploadAll(e.dataTransfer.files);
    });
    zone.addEventListener("keydown", function (e) { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); input.click(); } });
    input.addEventListener("change", function () { if (input.files.length) uploadAll(input.files); input.value = ""; });

    $("edit-form").addEventListener("submit", saveEdit);
    $("edit-cancel").addEventListener("click", function () { $("edit-dialog").close(); });
    ["f-metric", "f-region", "f-year", "f-scope-kind"].forEach(function (id) { $(id).addEventListener("change", renderMetrics); });
    ["f-measure", "f-scope"].forEach(function (id) { $(id).addEventListener("input", renderMetrics); });
    ["fb-rating", "fb-source"].forEach(function (id) { $(id).addEventListener("change", renderFeedback); });
    $("fb-text").addEventListener("input", renderFeedback);
    $("fb-export").addEventListener("click", exportFeedback);
    $("key-form").addEventListener("submit", createKey);
    $("token-form").addEventListener("submit", createToken);
    AUDIT_FILTERS.forEach(function (pair) { $(pair[1]).addEventListener("change", loadAudit); });
    $("audit-csv").addEventListener("click", exportAudit);
    $("audit-filters").addEventListener("submit", function (e) { e.preventDefault(); loadAudit(); });
    $("backup-create").addEventListener("click", createBackup);
    start();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", wire); else wire();
})();
