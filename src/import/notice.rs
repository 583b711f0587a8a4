//! The layout of an official notice (GB/T 9704 order): title, the 文号 on its
//! own line, the body, the `附件：` list, signature, date, `（此件公开发布）`,
//! then the attachments, each under its own heading (`附件1`, its title).
//!
//! Takes the paragraphs of a text, gives back its [`Meta`] (文号, page chrome
//! such as `发布时间：` and `信息来源：`) and its [`Part`]s: the notice and
//! each attachment, with the signature block and notes as their closing.
//! Also reads the older scraped layout in which `附件：` and the attachment's
//! title come right after the signature and the attachment follows.

use crate::clause::numbering::parse_cn_numeral;

/// Metadata found around the text.
#[derive(Debug, Clone, Default)]
pub struct Meta {
    /// 文号.
    pub doc_number: Option<String>,
    /// 发布时间 / 发布日期, `YYYY-MM-DD`.
    pub date: Option<String>,
    /// 成文日期 stated by the page, `YYYY-MM-DD`.
    pub signed: Option<String>,
    /// 发布机关 / 发文机关 stated by the page.
    pub issuer: Option<String>,
    /// 信息来源 / 来源.
    pub source: Option<String>,
}

/// One document of the text: the notice or an attachment.
#[derive(Debug, Clone)]
pub struct Part {
    /// Its title.
    pub title: String,
    /// Body paragraphs.
    pub body: Vec<String>,
    /// Signature, date, publication note, notes, the 附件 list.
    pub closing: Vec<String>,
    /// Issuer and date of signature read from its closing.
    pub issuer: Option<String>,
    /// See `issuer`.
    pub signed: Option<String>,
}

impl Part {
    fn new(title: String) -> Part {
        Part { title, body: Vec::new(), closing: Vec::new(), issuer: None, signed: None }
    }
}

/// `2005年07月31日` or `2005-07-31` → `2005-07-31`.
pub fn arabic_date(text: &str) -> Option<String> {
    let digits: Vec<u32> =
        text.split(|c: char| !c.is_ascii_digit()).filter(|s| !s.is_empty()).filter_map(|s| s.parse().ok()).collect();
    match digits.as_slice() {
        [y, m, d, ..] if *y > 1900 && (1..=12).contains(m) && (1..=31).contains(d) => {
            Some(format!("{y:04}-{m:02}-{d:02}"))
        }
        _ => None,
    }
}

/// `二○○五年七月二十二日` → `2005-07-22`.
pub fn chinese_date(text: &str) -> Option<String> {
    let (year, rest) = text.split_once('年')?;
    let (month, rest) = rest.split_once('月')?;
    let day = rest.strip_suffix('日')?;
    let (y, m, d) = (parse_cn_numeral(year)?, parse_cn_numeral(month)?, parse_cn_numeral(day)?);
    ((1900..3000).contains(&y) && (1..=12).contains(&m) && (1..=31).contains(&d))
        .then(|| format!("{y:04}-{m:02}-{d:02}"))
}

/// A paragraph that is only a date, in Chinese or Arabic numerals.
fn date_line(p: &str) -> Option<String> {
    let compact: String = p.chars().filter(|c| !c.is_whitespace()).collect();
    if let Some(d) = chinese_date(&compact) {
        return Some(d);
    }
    let arabic = compact.chars().all(|c| c.is_ascii_digit() || matches!(c, '年' | '月' | '日' | '-' | '.' | '/'));
    if arabic && (compact.ends_with('日') || compact.matches(['-', '.', '/']).count() == 2) {
        arabic_date(&compact)
    } else {
        None
    }
}

/// `某政办发〔2020〕5号`: an issuer code, a bracketed year, a number, `号`.
pub fn is_doc_number(p: &str) -> bool {
    let Some(open) = p.find(['〔', '[', '［', '(', '（']) else { return false };
    let head = &p[..open];
    let after = &p[open..];
    let year: String = after.chars().skip(1).take_while(char::is_ascii_digit).collect();
    !head.is_empty()
        && head.chars().count() <= 12
        && !head.contains(['，', '。', '、'])
        && year.len() == 4
        && p.ends_with('号')
        && p.chars().count() <= 30
}

/// Page chrome: a label and what each becomes.
const META_LABELS: &[&str] = &[
    "发布时间",
    "发布日期",
    "信息来源",
    "来源",
    "成文日期",
    "索引号",
    "主题分类",
    "发文字号",
    "文号",
    "发布机关",
    "发文机关",
];

fn meta_line(p: &str, meta: &mut Meta) -> bool {
    let Some(label) = META_LABELS.iter().find(|l| p.starts_with(*l) && p[l.len()..].starts_with(['：', ':'])) else {
        return false;
    };
    let value = p[label.len()..].trim_start_matches(['：', ':']).trim().to_string();
    let set = |slot: &mut Option<String>, v: Option<String>| {
        if slot.is_none() {
            *slot = v;
        }
    };
    match *label {
        "发布时间" | "发布日期" => set(&mut meta.date, arabic_date(&value).or_else(|| chinese_date(&value))),
        "成文日期" => set(&mut meta.signed, arabic_date(&value).or_else(|| chinese_date(&value))),
        "信息来源" | "来源" => set(&mut meta.source, (!value.is_empty()).then_some(value)),
        "发文字号" | "文号" => set(&mut meta.doc_number, (!value.is_empty()).then_some(value)),
        "发布机关" | "发文机关" => set(&mut meta.issuer, (!value.is_empty()).then_some(value)),
        _ => {}
    }
    true
}

/// `附件`, `附件1`, `附件二：标题` as a whole paragraph: the number (0 when
/// none) and the title after the colon.
fn attachment_head(p: &str) -> Option<(u32, &str)> {
    let rest = p.strip_prefix("附件")?.trim_start();
    let digits = rest.find(|c: char| !(c.is_ascii_digit() || crate::clause::numbering::is_cn_numeral_char(c)));
    let (num, after) = rest.split_at(digits.unwrap_or(rest.len()));
    let n = if num.is_empty() { 0 } else { parse_cn_numeral(num).or_else(|| num.parse().ok())? };
    if after.is_empty() {
        return Some((n, ""));
    }
    after.strip_prefix(['：', ':']).map(|t| (n, t.trim()))
}

/// A list item of the `附件：` list: `1.标题`, `2、标题`.
fn list_item(p: &str) -> Option<&str> {
    let digits = p.find(|c: char| !c.is_ascii_digit())?;
    (digits > 0).then(|| p[digits..].strip_prefix(['.', '、', '．'])).flatten().map(str::trim)
}

/// Moves the trailing notes, publication note, date and signature of `part`
/// to its closing.
fn split_closing(part: &mut Part) {
    let body = &mut part.body;
    let mut closing = Vec::new();
    let is_note = |p: &String| {
        p.starts_with("注：")
            || p.starts_with("注:")
            || (p.starts_with('注') && p.chars().nth(1).is_some_and(|c| c.is_ascii_digit()))
    };
    let is_publication = |p: &String| p.starts_with("（此件") || p.starts_with("(此件");
    while body.last().is_some_and(|p| is_note(p) || is_publication(p)) {
        closing.insert(0, body.pop().unwrap_or_default());
    }
    if let Some(date) = body.last().and_then(|p| date_line(p)) {
        part.signed = Some(date);
        closing.insert(0, body.pop().unwrap_or_default());
        if let Some(name) = body.last()
            && name.chars().count() <= 40
            && !name.contains(['，', '。', '；', '：'])
            && crate::clause::numbering::parse_marker(name).is_none()
        {
            part.issuer = Some(name.clone());
            closing.insert(0, body.pop().unwrap_or_default());
        }
    }
    closing.append(&mut part.closing);
    part.closing = closing;
}

/// Splits the paragraphs of a text into its metadata and parts.
pub fn split_parts(mut paras: Vec<String>) -> (Meta, Vec<Part>) {
    let mut meta = Meta::default();
    let mut title = paras.remove(0);
    paras.retain(|p| !meta_line(p, &mut meta));
    if let Some(open) = title.rfind(['（', '('])
        && title.ends_with("号）")
    {
        let inner_start = open + title[open..].chars().next().map_or(1, char::len_utf8);
        meta.doc_number = Some(title[inner_start..title.len() - '）'.len_utf8()].to_string());
        title.truncate(open);
    }
    // The 文号 on its own line, before the body.
    if let Some(i) = paras.iter().take(3).position(|p| is_doc_number(p)) {
        let n = paras.remove(i);
        meta.doc_number.get_or_insert(n);
    }

    // Attachments under their own headings (`附件1`, or `附件` alone) come
    // after a `附件：` list that stays with the notice.
    let headed =
        |p: &String| attachment_head(p).is_some_and(|(n, t)| n > 0 || (t.is_empty() && !p.contains(['：', ':'])));
    let first_head = paras.iter().position(headed);
    let mut parts = vec![Part::new(title)];
    let mut i = 0;
    let mut in_list = false;
    let mut expect_title = false;
    while i < paras.len() {
        let p = paras[i].clone();
        i += 1;
        let head = attachment_head(&p);
        let before_heads = first_head.is_some_and(|h| i - 1 < h);
        if let Some((_, t)) = head
            && before_heads
            && parts.len() == 1
        {
            // The 附件： list of the notice.
            in_list = !t.is_empty() || paras.get(i).is_some_and(|n| list_item(n).is_some());
            parts[0].closing.push(p);
            continue;
        }
        if in_list && list_item(&p).is_some() {
            parts[0].closing.push(p);
            continue;
        }
        in_list = false;
        match head {
            Some((_, "")) => expect_title = true,
            Some((_, t)) => parts.push(Part::new(t.to_string())),
            None if expect_title => {
                parts.push(Part::new(p));
                expect_title = false;
            }
            None => parts.last_mut().map_or((), |part| part.body.push(p)),
        }
    }
    for part in &mut parts {
        split_closing(part);
    }
    (meta, parts)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paras(s: &str) -> Vec<String> {
        s.lines().map(String::from).collect()
    }

    #[test]
    fn dates_and_numbers() {
        assert_eq!(chinese_date("二○○五年七月二十二日").as_deref(), Some("2005-07-22"));
        assert_eq!(date_line("2020年3月5日").as_deref(), Some("2020-03-05"));
        assert_eq!(date_line("二〇二〇年三月五日").as_deref(), Some("2020-03-05"));
        assert_eq!(date_line("2020年3月5日起施行"), None);
        assert!(is_doc_number("某政办发〔2020〕5号") && is_doc_number("工商党字[2005]25号"));
        assert!(!is_doc_number("现将有关事项通知如下（2020年第5号）"));
    }

    #[test]
    fn the_standard_layout_with_several_attachments() {
        let text = "关于印发两个文件的通知\n某政办发〔2020〕5号\n信息来源：某市政府网\n发布时间：2020-03-06\n各区：\n现将《工作方案》（以下简称《方案》）印发。\n附件：1.工作方案\n2.任务分工表\n某市人民政府办公厅\n2020年3月5日\n（此件公开发布）\n附件1\n工作方案\n一、目标\n附件2\n任务分工表\n一、分工";
        let (meta, parts) = split_parts(paras(text));
        assert_eq!(meta.doc_number.as_deref(), Some("某政办发〔2020〕5号"));
        assert_eq!((meta.date.as_deref(), meta.source.as_deref()), (Some("2020-03-06"), Some("某市政府网")));
        assert_eq!(parts.len(), 3);
        assert_eq!(parts[0].body, ["各区：", "现将《工作方案》（以下简称《方案》）印发。"]);
        assert_eq!(parts[0].issuer.as_deref(), Some("某市人民政府办公厅"));
        assert_eq!(parts[0].signed.as_deref(), Some("2020-03-05"));
        assert_eq!(
            parts[0].closing,
            ["某市人民政府办公厅", "2020年3月5日", "（此件公开发布）", "附件：1.工作方案", "2.任务分工表"]
        );
        assert_eq!((parts[1].title.as_str(), parts[1].body.as_slice()), ("工作方案", &["一、目标".to_string()][..]));
        assert_eq!(parts[2].title, "任务分工表");
    }

    #[test]
    fn signature_before_the_list_and_one_attachment() {
        let text =
            "关于某事的通知\n各单位：\n请执行。\n某局\n二〇二一年六月一日\n附件：实施细则\n附件\n实施细则\n一、总则";
        let (_, parts) = split_parts(paras(text));
        assert_eq!(parts.len(), 2);
        assert_eq!(parts[0].signed.as_deref(), Some("2021-06-01"));
        assert_eq!(parts[0].issuer.as_deref(), Some("某局"));
        assert_eq!(parts[1].title, "实施细则");
        assert_eq!(parts[1].body, ["一、总则"]);
    }
}
