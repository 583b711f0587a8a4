//! The `shiyi` binary as a user runs it: commands, exit codes, messages.

mod common;

use std::process::{Command, Output};

fn shiyi(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_shiyi")).args(args).output().expect("run shiyi")
}

fn fixture(name: &str) -> String {
    common::repo_root().join("tests/fixtures").join(name).display().to_string()
}

#[test]
fn help_lists_the_commands() {
    let out = shiyi(&["--help"]);
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    for word in ["build", "check", "import", "--root"] {
        assert!(text.contains(word), "{word} missing from --help:\n{text}");
    }
}

#[test]
fn exit_codes() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let ok = shiyi(&["build", "--root", &fixture("basic"), "--output", out.to_str().unwrap()]);
    assert_eq!(ok.status.code(), Some(0), "{}", String::from_utf8_lossy(&ok.stderr));
    assert!(out.join("index.html").exists());

    let content = shiyi(&["check", "--root", &fixture("numbering")]);
    assert_eq!(content.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&content.stderr);
    assert!(stderr.contains("content/a.md:10:5"), "{stderr}");
    assert!(stderr.contains("### （一）基本原则"), "the offending line is shown: {stderr}");

    assert_eq!(shiyi(&["check", "--root", &fixture("bad-config")]).status.code(), Some(2));
    assert_eq!(shiyi(&["build", "--no-such-flag"]).status.code(), Some(2));
    let missing = tmp.path().join("nowhere");
    assert_eq!(shiyi(&["check", "--root", missing.to_str().unwrap()]).status.code(), Some(2));
}

#[test]
fn build_refuses_to_replace_a_site_root() {
    let root = fixture("basic");
    let out = shiyi(&["build", "--root", &root, "--output", &root]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("refusing"));
    assert!(common::repo_root().join("tests/fixtures/basic/site.yaml").exists());
}

#[test]
fn import_writes_markdown_and_does_not_overwrite() {
    let tmp = tempfile::tempdir().unwrap();
    let seed = common::repo_root().join("tests/data/seed/000_37f66f906b5114f9.txt");
    let root = tmp.path().to_str().unwrap();
    let args = ["import", seed.to_str().unwrap(), "--root", root, "--slug", "n", "--attachment-slug", "o"];
    let first = shiyi(&args);
    assert_eq!(first.status.code(), Some(0), "{}", String::from_utf8_lossy(&first.stderr));
    let opinions = std::fs::read_to_string(tmp.path().join("content/o.md")).unwrap();
    assert!(opinions.contains("## 三、推进从源头上防治腐败的制度建设和改革工作"));
    let again = shiyi(&args);
    assert_eq!(again.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&again.stderr).contains("--force"));

    let law = common::repo_root().join("tests/data/laws/advertising_law_2021-04-29.md");
    let law_args = ["import", "--kind", "law", law.to_str().unwrap(), "--root", root, "--slug", "advertising-law"];
    assert_eq!(shiyi(&law_args).status.code(), Some(0));
    let imported = std::fs::read_to_string(tmp.path().join("content/laws/advertising-law.md")).unwrap();
    let original = std::fs::read_to_string(&law).unwrap();
    assert!(imported.ends_with(&original), "law text kept byte for byte");
    assert!(imported.contains("kind: law"));
}

#[test]
fn the_shipped_site_checks_clean_and_its_links_resolve() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let root = common::repo_root();
    let run = shiyi(&["build", "--root", root.to_str().unwrap(), "--output", out.to_str().unwrap()]);
    assert_eq!(run.status.code(), Some(0), "{}", String::from_utf8_lossy(&run.stderr));
    let problems = common::check_links(&out);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    let opinions = std::fs::read_to_string(out.join("opinions.html")).unwrap();
    assert!(opinions.contains("<html lang=\"zh-CN\">"));
    assert!(opinions.contains("id=\"sec_3__subsec_3__point_2__subpoint_3\""));
}

#[test]
fn diff_prints_the_alignment() {
    let dir = common::repo_root().join("tests/data/compare");
    let (old, new) = (dir.join("old.md"), dir.join("new.md"));
    let (old, new) = (old.to_str().unwrap(), new.to_str().unwrap());
    let out = shiyi(&["diff", old, new, "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let expected = std::fs::read_to_string(dir.join("expected.json")).unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), expected);
    let value: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(value.as_array().map(Vec::len), Some(13));

    let out = shiyi(&["diff", old, new]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("修改 3 条、新增 2 条、删除 3 条、移动 4 条"), "{text}");
    assert!(text.contains("新增  — → 第五条（由原第三条拆分）"), "{text}");
    assert!(text.contains("删除  第六条 → —（并入新第七条）"), "{text}");

    // A broken file is an error at its line, with the line shown.
    let tmp = tempfile::tempdir().unwrap();
    let bad = tmp.path().join("bad.md");
    std::fs::write(&bad, "# 法\n\n第一条 甲。\n\n第一条 乙。\n").unwrap();
    let out = shiyi(&["diff", old, bad.to_str().unwrap(), "--json"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("bad.md:5:1") && stderr.contains("第一条 乙。"), "{stderr}");
    assert!(out.stdout.is_empty());
    let missing = shiyi(&["diff", old, tmp.path().join("none.md").to_str().unwrap()]);
    assert_eq!(missing.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("cannot read"));
}
