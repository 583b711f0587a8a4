//! Self-tests (自测) in a real browser: a section's self-test answered with
//! one right, one wrong and one unanswered question, the score, the
//! explanations with their clause links, "retry wrong ones", a full score
//! after the retry, keyboard focus, axe-core, the same page from `file://`,
//! and the printed question sheet with its answer key on a page of its own.

mod common;

use std::path::Path;

use common::chromium::{chromium, file_url, run_chromium, run_chromium_url};

/// Drives the self-test in a same-origin frame and reports what it saw.
const DRIVER: &str = r##"<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>quiz</title></head><body>
<iframe id="f" title="page under test" style="border:0;width:1000px;height:900px"></iframe>
<pre id="result"></pre>
<script>
(function () {
  var params = new URLSearchParams(location.search);
  var frame = document.getElementById('f');
  var out = { steps: [] };
  function done() { document.getElementById('result').textContent = JSON.stringify(out); }
  function later(f) { return new Promise(function (r) { setTimeout(function () { r(f()); }, 50); }); }
  frame.onload = function () {
    var w = frame.contentWindow, d = frame.contentDocument;
    var qs = [].slice.call(d.querySelectorAll('fieldset.question'));
    out.count = qs.length;
    function answer(q) { return q.getAttribute('data-answer').trim().split(' '); }
    function pick(q, values) {
      [].forEach.call(q.querySelectorAll('input'), function (i) { if (values.indexOf(i.value) >= 0) i.click(); });
    }
    function wrong(q) {
      var right = answer(q);
      var other = [].filter.call(q.querySelectorAll('input'), function (i) { return right.indexOf(i.value) < 0; })[0];
      pick(q, [other.value]);
    }
    function state() {
      return {
        states: qs.map(function (q) { return q.getAttribute('data-state'); }),
        verdicts: qs.map(function (q) { return q.querySelector('.verdict').textContent; }),
        shown: qs.map(function (q) { return !q.querySelector('.feedback').hidden; }),
        locked: qs.map(function (q) { return q.querySelector('input').disabled; }),
        checked: qs.map(function (q) { return q.querySelectorAll('input:checked').length; }),
        score: d.querySelector('.quiz-score').textContent,
        retry: !d.querySelector('[data-retry]').hidden,
        focus: d.activeElement ? (d.activeElement.name || d.activeElement.className) : '',
        clauses: qs.map(function (q) { return q.querySelector('.question-clause a').getAttribute('href'); })
      };
    }
    pick(qs[0], answer(qs[0]));
    wrong(qs[1]);
    for (var k = 2; k < qs.length - 1; k++) pick(qs[k], answer(qs[k]));
    d.querySelector('[data-submit]').click();
    later(function () {
      out.steps.push(state());
      d.querySelector('[data-retry]').click();
    }).then(function () {
      return later(function () {
        out.steps.push(state());
        pick(qs[1], answer(qs[1]));
        pick(qs[qs.length - 1], answer(qs[qs.length - 1]));
        d.querySelector('[data-submit]').click();
      });
    }).then(function () {
      return later(function () { out.steps.push(state()); });
    }).then(function () {
      if (!params.get('axe')) return done();
      var s = d.createElement('script');
      s.src = '/__axe.js';
      s.onload = function () {
        w.axe.run(d, { resultTypes: ['violations'] }).then(function (r) {
          out.violations = r.violations.map(function (v) { return v.id + ': ' + v.nodes.length; });
          done();
        });
      };
      s.onerror = function () { out.violations = ['axe did not load']; done(); };
      d.head.appendChild(s);
    });
  };
  frame.src = params.get('page');
})();
</script></body></html>
"##;

fn report(dom: &str) -> serde_json::Value {
    let report = dom.split("<pre id=\"result\">").nth(1).and_then(|r| r.split("</pre>").next()).unwrap_or("");
    let report = report.replace("&quot;", "\"").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&");
    serde_json::from_str(&report).unwrap_or_else(|e| panic!("no report ({e}): {report}"))
}

/// Checks the three steps: after the first submit, after "retry", after the second submit.
fn check_run(r: &serde_json::Value, place: &str) {
    let n = r["count"].as_u64().unwrap() as usize;
    assert!(n >= 3, "{place}: only {n} questions");
    let first = &r["steps"][0];
    let states: Vec<&str> = first["states"].as_array().unwrap().iter().map(|s| s.as_str().unwrap_or("")).collect();
    assert_eq!(states[0], "right", "{place}: {first}");
    assert_eq!(states[1], "wrong", "{place}: {first}");
    assert_eq!(states[n - 1], "wrong", "{place}: unanswered counts as wrong: {first}");
    assert!(states[2..n - 1].iter().all(|s| *s == "right"), "{place}: {first}");
    let verdicts = first["verdicts"].as_array().unwrap();
    assert_eq!(verdicts[0], "回答正确。");
    assert!(verdicts[1].as_str().unwrap().starts_with("回答错误：你选了 "), "{place}: {}", verdicts[1]);
    assert_eq!(verdicts[n - 1], "未作答。");
    assert!(first["shown"].as_array().unwrap().iter().all(|s| s == true), "{place}: explanations hidden");
    assert!(first["locked"].as_array().unwrap().iter().all(|s| s == true), "{place}: answers still editable");
    let score = first["score"].as_str().unwrap();
    let expect = format!("得分：{} 分（答对 {} 题，共 {n} 题）", (100 * (n - 2) + n / 2) / n, n - 2);
    assert!(score.starts_with(&expect), "{place}: score `{score}`, expected `{expect}…`");
    assert_eq!(first["retry"], true, "{place}: no retry button");
    for href in first["clauses"].as_array().unwrap() {
        assert!(href.as_str().unwrap().starts_with("../opinions.html#sec_"), "{place}: clause link {href}");
    }

    let retried = &r["steps"][1];
    let locked = retried["locked"].as_array().unwrap();
    let shown = retried["shown"].as_array().unwrap();
    let checked = retried["checked"].as_array().unwrap();
    assert_eq!((locked[0].as_bool(), shown[0].as_bool()), (Some(true), Some(true)), "{place}: a right answer reopened");
    for i in [1, n - 1] {
        assert_eq!(locked[i], false, "{place}: wrong question {i} not reopened");
        assert_eq!(shown[i], false, "{place}: wrong question {i} still shows its answer");
        assert_eq!(checked[i], 0, "{place}: wrong question {i} keeps its choice");
    }
    assert_eq!(retried["focus"], "q-2", "{place}: focus not on the first reopened question");
    assert_eq!(retried["score"], "", "{place}: old score still shown");

    let last = &r["steps"][2];
    assert!(last["states"].as_array().unwrap().iter().all(|s| s == "right"), "{place}: {last}");
    let score = last["score"].as_str().unwrap();
    assert!(score.starts_with(&format!("得分：100 分（答对 {n} 题，共 {n} 题）")), "{place}: `{score}`");
    assert_eq!(last["retry"], false, "{place}: retry offered with nothing wrong");
}

#[test]
fn a_self_test_scores_explains_and_retries_wrong_answers() {
    let (Some(bin), Some(axe)) = (chromium(), common::skip::axe_script()) else { return };
    let tmp = tempfile::tempdir().unwrap();
    let out = common::build_site(tmp.path());
    std::fs::write(out.join("__quiz.html"), DRIVER).unwrap();
    std::fs::copy(&axe, out.join("__axe.js")).unwrap();
    let port = common::serve_dir(&out);
    for page in ["quiz/opinions-sec_3.html", "quiz/opinions.html"] {
        let url = format!("http://127.0.0.1:{port}/__quiz.html?page=/{page}&axe=1");
        let r = report(&run_chromium_url(&bin, &url, &["--virtual-time-budget=30000", "--dump-dom"]).stdout);
        check_run(&r, page);
        assert_eq!(r["violations"], serde_json::json!([]), "{page}: axe-core violations");
    }
    // The same from file://, with no server at all.
    let url = format!("{}?page=quiz/opinions-sec_1.html", file_url(&out.join("__quiz.html")));
    let r = report(
        &run_chromium_url(&bin, &url, &["--allow-file-access-from-files", "--virtual-time-budget=30000", "--dump-dom"])
            .stdout,
    );
    check_run(&r, "quiz/opinions-sec_1.html from file://");
}

#[test]
fn every_section_has_at_least_three_questions() {
    let tmp = tempfile::tempdir().unwrap();
    let out = common::build_site(tmp.path());
    for n in 1..=6 {
        let html = std::fs::read_to_string(out.join(format!("quiz/opinions-sec_{n}.html"))).unwrap();
        let count = html.matches("<fieldset class=\"question\"").count();
        assert!(count >= 3, "section {n} has {count} questions");
    }
    let doc = std::fs::read_to_string(out.join("opinions.html")).unwrap();
    assert!(doc.contains("href=\"quiz/opinions-sec_3.html\""), "the document does not link its self-tests");
}

fn pdftotext() -> bool {
    let ok = std::process::Command::new("pdftotext").arg("-v").output().is_ok();
    if !ok {
        if common::skip::in_ci() {
            panic!("pdftotext missing (poppler-utils)");
        }
        common::skip::skip("pdftotext not found (apt-get install poppler-utils; .ci/run does)");
    }
    ok
}

fn printed_pages(bin: &Path, page: &Path, tmp: &Path) -> Vec<String> {
    let pdf = tmp.join("sheet.pdf");
    run_chromium(bin, page, &["--no-pdf-header-footer", &format!("--print-to-pdf={}", pdf.display())]);
    let out = std::process::Command::new("pdftotext").arg(&pdf).arg("-").output().expect("run pdftotext");
    String::from_utf8_lossy(&out.stdout).split('\u{c}').map(str::to_string).collect()
}

#[test]
fn the_question_sheet_prints_with_its_answer_key_apart() {
    let Some(bin) = chromium() else { return };
    if !pdftotext() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let out = common::build_site(tmp.path());
    let pages = printed_pages(&bin, &out.join("handouts/opinions-quiz.html"), tmp.path());
    let key = pages
        .iter()
        .position(|p| p.trim_start().starts_with("答案与解析"))
        .expect("no page starts with the answer key");
    let last_question = pages.iter().rposition(|p| p.contains("（判断题）") || p.contains("（单选题）")).unwrap();
    assert!(last_question < key, "the answer key shares a page with the questions");
    let questions: String = pages[..key].concat();
    for hidden in ["打印题单", "站点导航", "跳到正文", "原文是"] {
        assert!(!questions.contains(hidden), "the question pages show `{hidden}`");
    }
    for kept in ["《具体意见》全文", "姓名", "A. ", "（多选题）", "对"] {
        assert!(questions.contains(kept), "the question pages lack `{kept}`");
    }
    let answers: String = pages[key..].concat();
    assert!(answers.contains("原文是"), "the answer key has no explanations");
    assert!(answers.contains("《具体意见》三（三）2（3）"), "the answer key does not name the clauses");
}
