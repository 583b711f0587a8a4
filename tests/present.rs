//! The projector view (演示) in a real browser, from `file://`: the first
//! clause shown alone with its position, next and previous by ArrowRight,
//! ArrowLeft, PageDown, PageUp and Space, the jump box, the hash kept on
//! the clause shown, Esc back to the document page at that clause,
//! axe-core, and screenshots at 1024×768 and 1920×1080 for review
//! (`target/screenshots/present-*.png`).

mod common;

use std::path::Path;

use common::chromium::{LET_SCRIPTS_RUN, chromium, file_url, run_chromium_url};

const SHOWN: &str = "[...document.querySelectorAll('section.slide')].filter(s => !s.hidden).map(s => s.id).join(',')";
const POSITION: &str = "document.querySelector('[data-present-position]').textContent";

#[test]
fn the_projector_view_moves_by_keys_jumps_and_returns() {
    let Some(bin) = chromium() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let out = common::build_site(tmp.path());
    let page_path = out.join("present/opinions.html");
    let html = std::fs::read_to_string(&page_path).unwrap();
    let total = html.matches("<section class=\"slide\"").count();
    assert!(total > 50, "only {total} clauses on the page");
    let doc = std::fs::read_to_string(out.join("opinions.html")).unwrap();
    assert!(doc.contains("href=\"present/opinions.html\""), "the document page does not link its projector view");

    let mut page = common::devtools::open(&bin, &file_url(&page_path), (1024, 768));
    page.wait_for("document.querySelector('[data-present-position]').textContent.includes('/')");
    let first = page.eval("document.querySelector('section.slide').id");
    assert_eq!(page.eval(SHOWN), first, "not only the first clause is shown");
    assert_eq!(page.eval(POSITION), format!("第一段 · 1/{total}"));

    page.press("ArrowRight");
    assert_eq!(page.eval(POSITION), format!("一 · 2/{total}"));
    page.press("PageDown");
    page.press(" ");
    assert_eq!(page.eval(POSITION), format!("一（一）第一段 · 4/{total}"));
    page.press("ArrowLeft");
    page.press("PageUp");
    assert_eq!(page.eval(POSITION), format!("一 · 2/{total}"));
    assert_eq!(page.eval("location.hash"), "#sec_1");
    page.press("ArrowLeft");
    page.press("ArrowLeft");
    assert_eq!(page.eval(POSITION), format!("第一段 · 1/{total}"), "moved before the first clause");

    // The jump box, typed with half-width brackets as people often do.
    page.eval("document.getElementById('present-jump-q').focus()");
    page.type_text("三(三)4");
    page.press("Enter");
    let position = page.eval(POSITION);
    let position = position.as_str().unwrap();
    assert!(position.starts_with("三（三）4 · ") && position.ends_with(&format!("/{total}")), "{position}");
    assert_eq!(page.eval(SHOWN), "sec_3__subsec_3__point_4");
    assert_eq!(page.eval("location.hash"), "#sec_3__subsec_3__point_4");
    // Its annotation's 要点 are beside it.
    let points =
        page.eval("document.getElementById('sec_3__subsec_3__point_4').querySelector('.slide-points').textContent");
    assert!(points.as_str().unwrap().contains("要点"), "{points}");
    // An unknown clause leaves the view where it is and marks the box.
    page.eval("document.getElementById('present-jump-q').focus()");
    page.type_text("九（九）9");
    page.press("Enter");
    assert_eq!(page.eval(SHOWN), "sec_3__subsec_3__point_4");
    assert_eq!(page.eval("document.getElementById('present-jump-q').getAttribute('aria-invalid')"), "true");
    page.press("Escape");
    assert_eq!(page.eval("document.activeElement.id"), "", "Esc in the box leaves the box first");

    // axe-core on the page as shown.
    if let Some(axe) = common::skip::axe_script() {
        page.eval(&std::fs::read_to_string(axe).unwrap());
        let violations = page.eval(
            "axe.run(document, { resultTypes: ['violations'] }).then(r => r.violations.map(v => v.id + ': ' + v.nodes.length))",
        );
        assert_eq!(violations, serde_json::json!([]), "axe-core violations");
    }

    // Esc: back to the document page at the clause.
    page.press("Escape");
    page.wait_for("location.pathname.endsWith('/opinions.html') && !location.pathname.includes('/present/')");
    assert_eq!(page.eval("location.hash"), "#sec_3__subsec_3__point_4");
}

#[test]
fn the_projector_view_opens_at_the_hash_and_screenshots_for_review() {
    let Some(bin) = chromium() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let out = common::build_site(tmp.path());
    let shots = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/screenshots");
    std::fs::create_dir_all(&shots).unwrap();
    let url = format!("{}#sec_3__subsec_3__point_4", file_url(&out.join("present/opinions.html")));
    let dom = run_chromium_url(&bin, &url, &[LET_SCRIPTS_RUN, "--dump-dom"]).stdout;
    assert!(dom.contains("三（三）4 · "), "the view did not open at the hash's clause");
    for (w, h) in [(1024, 768), (1920, 1080)] {
        let png = shots.join(format!("present-{w}x{h}.png"));
        let _ = std::fs::remove_file(&png);
        run_chromium_url(
            &bin,
            &url,
            &[
                LET_SCRIPTS_RUN,
                "--hide-scrollbars",
                &format!("--window-size={w},{h}"),
                &format!("--screenshot={}", png.display()),
            ],
        );
        let size = std::fs::metadata(&png).map(|m| m.len()).unwrap_or(0);
        assert!(size > 5 * 1024, "{} is missing or only {size} bytes", png.display());
        println!("screenshot: {} ({size} bytes)", png.display());
    }
}
