// Projector view (演示): one clause at a time. Every clause is a <section>
// of the page; this script shows one, moves with the keys, a clicker, a
// swipe or the jump box, keeps location.hash on the clause shown, and
// leaves for the document page at that clause with Esc.
(function () {
  'use strict';
  var root = document.querySelector('[data-present]');
  if (!root) return;
  var slides = [].slice.call(root.querySelectorAll('section.slide'));
  if (!slides.length) return;
  var position = root.querySelector('[data-present-position]');
  var input = root.querySelector('[data-present-input]');
  var exit = root.querySelector('[data-present-exit]');
  var docUrl = root.getAttribute('data-doc');
  var current = -1;
  root.classList.add('present-live');

  function indexOfHash() {
    var id = decodeURIComponent(location.hash.slice(1));
    for (var i = 0; i < slides.length; i++) if (slides[i].id === id) return i;
    return -1;
  }

  function show(i, fromHash) {
    i = Math.max(0, Math.min(slides.length - 1, i));
    if (i === current) return;
    if (current >= 0) slides[current].hidden = true;
    current = i;
    var s = slides[i];
    for (var k = 0; k < slides.length; k++) slides[k].hidden = k !== i;
    position.textContent = s.getAttribute('data-cite') + ' · ' + (i + 1) + '/' + slides.length;
    exit.setAttribute('href', docUrl + '#' + s.id);
    if (!fromHash && history.replaceState) history.replaceState(null, '', '#' + s.id);
    window.scrollTo(0, 0);
  }

  // Compares citations the way people type them: half-width brackets,
  // spaces and trailing punctuation do not matter.
  function normal(text) {
    return text.replace(/\(/g, '（').replace(/\)/g, '）').replace(/[\s、.．。]/g, '');
  }

  function jump(text) {
    var want = normal(text);
    if (!want) return false;
    for (var i = 0; i < slides.length; i++) {
      if (normal(slides[i].getAttribute('data-cite')) === want) {
        show(i);
        return true;
      }
    }
    return false;
  }

  root.querySelector('[data-present-prev]').addEventListener('click', function () { show(current - 1); });
  root.querySelector('[data-present-next]').addEventListener('click', function () { show(current + 1); });
  root.querySelector('[data-present-jump]').addEventListener('submit', function (e) {
    e.preventDefault();
    if (jump(input.value)) {
      input.value = '';
      input.removeAttribute('aria-invalid');
      input.blur();
    } else {
      input.setAttribute('aria-invalid', 'true');
    }
  });

  document.addEventListener('keydown', function (e) {
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    var typing = e.target && (e.target.tagName === 'INPUT' || e.target.tagName === 'TEXTAREA');
    if (e.key === 'Escape') {
      if (typing) {
        e.target.blur();
        return;
      }
      e.preventDefault();
      location.href = exit.getAttribute('href');
      return;
    }
    if (typing) return;
    var step = 0;
    if (e.key === 'ArrowRight' || e.key === 'PageDown' || e.key === 'ArrowDown') step = 1;
    else if (e.key === 'ArrowLeft' || e.key === 'PageUp' || e.key === 'ArrowUp') step = -1;
    else if (e.key === ' ' || e.key === 'Spacebar') step = e.shiftKey ? -1 : 1;
    else if (e.key === 'Home') return void (e.preventDefault(), show(0));
    else if (e.key === 'End') return void (e.preventDefault(), show(slides.length - 1));
    else if (e.key === 'g' || e.key === 'G') return void (e.preventDefault(), input.focus());
    if (!step) return;
    if (e.target && (e.target.tagName === 'BUTTON' || e.target.tagName === 'A') && e.key === ' ') return;
    e.preventDefault();
    show(current + step);
  });

  var touchX = null, touchY = null;
  root.addEventListener('touchstart', function (e) {
    if (e.touches.length !== 1) return;
    touchX = e.touches[0].clientX;
    touchY = e.touches[0].clientY;
  }, { passive: true });
  root.addEventListener('touchend', function (e) {
    if (touchX === null) return;
    var dx = e.changedTouches[0].clientX - touchX, dy = e.changedTouches[0].clientY - touchY;
    touchX = null;
    if (Math.abs(dx) > 50 && Math.abs(dx) > 1.5 * Math.abs(dy)) show(current + (dx < 0 ? 1 : -1));
  });

  window.addEventListener('hashchange', function () {
    var i = indexOfHash();
    if (i >= 0) show(i, true);
  });
  var start = indexOfHash();
  show(start >= 0 ? start : 0, true);
  // Opening at a hash scrolls to that section after load; the bar stays in view.
  window.addEventListener('load', function () { window.scrollTo(0, 0); });
  if (start < 0 && history.replaceState) history.replaceState(null, '', '#' + slides[0].id);
})();
