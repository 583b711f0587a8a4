/* shiyi: copy a clause's citation and address. The page works without this file. */
(function () {
  'use strict';
  var d = document;
  if (!d.querySelectorAll || !d.body) return;

  var status = d.createElement('p');
  status.className = 'sr-only';
  status.setAttribute('role', 'status');
  d.body.appendChild(status);

  function legacyCopy(text) {
    var area = d.createElement('textarea');
    var ok = false;
    area.value = text;
    area.setAttribute('readonly', '');
    area.style.cssText = 'position:fixed;top:0;left:0;width:1px;height:1px;opacity:0';
    d.body.appendChild(area);
    area.select();
    try { ok = d.execCommand('copy'); } catch (e) { ok = false; }
    d.body.removeChild(area);
    return ok;
  }

  function copy(text) {
    if (navigator.clipboard && navigator.clipboard.writeText) {
      return navigator.clipboard.writeText(text).catch(function () {
        if (!legacyCopy(text)) throw new Error('copy');
      });
    }
    return legacyCopy(text) ? Promise.resolve() : Promise.reject(new Error('copy'));
  }

  var links = d.querySelectorAll('a.permalink[title]');
  for (var i = 0; i < links.length; i++) {
    var button = d.createElement('button');
    button.type = 'button';
    button.className = 'copy';
    button.textContent = '复制引用';
    button.setAttribute('aria-label', '复制引用：' + links[i].title);
    links[i].parentNode.insertBefore(button, links[i].nextSibling);
  }

  d.addEventListener('click', function (event) {
    var button = event.target.closest && event.target.closest('button.copy');
    var link = button && button.previousElementSibling;
    if (!link || !link.matches('a.permalink')) return;
    var citation = link.title;
    function report(message) {
      button.textContent = message;
      status.textContent = message + (message === '已复制' ? '：' + citation : '');
      button.focus();
      clearTimeout(button.shiyiTimer);
      button.shiyiTimer = setTimeout(function () { button.textContent = '复制引用'; }, 2000);
    }
    copy(citation + ' ' + link.href).then(
      function () { report('已复制'); },
      function () { report('复制失败'); }
    );
  });

  // Margin notes on wide screens (style.css, .sidenotes): each note starts
  // beside its clause; a note that would run into the one above moves down
  // just below it, and the text grows when the last notes reach past its end.
  var body = d.querySelector('.doc-text > .doc-body');
  var notes = body ? body.querySelectorAll('.clause:not(.block) > .annotations') : [];
  if (notes.length && window.matchMedia) {
    var wideScreen = window.matchMedia('(min-width: 88em)');
    var queued = false;
    var placeNotes = function () {
      queued = false;
      var k, boxes = [];
      for (k = 0; k < notes.length; k++) notes[k].style.removeProperty('--shift');
      body.style.removeProperty('--notes-overhang');
      body.style.removeProperty('--note-width');
      if (!wideScreen.matches) return;
      var em = parseFloat(getComputedStyle(body).fontSize);
      var margin = body.parentNode.parentNode.getBoundingClientRect().right - body.getBoundingClientRect().right;
      body.style.setProperty('--note-width', Math.max(15 * em, Math.min(30 * em, margin - 2.5 * em)) + 'px');
      for (k = 0; k < notes.length; k++) boxes.push(notes[k].getBoundingClientRect());
      var gap = 0.75 * parseFloat(getComputedStyle(d.documentElement).fontSize);
      var floor = -Infinity;
      for (k = 0; k < notes.length; k++) {
        if (!boxes[k].height) continue;
        var shift = Math.max(0, Math.ceil(floor - boxes[k].top));
        if (shift) notes[k].style.setProperty('--shift', shift + 'px');
        floor = boxes[k].top + shift + boxes[k].height + gap;
      }
      var overhang = Math.ceil(floor - gap - body.getBoundingClientRect().bottom);
      if (overhang > 0) body.style.setProperty('--notes-overhang', overhang + 'px');
    };
    var queue = function () {
      if (queued) return;
      queued = true;
      (window.requestAnimationFrame || setTimeout)(placeNotes);
    };
    // Long 被引用 lists fold behind a button, so that a clause cited from
    // many places does not push the notes below it far from their clauses.
    var lists = body.querySelectorAll('.aside-backlinks > .backlinks');
    for (var m = 0; m < lists.length; m++) {
      var count = lists[m].children.length;
      var head = lists[m].previousElementSibling;
      if (count <= 3 || !head) continue;
      lists[m].id = lists[m].id || 'backlinks-' + (m + 1);
      lists[m].hidden = true;
      var toggle = d.createElement('button');
      toggle.type = 'button';
      toggle.className = 'backlinks-toggle';
      toggle.setAttribute('aria-expanded', 'false');
      toggle.setAttribute('aria-controls', lists[m].id);
      toggle.textContent = '被引用（' + count + ' 处）';
      head.textContent = '';
      head.appendChild(toggle);
    }
    body.addEventListener('click', function (event) {
      var button = event.target.closest && event.target.closest('button.backlinks-toggle');
      if (!button) return;
      var open = button.getAttribute('aria-expanded') !== 'true';
      button.setAttribute('aria-expanded', open ? 'true' : 'false');
      d.getElementById(button.getAttribute('aria-controls')).hidden = !open;
      queue();
    });
    d.documentElement.classList.add('sidenotes');
    placeNotes();
    if (window.ResizeObserver) new ResizeObserver(queue).observe(body);
    else window.addEventListener('resize', queue);
    if (wideScreen.addEventListener) wideScreen.addEventListener('change', queue);
    if (d.fonts && d.fonts.ready) d.fonts.ready.then(queue);
  }

  var wide = d.querySelectorAll('.clause.block, .prose table, pre');
  for (var j = 0; j < wide.length; j++) {
    if (wide[j].scrollWidth > wide[j].clientWidth) wide[j].tabIndex = 0;
  }
})();
document.addEventListener('click', function (e) {
  var t = e.target;
  if (t && t.closest && t.closest('[data-print]')) window.print();
});
