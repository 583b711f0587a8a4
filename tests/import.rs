//! Import fidelity: importing the seed directive and building it keeps every
//! paragraph of the seed verbatim (whitespace from the scrape aside).

mod common;

use shiyi::import::{DirectiveImport, import_directive};
use shiyi::{BuildOptions, Status};

const SEED: &str = "tests/data/seed/000_37f66f906b5114f9.txt";

/// Visible text of an HTML page: permalink marks, tags and whitespace removed,
/// entities decoded.
fn visible_text(html: &str) -> String {
    let no_permalinks = regex::Regex::new(r#"<a class="permalink"[^>]*>[^<]*</a>"#).unwrap().replace_all(html, "");
    let no_tags = regex::Regex::new(r"<[^>]*>").unwrap().replace_all(&no_permalinks, "");
    no_tags
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect()
}

fn squeeze(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

#[test]
fn importing_and_building_the_seed_keeps_every_paragraph() {
    let seed = std::fs::read_to_string(common::repo_root().join(SEED)).unwrap();
    let options = DirectiveImport { slug: "notice".into(), attachment_slugs: vec!["opinions".into()], source: None };
    let files = import_directive(&seed, &options).unwrap();
    assert_eq!(files.iter().map(|f| f.file_name.as_str()).collect::<Vec<_>>(), ["notice.md", "opinions.md"]);

    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    std::fs::create_dir_all(site.join("content")).unwrap();
    std::fs::write(site.join("site.yaml"), "title: 导入测试\n").unwrap();
    for f in &files {
        std::fs::write(site.join("content").join(&f.file_name), &f.markdown).unwrap();
    }
    let out = tmp.path().join("out");
    let outcome = shiyi::build(&BuildOptions { root: site, output: Some(out.clone()), drafts: false, force: false });
    assert_eq!(outcome.status, Status::Success, "{}", outcome.report());
    assert!(outcome.diagnostics.is_empty(), "{}", outcome.report());

    let notice = std::fs::read_to_string(out.join("notice.html")).unwrap();
    let opinions = std::fs::read_to_string(out.join("opinions.html")).unwrap();
    let text = visible_text(&notice) + &visible_text(&opinions);

    let paragraphs: Vec<&str> =
        seed.split(['\n', '\u{3000}']).map(str::trim).filter(|p| !p.trim_matches('\u{a0}').trim().is_empty()).collect();
    assert!(paragraphs.len() > 90, "the seed has about a hundred paragraphs");
    let (title, rest) = paragraphs.split_first().unwrap();
    let mut missing = Vec::new();
    for p in rest {
        let p = squeeze(p);
        // Page chrome of the scraped page: its date is checked below.
        if p.starts_with("发布时间：") || p == "信息来源：" {
            continue;
        }
        if !text.contains(&p) {
            missing.push(p);
        }
    }
    assert!(missing.is_empty(), "paragraphs lost or altered: {missing:#?}");

    // The title line is split into the title and the document number.
    let title = squeeze(title);
    let (name, number) = title.split_once('（').unwrap();
    assert!(visible_text(&notice).contains(name));
    assert!(notice.contains(number.trim_end_matches('）')));
    assert!(notice.contains("2005年7月31日") && notice.contains("2005年7月22日"));
    assert!(notice.contains("中共国家工商行政管理总局党组"));
}

#[test]
fn the_shipped_content_is_what_import_produces() {
    let seed = std::fs::read_to_string(common::repo_root().join(SEED)).unwrap();
    let options = DirectiveImport { slug: "notice".into(), attachment_slugs: vec!["opinions".into()], source: None };
    for f in import_directive(&seed, &options).unwrap() {
        let shipped = std::fs::read_to_string(common::repo_root().join("content").join(&f.file_name)).unwrap();
        // The shipped files may gain front-matter fields by hand; the body is the import's.
        let body = |s: &str| s.splitn(3, "---\n").nth(2).unwrap_or("").to_string();
        assert_eq!(body(&shipped), body(&f.markdown), "{} differs from the import of the seed", f.file_name);
    }
}
