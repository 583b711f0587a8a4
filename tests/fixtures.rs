//! Fixture sites under `tests/fixtures/`: each is built (or checked) and its
//! result compared with what is recorded beside it.
//!
//! * `expected/`: the golden output (every file except `static/`, the
//!   search index under `search/`, which `tests/search.rs` covers, and the
//!   `.shiyi-output` marker, which `tests/safety.rs` covers), compared
//!   byte for byte; the built site must also pass the link check.
//! * `expected.diagnostics`: for sites that must fail, the exit status on the
//!   first line (`status: 1`) and then every diagnostic, one per line, as
//!   `path:line:col: severity: message` with its hint.
//!
//! Refresh the recorded files after an intended change with
//! `SHIYI_BLESS=1 cargo test --test fixtures` and review the diff.

mod common;

use std::path::{Path, PathBuf};

use shiyi::diagnostic::render_plain;
use shiyi::{BuildOptions, Status};

fn fixtures() -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(common::repo_root().join("tests/fixtures"))
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("site.yaml").exists())
        .collect();
    dirs.sort();
    dirs
}

fn blessing() -> bool {
    std::env::var("SHIYI_BLESS").is_ok_and(|v| v == "1")
}

fn check_diagnostics(dir: &Path, expected_file: &Path) -> Result<(), String> {
    let outcome = shiyi::check(&BuildOptions { root: dir.to_path_buf(), output: None, drafts: false, force: false });
    let actual = format!("status: {}\n{}", outcome.status.exit_code(), render_plain(&outcome.diagnostics));
    if blessing() {
        std::fs::write(expected_file, &actual).unwrap();
        return Ok(());
    }
    let expected = std::fs::read_to_string(expected_file).unwrap();
    if actual != expected {
        return Err(format!("{}: diagnostics differ\n--- expected\n{expected}--- actual\n{actual}", dir.display()));
    }
    Ok(())
}

fn check_output(dir: &Path, expected_dir: &Path) -> Result<(), String> {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let outcome =
        shiyi::build(&BuildOptions { root: dir.to_path_buf(), output: Some(out.clone()), drafts: false, force: false });
    if outcome.status != Status::Success {
        return Err(format!("{}: build failed\n{}", dir.display(), outcome.report()));
    }
    let problems = common::check_links(&out);
    if !problems.is_empty() {
        return Err(format!("{}: broken links\n{}", dir.display(), problems.join("\n")));
    }
    let actual: Vec<(String, Vec<u8>)> = common::read_tree(&out)
        .into_iter()
        .filter(|(p, _)| !p.starts_with("static/") && !p.starts_with("search/") && p != shiyi::output::MARKER)
        .collect();
    if blessing() {
        let _ = std::fs::remove_dir_all(expected_dir);
        for (path, bytes) in &actual {
            let target = expected_dir.join(path);
            std::fs::create_dir_all(target.parent().unwrap()).unwrap();
            std::fs::write(target, bytes).unwrap();
        }
        return Ok(());
    }
    let expected: Vec<(String, Vec<u8>)> = common::read_tree(expected_dir).into_iter().collect();
    let names = |v: &[(String, Vec<u8>)]| v.iter().map(|(p, _)| p.clone()).collect::<Vec<_>>();
    if names(&actual) != names(&expected) {
        return Err(format!(
            "{}: output files differ\nexpected {:?}\nactual   {:?}",
            dir.display(),
            names(&expected),
            names(&actual)
        ));
    }
    for ((path, a), (_, e)) in actual.iter().zip(&expected) {
        if a != e {
            let a = String::from_utf8_lossy(a);
            let e = String::from_utf8_lossy(e);
            let line = a.lines().zip(e.lines()).position(|(x, y)| x != y).unwrap_or(0);
            return Err(format!(
                "{}: {path} differs from the golden file at line {}\nexpected: {}\nactual:   {}\n(run SHIYI_BLESS=1 cargo test --test fixtures if the change is intended)",
                dir.display(),
                line + 1,
                e.lines().nth(line).unwrap_or(""),
                a.lines().nth(line).unwrap_or("")
            ));
        }
    }
    Ok(())
}

#[test]
fn every_fixture_matches_its_recorded_result() {
    let mut failures = Vec::new();
    let mut count = 0;
    for dir in fixtures() {
        let diagnostics = dir.join("expected.diagnostics");
        let expected = dir.join("expected");
        let result =
            if diagnostics.exists() { check_diagnostics(&dir, &diagnostics) } else { check_output(&dir, &expected) };
        if let Err(e) = result {
            failures.push(e);
        }
        count += 1;
    }
    assert!(count >= 10, "fixtures not found");
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn a_failed_build_leaves_the_previous_output_untouched() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    copy_dir(&common::repo_root().join("tests/fixtures/basic"), &site);
    let out = tmp.path().join("out");
    let options = BuildOptions { root: site.clone(), output: Some(out.clone()), drafts: false, force: false };
    assert_eq!(shiyi::build(&options).status, Status::Success);
    let before = common::read_tree(&out);
    std::fs::write(site.join("content/plan.md"), "---\ntitle: [broken\n---\n").unwrap();
    let outcome = shiyi::build(&options);
    assert_eq!(outcome.status, Status::ContentErrors);
    assert_eq!(common::read_tree(&out), before, "output changed after a failed build");
    let siblings: Vec<_> =
        std::fs::read_dir(tmp.path()).unwrap().filter_map(|e| e.ok()).map(|e| e.file_name()).collect();
    assert_eq!(siblings.len(), 2, "no staging folder is left behind: {siblings:?}");
}

#[test]
fn a_template_that_fails_while_rendering_leaves_the_output_untouched() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    copy_dir(&common::repo_root().join("tests/fixtures/basic"), &site);
    let out = tmp.path().join("out");
    let options = BuildOptions { root: site.clone(), output: Some(out.clone()), drafts: false, force: false };
    assert_eq!(shiyi::build(&options).status, Status::Success);
    let before = common::read_tree(&out);
    // Pages are written as they are rendered: a page that fails halfway must
    // still leave the previous output whole.
    let templates = site.join("themes/broken/templates");
    std::fs::create_dir_all(&templates).unwrap();
    std::fs::write(
        templates.join("page.html"),
        "{% extends \"base.html\" %}{% block main %}{{ doc.title | no_such_filter }}{% endblock main %}",
    )
    .unwrap();
    let config = std::fs::read_to_string(site.join("site.yaml")).unwrap();
    std::fs::write(site.join("site.yaml"), format!("{config}theme: broken\n")).unwrap();
    let outcome = shiyi::build(&options);
    // A render-time failure (the filter is looked up while rendering), not a load error.
    assert_eq!(outcome.status, Status::ContentErrors, "{}", outcome.report());
    assert!(outcome.report().contains("no_such_filter"), "{}", outcome.report());
    assert_eq!(common::read_tree(&out), before, "output changed after a failed build");
    let siblings: Vec<_> =
        std::fs::read_dir(tmp.path()).unwrap().filter_map(|e| e.ok()).map(|e| e.file_name()).collect();
    assert_eq!(siblings.len(), 2, "no staging folder is left behind: {siblings:?}");
}

#[test]
fn two_builds_are_byte_identical() {
    let tmp = tempfile::tempdir().unwrap();
    let root = common::repo_root();
    let build = |name: &str| {
        let out = tmp.path().join(name);
        let outcome =
            shiyi::build(&BuildOptions { root: root.clone(), output: Some(out.clone()), drafts: false, force: false });
        assert_eq!(outcome.status, Status::Success, "{}", outcome.report());
        common::read_tree(&out)
    };
    let first = build("a");
    let second = build("b");
    assert!(first.len() > 4);
    assert_eq!(first, second);
}

#[test]
fn drafts_are_built_only_when_asked() {
    let tmp = tempfile::tempdir().unwrap();
    let root = common::repo_root().join("tests/fixtures/basic");
    let out = tmp.path().join("out");
    let outcome = shiyi::build(&BuildOptions { root, output: Some(out.clone()), drafts: true, force: false });
    assert_eq!(outcome.status, Status::Success);
    assert!(out.join("draft.html").exists());
}

fn copy_dir(from: &Path, to: &Path) {
    for (rel, bytes) in common::read_tree(from) {
        let target = to.join(rel);
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::write(target, bytes).unwrap();
    }
}
