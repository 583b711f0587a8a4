//! Reading progress in a real browser: a section marked read by its button,
//! another marked when its end scrolls into view, both still marked after a
//! reload, shown on the home page with 继续学习 and on the study plan, then
//! cleared; and a page whose storage is blocked works without errors.

mod common;

use common::chromium::{chromium, run_chromium_url};

/// Drives the pages in a same-origin frame and reports what it saw.
const DRIVER: &str = r##"<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>progress</title></head><body>
<iframe id="f" title="page under test" style="border:0;width:1000px;height:700px"></iframe>
<pre id="result"></pre>
<script>
(function () {
  var frame = document.getElementById('f');
  var out = {};
  function done() { document.getElementById('result').textContent = JSON.stringify(out); }
  function open(url) {
    return new Promise(function (resolve) {
      frame.onload = function () { setTimeout(resolve, 300); };
      frame.src = url;
    });
  }
  function d() { return frame.contentDocument; }
  function doc() {
    var x = d();
    return {
      pressed: [].map.call(x.querySelectorAll('button.read-toggle[aria-pressed="true"]'), function (b) {
        return b.closest('[id]').id;
      }),
      toggles: x.querySelectorAll('button.read-toggle').length,
      tocRead: [].map.call(x.querySelectorAll('nav.toc a.is-read'), function (a) { return a.getAttribute('href'); })
    };
  }
  function home() {
    var x = d();
    var c = x.querySelector('.progress-continue');
    return {
      lines: [].map.call(x.querySelectorAll('.progress-line'), function (p) { return p.textContent; }),
      resume: c ? c.getAttribute('href') : null,
      clear: !!x.querySelector('.progress-clear:not([hidden])')
    };
  }
  open('/opinions.html').then(function () {
    out.fresh = doc();
    d().querySelector('#sec_1__subsec_1 button.read-toggle').click();
    out.clicked = doc();
    var end = d().querySelector('#sec_2__subsec_1 > .read-mark');
    var w = frame.contentWindow;
    w.scrollTo(0, end.getBoundingClientRect().bottom + w.scrollY - 600);
    // The mark is set a moment after the scroll; wait for it (up to 10 s).
    return new Promise(function (resolve) {
      var tries = 0;
      (function poll() {
        if (d().querySelector('#sec_2__subsec_1 button.read-toggle[aria-pressed="true"]') || ++tries > 100) resolve();
        else setTimeout(poll, 100);
      })();
    });
  }).then(function () {
    out.scrolled = doc();
    return open('/opinions.html');
  }).then(function () {
    out.reloaded = doc();
    return open('/index.html');
  }).then(function () {
    out.home = home();
    return open('/study-plan.html');
  }).then(function () {
    out.plan = home();
    d().querySelector('.progress-clear').click();
    out.cleared = home();
    return open('/opinions.html');
  }).then(function () {
    out.after = doc();
    done();
  });
})();
</script></body></html>
"##;

/// A page that opens the directive in a frame without storage access.
const BLOCKED: &str = r##"<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>blocked</title></head><body>
<iframe sandbox="allow-scripts" src="opinions.html" title="no storage" style="width:1000px;height:700px"></iframe>
</body></html>
"##;

#[test]
fn progress_is_marked_kept_shown_and_cleared() {
    let Some(bin) = chromium() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let out = common::build_site(tmp.path());
    std::fs::write(out.join("__progress.html"), DRIVER).unwrap();
    let port = common::serve_dir(&out);
    let url = format!("http://127.0.0.1:{port}/__progress.html");
    let dom = run_chromium_url(&bin, &url, &["--virtual-time-budget=30000", "--dump-dom"]).stdout;
    let report = dom.split("<pre id=\"result\">").nth(1).and_then(|r| r.split("</pre>").next()).unwrap_or("");
    let report = report.replace("&quot;", "\"").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&");
    let r: serde_json::Value = serde_json::from_str(&report).unwrap_or_else(|e| panic!("no report ({e}): {report}"));

    assert_eq!(r["fresh"]["pressed"], serde_json::json!([]), "a fresh browser shows progress: {r}");
    assert_eq!(r["fresh"]["toggles"], 22, "one toggle per （一） of 《具体意见》: {r}");
    assert_eq!(r["clicked"]["pressed"], serde_json::json!(["sec_1__subsec_1"]), "{r}");
    assert_eq!(r["clicked"]["tocRead"], serde_json::json!(["#sec_1__subsec_1"]), "{r}");
    let scrolled = r["scrolled"]["pressed"].as_array().unwrap();
    assert!(scrolled.iter().any(|id| id == "sec_2__subsec_1"), "reading to the end of 二（一） did not mark it: {r}");
    assert_eq!(r["reloaded"], r["scrolled"], "progress changed on reload: {r}");

    let read = scrolled.len();
    let lines: Vec<&str> = r["home"]["lines"].as_array().unwrap().iter().map(|l| l.as_str().unwrap()).collect();
    assert!(lines.contains(&format!("学习进度：已读 {read} / 22").as_str()), "home page: {lines:?}");
    let resume = r["home"]["resume"].as_str().expect("no 继续学习 link on the home page");
    assert!(resume.contains("opinions.html#sec_"), "继续学习 goes to {resume}");
    assert_eq!(r["home"]["clear"], true);
    let plan: Vec<&str> = r["plan"]["lines"].as_array().unwrap().iter().map(|l| l.as_str().unwrap()).collect();
    assert!(plan.iter().any(|l| l.ends_with("已读 1 / 3")), "study plan: {plan:?}");

    assert!(r["cleared"]["resume"].is_null(), "继续学习 after clearing: {r}");
    assert!(r["cleared"]["lines"].as_array().unwrap().iter().all(|l| l.as_str().unwrap().ends_with("尚未开始")), "{r}");
    assert_eq!(r["after"]["pressed"], serde_json::json!([]), "progress survived clearing: {r}");
}

#[test]
fn pages_work_where_storage_is_blocked() {
    let Some(bin) = chromium() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let out = common::build_site(tmp.path());
    std::fs::write(out.join("__blocked.html"), BLOCKED).unwrap();
    let port = common::serve_dir(&out);
    let run = run_chromium_url(
        &bin,
        &format!("http://127.0.0.1:{port}/__blocked.html"),
        &["--virtual-time-budget=5000", "--enable-logging=stderr", "--v=0", "--dump-dom"],
    );
    let console: Vec<_> = run.stderr.lines().filter(|l| l.contains("Uncaught") || l.contains(":CONSOLE")).collect();
    assert!(console.is_empty(), "errors without storage:\n{}", console.join("\n"));
}
