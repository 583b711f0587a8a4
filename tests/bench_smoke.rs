//! Smoke run of the benchmark pipeline (N = 20), so the scripts cannot rot:
//! generate the corpus, convert it with `bench/corpus-to-site`, build it, and
//! check that the page set matches the corpus. It asserts no timing.

mod common;

use std::process::Command;

use shiyi::{BuildOptions, Status};

#[test]
fn generated_corpus_builds_with_the_same_page_set() {
    let root = common::repo_root();
    if Command::new("python3").arg("--version").output().is_err() {
        common::skip::skip("python3 not found");
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let corpus = tmp.path().join("corpus");
    let site = tmp.path().join("site");
    let generated = Command::new("python3")
        .arg(root.join("tests/data/bench/gen_corpus.py"))
        .args(["--docs", "20", "--only", "corpus", "--out"])
        .arg(&corpus)
        .arg("--seed-text")
        .arg(root.join("tests/data/seed/000_37f66f906b5114f9.txt"))
        .output()
        .unwrap();
    assert!(generated.status.success(), "{}", String::from_utf8_lossy(&generated.stderr));
    let converted = Command::new(root.join("bench/corpus-to-site")).arg(&corpus).arg(&site).output().unwrap();
    assert!(converted.status.success(), "{}", String::from_utf8_lossy(&converted.stderr));

    let out = tmp.path().join("out");
    let outcome = shiyi::build(&BuildOptions { root: site, output: Some(out.clone()), drafts: false, force: false });
    assert_eq!(outcome.status, Status::Success, "{}", outcome.report());
    assert!(outcome.diagnostics.is_empty(), "{}", outcome.report());

    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(corpus.join("manifest.json")).unwrap()).unwrap();
    let files = common::read_tree(&out);
    let directives = files.keys().filter(|p| p.ends_with(".html") && !p.contains('/')).count();
    let annotations = files.keys().filter(|p| p.starts_with("annotations/")).count();
    // The corpus's page set: a home page, its directives and their annotations.
    assert_eq!(annotations as u64, manifest["notes"].as_u64().unwrap());
    let own_pages =
        ["index.html", "404.html", "search.html", "cited.html", "glossary.html", "timeline.html", "tags.html"];
    let extra = files.keys().filter(|p| own_pages.contains(&p.as_str())).count();
    assert_eq!((directives - extra) as u64, manifest["docs"].as_u64().unwrap());
    assert!(files.contains_key("index.html"));
    let problems = common::check_links(&out);
    assert!(problems.is_empty(), "{}", problems.join("\n"));

    // Long lists are split into pages of at most 500 entries, all full but
    // the last, each page numbered.
    let text = |path: &str| String::from_utf8(files[path].clone()).unwrap();
    let timeline: Vec<String> = std::iter::once("timeline.html".to_string())
        .chain((2..).map(|n| format!("timeline/{n}.html")).take_while(|p| files.contains_key(p)))
        .collect();
    assert!(timeline.len() > 1, "the corpus's timeline takes several pages");
    for (i, page) in timeline.iter().enumerate() {
        let tasks = text(page).matches("<li class=\"task\">").count();
        let last = i + 1 == timeline.len();
        assert!(if last { (1..=500).contains(&tasks) } else { tasks == 500 }, "{page}: {tasks} tasks");
        assert!(text(page).contains(&format!("第 {} 页，共 {} 页", i + 1, timeline.len())), "{page}");
    }
    // A document cited by many clauses has pages of its own, as many
    // clauses as the 引用文件 page says.
    let cited = text("cited.html");
    let mut paged = 0;
    for (at, _) in cited.match_indices("<p class=\"cited-more\"><a href=\"") {
        let rest = &cited[at + 31..];
        let href = &rest[..rest.find('"').unwrap()];
        let count: usize =
            rest[rest.find("引用它的 ").unwrap() + "引用它的 ".len()..].split(' ').next().unwrap().parse().unwrap();
        let stem = href.trim_end_matches(".html");
        let listed: usize = std::iter::once(href.to_string())
            .chain((2..).map(|n| format!("{stem}/{n}.html")).take_while(|p| files.contains_key(p)))
            .map(|p| {
                let page = text(&p);
                let list = &page[page.find("<ul class=\"cited-by\">").unwrap()..];
                list[..list.find("</ul>").unwrap()].matches("<li>").count()
            })
            .sum();
        assert_eq!(listed, count, "{href}");
        paged += 1;
    }
    assert!(paged > 0, "some cited document has pages of its own");
}
