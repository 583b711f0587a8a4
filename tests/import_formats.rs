//! `shiyi import` on every input format, through the binary: a Word document
//! built here (automatic numbering, a table, a footnote, the standard notice
//! layout with two attachments), a saved government web page, GBK text of
//! an article-numbered rule, and bad inputs (corrupt .docx, binary, empty).
//! Each import is built into a site and its clauses are checked.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn shiyi(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_shiyi")).args(args).output().expect("run shiyi")
}

fn site(dir: &Path) -> PathBuf {
    let root = dir.join("site");
    std::fs::create_dir_all(root.join("content")).unwrap();
    std::fs::write(root.join("site.yaml"), "title: 导入\nhandouts: false\n").unwrap();
    root
}

fn build(root: &Path) -> PathBuf {
    let out = root.join("output");
    let o = shiyi(&["build", "--root", root.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    out
}

fn para(text: &str, extra: &str) -> String {
    format!("<w:p><w:pPr>{extra}</w:pPr><w:r><w:t xml:space=\"preserve\">{text}</w:t></w:r></w:p>")
}

fn numbered(text: &str, level: u32) -> String {
    para(text, &format!("<w:numPr><w:ilvl w:val=\"{level}\"/><w:numId w:val=\"3\"/></w:numPr>"))
}

/// A .docx in the standard notice layout, built as a zip here.
fn notice_docx() -> Vec<u8> {
    let mut body = String::new();
    body += &para("某市人民政府办公厅文件", "<w:jc w:val=\"center\"/>");
    body += &para("某政办发〔2020〕5号", "<w:jc w:val=\"center\"/>");
    body += "<w:p><w:pPr><w:jc w:val=\"center\"/></w:pPr><w:r><w:rPr><w:b/></w:rPr><w:t>关于印发工作方案和分工表的通知</w:t></w:r></w:p>";
    body += &para("各区人民政府，市政府各部门：", "");
    body += "<w:p><w:r><w:t>现将《某市档案工作方案》（以下简称《方案》）和《某市档案工作任务分工表》（以下简称《分工表》）印发给你们&amp;请认真执行。</w:t></w:r><w:r><w:footnoteReference w:id=\"1\"/></w:r></w:p>";
    body += &para("附件：1.某市档案工作方案", "");
    body += &para("2.某市档案工作任务分工表", "");
    body += &para("某市人民政府办公厅", "<w:jc w:val=\"right\"/>");
    body += &para("2020年3月5日", "<w:jc w:val=\"right\"/>");
    body += &para("（此件公开发布）", "");
    body += &para("附件1", "");
    body += &para("某市档案工作方案", "<w:jc w:val=\"center\"/>");
    body += &numbered("总体要求", 0);
    body += &numbered("指导思想", 1);
    body += &numbered("坚持依法管理。", 2);
    body += &numbered("坚持安全第一。", 2);
    body += &numbered("主要任务", 0);
    body += "<w:tbl><w:tr><w:tc><w:p><w:r><w:t>任务</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>时限</w:t></w:r></w:p></w:tc></w:tr>";
    body += "<w:tr><w:tc><w:p><w:r><w:t>建立台账</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>2020年底</w:t></w:r></w:p></w:tc></w:tr></w:tbl>";
    body += &para("附件2", "");
    body += &para("某市档案工作任务分工表", "<w:jc w:val=\"center\"/>");
    body += &para("一、市档案局负责统筹。", "");
    body += &para("二、各区负责落实。", "");
    let document = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body>{body}</w:body></w:document>"
    );
    let level = |l: u32, fmt: &str, text: &str| {
        format!(
            "<w:lvl w:ilvl=\"{l}\"><w:start w:val=\"1\"/><w:numFmt w:val=\"{fmt}\"/><w:lvlText w:val=\"{text}\"/></w:lvl>"
        )
    };
    let numbering = format!(
        "<?xml version=\"1.0\"?><w:numbering xmlns:w=\"x\"><w:abstractNum w:abstractNumId=\"7\">{}{}{}</w:abstractNum><w:num w:numId=\"3\"><w:abstractNumId w:val=\"7\"/></w:num></w:numbering>",
        level(0, "chineseCounting", "%1、"),
        level(1, "chineseCounting", "（%1）"),
        level(2, "decimal", "%3.")
    );
    let footnotes = "<?xml version=\"1.0\"?><w:footnotes xmlns:w=\"x\"><w:footnote w:type=\"separator\" w:id=\"-1\"><w:p><w:r><w:separator/></w:r></w:p></w:footnote><w:footnote w:id=\"1\"><w:p><w:r><w:t>本通知由市档案局解释。</w:t></w:r></w:p></w:footnote></w:footnotes>";
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default();
    for (name, text) in [
        ("[Content_Types].xml", "<?xml version=\"1.0\"?><Types/>"),
        ("word/document.xml", document.as_str()),
        ("word/numbering.xml", numbering.as_str()),
        ("word/footnotes.xml", footnotes),
    ] {
        zip.start_file(name, options).unwrap();
        zip.write_all(text.as_bytes()).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

#[test]
fn a_word_notice_with_numbering_a_table_and_attachments() {
    let tmp = tempfile::tempdir().unwrap();
    let root = site(tmp.path());
    let file = tmp.path().join("notice.docx");
    std::fs::write(&file, notice_docx()).unwrap();
    let r = root.to_str().unwrap();
    let args = ["import", file.to_str().unwrap(), "--root", r, "--slug", "n", "--attachment-slug", "plan"];
    let o = shiyi(&[&args[..], &["--attachment-slug", "tasks"]].concat());
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let notice = std::fs::read_to_string(root.join("content/n.md")).unwrap();
    assert!(notice.contains("title: \"关于印发工作方案和分工表的通知\""), "{notice}");
    assert!(
        notice.contains("doc_number: \"某政办发〔2020〕5号\"") && notice.contains("signed: 2020-03-05"),
        "{notice}"
    );
    assert!(notice.contains("issuer: \"某市人民政府办公厅\"") && !notice.contains("short_title"), "{notice}");
    assert!(notice.contains("印发给你们&请认真执行。〔注1〕"), "{notice}");
    let plan = std::fs::read_to_string(root.join("content/plan.md")).unwrap();
    assert!(plan.contains("title: \"某市档案工作方案\"\nkind: directive\nshort_title: \"方案\""), "{plan}");
    assert!(
        plan.contains(
            "## 一、总体要求\n\n### （一）指导思想\n\n1.坚持依法管理。\n\n2.坚持安全第一。\n\n## 二、主要任务"
        ),
        "{plan}"
    );
    assert!(plan.contains("| 任务 | 时限 |\n| --- | --- |\n| 建立台账 | 2020年底 |"), "{plan}");
    assert!(
        !plan.contains("附件1") && !plan.contains("\n某市档案工作方案\n"),
        "the heading lines are front matter: {plan}"
    );
    let tasks = std::fs::read_to_string(root.join("content/tasks.md")).unwrap();
    assert!(tasks.contains("short_title: \"分工表\"") && tasks.contains("注1：本通知由市档案局解释。"), "{tasks}");
    // The attachment's clauses are found by its short title.
    std::fs::write(root.join("content/page.md"), "---\ntitle: 学习\n---\n\n见[[分工表 一]]和[[方案 一（一）2]]。\n")
        .unwrap();
    let out = build(&root);
    let page = std::fs::read_to_string(out.join("page.html")).unwrap();
    assert!(page.contains("tasks.html#sec_1") && page.contains("plan.html#sec_1__subsec_1__point_2"), "{page}");
    let plan_html = std::fs::read_to_string(out.join("plan.html")).unwrap();
    assert!(plan_html.contains("<table>") && plan_html.contains("建立台账"));
}

#[test]
fn a_saved_web_page_and_gbk_text() {
    let tmp = tempfile::tempdir().unwrap();
    let root = site(tmp.path());
    let r = root.to_str().unwrap();
    let page = tmp.path().join("page.html");
    std::fs::write(
        &page,
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>关于加强档案管理的通知_政策</title><script>var menu=1;</script></head><body>\
<div class=\"header\">首页 | 政务公开 | 办事服务</div>\
<table><tr><td>发文机关：</td><td>某省人民政府办公厅</td></tr><tr><td>发文字号：</td><td>某政办发〔2021〕8号</td></tr><tr><td>发布日期：</td><td>2021-04-02</td></tr></table>\
<h1>关于加强档案管理的通知</h1><div id=\"UCAP-CONTENT\"><p>各市人民政府：</p><p>一、提高认识</p><p>（一）加强领导，明确责任。</p>\
<p>附件：档案目录</p><p>某省人民政府办公厅</p><p>2021年3月30日</p><p>附件</p><p>档案目录</p><p>一、文书档案</p></div>\
<div class=\"footer\">版权所有 网站地图</div></body></html>",
    )
    .unwrap();
    let o = shiyi(&["import", page.to_str().unwrap(), "--root", r, "--slug", "web"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let web = std::fs::read_to_string(root.join("content/web.md")).unwrap();
    assert!(web.contains("doc_number: \"某政办发〔2021〕8号\"") && web.contains("date: 2021-04-02"), "{web}");
    assert!(web.contains("signed: 2021-03-30") && web.contains("issuer: \"某省人民政府办公厅\""), "{web}");
    assert!(!web.contains("版权所有") && !web.contains("首页") && !web.contains("menu"), "{web}");
    assert!(web.contains("## 一、提高认识"), "{web}");
    assert!(std::fs::read_to_string(root.join("content/web-attachment-1.md")).unwrap().contains("## 一、文书档案"));

    // A rule numbered 第X条, in GBK, with full-width spaces after the numbers.
    let text = "某市档案管理办法\r\n\u{3000}\u{3000}第一条\u{3000}为了加强档案管理，制定本办法。\r\n\u{3000}\u{3000}第二条\u{3000}本办法适用于本市。\r\n";
    let (gbk, _, _) = encoding_rs::GBK.encode(text);
    let rule = tmp.path().join("rule.txt");
    std::fs::write(&rule, &gbk).unwrap();
    let o = shiyi(&["import", rule.to_str().unwrap(), "--root", r, "--slug", "rule"]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success() && stderr.contains("GB18030/GBK") && !stderr.contains("warning"), "{stderr}");
    let o = shiyi(&["import", rule.to_str().unwrap(), "--root", r, "--kind", "law", "--slug", "rule"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let out = build(&root);
    for page in ["rule.html", "laws/rule.html"] {
        let html = std::fs::read_to_string(out.join(page)).unwrap();
        assert!(html.contains("id=\"art_1\"") && html.contains("id=\"art_2\""), "{page}");
        assert!(html.contains("为了加强档案管理，制定本办法。"), "{page}");
    }
}

#[test]
fn numbered_text_without_clauses_is_a_warning() {
    let tmp = tempfile::tempdir().unwrap();
    let root = site(tmp.path());
    let file = tmp.path().join("m.txt");
    std::fs::write(&file, "某办法\n说明。\n第一条：为了规范。\n第二条：适用。\n").unwrap();
    let o = shiyi(&["import", file.to_str().unwrap(), "--root", root.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{stderr}");
    assert!(
        stderr.contains("warning:") && stderr.contains("m.txt:3:") && stderr.contains("第一条：为了规范。"),
        "{stderr}"
    );
}

#[test]
fn bad_inputs_are_errors_that_name_the_file_and_write_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let root = site(tmp.path());
    let r = root.to_str().unwrap();
    std::fs::write(root.join("content/x.md"), "---\ntitle: 原有\n---\n").unwrap();
    let cases: [(&str, &[u8], &str); 4] = [
        ("x.docx", b"PK\x03\x04 this is not a zip archive", "is not a readable Word document"),
        ("x.bin", b"\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00", "binary"),
        ("x.txt", b"", "is empty"),
        ("x.doc", &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1], "save it as .docx"),
    ];
    for (name, bytes, message) in cases {
        let file = tmp.path().join(name);
        std::fs::write(&file, bytes).unwrap();
        let o = shiyi(&["import", file.to_str().unwrap(), "--root", r, "--slug", "x"]);
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(1), "{name}: {stderr}");
        assert!(stderr.contains(name) && stderr.contains(message), "{name}: {stderr}");
    }
    // A good input does not overwrite an existing file without --force.
    let file = tmp.path().join("x.txt");
    std::fs::write(&file, "某通知\n一、内容。\n").unwrap();
    let o = shiyi(&["import", file.to_str().unwrap(), "--root", r, "--slug", "x"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--force"));
    assert_eq!(std::fs::read_to_string(root.join("content/x.md")).unwrap(), "---\ntitle: 原有\n---\n");
    let o = shiyi(&["import", file.to_str().unwrap(), "--root", r, "--slug", "x", "--force"]);
    assert!(o.status.success());
    assert!(std::fs::read_to_string(root.join("content/x.md")).unwrap().contains("title: \"某通知\""));
}
