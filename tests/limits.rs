//! Inputs that could cost far more than their size: each is rejected or
//! handled in time in proportion to it, with reports of bounded size.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

/// Writes a site with one content file `content/a.md` and returns its root.
fn site(dir: &Path, content: &str) -> PathBuf {
    let root = dir.join("site");
    std::fs::create_dir_all(root.join("content")).unwrap();
    std::fs::write(root.join("site.yaml"), "title: 测试站点\n").unwrap();
    std::fs::write(root.join("content/a.md"), content).unwrap();
    root
}

/// Runs `shiyi check` on `root`, with how long it took.
fn check(root: &Path) -> (Output, Duration) {
    let started = Instant::now();
    let out = Command::new(env!("CARGO_BIN_EXE_shiyi"))
        .args(["check", "--root", root.to_str().unwrap()])
        .output()
        .expect("run shiyi");
    (out, started.elapsed())
}

#[test]
fn a_yaml_alias_bomb_is_refused_at_once() {
    let big = "甲".repeat(350_000);
    let aliases: String = (0..1000).map(|i| format!("  - *big # {i}\n")).collect();
    let text = format!("base: &big \"{big}\"\ntags:\n{aliases}title: 炸弹\n");
    let started = Instant::now();
    let error = shiyi::yaml::from_str::<serde_json::Value>(&text, 2).unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(1), "{:?}", started.elapsed());
    assert_eq!((error.line, error.column), (4, 5));
    assert!(error.message.contains("aliases"), "{}", error.message);

    let tmp = tempfile::tempdir().unwrap();
    let root = site(tmp.path(), &format!("---\n{text}---\n\n正文。\n"));
    let (out, took) = check(&root);
    assert_eq!(out.status.code(), Some(1));
    assert!(took < Duration::from_secs(10), "{took:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("content/a.md:4:5"), "{}", &stderr[..stderr.len().min(2000)]);
    assert!(stderr.len() < 10_000, "the report stays small: {} bytes", stderr.len());
}

#[test]
fn deep_nesting_is_refused_at_once() {
    let text = format!("title: x\ntags: {}{}\n", "[".repeat(100_000), "]".repeat(100_000));
    let started = Instant::now();
    let error = shiyi::yaml::from_str::<serde_json::Value>(&text, 2).unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(1), "{:?}", started.elapsed());
    assert_eq!(error.line, 3);
    assert!(error.message.contains("nest"), "{}", error.message);
}

/// Parses `count` numbered clauses, with how long it took. Numbers run
/// 1 to 999 and start again, so most clauses repeat an earlier number: the
/// case whose numbering and id checks once compared every clause with all
/// the others.
fn parse_clauses(count: usize) -> Duration {
    let mut body = String::from("## 一、总体要求\n\n");
    for i in 1..=count {
        body.push_str(&format!("{}. 第{i}项。\n\n", (i - 1) % 999 + 1));
    }
    let started = Instant::now();
    let blocks = shiyi::markdown::split_blocks(&body, 1, false);
    let (tree, _problems) = shiyi::clause::build_tree(&blocks, "大文件");
    let took = started.elapsed();
    let mut clauses = 0;
    tree.walk(|_, _| clauses += 1);
    assert!(clauses > count, "{clauses}");
    took
}

#[test]
fn two_hundred_thousand_clauses_are_parsed_in_linear_time() {
    // Eight times the clauses may take about eight times as long (a
    // quadratic step would take 64 times); the margin absorbs a busy machine.
    let small = parse_clauses(25_000);
    let large = parse_clauses(200_000);
    let ratio = large.as_secs_f64() / small.as_secs_f64().max(1e-3);
    assert!(ratio < 24.0, "25,000 clauses: {small:?}; 200,000 clauses: {large:?} ({ratio:.1} times)");
}

#[test]
fn ten_thousand_bad_references_are_reported_briefly() {
    let tmp = tempfile::tempdir().unwrap();
    let refs: String = (0..10_000).map(|i| format!("[[无此文件{i} 第{i}条]]")).collect();
    let root = site(tmp.path(), &format!("---\ntitle: 大\n---\n\n{refs}\n"));
    let (out, took) = check(&root);
    assert_eq!(out.status.code(), Some(1));
    assert!(took < Duration::from_secs(10), "{took:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("9980 more `reference` error(s) in this file"), "{}", &stderr[stderr.len() - 2000..]);
    assert!(stderr.len() < 50_000, "report of {} bytes", stderr.len());
    assert!(stderr.lines().all(|l| l.chars().count() < 300), "no source line is shown whole");
}

#[test]
fn a_huge_reference_is_refused_briefly() {
    let tmp = tempfile::tempdir().unwrap();
    let root = site(tmp.path(), &format!("---\ntitle: 大\n---\n\n[[{}]]\n", "甲".repeat(350_000)));
    let (out, took) = check(&root);
    assert_eq!(out.status.code(), Some(1));
    assert!(took < Duration::from_secs(10), "{took:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("at most 200 characters"), "{}", &stderr[..stderr.len().min(2000)]);
    assert!(stderr.len() < 5_000, "report of {} bytes", stderr.len());
}

/// The size of `about.html` in a site with `pages` one-line pages.
fn page_size_with(pages: usize) -> usize {
    let tmp = tempfile::tempdir().unwrap();
    let root = site(tmp.path(), "---\ntitle: 关于\nkind: page\n---\n\n一行。\n");
    for i in 0..pages {
        std::fs::write(root.join(format!("content/p{i}.md")), format!("---\ntitle: 第{i}页\n---\n\n一行。\n")).unwrap();
    }
    let out = Command::new(env!("CARGO_BIN_EXE_shiyi"))
        .args(["build", "--root", root.to_str().unwrap()])
        .output()
        .expect("run shiyi");
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let index = std::fs::read_to_string(root.join("output/index.html")).unwrap();
    if pages > 8 {
        assert!(
            index.contains(&format!("第{}页", pages - 1)),
            "the home page lists the pages left out of the navigation"
        );
    }
    std::fs::metadata(root.join("output/a.html")).unwrap().len() as usize
}

#[test]
fn a_page_does_not_grow_with_the_number_of_pages() {
    let small = page_size_with(5);
    let large = page_size_with(1_000);
    assert!(large < small + 1_000, "one page of a 1,000-page site is {large} bytes, of a 5-page site {small}");
}
