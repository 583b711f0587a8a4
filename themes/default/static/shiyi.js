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

  var wide = d.querySelectorAll('.clause.block, .prose table, pre');
  for (var j = 0; j < wide.length; j++) {
    if (wide[j].scrollWidth > wide[j].clientWidth) wide[j].tabIndex = 0;
  }
})();
document.addEventListener('click', function (e) {
  var t = e.target;
  if (t && t.closest && t.closest('[data-print]')) window.print();
});
