//! Cross-linking on the `crosslinks` fixture and on the shipped site: each
//! feature checked as a reader would follow the links.

mod common;

use std::path::{Path, PathBuf};

use shiyi::{BuildOptions, Status};

fn build(root: PathBuf, out: &Path) -> shiyi::Outcome {
    let outcome = shiyi::build(&BuildOptions { root, output: Some(out.to_path_buf()), drafts: false, force: false });
    assert_eq!(outcome.status, Status::Success, "{}", outcome.report());
    outcome
}

fn read(out: &Path, page: &str) -> String {
    std::fs::read_to_string(out.join(page)).unwrap_or_else(|e| panic!("{page}: {e}"))
}

/// The HTML of the element with `id` up to the next clause (enough to check
/// what sits inside or beside a clause).
fn clause<'a>(html: &'a str, id: &str) -> &'a str {
    let start = html.find(&format!("id=\"{id}\"")).unwrap_or_else(|| panic!("no id {id}"));
    let rest = &html[start..];
    let end = rest[10..].find("class=\"clause ").map_or(rest.len(), |e| e + 10);
    &rest[..end]
}

#[test]
fn fixture_features() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let outcome = build(common::repo_root().join("tests/fixtures/crosslinks"), &out);
    let opinion = read(&out, "opinion.html");

    // Annotations sit beside the clause they explain and quote it back.
    let point = clause(&opinion, "sec_2__point_1");
    assert!(point.contains("<a href=\"annotations/sec-2-point-1.html\">释义：二1 收支两条线</a>"), "{point}");
    let annotation = read(&out, "annotations/sec-2-point-1.html");
    assert!(annotation.contains("<figcaption><a href=\"../opinion.html#sec_2__point_1\">《意见》二1</a>"));
    assert!(annotation.contains("严格执行收支两条线规定"));

    // References resolve to relative links whose title is the citation and first words.
    assert!(opinion.contains(
        "<a class=\"ref\" id=\"ref-1\" href=\"laws/model-law.html#art_2__para_1__point_1\" title=\"《示范法》第二条第一款第（一）项：制度建设；\">"
    ));
    assert!(opinion.contains("href=\"#sec_1__subsec_1\" title=\"《意见》一（一）：工作目标\">工作目标</a>"));

    // Backlinks: the cited article lists the citing clause; the cited directive clause lists the annotation.
    let law = read(&out, "laws/model-law.html");
    assert!(
        clause(&law, "art_2__para_1__point_1").contains("<a href=\"../opinion.html#sec_2__point_2\">《意见》二2</a>")
    );
    assert!(clause(&law, "art_1").contains("<a href=\"../annotations/sec-2-point-1.html#ref-2\">"));
    assert!(clause(&opinion, "sec_2__point_2").contains("annotations/sec-2-point-1.html#ref-1"));

    // Abbreviations link to their definition with the full name on hover; the defining clause itself does not.
    assert!(
        clause(&opinion, "sec_2__point_2").contains(
            "<a class=\"abbr-link\" href=\"#preamble__p_1\"><abbr title=\"《上级纲要》\">《纲要》</abbr></a>"
        )
    );
    assert!(clause(&opinion, "preamble__p_1").contains("（以下简称《纲要》）"));
    let notice = read(&out, "notice.html");
    assert!(notice.contains("<abbr title=\"《示例工作意见》\">《意见》</abbr>"));

    // Cited documents: every title, the site's own copy linked, each citing clause listed.
    let cited = read(&out, "cited.html");
    assert!(cited.contains("<a href=\"laws/model-law.html\">《示范法》</a>"));
    assert!(cited.contains("《上级纲要》 <span class=\"short-names\">（简称《纲要》）</span>"));
    assert!(cited.contains("<a href=\"opinion.html#sec_2__point_2\">《意见》二2</a>"));
    assert!(opinion.contains("<a class=\"doc-link\" href=\"laws/model-law.html\""));

    // Glossary: linked at its first occurrence in a clause only; the term page lists where it is used.
    let point = clause(&opinion, "sec_2__point_1");
    assert_eq!(point.matches("class=\"term\"").count(), 1, "{point}");
    let glossary = read(&out, "glossary.html");
    assert!(glossary.contains("<strong>财政管理</strong>"));
    assert!(glossary.contains("<a href=\"opinion.html#sec_2__point_1\">《意见》二1</a>"));

    // Timeline: periods in time order, scraped spacing tolerated, each linked to its clause.
    let timeline = read(&out, "timeline.html");
    let order: Vec<usize> = ["2005年至2006年上半年", "2005年至2007年", "2006年", "到2010年"]
        .iter()
        .map(|p| timeline.find(&format!("<h2 class=\"period-label\">{p}</h2>")).unwrap_or_else(|| panic!("{p}")))
        .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{order:?}");
    assert!(timeline.contains("<a href=\"opinion.html#sec_2__point_2__subpoint_1\">《意见》二2（1）</a>"));

    // Tags: an index and a page per tag.
    let tags = read(&out, "tags.html");
    assert_eq!(tags.matches("<li><a href=\"tags/").count(), 3);
    assert!(tags.contains(">制度建设</a> <span class=\"count\">（2）</span>"));

    // Coverage is counted per level.
    let coverage = outcome.coverage.unwrap().to_string();
    assert!(coverage.contains("1.       1/2"), "{coverage}");
    assert!(coverage.contains("without annotation: 一、一（一）、二"), "{coverage}");

    let problems = common::check_links(&out);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn shipped_site_is_cross_linked() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    build(common::repo_root(), &out);
    let opinions = read(&out, "opinions.html");
    // Every 《实施纲要》 after its definition links to the defining clause.
    let text: String = opinions.lines().filter(|l| l.contains("class=\"clause-text\"")).collect();
    let mentions = text.matches("《实施纲要》").count();
    let linked = text
        .matches("<abbr title=\"《建立健全教育、制度、监督并重的惩治和预防腐败体系实施纲要》\">《实施纲要》</abbr>")
        .count();
    assert_eq!(linked + 1, mentions, "all but the definition are linked");
    // Cited laws that the site ships link to their text.
    assert!(opinions.contains("<a class=\"doc-link\" href=\"laws/administrative-licensing-law.html\""));
    // Annotated clauses link to their annotations, and the annotations link back.
    // Every 一、 (6) and （一） (22) clause has an annotation beside it.
    assert!(opinions.matches("<p class=\"aside-head\">释义</p>").count() >= 28);
    let annotation = read(&out, "annotations/opinions-sec-1-3.html");
    assert!(annotation.contains("<a href=\"../opinions.html#sec_1__subsec_3\">《具体意见》一（三）</a>"));
    // The timeline links each dated task.
    let timeline = read(&out, "timeline.html");
    assert!(timeline.matches("<li class=\"task\">").count() > 40);
    let problems = common::check_links(&out);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Each reference of an annotation printed in a handout (`note-STEM-ref-N`)
/// stands after the same words and links where the same reference (`ref-N`)
/// does on the annotation's own page, wherever its discussion questions
/// stand. Handouts and annotations sit one folder deep, so the links are the
/// same text.
fn handout_references_match(out: &Path) -> usize {
    let re = regex::Regex::new(r#"([^<>]{0,8})<a class="ref" id="([^"]+)" href="([^"]*)""#).unwrap();
    let mut checked = 0;
    for (path, bytes) in common::read_tree(&out.join("handouts")) {
        let html = String::from_utf8_lossy(&bytes);
        for cap in re.captures_iter(&html) {
            let (id, href) = (&cap[2], (cap[1].to_string(), cap[3].to_string()));
            // The handout's own clauses keep their document's `ref-N`.
            let Some(note) = id.strip_prefix("note-") else { continue };
            let (stem, number) = note.rsplit_once("-ref-").unwrap_or_else(|| panic!("{path}: reference id {id}"));
            let own = read(out, &format!("annotations/{stem}.html"));
            let on_own_page = re
                .captures_iter(&own)
                .find(|c| c[2] == *format!("ref-{number}"))
                .map(|c| (c[1].to_string(), c[3].to_string()));
            assert_eq!(on_own_page, Some(href), "handouts/{path}: {id}");
            checked += 1;
        }
    }
    checked
}

#[test]
fn handout_references_link_where_the_annotation_does() {
    let tmp = tempfile::tempdir().unwrap();
    let fixture = tmp.path().join("fixture");
    build(common::repo_root().join("tests/fixtures/crosslinks"), &fixture);
    // The fixture's annotation has a reference after its questions.
    assert!(handout_references_match(&fixture) >= 8);
    let shipped = tmp.path().join("shipped");
    build(common::repo_root(), &shipped);
    assert!(handout_references_match(&shipped) > 100);
}
