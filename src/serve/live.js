// Live reload for `shiyi serve` (served at /__shiyi/live.js, never part of a
// build). Listens to /__shiyi/events (one tab per browser listens and passes
// the events on to the others): `reload` reloads the page keeping the
// reader's place (the clause at the top of the view, else the scroll offset);
// `build-error` shows the diagnostics in an overlay; `ok` removes it.
(function () {
  "use strict";
  var script = document.currentScript;
  var build = (script && script.getAttribute("data-build")) || "";
  var KEY = "shiyi-live-place:" + location.pathname;
  var OVERLAY = "shiyi-overlay";

  // The element matching `selector` whose top is nearest above the top of
  // the view, or just below it (anchors often sit under a scroll margin);
  // sticky, fixed and hidden elements never count.
  function nearestAbove(selector) {
    var best = null;
    var bestTop = -Infinity;
    var candidates = document.querySelectorAll(selector);
    for (var i = 0; i < candidates.length; i++) {
      var el = candidates[i];
      if (el.id === OVERLAY || el.offsetParent === null) continue;
      var top = el.getBoundingClientRect().top;
      if (top <= 64 && top > bestTop) {
        var position = window.getComputedStyle(el).position;
        if (position === "sticky" || position === "fixed") continue;
        best = el;
        bestTop = top;
      }
    }
    return { el: best, top: bestTop };
  }

  // The reader's place: the clause at the top of the view (else any element
  // with an id), its offset, and the scroll offset as a fallback.
  function place() {
    var hit = nearestAbove(".clause[id]");
    if (!hit.el) hit = nearestAbove("body [id]");
    return { y: window.scrollY, anchor: hit.el ? hit.el.id : null, offset: hit.top };
  }

  function restore(saved) {
    var el = saved.anchor ? document.getElementById(saved.anchor) : null;
    if (el) {
      window.scrollTo(0, el.getBoundingClientRect().top + window.scrollY - saved.offset);
    } else {
      window.scrollTo(0, saved.y);
    }
  }

  try {
    var text = sessionStorage.getItem(KEY);
    if (text) {
      sessionStorage.removeItem(KEY);
      var saved = JSON.parse(text);
      if ("scrollRestoration" in history) history.scrollRestoration = "manual";
      var again = function () { restore(saved); };
      if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", again);
      } else {
        again();
      }
      // Images and fonts can move things once loaded.
      window.addEventListener("load", again);
    }
  } catch (e) {
    // Storage may be off; the page still reloads.
  }

  function reload() {
    try {
      sessionStorage.setItem(KEY, JSON.stringify(place()));
    } catch (e) {
      // Storage may be off.
    }
    location.reload();
  }

  function clearOverlay() {
    var old = document.getElementById(OVERLAY);
    if (old) old.parentNode.removeChild(old);
  }

  function add(parent, tag, text, style) {
    var el = document.createElement(tag);
    if (text !== null && text !== undefined) el.textContent = String(text);
    if (style) el.setAttribute("style", style);
    parent.appendChild(el);
    return el;
  }

  // Everything from the server goes in through textContent, never as markup.
  function showOverlay(report) {
    clearOverlay();
    var box = document.createElement("div");
    box.id = OVERLAY;
    box.setAttribute("role", "alert");
    box.setAttribute("style",
      "position:fixed;left:0;right:0;top:0;max-height:70vh;overflow:auto;z-index:2147483647;" +
      "margin:0;padding:12px 16px;background:#fff4f4;color:#1a1a1a;border-bottom:3px solid #c62828;" +
      "font:14px/1.5 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;box-shadow:0 2px 12px rgba(0,0,0,.3)");
    var close = add(box, "button", "×",
      "float:right;font-size:20px;line-height:1;border:0;background:none;cursor:pointer;color:inherit");
    close.setAttribute("aria-label", "关闭");
    close.addEventListener("click", clearOverlay);
    add(box, "strong", "构建失败：" + (report.summary || "") + "（页面仍为上次成功构建的版本）", "display:block;color:#c62828");
    var list = add(box, "ol", null, "margin:8px 0 0;padding-left:20px");
    (report.diagnostics || []).forEach(function (d) {
      var item = add(list, "li", null, "margin:0 0 10px");
      var where = d.file + (d.line ? ":" + d.line + (d.column ? ":" + d.column : "") : "");
      add(item, "div", where + "  " + d.severity + ": " + d.message, "font-weight:bold");
      if (d.source !== null && d.source !== undefined) {
        var line = add(item, "pre", null,
          "margin:4px 0;padding:4px 8px;background:#fde8e8;white-space:pre-wrap;overflow-wrap:anywhere");
        line.textContent = (d.line ? d.line + " │ " : "") + d.source;
      }
      if (d.hint) add(item, "div", "hint: " + d.hint, "color:#555");
    });
    (document.body || document.documentElement).appendChild(box);
  }

  // What an event does in this tab. A `reload` names the served build:
  // a tab that already shows it stays as it is.
  function handle(name, data) {
    if (name === "reload") {
      if (data !== build) reload();
    } else if (name === "ok") {
      clearOverlay();
    } else if (name === "build-error") {
      try {
        showOverlay(JSON.parse(data));
      } catch (err) {
        showOverlay({ summary: "", diagnostics: [{ file: "", line: 0, severity: "error", message: String(data) }] });
      }
    }
  }

  // One event stream per browser, not per tab: browsers allow only six
  // connections to a host, and a stream held by every tab would leave a
  // seventh tab unable to load anything. The tab holding the lock listens
  // and passes each event to the others over a BroadcastChannel; when it
  // closes or reloads, another tab takes the lock and the stream over.
  var source = null;
  function connect(deliver) {
    source = new EventSource("/__shiyi/events?build=" + encodeURIComponent(build));
    ["reload", "ok", "build-error"].forEach(function (name) {
      source.addEventListener(name, function (e) { deliver(name, e.data); });
    });
    source.onerror = function () {
      // The browser retries by itself unless the stream was refused; then
      // try again a little later (the server may be restarting).
      if (source.readyState === EventSource.CLOSED) {
        source = null;
        setTimeout(function () { connect(deliver); }, 1000);
      }
    };
  }

  var shared = typeof BroadcastChannel === "function" && navigator.locks && navigator.locks.request;
  if (!shared) {
    // (No Web Locks outside a secure context, e.g. over a LAN address.)
    connect(handle);
    return;
  }
  var channel = new BroadcastChannel("shiyi-live");
  var lastError = null;
  channel.onmessage = function (e) {
    var m = e.data || {};
    if (m.name === "hello") {
      if (!source) return;
      // A tab that loaded its page from another build than the one served
      // reloads; one opened while the build is broken gets the overlay.
      channel.postMessage({ name: "reload", data: build });
      if (lastError !== null) channel.postMessage({ name: "build-error", data: lastError });
      return;
    }
    handle(m.name, m.data);
  };
  channel.postMessage({ name: "hello" });
  navigator.locks.request("shiyi-live-stream", function () {
    connect(function (name, data) {
      lastError = name === "build-error" ? data : null;
      channel.postMessage({ name: name, data: data });
      handle(name, data);
    });
    // Held until this tab goes away.
    return new Promise(function () {});
  });
})();
