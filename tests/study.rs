//! The study experience in a real browser: accessibility (axe-core, injected),
//! no horizontal scrolling at 360 px, the copy-citation control, printing, and
//! page weight. Pages are served over HTTP on loopback and opened inside a
//! same-origin frame of the wanted width, so the checks run at true phone and
//! desktop widths (headless Chromium's own window is never narrower than 500 px).
//!
//! Needs Debian's `chromium`, `axe-core` from npm (`npm install --prefix
//! target/npm axe-core@4`, done by `.ci/run`) and `pdftotext` (poppler-utils).
//! Without them the tests print why and skip, except under `CI=true`.

mod common;

use std::path::Path;

use common::chromium::{chromium, run_chromium, run_chromium_url};

/// Page types checked with axe-core, at phone and desktop widths.
const PAGES: &[&str] = &[
    "index.html",
    "opinions.html",
    "notice.html",
    "annotations/opinions-sec-1-3.html",
    "glossary.html",
    "cited.html",
    "timeline.html",
    "study-plan.html",
    "handouts/opinions-sec_3.html",
    "laws/administrative-licensing-law.html",
    "laws/anti-monopoly-law/2007-08-30.html",
    "laws/anti-monopoly-law/compare-2007-08-30_2022-06-24.html",
    "search.html",
    "404.html",
];

/// The page that loads another one in a frame and reports on it.
const CHECKER: &str = r##"<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>check</title></head><body>
<iframe id="f" title="page under test" style="border:0;height:900px"></iframe>
<pre id="result"></pre>
<script>
(function () {
  var params = new URLSearchParams(location.search);
  var frame = document.getElementById('f');
  frame.style.width = (params.get('width') || '360') + 'px';
  var out = {};
  function done() { document.getElementById('result').textContent = JSON.stringify(out); }
  frame.onload = function () {
    var w = frame.contentWindow, d = frame.contentDocument;
    out.overflow = d.documentElement.scrollWidth - d.documentElement.clientWidth;
    out.width = w.innerWidth;
    // A comparison page: are the two versions of its first changed article side by side?
    var row = d.querySelector('.cmp-changed');
    if (row) {
      var a = row.querySelector('.cmp-old').getBoundingClientRect();
      var b = row.querySelector('.cmp-new').getBoundingClientRect();
      out.side_by_side = Math.abs(a.top - b.top) < 1 && b.left >= a.right;
    }
    var copied = null;
    Object.defineProperty(w.navigator, 'clipboard', { configurable: true, value: {
      writeText: function (t) { copied = t; return Promise.resolve(); } } });
    var target = params.get('copy');
    var wait = Promise.resolve();
    if (target) {
      var link = d.querySelector('a.permalink[href="#' + target + '"]');
      var button = link && link.nextElementSibling;
      if (button) button.click();
      wait = new Promise(function (r) { setTimeout(r, 100); }).then(function () { out.copied = copied; });
    }
    wait.then(function () {
      var s = d.createElement('script');
      s.src = '/__axe.js';
      s.onload = function () {
        w.axe.run(d, { resultTypes: ['violations'] }).then(function (r) {
          out.violations = r.violations.map(function (v) {
            return v.id + ' (' + v.impact + '): ' + v.nodes.slice(0, 3).map(function (n) { return n.target.join(' '); }).join(' | ');
          });
          done();
        }, function (e) { out.error = String(e); done(); });
      };
      s.onerror = function () { out.error = 'axe did not load'; done(); };
      d.head.appendChild(s);
    });
  };
  frame.src = params.get('page');
})();
</script></body></html>
"##;

/// Builds the site and serves it with the checker page and axe-core.
fn serve_site(tmp: &Path, axe: &Path) -> u16 {
    let out = common::build_site(tmp);
    std::fs::write(out.join("__check.html"), CHECKER).unwrap();
    std::fs::copy(axe, out.join("__axe.js")).unwrap();
    common::serve_dir(&out)
}

/// The checker's JSON report on `page` at `width`.
fn check(bin: &Path, port: u16, page: &str, width: u32, copy: Option<&str>) -> serde_json::Value {
    let mut url = format!("http://127.0.0.1:{port}/__check.html?page=/{page}&width={width}");
    if let Some(id) = copy {
        url.push_str(&format!("&copy={id}"));
    }
    let dom =
        run_chromium_url(bin, &url, &["--virtual-time-budget=30000", "--window-size=1400,1000", "--dump-dom"]).stdout;
    let report = dom.split("<pre id=\"result\">").nth(1).and_then(|r| r.split("</pre>").next()).unwrap_or("");
    let report = report.replace("&quot;", "\"").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&");
    serde_json::from_str(&report).unwrap_or_else(|e| panic!("no report for {page} at {width}px ({e}): {report}"))
}

#[test]
fn every_page_type_is_accessible_and_fits_a_phone() {
    let (Some(bin), Some(axe)) = (chromium(), common::skip::axe_script()) else { return };
    let tmp = tempfile::tempdir().unwrap();
    let port = serve_site(tmp.path(), &axe);
    let mut failures = Vec::new();
    for page in PAGES {
        for width in [360, 1280] {
            let report = check(&bin, port, page, width, None);
            if let Some(e) = report.get("error") {
                failures.push(format!("{page} @{width}: {e}"));
            }
            for v in report["violations"].as_array().into_iter().flatten() {
                failures.push(format!("{page} @{width}: {v}"));
            }
            let overflow = report["overflow"].as_i64().unwrap_or(-1);
            if overflow != 0 {
                failures.push(format!("{page} @{width}: scrolls sideways by {overflow}px"));
            }
            assert_eq!(report["width"].as_i64(), Some(i64::from(width)), "{page} was not laid out at {width}px");
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn comparison_page_is_two_columns_wide_and_stacked_narrow_and_in_print() {
    let (Some(bin), Some(axe)) = (chromium(), common::skip::axe_script()) else { return };
    let tmp = tempfile::tempdir().unwrap();
    let port = serve_site(tmp.path(), &axe);
    let page = "laws/anti-monopoly-law/compare-2007-08-30_2022-06-24.html";
    assert_eq!(check(&bin, port, page, 1280, None)["side_by_side"].as_bool(), Some(true));
    assert_eq!(check(&bin, port, page, 360, None)["side_by_side"].as_bool(), Some(false));
    if !pdftotext() {
        return;
    }
    let printed = tmp.path().join("print");
    std::fs::create_dir_all(&printed).unwrap();
    let text = printed_text(&bin, &tmp.path().join("out").join(page), &printed);
    for kept in ["新旧对照", "修改 24 条、新增 13 条", "第一章 总 则", "反垄断工作坚持中国共产党的领导", "（无此条）"]
    {
        assert!(text.contains(kept), "printed comparison lacks `{kept}`:\n{}", &text[..text.len().min(2000)]);
    }
    for hidden in ["跳到正文", "站点导航", "其他版本对照"] {
        assert!(!text.contains(hidden), "printed comparison shows `{hidden}`");
    }
    // Stacked in print: the old text of 第四条 comes before the new one, not beside it on the same line.
    let old = text.find("国家制定和实施与社会主义市场经济相适应的竞争规则").expect("old 第四条 printed");
    let new = text.find("反垄断工作坚持中国共产党的领导").expect("new 第四条 printed");
    assert!(old < new && !text[old..new].contains("第五条"), "old and new 第四条 printed one after the other");
}

#[test]
fn copy_citation_puts_citation_and_link_on_the_clipboard() {
    let (Some(bin), Some(axe)) = (chromium(), common::skip::axe_script()) else { return };
    let tmp = tempfile::tempdir().unwrap();
    let port = serve_site(tmp.path(), &axe);
    let report = check(&bin, port, "opinions.html", 1280, Some("sec_3__subsec_3__point_2"));
    assert_eq!(
        report["copied"].as_str(),
        Some(format!("《具体意见》三（三）2 http://127.0.0.1:{port}/opinions.html#sec_3__subsec_3__point_2").as_str())
    );
}

fn pdftotext() -> bool {
    let ok = std::process::Command::new("pdftotext").arg("-v").output().is_ok();
    if !ok {
        common::skip::skip("pdftotext not found (apt-get install poppler-utils; .ci/run does)");
    }
    ok
}

/// The text of `page` printed to PDF by Chromium (print media).
fn printed_text(bin: &Path, page: &Path, tmp: &Path) -> String {
    let pdf = tmp.join("page.pdf");
    run_chromium(bin, page, &["--no-pdf-header-footer", &format!("--print-to-pdf={}", pdf.display())]);
    let out = std::process::Command::new("pdftotext").arg(&pdf).arg("-").output().expect("run pdftotext");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn printing_hides_navigation_and_keeps_clause_numbers() {
    let Some(bin) = chromium() else { return };
    if !pdftotext() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let out = common::build_site(tmp.path());
    let text = printed_text(&bin, &out.join("opinions.html"), tmp.path());
    for hidden in ["跳到正文", "站点导航", "目录", "复制引用", "¶"] {
        assert!(!text.contains(hidden), "printed page shows `{hidden}`");
    }
    for kept in ["一、总体要求", "（三）工作目标", "1. 坚持", "《具体意见》 · 2005年7月22日"] {
        assert!(text.contains(kept), "printed page lacks `{kept}`:\n{}", &text[..text.len().min(2000)]);
    }
    let handout = printed_text(&bin, &out.join("handouts/opinions-sec_3.html"), tmp.path());
    for kept in ["《具体意见》三", "（三）深化工商行政管理制度改革和创新", "释义：三（三）", "思考题"]
    {
        assert!(handout.contains(kept), "printed handout lacks `{kept}`");
    }
    assert!(!handout.contains("打印本讲义"));
}

#[test]
fn page_weight_is_small_and_shared() {
    let tmp = tempfile::tempdir().unwrap();
    let out = common::build_site(tmp.path());
    let size = |p: &str| std::fs::metadata(out.join(p)).map(|m| m.len()).unwrap_or(0);
    let shared: u64 = ["static/style.css", "static/shiyi.js", "static/search.js"].iter().map(|p| size(p)).sum();
    for page in ["index.html", "opinions.html"] {
        let html = std::fs::read_to_string(out.join(page)).unwrap();
        assert!(!html.contains("<style"), "{page}: styles belong in the shared stylesheet");
        assert!(html.contains("href=\"static/style.css\""));
        println!("page weight {page}: {} bytes HTML + {shared} bytes shared CSS/JS", html.len());
    }
    assert!(shared < 80_000, "CSS and JS together are {shared} bytes");
}

#[test]
fn screenshots_at_phone_and_desktop_width() {
    let (Some(bin), Some(axe)) = (chromium(), common::skip::axe_script()) else { return };
    let tmp = tempfile::tempdir().unwrap();
    let port = serve_site(tmp.path(), &axe);
    let dir = common::repo_root().join("target/screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    for page in [
        "index.html",
        "opinions.html",
        "annotations/opinions-sec-3-3.html",
        "glossary.html",
        "timeline.html",
        "study-plan.html",
    ] {
        for (width, window) in [(360, "380,900"), (1280, "1300,1000")] {
            let name = format!("{}-{width}.png", page.replace(['/', '.'], "_"));
            let shot = dir.join(&name);
            let url = format!("http://127.0.0.1:{port}/__check.html?page=/{page}&width={width}");
            run_chromium_url(
                &bin,
                &url,
                &["--hide-scrollbars", &format!("--window-size={window}"), &format!("--screenshot={}", shot.display())],
            );
            let size = std::fs::metadata(&shot).map(|m| m.len()).unwrap_or(0);
            assert!(size > 5_000, "{name} is {size} bytes");
            println!("screenshot {}", shot.display());
        }
    }
}
