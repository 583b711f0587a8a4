//! Versions of a document in the site: the `versions` fixture and the
//! shipped 反垄断法, read as a reader follows the links; `check` warnings;
//! `shiyi import --kind law` adding a version.

mod common;

use std::path::Path;
use std::process::Command;

use shiyi::diagnostic::Severity;
use shiyi::{BuildOptions, Status};

fn build(root: &Path, out: &Path) -> shiyi::Outcome {
    let outcome = shiyi::build(&BuildOptions {
        root: root.to_path_buf(),
        output: Some(out.to_path_buf()),
        drafts: false,
        force: false,
    });
    assert_eq!(outcome.status, Status::Success, "{}", outcome.report());
    outcome
}

fn read(out: &Path, page: &str) -> String {
    std::fs::read_to_string(out.join(page)).unwrap_or_else(|e| panic!("{page}: {e}"))
}

/// The HTML of the comparison row with `id`, up to the next row.
fn row<'a>(html: &'a str, id: &str) -> &'a str {
    let start = html.find(&format!("id=\"{id}\"")).unwrap_or_else(|| panic!("no row {id}"));
    let rest = &html[start..];
    let end = rest[10..].find("class=\"cmp-row ").map_or(rest.len(), |e| e + 10);
    &rest[..end]
}

#[test]
fn versions_fixture() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let root = common::repo_root().join("tests/fixtures/versions");
    let outcome = build(&root, &out);

    // Each version has its page; the newest is the canonical one, and its
    // dated address leads there.
    let current = read(&out, "laws/registration.html");
    let old = read(&out, "laws/registration/2019-06-01.html");
    assert!(current.contains("本页为现行版本（<time datetime=\"2024-03-01\">2024年3月1日</time>版）"));
    assert!(old.contains(
        "<strong>不是现行版本</strong>；现行版本为<a href=\"../../laws/registration.html\">2024年3月1日版</a>"
    ));
    assert!(read(&out, "laws/registration/2024-03-01.html").contains("url=../../laws/registration.html"));
    // The switcher names every version and links the comparison.
    for page in [&current, &old] {
        assert!(page.contains("<nav class=\"version-switcher\" aria-label=\"版本\">"));
        assert!(page.contains("compare-2019-06-01_2024-03-01.html\">2019年6月1日版 → 2024年3月1日版</a>"));
    }
    assert!(current.contains("<span aria-current=\"page\">2024年3月1日（现行）</span>"));
    assert!(current.contains("<a href=\"../laws/registration/2019-06-01.html\">2019年6月1日</a>"));
    // The home page lists the document once.
    let home = read(&out, "index.html");
    assert_eq!(home.matches("href=\"laws/registration.html\"").count(), 1);
    assert!(!home.contains("2019-06-01"));

    // Plain references go to the current version and say so; versioned ones to their version.
    let notice = read(&out, "notice.html");
    assert!(
        notice
            .contains("href=\"laws/registration.html#art_8\" title=\"《登记条例》第八条（现行版本，2024年3月1日版）\"")
    );
    assert!(
        notice.contains(
            "href=\"laws/registration/2019-06-01.html#art_9\" title=\"《登记条例》（2019年6月1日版）第九条\""
        )
    );
    assert!(notice.contains(
        "<a class=\"doc-link\" href=\"laws/registration.html\" title=\"示例登记管理条例（现行版本，2024年3月1日版）\">"
    ));

    // The comparison page: summary with links to each change, chapters as
    // headings, marked insertions and deletions, citing places.
    let cmp = read(&out, "laws/registration/compare-2019-06-01_2024-03-01.html");
    assert!(cmp.contains("修改 3 条、新增 2 条、删除 3 条、移动 4 条；不变 1 条。"), "summary");
    assert!(cmp.contains("<a href=\"#new-art_5\">第五条</a>") && cmp.contains("<a href=\"#old-art_7\">第七条</a>"));
    assert!(cmp.contains(
        "<h3 class=\"cmp-heading\">第三章 年度报告<span class=\"cmp-heading-note\">（2019年6月1日版）</span></h3>"
    ));
    let fine = row(&cmp, "new-art_8");
    assert!(fine.contains("<del>一</del>") && fine.contains("<ins>二</ins>"), "{fine}");
    assert!(fine.contains("<del>五</del>") && fine.contains("<ins>十</ins>"), "{fine}");
    assert!(fine.contains("第九条 → 第八条"));
    assert!(fine.contains("<a href=\"../../annotations/fines.html\">释义：罚款标准</a>"), "{fine}");
    assert!(fine.contains("<a href=\"../../notice.html#sec_2__p_1\">《通知》二第一段</a>"), "{fine}");
    assert!(fine.contains("<a href=\"../../notice.html#sec_1__p_1\">《通知》一第一段</a>"), "{fine}");
    assert!(row(&cmp, "new-art_5").contains("由原第三条拆分而来"));
    assert!(row(&cmp, "old-art_6").contains("并入新第七条"));
    assert!(row(&cmp, "new-art_3").contains("<span class=\"cmp-badge\">移动</span> 第二条 → 第三条"));
    assert!(!row(&cmp, "new-art_3").contains("<ins>"));

    // check: the annotation quotes an older version; the notice cites an article that changed.
    let warnings: Vec<String> = outcome
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Warning)
        .map(|d| format!("{}:{}: {}", d.path.display(), d.line, d.message))
        .collect();
    assert!(warnings.contains(&"content/annotations/fines.md:4: this annotation quotes 《登记条例》 of 2019-06-01, which is no longer the current version (2024-03-01); cited article 第九条 changed between versions (now 第八条)".to_string()), "{warnings:?}");
    assert!(
        warnings.iter().any(|w| w.starts_with("content/notice.md:13: cited article 第九条 changed between versions")),
        "{warnings:?}"
    );
    // The unchanged 第十条 is cited without a warning.
    assert_eq!(warnings.len(), 2, "{warnings:?}");

    // Search: older versions are labelled and ranked below.
    let entries = shiyi::search::read_script(&std::fs::read(out.join("search/d/0.js")).unwrap()).unwrap().2;
    let text = entries.to_string();
    assert!(text.contains("《登记条例》（2019年6月1日版）"), "older version labelled");
    assert!(text.contains("\"o\""), "older version entries have their own kind");
}

#[test]
fn the_shipped_anti_monopoly_law_has_both_versions() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    build(&common::repo_root(), &out);
    let current = read(&out, "laws/anti-monopoly-law.html");
    assert!(current.contains("compare-2007-08-30_2022-06-24.html"));
    let cmp = read(&out, "laws/anti-monopoly-law/compare-2007-08-30_2022-06-24.html");
    assert!(cmp.contains("修改 24 条、新增 13 条、删除 0 条、移动 31 条"), "summary");
    assert!(row(&cmp, "new-art_4").contains("<ins>反垄断工作坚持中国共产党的领导。"));
    assert!(read(&out, "laws/anti-monopoly-law/2007-08-30.html").contains("不是现行版本"));
}

#[test]
fn import_adds_a_version() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    common::copy_tree(&common::repo_root().join("tests/fixtures/versions"), root);
    std::fs::remove_dir_all(root.join("expected")).ok();
    let law = root.join("registration_2025-01-01.md");
    let current = std::fs::read_to_string(root.join("content/laws/registration.md")).unwrap();
    let body = current.split_once("\n---\n").unwrap().1.replace("二万元以上十万元以下", "三万元以上十万元以下");
    std::fs::write(&law, body).unwrap();
    let run = Command::new(env!("CARGO_BIN_EXE_shiyi"))
        .args(["import", "--kind", "law", law.to_str().unwrap(), "--root", root.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let added = std::fs::read_to_string(root.join("content/laws/registration_2025-01-01.md")).unwrap();
    assert!(added.contains("version_of: registration\n") && added.contains("version_date: 2025-01-01\n"));
    let out = root.join("out");
    build(root, &out);
    assert!(read(&out, "laws/registration.html").contains("本页为现行版本（<time datetime=\"2025-01-01\">"));
    assert!(read(&out, "laws/registration/2024-03-01.html").contains("不是现行版本"));
    let cmp = read(&out, "laws/registration/compare-2024-03-01_2025-01-01.html");
    assert!(cmp.contains("修改 1 条、新增 0 条、删除 0 条、移动 0 条"));
    assert!(out.join("laws/registration/compare-2019-06-01_2025-01-01.html").exists());
}
