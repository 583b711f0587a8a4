/* shiyi: reading progress, kept only in this browser (localStorage), one
   record per site. A document's units are the leaves of its table of contents
   (each （一）, or a 一、 without subsections). Where storage is unavailable
   this script does nothing and the site works as before. */
(function () {
  'use strict';
  var d = document;
  var css = d.querySelector('link[rel="stylesheet"][href$="static/style.css"]');
  if (!css || !window.JSON || !d.querySelectorAll) return;
  var root = new URL(css.getAttribute('href'), location.href).href.replace(/static\/style\.css$/, '');
  var here = location.href.split('#')[0].split('?')[0];
  if (here.indexOf(root) !== 0) return;
  var page = here.slice(root.length) || 'index.html';
  var KEY = 'shiyi-progress ' + root;
  var store;
  try {
    store = window.localStorage;
    store.setItem(KEY + ' probe', '1');
    store.removeItem(KEY + ' probe');
  } catch (e) {
    return;
  }
  var data;
  function load() {
    try { data = JSON.parse(store.getItem(KEY)) || {}; } catch (e) { data = {}; }
    data.docs = data.docs || {};
  }
  function save() {
    try { store.setItem(KEY, JSON.stringify(data)); } catch (e) { /* full or blocked: keep going */ }
  }
  function doc(url) {
    return data.docs[url] || (data.docs[url] = { read: {}, units: [] });
  }
  function count(url, prefix) {
    var rec = data.docs[url];
    if (!rec || !rec.units.length) return null;
    var units = rec.units.filter(function (id) { return !prefix || id === prefix || id.indexOf(prefix + '__') === 0; });
    var read = units.filter(function (id) { return rec.read[id]; }).length;
    return { read: read, total: units.length };
  }
  function leaves(links) {
    return [].filter.call(links, function (a) { return !a.parentNode.querySelector('ol'); });
  }
  function element(tag, cls, text) {
    var e = d.createElement(tag);
    e.className = cls;
    if (text) e.textContent = text;
    return e;
  }
  var status = element('p', 'sr-only');
  status.setAttribute('role', 'status');
  d.body.appendChild(status);
  load();

  // A document page: toggles at the end of each unit, automatic marking when
  // the end of a unit scrolls into view, the table of contents, the last place.
  var body = d.querySelector('.doc-text > .doc-body');
  var tocLinks = leaves(d.querySelectorAll('nav.toc a[href^="#"]'));
  if (body && tocLinks.length) {
    var rec = doc(page);
    rec.units = tocLinks.map(function (a) { return a.getAttribute('href').slice(1); });
    rec.title = (d.querySelector('.doc-title') || {}).textContent || page;
    save();
    var marks = {};
    var refresh = function () {
      rec.units.forEach(function (id) {
        var on = !!rec.read[id];
        var button = marks[id];
        if (button) {
          button.setAttribute('aria-pressed', on ? 'true' : 'false');
          button.textContent = on ? '已读' : '标为已读';
        }
      });
      tocLinks.forEach(function (a) {
        var on = !!rec.read[a.getAttribute('href').slice(1)];
        a.classList.toggle('is-read', on);
        var note = a.querySelector('.read-note');
        if (on && !note) a.appendChild(element('span', 'read-note sr-only', '（已读）'));
        if (!on && note) a.removeChild(note);
      });
    };
    var mark = function (id, on) {
      load();
      rec = doc(page);
      if (on) rec.read[id] = Date.now(); else delete rec.read[id];
      save();
      refresh();
    };
    rec.units.forEach(function (id) {
      var clause = d.getElementById(id);
      if (!clause) return;
      var p = element('p', 'read-mark no-print');
      var button = element('button', 'read-toggle');
      button.type = 'button';
      var head = clause.querySelector('.clause-head, .clause-text');
      var label = head && head.querySelector('a.permalink[title]');
      button.setAttribute('aria-label', '标为已读：' + (label ? label.title : id));
      button.addEventListener('click', function () {
        var on = button.getAttribute('aria-pressed') !== 'true';
        mark(id, on);
        status.textContent = (label ? label.title : id) + (on ? '已标为已读' : '已改为未读');
      });
      p.appendChild(button);
      clause.appendChild(p);
      marks[id] = button;
    });
    refresh();
    var scrolled = false;
    var queued = false;
    var check = function () {
      queued = false;
      var changed = false;
      var last = null;
      rec.units.forEach(function (id) {
        var clause = d.getElementById(id);
        var end = marks[id];
        if (!clause || !end) return;
        var box = end.getBoundingClientRect();
        if (!rec.read[id] && box.bottom > 0 && box.bottom <= window.innerHeight) {
          rec.read[id] = Date.now();
          changed = true;
        }
        if (clause.getBoundingClientRect().top < window.innerHeight / 3) last = id;
      });
      if (last) {
        var link = d.querySelector('nav.toc a[href="#' + last + '"]');
        data.last = { page: page, id: last, doc: rec.title, label: link ? link.textContent.replace('（已读）', '') : last };
      }
      save();
      if (changed) refresh();
    };
    window.addEventListener('scroll', function () {
      scrolled = true;
      if (!queued) {
        queued = true;
        setTimeout(check, 100);
      }
    }, { passive: true });
    window.addEventListener('pagehide', function () { if (scrolled) check(); });
    // Browsers that batch scroll events with frames that never come (a
    // background tab, a headless run) still get checked once a second.
    var lastY = window.scrollY;
    setInterval(function () {
      if (window.scrollY === lastY) return;
      lastY = window.scrollY;
      scrolled = true;
      check();
    }, 1000);
  }

  // The home page and the study plan: progress per document or section, the
  // way back to the last place, and a control that clears it all.
  var cards = d.querySelectorAll('.home .card');
  var sessions = d.querySelectorAll('.study-plan .session');
  if (!cards.length && !sessions.length) return;
  [].forEach.call(cards, function (card) {
    var title = card.querySelector('.card-title a');
    if (!title) return;
    var url = title.getAttribute('href');
    var links = leaves(card.querySelectorAll('.toc-list a'));
    if (links.length) {
      doc(url).units = links.map(function (a) { return a.getAttribute('href').split('#')[1]; });
      links.forEach(function (a) { a.setAttribute('data-progress-id', a.getAttribute('href').split('#')[1]); });
    }
    card.setAttribute('data-progress-doc', url);
  });
  save();
  var panel = element('div', 'progress-panel no-print');
  var resume = element('p', 'progress-resume');
  var clear = element('button', 'progress-clear', '清除学习进度');
  clear.type = 'button';
  var lines = [];
  function line(host, url, prefix) {
    var p = element('p', 'progress-line');
    host.appendChild(p);
    lines.push({ p: p, url: url, prefix: prefix });
  }
  [].forEach.call(cards, function (card) {
    var rec = data.docs[card.getAttribute('data-progress-doc')];
    if (rec && rec.units.length) {
      line(card, card.getAttribute('data-progress-doc'), null);
    }
  });
  [].forEach.call(sessions, function (session) {
    [].forEach.call(session.querySelectorAll('.session-sections a'), function (a) {
      var target = new URL(a.getAttribute('href'), location.href).href;
      if (target.indexOf(root) !== 0) return;
      var parts = target.slice(root.length).split('#');
      line(session, parts[0], parts[1]);
      lines[lines.length - 1].name = a.textContent;
    });
  });
  function show() {
    load();
    lines.forEach(function (l) {
      var c = count(l.url, l.prefix);
      var name = l.name ? l.name + '：' : '学习进度：';
      l.p.textContent = c ? name + '已读 ' + c.read + ' / ' + c.total + (c.read === c.total ? '（已读完）' : '') : name + '尚未开始';
      l.p.classList.toggle('is-done', !!c && c.read === c.total);
    });
    [].forEach.call(d.querySelectorAll('[data-progress-id]'), function (a) {
      var card = a.closest('[data-progress-doc]');
      var rec = data.docs[card.getAttribute('data-progress-doc')];
      a.classList.toggle('is-read', !!(rec && rec.read[a.getAttribute('data-progress-id')]));
    });
    resume.textContent = '';
    if (data.last && data.last.page) {
      resume.appendChild(d.createTextNode('继续学习：'));
      var a = element('a', 'progress-continue', data.last.doc + ' ' + data.last.label);
      a.href = root + data.last.page + '#' + data.last.id;
      resume.appendChild(a);
    } else {
      resume.textContent = '还没有学习记录。打开文件阅读，读到每一部分的末尾会自动记为已读。';
    }
    clear.hidden = !data.last && !Object.keys(data.docs).some(function (k) { return Object.keys(data.docs[k].read).length; });
  }
  clear.addEventListener('click', function () {
    try { store.removeItem(KEY); } catch (e) { /* nothing stored */ }
    show();
    status.textContent = '学习进度已清除';
    resume.focus();
  });
  resume.tabIndex = -1;
  panel.appendChild(resume);
  panel.appendChild(clear);
  var host = d.querySelector('.home-header, .study-plan > .doc-header');
  if (host) host.appendChild(panel);
  show();
})();
