//! Margin notes (释义 and 被引用 boxes) in a real browser: at 1280, 1600 and
//! 1920 px no two notes intersect, no note's text is hidden under anything or
//! cut off, and on wide screens every note sits in the margin beside or below
//! its clause, never under the page footer; at 360 px the notes stay under
//! their clauses without sideways scrolling. Pages are served over HTTP and
//! measured inside a same-origin frame of the wanted width, as in `study.rs`.

mod common;

use std::path::Path;

use common::chromium::{chromium, run_chromium_url};

/// Pages with margin notes: the directive (many notes), the notice and a law.
const PAGES: &[&str] = &["opinions.html", "laws/administrative-licensing-law.html"];

/// Loads a page in a frame, waits for its scripts, and reports every note's
/// box, the notes that intersect, and the lines of note text that something
/// else covers.
const CHECKER: &str = r##"<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>notes</title></head><body style="margin:0">
<iframe id="f" title="page under test" style="border:0;height:800px"></iframe>
<pre id="result"></pre>
<script>
(function () {
  var params = new URLSearchParams(location.search);
  var frame = document.getElementById('f');
  frame.style.width = params.get('width') + 'px';
  function report(out) { document.getElementById('result').textContent = JSON.stringify(out); }
  frame.onload = function () {
    if (params.get('expand')) {
      [].forEach.call(frame.contentDocument.querySelectorAll('button.backlinks-toggle'), function (b) { b.click(); });
    }
    setTimeout(measure, 1500);
  };
  function measure() {
    var w = frame.contentWindow, d = frame.contentDocument;
    var out = { width: w.innerWidth, overflow: d.documentElement.scrollWidth - d.documentElement.clientWidth,
      sidenotes: d.documentElement.classList.contains('sidenotes'), notes: 0, overlaps: [], covered: [],
      cut: [], outside: [], maxDrift: 0 };
    var body = d.querySelector('.doc-text > .doc-body');
    var bodyBox = body.getBoundingClientRect();
    var footer = d.querySelector('.site-footer').getBoundingClientRect().top + w.scrollY;
    var notes = [].slice.call(d.querySelectorAll('.clause > .annotations'));
    var boxes = notes.map(function (n) {
      var r = n.getBoundingClientRect();
      var c = n.parentNode.getBoundingClientRect();
      var head = n.parentNode.firstElementChild.getBoundingClientRect();
      return { id: n.parentNode.id, top: r.top + w.scrollY, bottom: r.bottom + w.scrollY, left: r.left,
        right: r.right, clauseTop: c.top + w.scrollY, headBottom: head.bottom + w.scrollY };
    });
    out.notes = notes.length;
    boxes.forEach(function (a, i) {
      boxes.slice(i + 1).forEach(function (b) {
        var x = Math.min(a.right, b.right) - Math.max(a.left, b.left);
        var y = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
        if (x > 0.5 && y > 0.5) out.overlaps.push(a.id + ' / ' + b.id);
      });
      out.maxDrift = Math.max(out.maxDrift, Math.round(a.top - a.headBottom));
      out.toggles = d.querySelectorAll('button.backlinks-toggle[aria-expanded="' + (params.get('expand') ? 'true' : 'false') + '"]').length;
      var wide = w.innerWidth >= 88 * 16;
      if (wide && (a.left < bodyBox.right || a.right > w.innerWidth || a.top < a.clauseTop - 1))
        out.outside.push(a.id);
      if (!wide && (a.left < bodyBox.left - 1 || a.right > bodyBox.right + 1)) out.outside.push(a.id);
      if (a.bottom > footer) out.outside.push(a.id + ' (under the footer)');
    });
    notes.forEach(function (n, i) {
      if (n.scrollHeight > n.clientHeight + 1 || n.scrollWidth > n.clientWidth + 1) out.cut.push(boxes[i].id);
      [].forEach.call(n.querySelectorAll('.aside-head, a, .aside-summary'), function (e) {
        var sy = w.scrollY;
        [].map.call(e.getClientRects(), function (r) {
          return { x: r.left + r.width / 2, y: r.top + sy + r.height / 2 };
        }).forEach(function (p) {
          w.scrollTo(0, Math.max(0, p.y - 300));
          var hit = d.elementFromPoint(p.x, p.y - w.scrollY);
          if (!hit || !n.contains(hit)) out.covered.push(boxes[i].id + ': ' + e.textContent.slice(0, 12));
        });
      });
    });
    report(out);
  }
  frame.src = params.get('page');
})();
</script></body></html>
"##;

/// The checker's report on `page` at `width` px, with every folded 被引用
/// list opened first when `expand` is set.
fn measure(bin: &Path, port: u16, page: &str, width: u32, expand: bool) -> serde_json::Value {
    let mut url = format!("http://127.0.0.1:{port}/__notes.html?page=/{page}&width={width}");
    if expand {
        url.push_str("&expand=1");
    }
    let window = format!("--window-size={},900", width + 40);
    let dom = run_chromium_url(bin, &url, &["--virtual-time-budget=20000", &window, "--dump-dom"]).stdout;
    let report = dom.split("<pre id=\"result\">").nth(1).and_then(|r| r.split("</pre>").next()).unwrap_or("");
    let report = report.replace("&quot;", "\"").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&");
    serde_json::from_str(&report).unwrap_or_else(|e| panic!("no report for {page} at {width}px ({e}): {report}"))
}

/// How far below its clause's first line a note may start on a wide screen
/// when the notes above it fill the margin (about ten lines of note text).
const MAX_BELOW: i64 = 450;

#[test]
fn margin_notes_never_overlap_or_hide_text() {
    let Some(bin) = chromium() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let out = common::build_site(tmp.path());
    std::fs::write(out.join("__notes.html"), CHECKER).unwrap();
    let port = common::serve_dir(&out);
    let mut failures = Vec::new();
    for page in PAGES {
        for (width, expand) in [(360, false), (1280, false), (1600, false), (1920, false), (1920, true)] {
            let r = measure(&bin, port, page, width, expand);
            println!(
                "{page} @{width}{}: {} notes ({} folded lists), margin layout {}, furthest below its clause {} px",
                if expand { " expanded" } else { "" },
                r["notes"],
                r["toggles"],
                r["sidenotes"],
                r["maxDrift"]
            );
            assert_eq!(r["width"].as_i64(), Some(i64::from(width)), "{page} was not laid out at {width}px");
            assert!(r["notes"].as_i64().unwrap_or(0) > 0, "{page} has no notes to check");
            assert_eq!(r["sidenotes"].as_bool(), Some(true), "{page}: the note layout script did not run");
            if *page == "opinions.html" {
                assert!(r["toggles"].as_i64().unwrap_or(0) > 0, "no folded 被引用 list on {page}");
            }
            for (key, what) in [
                ("overlaps", "notes intersect"),
                ("covered", "note text hidden"),
                ("cut", "note cut off"),
                ("outside", "note out of place"),
            ] {
                for item in r[key].as_array().into_iter().flatten() {
                    failures.push(format!("{page} @{width}: {what}: {item}"));
                }
            }
            if width >= 1600 && !expand && r["maxDrift"].as_i64().unwrap_or(i64::MAX) > MAX_BELOW {
                failures.push(format!("{page} @{width}: a note starts {} px below its clause", r["maxDrift"]));
            }
            if r["overflow"].as_i64() != Some(0) {
                failures.push(format!("{page} @{width}: scrolls sideways by {}px", r["overflow"]));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
