/* shiyi: self-test pages. Answers are checked in the browser; nothing is sent
   anywhere. Without this file the page still shows the questions. */
(function () {
  'use strict';
  var form = document.querySelector('form[data-quiz]');
  if (!form) return;
  var questions = [].slice.call(form.querySelectorAll('fieldset.question'));
  var score = form.querySelector('.quiz-score');
  var retry = form.querySelector('[data-retry]');
  var restart = form.querySelector('[data-restart]');
  var submit = form.querySelector('[data-submit]');

  function inputs(q) { return [].slice.call(q.querySelectorAll('input')); }
  function chosen(q) {
    return inputs(q).filter(function (i) { return i.checked; }).map(function (i) { return i.value; }).join(' ');
  }
  function labels(q, values) {
    return values.split(' ').filter(Boolean).map(function (v) {
      return q.querySelector('input[value="' + v + '"] + .option-label').textContent.replace('.', '');
    }).join('');
  }
  function setLocked(q, locked) {
    inputs(q).forEach(function (i) { i.disabled = locked; });
  }
  function show(q, state) {
    var feedback = q.querySelector('.feedback');
    q.setAttribute('data-state', state);
    feedback.hidden = state === 'open';
    if (state === 'open') return;
    var given = chosen(q);
    q.querySelector('.verdict').textContent = state === 'right'
      ? '回答正确。'
      : (given ? '回答错误：你选了 ' + labels(q, given) + '。' : '未作答。');
  }

  form.addEventListener('submit', function (event) {
    event.preventDefault();
    var right = 0;
    questions.forEach(function (q) {
      var ok = chosen(q) === q.getAttribute('data-answer').trim();
      if (q.getAttribute('data-state') === 'right' || ok) right += 1;
      if (q.getAttribute('data-state') !== 'right') show(q, ok ? 'right' : 'wrong');
      setLocked(q, true);
    });
    var wrong = questions.length - right;
    score.textContent = '得分：' + Math.round(100 * right / questions.length) + ' 分（答对 ' + right +
      ' 题，共 ' + questions.length + ' 题）。' + (wrong ? '答错或未答的题下面有正确答案和解析。' : '全部答对。');
    retry.hidden = wrong === 0;
    restart.hidden = false;
    submit.hidden = true;
    score.focus();
  });

  retry.addEventListener('click', function () {
    var first = null;
    questions.forEach(function (q) {
      if (q.getAttribute('data-state') === 'right') return;
      inputs(q).forEach(function (i) { i.checked = false; });
      setLocked(q, false);
      show(q, 'open');
      first = first || q;
    });
    reopen(first);
  });

  restart.addEventListener('click', function () {
    questions.forEach(function (q) {
      inputs(q).forEach(function (i) { i.checked = false; });
      setLocked(q, false);
      show(q, 'open');
    });
    reopen(questions[0]);
  });

  function reopen(first) {
    score.textContent = '';
    retry.hidden = true;
    restart.hidden = true;
    submit.hidden = false;
    if (first) inputs(first)[0].focus();
  }
})();
