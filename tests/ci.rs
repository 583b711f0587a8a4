//! What CI sees: `--format json` and `--format github` diagnostics,
//! `--deny-warnings`, whole-file errors without a position, and the example
//! pipeline of the README run command for command on a new site.

mod common;

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

fn shiyi(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_shiyi")).args(args).output().expect("run shiyi")
}

fn fixture(name: &str) -> String {
    common::repo_root().join("tests/fixtures").join(name).display().to_string()
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The JSON lines of `check --format json` on `root`, with the exit code.
fn json_check(root: &str, extra: &[&str]) -> (Option<i32>, Vec<Value>) {
    let out = shiyi(&[&["check", "--root", root, "--format", "json"], extra].concat());
    let lines = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not a JSON line ({e}): {l}")))
        .collect();
    (out.status.code(), lines)
}

/// A starter site with one numbering gap: a warning, no error.
fn site_with_a_warning(dir: &Path) {
    assert!(shiyi(&["init", dir.to_str().unwrap()]).status.success());
    std::fs::write(dir.join("content/gap.md"), "---\ntitle: 缺号\nkind: directive\n---\n\n一、甲\n\n三、丙\n").unwrap();
}

#[test]
fn json_gives_one_object_per_diagnostic_with_every_field() {
    let (code, lines) = json_check(&fixture("numbering"), &[]);
    assert_eq!(code, Some(1));
    assert!(!lines.is_empty());
    for v in &lines {
        for field in ["severity", "code", "file", "line", "column", "end", "message", "hint", "rendered"] {
            assert!(v.get(field).is_some(), "{field} missing from {v}");
        }
    }
    let duplicate = lines.iter().find(|v| v["message"].as_str().unwrap().contains("duplicate number")).unwrap();
    assert_eq!(duplicate["severity"], "error");
    assert_eq!(duplicate["code"], "numbering");
    assert_eq!(duplicate["file"], "content/a.md");
    assert_eq!((duplicate["line"].as_u64(), duplicate["column"].as_u64()), (Some(10), Some(5)));
    // `### （一）基本原则` has 11 characters: the highlight ends after them.
    assert_eq!(duplicate["end"], serde_json::json!({"line": 10, "column": 12}));
    assert!(duplicate["rendered"].as_str().unwrap().contains("### （一）基本原则"));
}

#[test]
fn github_format_writes_workflow_commands() {
    let out = shiyi(&["check", "--root", &fixture("numbering"), "--format", "github"]);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    let command = text.lines().find(|l| l.contains("duplicate number")).expect(&text);
    assert!(
        command.starts_with("::error file=content/a.md,line=10,col=5,endColumn=12,title=shiyi numbering::"),
        "{command}"
    );
    assert!(command.contains("%0Ahint: renumber"), "the hint follows on its own line: {command}");
    assert!(text.lines().all(|l| l.starts_with("::error ") || l.starts_with("::warning ")), "{text}");
}

#[test]
fn whole_file_errors_name_the_file_without_a_position() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().to_str().unwrap();
    let human = shiyi(&["check", "--root", root]);
    assert_eq!(human.status.code(), Some(2));
    assert!(stderr(&human).contains("site.yaml: error: cannot read the site configuration"), "{}", stderr(&human));
    assert!(!stderr(&human).contains(":0"), "{}", stderr(&human));
    let (_, lines) = json_check(root, &[]);
    assert_eq!(lines[0]["file"], "site.yaml");
    assert!(lines[0]["line"].is_null() && lines[0]["column"].is_null() && lines[0]["end"].is_null());
    let github = stdout(&shiyi(&["check", "--root", root, "--format", "github"]));
    assert!(github.starts_with("::error file=site.yaml,title=shiyi config::"), "{github}");
}

#[test]
fn deny_warnings_fails_check_and_build_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    site_with_a_warning(tmp.path());
    let root = tmp.path().to_str().unwrap();
    let (code, lines) = json_check(root, &[]);
    assert_eq!(code, Some(0), "warnings alone pass");
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["severity"], "warning");
    let (code, _) = json_check(root, &["--deny-warnings"]);
    assert_eq!(code, Some(1));

    let build = shiyi(&["build", "--root", root, "--deny-warnings"]);
    assert_eq!(build.status.code(), Some(1), "{}", stderr(&build));
    assert!(stderr(&build).contains("--deny-warnings"), "{}", stderr(&build));
    assert!(!tmp.path().join("output").exists(), "nothing is written");
    assert_eq!(shiyi(&["build", "--root", root]).status.code(), Some(0));
    assert!(tmp.path().join("output/index.html").is_file());
}

#[test]
fn a_broken_document_is_reported_first_and_what_follows_from_it_is_marked() {
    let (code, lines) = json_check(&fixture("broken-document"), &[]);
    assert_eq!(code, Some(1));
    assert_eq!(lines[0]["file"], "content/opinion.md", "the cause comes first: {lines:#?}");
    assert!(lines[0]["caused_by"].is_null());
    let consequences: Vec<&Value> = lines.iter().filter(|v| !v["caused_by"].is_null()).collect();
    assert_eq!(consequences.len(), 3, "annotates, a reference and attachment_of: {lines:#?}");
    for v in &consequences {
        assert_eq!(v["caused_by"], "content/opinion.md");
        assert!(v["hint"].as_str().unwrap().contains("fix that first"), "{v}");
    }
    // A reference that fails on its own is not a consequence.
    assert!(lines.iter().any(|v| v["message"].as_str().unwrap().contains("分工表 二") && v["caused_by"].is_null()));
    let human = shiyi(&["check", "--root", &fixture("broken-document")]);
    assert!(stderr(&human).contains("5 error(s) (3 follow from the others)"), "{}", stderr(&human));
}

#[test]
fn a_tab_in_yaml_indentation_gets_a_hint_that_says_tab() {
    let (_, lines) = json_check(&fixture("tab-indent"), &[]);
    assert!(lines[0]["hint"].as_str().unwrap().contains("tab"), "{}", lines[0]);
}

#[test]
fn no_hint_repeats_a_suggestion() {
    let tmp = tempfile::tempdir().unwrap();
    let content = tmp.path().join("content");
    std::fs::create_dir(&content).unwrap();
    std::fs::write(tmp.path().join("site.yaml"), "title: 两份意见\n").unwrap();
    for (file, title) in [("a.md", "甲文"), ("b.md", "乙文")] {
        std::fs::write(content.join(file), format!("---\ntitle: {title}\nkind: directive\n---\n\n一、甲\n\n二、乙\n"))
            .unwrap();
    }
    std::fs::write(content.join("p.md"), "---\ntitle: 页\n---\n\n见[[三]]和[[甲文 四]]。\n").unwrap();
    let (_, lines) = json_check(tmp.path().to_str().unwrap(), &[]);
    assert_eq!(lines.len(), 2);
    for v in &lines {
        let hint = v["hint"].as_str().unwrap();
        let list = hint.split_once(": ").map_or(hint, |(_, l)| l);
        let items: Vec<&str> = list.split(", ").collect();
        let mut unique = items.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), items.len(), "a suggestion is repeated: {hint}");
    }
}

/// The README's example pipeline: its `shiyi` commands, run in order on a
/// site made by `init`, succeed and leave `output/` to publish; the starter
/// site's own workflow is the same file.
#[test]
fn the_readme_pipeline_runs_on_a_new_site() {
    let readme = std::fs::read_to_string(common::repo_root().join("README.md")).unwrap();
    let start = readme.find("```yaml\n# .github/workflows/site.yml").expect("the README shows the pipeline");
    let block = &readme[start + "```yaml\n".len()..];
    let block = &block[..block.find("```").unwrap()];

    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    assert!(shiyi(&["init", site.to_str().unwrap()]).status.success());
    let starter = std::fs::read_to_string(site.join(".github/workflows/site.yml")).unwrap();
    let steps = |text: &str| text.lines().filter(|l| !l.trim_start().starts_with('#')).collect::<Vec<_>>().join("\n");
    assert_eq!(steps(block), steps(&starter), "the README and `init` give the same pipeline");
    assert!(block.contains("path: output/"), "the pipeline publishes output/");

    let commands: Vec<Vec<&str>> = block
        .lines()
        .filter_map(|l| l.trim().strip_prefix("run: shiyi "))
        .map(|c| c.split_whitespace().collect())
        .collect();
    assert!(commands.iter().any(|c| c[0] == "build"), "{commands:?}");
    assert!(commands.iter().any(|c| c[0] == "check" && c.contains(&"--deny-warnings")), "{commands:?}");
    for args in &commands {
        let out = Command::new(env!("CARGO_BIN_EXE_shiyi")).args(args).current_dir(&site).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "shiyi {}: {}{}", args.join(" "), stdout(&out), stderr(&out));
        assert!(stdout(&out).lines().all(|l| !l.starts_with("::")), "no annotation on the starter site");
    }
    let broken = common::check_links(&site.join("output"));
    assert!(broken.is_empty(), "{broken:?}");
}
