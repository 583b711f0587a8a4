//! `shiyi init` and `shiyi new annotation` as a new user runs them: the starter
//! site builds with no warning and shows every feature, a non-empty folder is
//! refused, and a new annotation names its clause and builds.

mod common;

use std::path::Path;
use std::process::{Command, Output};

fn shiyi(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_shiyi")).args(args).output().expect("run shiyi")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn init_then_build_gives_a_working_site_that_shows_every_feature() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("mysite");
    let site_arg = site.to_str().unwrap();
    let init = shiyi(&["init", site_arg]);
    assert_eq!(init.status.code(), Some(0), "{}", stderr(&init));
    assert_eq!(read(&site.join(".gitignore")).lines().find(|l| !l.starts_with('#')), Some("output/"));
    assert!(read(&site.join(".github/workflows/site.yml")).contains("shiyi build"));

    let build = shiyi(&["build", "--root", site_arg]);
    assert_eq!(build.status.code(), Some(0), "{}", stderr(&build));
    assert!(!stderr(&build).contains("warning"), "the starter site has warnings:\n{}", stderr(&build));
    let out = site.join("output");
    let broken = common::check_links(&out);
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));

    let directive = read(&out.join("opinion.html"));
    // 一、（一）1. numbering, each clause with its id.
    for id in ["sec_1", "sec_2__subsec_1", "sec_2__subsec_1__point_1"] {
        assert!(directive.contains(&format!("id=\"{id}\"")), "clause {id} missing");
    }
    // The annotation beside its clause, the abbreviation, the glossary term.
    assert!(directive.contains("annotations/opinion-2-1-1.html"), "annotation not linked from its clause");
    assert!(directive.contains("<abbr title=\"《中华人民共和国行政许可法》\">"), "abbreviation not linked");
    assert!(directive.contains("glossary.html#term-"), "glossary term not linked");
    let annotation = read(&out.join("annotations/opinion-2-1-1.html"));
    for heading in ["要点", "思考题"] {
        assert!(annotation.contains(heading), "annotation lacks {heading}");
    }
    // The law excerpt, cited from the directive, lists who cites it.
    let law = read(&out.join("laws/administrative-licensing-law.html"));
    assert!(law.contains("id=\"art_4\""), "article 4 missing");
    assert!(law.contains("opinion.html#sec_2__subsec_1__point_1"), "no backlink to the citing clause");
    assert!(read(&out.join("glossary.html")).contains("依法行政"));
    assert!(read(&out.join("timeline.html")).contains("2027年"));
    assert!(read(&out.join("study-plan.html")).contains("主要措施"));
    assert!(read(&out.join("cited.html")).contains("行政许可法"));
    for page in ["index.html", "about.html", "tags.html", "handouts/opinion.html", "search.html"] {
        assert!(out.join(page).is_file(), "{page} missing");
    }

    let check = shiyi(&["check", "--root", site_arg, "--deny-warnings"]);
    assert_eq!(check.status.code(), Some(0), "{}", stderr(&check));
}

#[test]
fn init_refuses_a_folder_with_files_unless_forced_and_never_overwrites() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().to_str().unwrap();
    std::fs::write(tmp.path().join("site.yaml"), "title: 我的站点\n").unwrap();
    let refused = shiyi(&["init", dir]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(stderr(&refused).contains("not empty") && stderr(&refused).contains("--force"), "{}", stderr(&refused));
    assert!(!tmp.path().join("content").exists(), "nothing is written when refused");

    let forced = shiyi(&["init", "--force", dir]);
    assert_eq!(forced.status.code(), Some(0), "{}", stderr(&forced));
    assert!(stderr(&forced).contains("kept"), "{}", stderr(&forced));
    assert_eq!(read(&tmp.path().join("site.yaml")), "title: 我的站点\n");
    assert!(tmp.path().join("content/opinion.md").is_file());
}

#[test]
fn new_annotation_writes_a_file_for_the_clause_and_refuses_what_is_not_there() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().to_str().unwrap();
    assert!(shiyi(&["init", root]).status.success());

    let made = shiyi(&["--root", root, "new", "annotation", "示例意见 二（二）"]);
    assert_eq!(made.status.code(), Some(0), "{}", stderr(&made));
    let file = tmp.path().join("content/annotations/opinion-sec2-subsec2.md");
    let text = read(&file);
    assert!(text.starts_with("---\ntitle: \"释义：二（二） 加强督促检查\"\nkind: annotation\n"), "{text}");
    assert!(text.contains("annotates: [\"示例意见 二（二）\"]"), "{text}");
    for heading in ["## 要点", "## 思考题"] {
        assert!(text.contains(heading), "{text}");
    }

    let again = shiyi(&["--root", root, "new", "annotation", "示例意见 二（二）"]);
    assert_eq!(again.status.code(), Some(1));
    assert!(stderr(&again).contains("already exists"), "{}", stderr(&again));
    assert_eq!(read(&file), text, "the file is not overwritten");

    let missing = shiyi(&["--root", root, "new", "annotation", "示例意见 二（五）"]);
    assert_eq!(missing.status.code(), Some(1));
    let message = stderr(&missing);
    assert!(message.contains("二（五）") && message.contains("hint: did you mean"), "{message}");
    assert!(message.contains("示例意见 二（二）"), "{message}");

    // The new file builds, and the clause shows it.
    let build = shiyi(&["build", "--root", root]);
    assert_eq!(build.status.code(), Some(0), "{}", stderr(&build));
    let directive = read(&tmp.path().join("output/opinion.html"));
    assert!(directive.contains("annotations/opinion-sec2-subsec2.html"));
}

#[test]
fn help_shows_examples() {
    let top = String::from_utf8_lossy(&shiyi(&["--help"]).stdout).into_owned();
    for example in ["shiyi init mysite", "new annotation", "--format github"] {
        assert!(top.contains(example), "{example} missing from --help:\n{top}");
    }
    let build = String::from_utf8_lossy(&shiyi(&["build", "--help"]).stdout).into_owned();
    assert!(build.contains("Examples:") && build.contains("--format json"), "{build}");
}
