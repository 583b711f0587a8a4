//! A first look at a whole body before its tree is built: the roles that
//! only the surrounding blocks reveal.
//!
//! Takes the blocks of a body, gives back one [`Role`] per block:
//!
//! * a table of contents in the body (a run of numbered part headings whose
//!   entries come again later as the text itself) is [`Role::Contents`];
//! * in a text with `第X条` articles, a line after the last article that opens
//!   a schedule (`附表一`, `附：`, `附录`, `附件二：…`) is [`Role::Schedule`];
//!   an unnumbered `附件：` that only lists attachments numbered further down
//!   (`附件1`, `附件2`) is [`Role::AnnexList`], with the list lines after it;
//! * after the last article, a title line naming another act
//!   (`……关于……的决定`) starts a new part: [`Role::NewPart`];
//! * in a text with articles, a short `一、` line followed by an article is a
//!   part heading ([`Role::PartHeading`]), not an item of the article before.

use super::numbering::{Marker, is_cn_numeral_char, parse_cn_numeral, parse_marker};
use crate::markdown::{Block, BlockKind};

/// What a block is, seen from the whole body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Nothing special: parsed from its own numbering.
    Normal,
    /// An entry (or the `目录` line) of a table of contents in the body.
    Contents,
    /// Opens a schedule or annex; the number, when the line gives one.
    Schedule(Option<u32>),
    /// The `附件：` line listing attachments numbered later, or one of its list lines.
    AnnexList,
    /// The title line of an appended act (a decision) that starts a new part.
    NewPart,
    /// A `一、` heading of a part of an article-numbered text.
    PartHeading,
}

/// True for a short line that reads as a title: no sentence punctuation.
pub fn is_title_like(text: &str) -> bool {
    let n = text.chars().count();
    n > 0 && n <= 40 && !text.contains(['。', '；', '：', ':', ';', '，', ',']) && !text.ends_with('、')
}

/// `附件`, `附表`, `附录` with an optional number, or `附`, followed by the
/// end of the line, a colon or a space: the start of a schedule. Gives the
/// number (if any) and the length in bytes of the marker as written.
pub fn schedule_start(text: &str) -> Option<(Option<u32>, usize)> {
    let rest = text.strip_prefix('附')?;
    let (rest, numbered) = match ["件", "表", "录"].iter().find_map(|w| rest.strip_prefix(w)) {
        Some(r) => (r, true),
        None => (rest, false),
    };
    let digits = rest.find(|c: char| !(is_cn_numeral_char(c) || c.is_ascii_digit())).unwrap_or(rest.len());
    let (num, after) = rest.split_at(if numbered { digits } else { 0 });
    let number = if num.is_empty() { None } else { Some(parse_cn_numeral(num).or_else(|| num.parse().ok())?) };
    let marker_end = text.len() - after.len();
    if after.is_empty() {
        return Some((number, marker_end));
    }
    if let Some(r) = after.strip_prefix(['：', ':']) {
        return Some((number, text.len() - r.len()));
    }
    if !numbered {
        return None;
    }
    after.starts_with(char::is_whitespace).then_some((number, marker_end))
}

fn is_article(block: &Block) -> bool {
    matches!(block.kind, BlockKind::Text | BlockKind::Heading(_))
        && matches!(parse_marker(&block.text), Some((Marker::Article(..), _)))
}

fn squeeze(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// A heading that a table of contents lists: `第X编/章/节/部分`, or a short `一、` line.
fn contents_entry(block: &Block) -> Option<Marker> {
    match parse_marker(&block.text)? {
        (m @ (Marker::Book(_) | Marker::SubBook(_) | Marker::Chapter(_) | Marker::Section(_) | Marker::Part(_)), _) => {
            Some(m)
        }
        (m @ Marker::CnEnum(_), rest) if is_title_like(rest) => Some(m),
        _ => None,
    }
}

fn same_level(a: Marker, b: Marker) -> bool {
    std::mem::discriminant(&a) == std::mem::discriminant(&b)
}

/// Marks the first table of contents before the first article: a run of at
/// least two entries, numbered upwards, one of which comes again later.
fn mark_contents(blocks: &[Block], roles: &mut [Role]) {
    let end = blocks.iter().position(is_article).unwrap_or(blocks.len());
    let mut i = 0;
    while i < end {
        let mut j = i;
        let mut last: Vec<Marker> = Vec::new();
        while j < end {
            let Some(m) = contents_entry(&blocks[j]) else { break };
            if last.iter().any(|l| same_level(*l, m) && l.number() >= m.number()) {
                break;
            }
            last.retain(|l| !same_level(*l, m));
            last.push(m);
            j += 1;
        }
        if j - i >= 2 {
            let entries: Vec<String> = blocks[i..j].iter().map(|b| squeeze(&b.text)).collect();
            let repeated = blocks[j..].iter().any(|b| entries.contains(&squeeze(&b.text)));
            if repeated {
                let start = if i > 0 && squeeze(&blocks[i - 1].text) == "目录" { i - 1 } else { i };
                roles[start..j].fill(Role::Contents);
                return;
            }
        }
        i = j.max(i + 1);
    }
}

/// True for the title line of an appended act: `……关于……的决定`.
fn is_act_title(text: &str) -> bool {
    let t = text.trim_end_matches(['》', '）', ')']);
    text.chars().count() <= 80
        && text.contains("关于")
        && (t.ends_with("决定") || t.ends_with("决议"))
        && !text.contains(['。', '；', '：', '，'])
}

/// The role of every block of `blocks`; `statute` says whether the body has articles.
pub fn survey(blocks: &[Block], statute: bool) -> Vec<Role> {
    let mut roles = vec![Role::Normal; blocks.len()];
    mark_contents(blocks, &mut roles);
    if !statute {
        return roles;
    }
    for i in 0..blocks.len() {
        if roles[i] != Role::Normal {
            continue;
        }
        if let Some((Marker::CnEnum(_), rest)) = parse_marker(&blocks[i].text)
            && is_title_like(rest)
            && blocks.get(i + 1).is_some_and(is_article)
        {
            roles[i] = Role::PartHeading;
        }
    }
    let Some(last) = blocks.iter().rposition(is_article) else { return roles };
    let mut i = last + 1;
    while i < blocks.len() {
        let block = &blocks[i];
        if !matches!(block.kind, BlockKind::Text | BlockKind::Heading(_)) {
            i += 1;
            continue;
        }
        if let Some((number, _)) = schedule_start(&block.text) {
            let later_numbered =
                blocks[i + 1..].iter().position(|b| schedule_start(&b.text).is_some_and(|s| s.0.is_some()));
            match (number, later_numbered) {
                (None, Some(k)) if block.text.starts_with("附件") => {
                    roles[i..=i + k].fill(Role::AnnexList);
                    i += k + 1;
                    continue;
                }
                _ => roles[i] = Role::Schedule(number),
            }
        } else if is_act_title(&block.text) {
            roles[i] = Role::NewPart;
        }
        i += 1;
    }
    roles
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markdown::split_blocks;

    fn roles(md: &str) -> Vec<(String, Role)> {
        let blocks = split_blocks(md, 1, true);
        let statute = blocks.iter().any(is_article);
        survey(&blocks, statute).into_iter().zip(blocks).map(|(r, b)| (b.text, r)).collect()
    }

    #[test]
    fn schedule_starts() {
        assert_eq!(schedule_start("附："), Some((None, "附：".len())));
        assert_eq!(schedule_start("附"), Some((None, "附".len())));
        assert_eq!(schedule_start("附录"), Some((None, "附录".len())));
        assert_eq!(schedule_start("附表一"), Some((Some(1), "附表一".len())));
        assert_eq!(schedule_start("附件2：规程"), Some((Some(2), "附件2：".len())));
        assert_eq!(schedule_start("附件一 符号"), Some((Some(1), "附件一".len())));
        assert_eq!(schedule_start("附则"), None);
        assert_eq!(schedule_start("附件的内容"), None);
        assert_eq!(schedule_start("附表所列"), None);
        assert_eq!(schedule_start("附 则"), None);
    }

    #[test]
    fn a_table_of_contents_is_found_by_its_repeated_entries() {
        let md = "目录\n\n第二章 管理\n\n第三章 附则\n\n第一章 总则\n\n第一条 甲。\n\n第二章 管理\n\n第二条 乙。\n\n第三章 附则\n\n第三条 丙。\n";
        let r = roles(md);
        let contents: Vec<&str> = r.iter().filter(|(_, r)| *r == Role::Contents).map(|(t, _)| t.as_str()).collect();
        assert_eq!(contents, ["目录", "第二章 管理", "第三章 附则"]);
        // A run of headings that never comes again is not a table of contents.
        let md = "第一编 总则\n\n第一章 任务\n\n第一条 甲。\n";
        assert!(roles(md).iter().all(|(_, r)| *r == Role::Normal));
    }

    #[test]
    fn schedules_lists_and_appended_acts_after_the_last_article() {
        let md = "第一条 甲。\n\n一、总则\n\n第二条 乙。\n\n附件：1.表一\n\n2.表二\n\n附件1\n\n一、内容\n\n附表\n\n全国人民代表大会常务委员会关于修改某法的决定\n\n一、删去。\n";
        let r: Vec<Role> = roles(md).into_iter().map(|(_, r)| r).collect();
        use Role::*;
        assert_eq!(
            r,
            [
                Normal,
                PartHeading,
                Normal,
                AnnexList,
                AnnexList,
                Schedule(Some(1)),
                Normal,
                Schedule(None),
                NewPart,
                Normal
            ]
        );
    }
}
