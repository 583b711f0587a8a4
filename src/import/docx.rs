//! Word documents (`.docx`) to plain text: one line per paragraph.
//!
//! Reads `word/document.xml` (and `numbering.xml`, `footnotes.xml`, `styles`
//! by id) with `zip` and `quick-xml`. Word's automatic numbering becomes the
//! numbers a reader sees (`一、`, `（一）`, `1.`, `第一条 `), tables become
//! Markdown table rows, footnote references become `〔注N〕` with the notes
//! as `注N：…` paragraphs at the end, and a paragraph in the Title style (or
//! the first centred bold paragraph) is moved to the first line, the title.

use std::collections::HashMap;
use std::io::Read;

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

use crate::clause::numbering::format_cn_numeral;

/// One level of a Word list: its number format, its text (`%1、`) and start.
#[derive(Debug, Clone)]
struct Level {
    format: String,
    text: String,
    start: u32,
}

/// `numbering.xml`: numId → levels.
type Numbering = HashMap<String, Vec<Level>>;

fn read_part(archive: &mut zip::ZipArchive<std::io::Cursor<&[u8]>>, name: &str) -> Result<Option<String>, String> {
    let mut file = match archive.by_name(name) {
        Ok(f) => f,
        Err(zip::result::ZipError::FileNotFound) => return Ok(None),
        Err(e) => return Err(e.to_string()),
    };
    let mut text = String::new();
    file.read_to_string(&mut text).map_err(|e| format!("{name}: {e}"))?;
    Ok(Some(text))
}

fn attr(e: &BytesStart<'_>, name: &str) -> Option<String> {
    e.try_get_attribute(name).ok().flatten().map(|a| a.value.into_owned())
}

fn local(e: &BytesStart<'_>) -> String {
    e.name().as_ref().to_string()
}

fn parse_numbering(xml: &str) -> Result<Numbering, String> {
    let mut reader = Reader::from_str(xml);
    let mut abstracts: HashMap<String, Vec<Level>> = HashMap::new();
    let mut nums: HashMap<String, String> = HashMap::new();
    let (mut current_abstract, mut current_num) = (None::<String>, None::<String>);
    loop {
        match reader.read_event().map_err(|e| format!("numbering.xml: {e}"))? {
            Event::Start(e) | Event::Empty(e) => match local(&e).as_str() {
                "w:abstractNum" => current_abstract = attr(&e, "w:abstractNumId"),
                "w:num" => current_num = attr(&e, "w:numId"),
                "w:lvl" => {
                    if let Some(a) = &current_abstract {
                        abstracts.entry(a.clone()).or_default().push(Level {
                            format: "decimal".into(),
                            text: String::new(),
                            start: 1,
                        });
                    }
                }
                name @ ("w:numFmt" | "w:lvlText" | "w:start") => {
                    let level = current_abstract.as_ref().and_then(|a| abstracts.get_mut(a)).and_then(|l| l.last_mut());
                    if let (Some(level), Some(value)) = (level, attr(&e, "w:val")) {
                        match name {
                            "w:numFmt" => level.format = value,
                            "w:lvlText" => level.text = value,
                            _ => level.start = value.parse().unwrap_or(1),
                        }
                    }
                }
                "w:abstractNumId" => {
                    if let (Some(n), Some(a)) = (&current_num, attr(&e, "w:val")) {
                        nums.insert(n.clone(), a);
                    }
                }
                _ => {}
            },
            Event::End(e) if e.name().as_ref() == "w:abstractNum" => current_abstract = None,
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(nums.into_iter().filter_map(|(n, a)| abstracts.get(&a).map(|l| (n, l.clone()))).collect())
}

/// A counter value in a Word number format.
fn format_number(n: u32, format: &str) -> String {
    match format {
        "chineseCounting"
        | "chineseCountingThousand"
        | "chineseLegalSimplified"
        | "ideographDigital"
        | "japaneseCounting"
        | "taiwaneseCounting" => format_cn_numeral(n),
        "decimalFullWidth" | "decimalFullWidth2" => {
            n.to_string().chars().map(|c| char::from_u32(c as u32 - '0' as u32 + 0xFF10).unwrap_or(c)).collect()
        }
        "decimalEnclosedCircle" | "decimalEnclosedCircleChinese" if (1..=20).contains(&n) => {
            char::from_u32(0x2460 + n - 1).map(String::from).unwrap_or_default()
        }
        "upperLetter" | "lowerLetter" => {
            let base = if format == "upperLetter" { b'A' } else { b'a' };
            ((base + ((n - 1) % 26) as u8) as char).to_string()
        }
        "bullet" | "none" => String::new(),
        _ => n.to_string(),
    }
}

/// Visible numbers of Word lists: counters per list, deeper levels reset.
#[derive(Default)]
struct Counters {
    values: HashMap<String, [u32; 9]>,
}

impl Counters {
    fn next(&mut self, numbering: &Numbering, num_id: &str, level: usize) -> String {
        let Some(levels) = numbering.get(num_id) else { return String::new() };
        let level = level.min(8);
        let values = self.values.entry(num_id.to_string()).or_insert([0; 9]);
        let start = |l: usize| levels.get(l).map_or(1, |x| x.start);
        values[level] = if values[level] == 0 { start(level) } else { values[level] + 1 };
        for deeper in values.iter_mut().skip(level + 1) {
            *deeper = 0;
        }
        let Some(spec) = levels.get(level) else { return String::new() };
        if spec.format == "bullet" {
            return String::new();
        }
        let mut text = spec.text.clone();
        for (l, value) in values.iter().enumerate().take(level + 1) {
            let shown = format_number(
                if *value == 0 { start(l) } else { *value },
                levels.get(l).map_or("decimal", |x| &x.format),
            );
            text = text.replace(&format!("%{}", l + 1), &shown);
        }
        // `第%1条` needs the space that separates an article number from its text.
        if text.ends_with(['条', '章', '节']) {
            text.push(' ');
        }
        text
    }
}

/// The paragraphs of one XML part (`document.xml` or a footnote), with
/// numbering applied, tables as Markdown rows and footnote references marked.
struct Walker<'a> {
    numbering: &'a Numbering,
    counters: Counters,
    lines: Vec<String>,
    title: Option<usize>,
}

impl Walker<'_> {
    fn walk(&mut self, xml: &str, part: &str) -> Result<(), String> {
        let mut reader = Reader::from_str(xml);
        let mut para = String::new();
        let (mut num_id, mut ilvl, mut style) = (None::<String>, 0usize, String::new());
        let (mut bold_runs, mut runs, mut centred, mut in_run_bold, mut in_text) = (0, 0, false, false, false);
        let mut row: Vec<String> = Vec::new();
        let mut cell = String::new();
        let mut rows_in_table = 0;
        let mut table_depth = 0;
        loop {
            match reader.read_event().map_err(|e| format!("{part}: {e}"))? {
                Event::Start(e) | Event::Empty(e) => match local(&e).as_str() {
                    "w:p" => {
                        para.clear();
                        (num_id, ilvl, style, bold_runs, runs, centred) = (None, 0, String::new(), 0, 0, false);
                    }
                    "w:pStyle" => style = attr(&e, "w:val").unwrap_or_default(),
                    "w:numId" => num_id = attr(&e, "w:val").filter(|v| v != "0"),
                    "w:ilvl" => ilvl = attr(&e, "w:val").and_then(|v| v.parse().ok()).unwrap_or(0),
                    "w:jc" => centred = attr(&e, "w:val").is_some_and(|v| v == "center"),
                    "w:r" => {
                        in_run_bold = false;
                        runs += 1;
                    }
                    "w:b" => in_run_bold = attr(&e, "w:val").is_none_or(|v| v != "0" && v != "false"),
                    "w:t" => in_text = true,
                    "w:tab" if in_text || runs > 0 => para.push(' '),
                    "w:br" => para.push(' '),
                    "w:footnoteReference" => {
                        if let Some(id) = attr(&e, "w:id") {
                            para.push_str(&format!("〔注{id}〕"));
                        }
                    }
                    "w:tbl" => {
                        table_depth += 1;
                        rows_in_table = 0;
                    }
                    "w:tr" => row.clear(),
                    "w:tc" => cell.clear(),
                    _ => {}
                },
                Event::Text(t) if in_text => {
                    para.push_str(&t.xml10_content());
                    if in_run_bold {
                        bold_runs += 1;
                    }
                }
                Event::GeneralRef(r) if in_text => {
                    if let Ok(Some(c)) = r.resolve_char_ref() {
                        para.push(c);
                    } else if let Some(s) = quick_xml::escape::resolve_predefined_entity(&r.xml10_content()) {
                        para.push_str(s);
                    }
                }
                Event::End(e) => match e.name().as_ref() {
                    "w:t" => in_text = false,
                    "w:p" => {
                        let mut text = para.trim().to_string();
                        if let Some(id) = &num_id {
                            text = self.counters.next(self.numbering, id, ilvl) + &text;
                        }
                        if table_depth > 0 {
                            if !cell.is_empty() && !text.is_empty() {
                                cell.push(' ');
                            }
                            cell.push_str(&text);
                            continue;
                        }
                        if text.is_empty() {
                            continue;
                        }
                        let title_style = style.eq_ignore_ascii_case("title");
                        if self.title.is_none() && (title_style || (centred && runs > 0 && bold_runs == runs)) {
                            self.title = Some(self.lines.len());
                        }
                        self.lines.push(text);
                    }
                    "w:tc" => row.push(cell.replace('|', "｜")),
                    "w:tr" => {
                        let cells: Vec<String> = row.iter().map(|c| c.trim().to_string()).collect();
                        self.lines.push(format!("| {} |", cells.join(" | ")));
                        if rows_in_table == 0 {
                            self.lines.push(format!("|{}", " --- |".repeat(cells.len().max(1))));
                        }
                        rows_in_table += 1;
                    }
                    "w:tbl" => table_depth -= 1,
                    _ => {}
                },
                Event::Eof => break,
                _ => {}
            }
        }
        Ok(())
    }
}

/// The footnotes of `footnotes.xml` by id (separators left out).
fn footnotes(xml: &str, numbering: &Numbering) -> Result<Vec<(String, String)>, String> {
    let mut out = Vec::new();
    for piece in xml.split("<w:footnote ").skip(1) {
        let head = &piece[..piece.find('>').unwrap_or(0)];
        if head.contains("w:type=") {
            continue;
        }
        let id = head.split("w:id=\"").nth(1).and_then(|r| r.split('"').next()).unwrap_or("").to_string();
        let body = piece.split("</w:footnote>").next().unwrap_or("");
        let mut walker = Walker { numbering, counters: Counters::default(), lines: Vec::new(), title: None };
        walker.walk(&format!("<w:footnote {body}</w:footnote>"), "footnotes.xml")?;
        out.push((id, walker.lines.join(" ")));
    }
    Ok(out)
}

/// The text of a `.docx` file (see the module doc).
pub fn docx_text(bytes: &[u8]) -> Result<String, String> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(|e| e.to_string())?;
    let document = read_part(&mut archive, "word/document.xml")?.ok_or("it has no word/document.xml")?;
    let numbering = match read_part(&mut archive, "word/numbering.xml")? {
        Some(xml) => parse_numbering(&xml)?,
        None => Numbering::new(),
    };
    let mut walker = Walker { numbering: &numbering, counters: Counters::default(), lines: Vec::new(), title: None };
    walker.walk(&document, "document.xml")?;
    let mut lines = walker.lines;
    if let Some(t) = walker.title.filter(|t| *t > 0) {
        let title = lines.remove(t);
        lines.insert(0, title);
    }
    if let Some(xml) = read_part(&mut archive, "word/footnotes.xml")? {
        for (id, text) in footnotes(&xml, &numbering)? {
            lines.push(format!("注{id}：{text}"));
        }
    }
    if lines.is_empty() {
        return Err("it holds no text".into());
    }
    Ok(lines.join("\n") + "\n")
}
