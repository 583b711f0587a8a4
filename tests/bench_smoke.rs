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
        assert_ne!(std::env::var("CI").as_deref(), Ok("true"), "python3 is needed for the benchmark smoke test");
        println!("skipping: python3 not found");
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
    let outcome = shiyi::build(&BuildOptions { root: site, output: Some(out.clone()), drafts: false });
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
}
