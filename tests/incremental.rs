//! Incremental rendering for the preview server: a body edit rendered on top
//! of the last build gives exactly the files a whole build gives, and every
//! change that could reach other pages is refused (so the server builds it
//! all).

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use shiyi::incremental::Snapshot;
use shiyi::{BuildOptions, check_keeping};
use tempfile::TempDir;

/// A copy of the shipped site's sources in a temporary folder.
fn shipped_copy() -> (TempDir, PathBuf) {
    let dir = TempDir::new().unwrap();
    let root = dir.path().join("site");
    let repo = common::repo_root();
    std::fs::create_dir_all(&root).unwrap();
    std::fs::copy(repo.join("site.yaml"), root.join("site.yaml")).unwrap();
    common::copy_tree(&repo.join("content"), &root.join("content"));
    (dir, root)
}

/// A whole in-memory build: its files and its snapshot.
fn full(root: &Path) -> (BTreeMap<String, Vec<u8>>, Snapshot) {
    let options = BuildOptions { root: root.to_path_buf(), output: None, drafts: false, force: false };
    let (outcome, snapshot) = check_keeping(&options);
    assert!(outcome.rendered.is_some(), "{}", outcome.report());
    (outcome.rendered.unwrap().files, snapshot.expect("a good build keeps a snapshot"))
}

fn edit(root: &Path, rel: &str, from: &str, to: &str) {
    let path = root.join(rel);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{rel} has no {from:?}");
    std::fs::write(path, text.replacen(from, to, 1)).unwrap();
}

fn without_search(files: &BTreeMap<String, Vec<u8>>) -> BTreeMap<&str, &[u8]> {
    files.iter().filter(|(p, _)| !p.starts_with("search/")).map(|(p, b)| (p.as_str(), b.as_slice())).collect()
}

#[test]
fn body_edits_match_a_whole_build() {
    let (_dir, root) = shipped_copy();
    let (mut served, mut snapshot) = full(&root);
    let edits = [
        ("content/annotations/notice.md", "## 要点", "## 要点\n\n本段为编辑时新增的一句说明。"),
        ("content/annotations/opinions-sec-1-1.md", "## 背景", "## 背景\n\n新增的说明文字。"),
        ("content/annotations/opinions-sec-1-1.md", "新增的说明文字。", "再次修改的说明文字。"),
    ];
    for (rel, from, to) in edits {
        edit(&root, rel, from, to);
        let changed = snapshot.apply(&[PathBuf::from(rel)]).unwrap_or_else(|| panic!("{rel}: a body edit is applied"));
        assert!(!changed.is_empty(), "{rel}: pages were rendered");
        let paths: Vec<&str> = changed.iter().map(|(p, _)| p.as_str()).collect();
        assert!(paths.iter().any(|p| p.starts_with("annotations/")), "{paths:?}");
        assert!(paths.iter().any(|p| p.starts_with("handouts/")), "the handouts print the annotation: {paths:?}");
        for (path, bytes) in changed {
            served.insert(path, bytes);
        }
        let (fresh, _) = full(&root);
        assert_eq!(without_search(&served), without_search(&fresh), "{rel}: pages differ from a whole build");
        let page = String::from_utf8(served[&paths_of(&served, rel)].clone()).unwrap();
        assert!(page.contains(to.lines().last().unwrap()), "{rel}: the new text is on the page");
        // The search index made from the snapshot's entries is the whole build's.
        let index: BTreeMap<String, Vec<u8>> = snapshot.search_input().files().into_iter().collect();
        let fresh_index: BTreeMap<&String, &Vec<u8>> = fresh.iter().filter(|(p, _)| p.starts_with("search/")).collect();
        assert_eq!(index.iter().collect::<BTreeMap<_, _>>(), fresh_index, "{rel}: search index differs");
    }
}

/// The output page of the annotation source `rel`.
fn paths_of(files: &BTreeMap<String, Vec<u8>>, rel: &str) -> String {
    let stem = Path::new(rel).file_stem().unwrap().to_string_lossy().into_owned();
    let page = format!("annotations/{stem}.html");
    assert!(files.contains_key(&page), "{page} is built");
    page
}

#[test]
fn changes_that_reach_other_pages_need_a_whole_build() {
    let (_dir, root) = shipped_copy();
    let note = "content/annotations/opinions-sec-1-1.md";
    let cases: [(&str, &str, &str); 4] = [
        // A new reference adds a backlink to the cited clause's page.
        (note, "## ", "见[[具体意见 二]]。\n\n## "),
        // A new cited title adds a line to the 引用文件 page.
        (note, "## ", "参见《一部新的文件》。\n\n## "),
        // The front matter (title, summary, tags) shows on other pages.
        (note, "author: 释义编写组", "author: 另一编写组"),
        // A directive's clauses are cited, annotated and indexed everywhere.
        ("content/opinions.md", "。", "。"),
    ];
    for (rel, from, to) in cases {
        let (_, mut snapshot) = full(&root);
        let original = std::fs::read_to_string(root.join(rel)).unwrap();
        edit(&root, rel, from, to);
        if from == to {
            // Touch the directive's text for real.
            std::fs::write(root.join(rel), original.replacen('。', "。 ", 1)).unwrap();
        }
        assert!(snapshot.apply(&[PathBuf::from(rel)]).is_none(), "{rel}: {to:?} must take a whole build");
        std::fs::write(root.join(rel), original).unwrap();
    }
    // A file that no longer parses, a new file and a removed one: whole builds.
    let (_, mut snapshot) = full(&root);
    std::fs::write(root.join("content/annotations/new.md"), "---\ntitle: 新\nkind: annotation\n---\n").unwrap();
    assert!(snapshot.apply(&[PathBuf::from("content/annotations/new.md")]).is_none());
    std::fs::remove_file(root.join(note)).unwrap();
    assert!(snapshot.apply(&[PathBuf::from(note)]).is_none());
}
