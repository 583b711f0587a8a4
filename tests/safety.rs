//! What `build` may write and delete, and what content may link to: the
//! guarantees the README states, tried as a careless or hostile user would.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn shiyi(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_shiyi")).args(args).output().expect("run shiyi")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Writes a small site under `dir/site` with the given content files and
/// returns its root.
fn site(dir: &Path, files: &[(&str, &str)]) -> PathBuf {
    let root = dir.join("site");
    std::fs::create_dir_all(root.join("content")).unwrap();
    std::fs::write(root.join("site.yaml"), "title: 测试站点\nfooter: 页脚[链接](javascript:alert(1))\n").unwrap();
    for (rel, text) in files {
        let path = root.join("content").join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    root
}

const NOTICE: &str = "---\ntitle: 关于学习的通知\nkind: directive\nshort_title: 通知\n---\n\n各单位：\n\n## 一、总体要求\n\n认真学习。\n";

fn build(root: &Path, extra: &[&str]) -> Output {
    let mut args = vec!["build", "--root", root.to_str().unwrap()];
    args.extend_from_slice(extra);
    shiyi(&args)
}

/// Every file under `dir` with its bytes.
fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut files: Vec<(PathBuf, Vec<u8>)> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| (e.path().to_path_buf(), std::fs::read(e.path()).unwrap()))
        .collect();
    files.sort();
    files
}

#[test]
fn aliases_and_slugs_cannot_write_outside_the_output() {
    let tmp = tempfile::tempdir().unwrap();
    let victim = tmp.path().join("victim.html");
    std::fs::write(&victim, "precious").unwrap();
    let alias_doc =
        "---\ntitle: 页\naliases:\n  - ok/old.html\n  - ../../victim.html\n  - /../victim.html\n---\n\n正文。\n";
    let root = site(
        tmp.path(),
        &[
            ("notice.md", NOTICE),
            ("page.md", alias_doc),
            ("bad.md", "---\ntitle: 坏\nslug: javascript:alert(1)\n---\n\n正文。\n"),
            ("up.md", "---\ntitle: 上\nslug: ..\n---\n\n正文。\n"),
        ],
    );
    let out = build(&root, &[]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let text = stderr(&out);
    assert!(text.contains("invalid alias `../../victim.html`"), "{text}");
    assert!(text.contains("content/page.md:5"), "the alias's own line is named: {text}");
    assert!(text.contains("invalid alias `/../victim.html`"), "{text}");
    assert!(text.contains("invalid slug `javascript:alert(1)`"), "{text}");
    assert!(text.contains("invalid slug `..`"), "{text}");
    assert!(!text.contains("ok/old.html`"), "a safe alias is accepted: {text}");
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious");
    assert!(!root.join("output").exists(), "a failed build writes nothing");
}

#[test]
fn output_never_replaces_the_site_or_a_foreign_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let root = site(tmp.path(), &[("notice.md", NOTICE)]);
    let foreign = tmp.path().join("photos");
    std::fs::create_dir_all(foreign.join("2024")).unwrap();
    std::fs::write(foreign.join("2024/a.jpg"), "jpeg").unwrap();
    std::fs::write(tmp.path().join("beside.txt"), "beside").unwrap();
    let before = snapshot(tmp.path());

    let content = root.join("content");
    let parent = root.join("..");
    let cases: Vec<(&Path, bool)> = vec![
        (&content, false),
        (&content, true),
        (&root, true),
        (&parent, false),
        (&parent, true),
        (tmp.path(), true),
        (&foreign, false),
    ];
    for (target, force) in cases {
        let mut extra = vec!["--output", target.to_str().unwrap()];
        if force {
            extra.push("--force");
        }
        let out = build(&root, &extra);
        assert_eq!(out.status.code(), Some(2), "--output {} (force {force}): {}", target.display(), stderr(&out));
        let text = stderr(&out);
        assert!(text.contains("refusing to replace"), "{text}");
        assert!(text.contains(target.to_str().unwrap()), "the folder is named: {text}");
        assert_eq!(snapshot(tmp.path()), before, "nothing changed after --output {}", target.display());
    }

    // --force replaces a foreign folder; the next build needs no --force.
    let out = build(&root, &["--output", foreign.to_str().unwrap(), "--force"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(foreign.join("index.html").exists() && !foreign.join("2024").exists());
    assert!(foreign.join(".shiyi-output").exists());
    let again = build(&root, &["--output", foreign.to_str().unwrap()]);
    assert_eq!(again.status.code(), Some(0), "{}", stderr(&again));
}

/// Every `href`/`src` value in the built site that a browser would run as
/// script (case, spacing and entities as a browser reads them).
fn script_urls(out: &Path) -> Vec<String> {
    let mut found = Vec::new();
    for (path, bytes) in snapshot(out) {
        let text = String::from_utf8_lossy(&bytes).to_lowercase();
        for attr in ["href=", "src=", "action="] {
            for (at, _) in text.match_indices(attr) {
                let value: String = text[at + attr.len()..]
                    .trim_start_matches(['"', '\''])
                    .chars()
                    .take(40)
                    .filter(|c| !c.is_whitespace() && !c.is_control())
                    .collect();
                let value = value.replace("&#58;", ":").replace("&colon;", ":");
                if value.starts_with("javascript:") || value.starts_with("data:") || value.starts_with("vbscript:") {
                    found.push(format!("{}: {value}", path.display()));
                }
            }
        }
    }
    found
}

#[test]
fn script_links_are_shown_as_text_in_every_position() {
    let tmp = tempfile::tempdir().unwrap();
    let directive = "---\ntitle: 关于学习的通知\nkind: directive\nshort_title: 通知\ntags: [学习]\n---\n\n\
        各单位：见[说明](javascript:alert(1))。\n\n## 一、总体要求\n\n\
        （一）认真学习<javascript:alert(2)>，参阅[资料][r]。\n\n[r]: JaVaScRiPt:alert(3)\n\n\
        （二）![图](javascript:alert(4))与[正常](https://example.org/)。\n";
    let annotation = "---\ntitle: 释义\nkind: annotation\nannotates: [\"通知 一（一）\"]\n---\n\n\
        参见[此处](java&#9;script:alert(5))和[那里](data:text/html,x)。\n";
    let page = "---\ntitle: 说明页\ntags: [学习]\n---\n\n[点](vbscript:x) [好](mailto:a@b.cn) [电话](tel:123)\n";
    let root = site(tmp.path(), &[("notice.md", directive), ("notes/a.md", annotation), ("about.md", page)]);
    let out = build(&root, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stderr(&out);
    assert!(text.contains("content/notice.md:8:"), "the link's line is named: {text}");
    assert!(text.matches("is not allowed").count() >= 7, "each unsafe link is a warning: {text}");
    let output = root.join("output");
    assert_eq!(script_urls(&output), Vec::<String>::new());
    let notice = std::fs::read_to_string(output.join("notice.html")).unwrap();
    assert!(notice.contains("说明") && notice.contains("https://example.org/"), "text and safe links stay");
    let about = std::fs::read_to_string(output.join("about.html")).unwrap();
    assert!(about.contains("href=\"mailto:a@b.cn\"") && about.contains("href=\"tel:123\""));
}

#[test]
fn a_content_page_cannot_take_a_generated_page_s_place() {
    let tmp = tempfile::tempdir().unwrap();
    let root =
        site(tmp.path(), &[("notice.md", NOTICE), ("handouts/notice.md", "---\ntitle: 冒名讲义\n---\n\n正文。\n")]);
    let out = build(&root, &[]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let text = stderr(&out);
    assert!(text.contains("content/handouts/notice.md") && text.contains("is a page that shiyi generates"), "{text}");
}

#[test]
fn a_killed_build_leaves_no_staging_folder_after_the_next_build() {
    let tmp = tempfile::tempdir().unwrap();
    // Enough pages that the build is still writing when it is killed.
    let mut files: Vec<(String, String)> = vec![("notice.md".into(), NOTICE.into())];
    for i in 0..800 {
        let body = "学习贯彻有关规定，做好相关工作。".repeat(40);
        files.push((format!("p/{i}.md"), format!("---\ntitle: 第{i}页\n---\n\n{body}\n")));
    }
    let refs: Vec<(&str, &str)> = files.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    let root = site(tmp.path(), &refs);
    let staging_folders = || -> Vec<String> {
        std::fs::read_dir(&root)
            .unwrap()
            .filter_map(Result::ok)
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with(".output."))
            .collect()
    };
    let mut killed = false;
    for _ in 0..5 {
        let mut child = Command::new(env!("CARGO_BIN_EXE_shiyi"))
            .args(["build", "--root", root.to_str().unwrap()])
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let started = std::time::Instant::now();
        while started.elapsed() < std::time::Duration::from_secs(120) {
            if !staging_folders().is_empty() || child.try_wait().unwrap().is_some() {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(2));
        }
        // SIGKILL: no destructor runs.
        let _ = child.kill();
        let _ = child.wait();
        if !staging_folders().is_empty() {
            killed = true;
            break;
        }
    }
    assert!(killed, "a build was killed while its staging folder existed");
    let out = build(&root, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(staging_folders(), Vec::<String>::new());
    assert!(root.join("output/index.html").exists());
}

#[test]
fn an_output_folder_that_cannot_be_made_is_exit_code_2() {
    let tmp = tempfile::tempdir().unwrap();
    let root = site(tmp.path(), &[("notice.md", NOTICE)]);
    let file = tmp.path().join("a-file");
    std::fs::write(&file, "not a folder").unwrap();
    let out = build(&root, &["--output", file.join("out").to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("cannot write"), "{}", stderr(&out));
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "not a folder");
}
