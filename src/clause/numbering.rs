//! Numbering markers at the start of a paragraph: `一、`, `（一）`, `1.`, `（1）`,
//! `第X编`, `第X分编`, `第X章`, `第X节`, `第X条`, `第X条之一`, `附件一`.
//!
//! Takes one line of text, gives back the marker it starts with (if any) and the
//! rest of the line. Pure functions, no knowledge of the surrounding document.

/// A numbering marker found at the start of a paragraph.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Marker {
    /// `第X编` (book of a code).
    Book(u32),
    /// `第X分编` (sub-book).
    SubBook(u32),
    /// `第X章` (chapter).
    Chapter(u32),
    /// `第X节` (section of a chapter).
    Section(u32),
    /// `第X条` or `第X条之Y` (article; `Y` is 0 for a plain article).
    Article(u32, u32),
    /// `一、` (Chinese numeral followed by the enumeration comma).
    CnEnum(u32),
    /// `（一）` or `(一)`.
    CnParen(u32),
    /// `1.` `1、` `1．` followed by text (not a decimal like `4.1`).
    Arabic(u32),
    /// `（1）` or `(1)`.
    ArabicParen(u32),
    /// `附件`, `附件一`, `附件2` at the start of a line (an annex to a law).
    Annex(u32),
    /// `第X部分` (a part of an annex or a long document).
    Part(u32),
}

impl Marker {
    /// The number the marker carries (the main number for `第X条之Y`).
    pub fn number(self) -> u32 {
        match self {
            Marker::Book(n)
            | Marker::SubBook(n)
            | Marker::Chapter(n)
            | Marker::Section(n)
            | Marker::Article(n, _)
            | Marker::CnEnum(n)
            | Marker::CnParen(n)
            | Marker::Arabic(n)
            | Marker::ArabicParen(n)
            | Marker::Annex(n)
            | Marker::Part(n) => n,
        }
    }

    /// True for the structural markers of statutes (编, 分编, 章, 节, 条).
    pub fn is_statute_structure(self) -> bool {
        matches!(
            self,
            Marker::Book(_) | Marker::SubBook(_) | Marker::Chapter(_) | Marker::Section(_) | Marker::Article(..)
        )
    }
}

/// Value of one Chinese numeral character, or `None`.
fn digit_value(c: char) -> Option<u32> {
    Some(match c {
        '〇' | '零' | '○' | 'O' => 0,
        '一' | '壹' => 1,
        '二' | '两' | '贰' => 2,
        '三' | '叁' => 3,
        '四' | '肆' => 4,
        '五' | '伍' => 5,
        '六' | '陆' => 6,
        '七' | '柒' => 7,
        '八' | '捌' => 8,
        '九' | '玖' => 9,
        _ => return None,
    })
}

fn unit_value(c: char) -> Option<u32> {
    Some(match c {
        '十' | '拾' => 10,
        '百' | '佰' => 100,
        '千' | '仟' => 1000,
        '万' => 10000,
        _ => return None,
    })
}

/// True if `c` can be part of a Chinese numeral.
pub fn is_cn_numeral_char(c: char) -> bool {
    digit_value(c).is_some() || unit_value(c).is_some()
}

/// Parses a Chinese numeral such as `一千二百六十`, `十一`, `一百零一`, or a
/// digit-by-digit numeral such as `二○○五`. Returns `None` for an empty or
/// malformed numeral.
pub fn parse_cn_numeral(s: &str) -> Option<u32> {
    if s.is_empty() {
        return None;
    }
    let chars: Vec<char> = s.chars().collect();
    if chars.iter().all(|c| digit_value(*c).is_some()) {
        // Either a single digit or a digit-by-digit numeral (years: 二○○五).
        let mut n: u32 = 0;
        for c in &chars {
            n = n.checked_mul(10)?.checked_add(digit_value(*c)?)?;
        }
        return Some(n);
    }
    let mut total: u32 = 0;
    let mut section: u32 = 0;
    let mut pending: Option<u32> = None;
    for c in chars {
        if let Some(d) = digit_value(c) {
            if pending.is_some() && d != 0 {
                return None; // two digits in a row inside a unit numeral
            }
            pending = if d == 0 { None } else { Some(d) };
        } else if let Some(u) = unit_value(c) {
            if u == 10000 {
                section += pending.take().unwrap_or(0);
                total = total.checked_add(section.checked_mul(u)?)?;
                section = 0;
            } else {
                let d = pending.take().unwrap_or(1);
                section = section.checked_add(d.checked_mul(u)?)?;
            }
        } else {
            return None;
        }
    }
    section += pending.unwrap_or(0);
    total.checked_add(section)
}

/// Formats `n` as a Chinese numeral (`20` → `二十`, `101` → `一百零一`).
pub fn format_cn_numeral(n: u32) -> String {
    const DIGITS: [char; 10] = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九'];
    if n == 0 {
        return "零".to_string();
    }
    if n < 10 {
        return DIGITS[n as usize].to_string();
    }
    if n < 20 {
        let mut s = "十".to_string();
        if n > 10 {
            s.push(DIGITS[(n - 10) as usize]);
        }
        return s;
    }
    let units = [(1000, '千'), (100, '百'), (10, '十')];
    let mut s = String::new();
    let mut rest = n;
    let mut need_zero = false;
    if rest >= 10000 {
        s.push_str(&format_cn_numeral(rest / 10000));
        s.push('万');
        rest %= 10000;
        need_zero = rest > 0 && rest < 1000;
    }
    for (value, name) in units {
        let d = rest / value;
        if d > 0 {
            if need_zero {
                s.push('零');
                need_zero = false;
            }
            s.push(DIGITS[d as usize]);
            s.push(name);
            rest %= value;
        } else if !s.is_empty() && rest > 0 {
            need_zero = true;
        }
    }
    if rest > 0 {
        if need_zero {
            s.push('零');
        }
        s.push(DIGITS[rest as usize]);
    }
    s
}

/// Splits a leading run of characters accepted by `accept`.
fn take_while(s: &str, accept: impl Fn(char) -> bool) -> (&str, &str) {
    let end = s.char_indices().find(|(_, c)| !accept(*c)).map(|(i, _)| i).unwrap_or(s.len());
    s.split_at(end)
}

/// Skips the separator after a structural marker: any whitespace (ASCII,
/// U+3000, NBSP, the en spaces of some scraped texts).
fn skip_separator(s: &str) -> Option<&str> {
    let trimmed = s.trim_start_matches(char::is_whitespace);
    if trimmed.len() == s.len() && !s.is_empty() { None } else { Some(trimmed) }
}

/// Parses `第X编 …`, `第X条 …` and friends. The marker must be followed by a
/// space (ASCII, U+3000 or NBSP) or the end of the line, so a sentence that merely
/// starts with `第三十一条的决定` is not an article.
fn parse_di(s: &str) -> Option<(Marker, &str)> {
    let rest = s.strip_prefix('第')?;
    let (num, rest) = take_while(rest, is_cn_numeral_char);
    let (num, rest) = if num.is_empty() { take_while(rest, |c| c.is_ascii_digit()) } else { (num, rest) };
    let n = parse_cn_numeral(num).or_else(|| num.parse().ok())?;
    let (marker, rest) = if let Some(r) = rest.strip_prefix("部分") {
        (Marker::Part(n), r)
    } else if let Some(r) = rest.strip_prefix("分编") {
        (Marker::SubBook(n), r)
    } else if let Some(r) = rest.strip_prefix('编') {
        (Marker::Book(n), r)
    } else if let Some(r) = rest.strip_prefix('章') {
        (Marker::Chapter(n), r)
    } else if let Some(r) = rest.strip_prefix('节') {
        (Marker::Section(n), r)
    } else if let Some(r) = rest.strip_prefix('条') {
        if let Some(r2) = r.strip_prefix('之') {
            let (sub, r3) = take_while(r2, is_cn_numeral_char);
            (Marker::Article(n, parse_cn_numeral(sub)?), r3)
        } else {
            (Marker::Article(n, 0), r)
        }
    } else {
        return None;
    };
    if rest.is_empty() {
        return Some((marker, rest));
    }
    skip_separator(rest).map(|r| (marker, r))
}

/// Parses `（一）`, `(一)`, `（1）`, `(1)`.
fn parse_paren(s: &str) -> Option<(Marker, &str)> {
    let rest = s.strip_prefix('（').or_else(|| s.strip_prefix('('))?;
    let (num, rest) = take_while(rest, |c| is_cn_numeral_char(c) || c.is_ascii_digit());
    let rest = rest.strip_prefix('）').or_else(|| rest.strip_prefix(')'))?;
    let marker = if num.chars().all(|c| c.is_ascii_digit()) {
        Marker::ArabicParen(num.parse().ok()?)
    } else {
        Marker::CnParen(clause_number(num)?)
    };
    Some((marker, rest.trim_start_matches(char::is_whitespace)))
}

/// The value of a numeral used as a clause number: written the usual way
/// (`十一`, `二十`, `一百零一`, also `一十一` and `〇` for `零`) and not zero.
/// `十十`, `二二` or `〇` are no clause numbers: see [`malformed_number`].
fn clause_number(numeral: &str) -> Option<u32> {
    let n = parse_cn_numeral(numeral)?;
    let usual: String = numeral.chars().map(|c| if matches!(c, '〇' | '○') { '零' } else { c }).collect();
    let written = format_cn_numeral(n);
    let same = usual == written || usual.strip_prefix('一').is_some_and(|rest| rest == written);
    (n > 0 && (same || numeral.chars().count() == 1)).then_some(n)
}

/// The start of `line` when it is written like a clause number but is not
/// one (`十十、`, `0.`, `（〇）`, `零、`): the parser reads such a line as
/// text, and this names what to report.
pub fn malformed_number(line: &str) -> Option<&str> {
    let line = line.trim_start_matches(char::is_whitespace);
    if parse_marker(line).is_some() {
        return None;
    }
    let numeral = |c: char| is_cn_numeral_char(c) || c.is_ascii_digit();
    let (open, rest) = match line.strip_prefix(['（', '(']) {
        Some(rest) => (line.len() - rest.len(), rest),
        None => (0, line),
    };
    let (num, after) = take_while(rest, numeral);
    if num.is_empty() || num.chars().count() > 6 {
        return None;
    }
    let closes = if open > 0 {
        after.starts_with(['）', ')'])
    } else if num.chars().all(|c| c.is_ascii_digit()) {
        after.starts_with(['.', '、', '．'])
            && !after[after.chars().next()?.len_utf8()..].starts_with(|c: char| c.is_ascii_digit())
    } else {
        after.starts_with('、')
    };
    let end = line.len() - after.len() + after.chars().next().map_or(0, char::len_utf8);
    closes.then(|| &line[..end])
}

/// Parses `1.`, `1、`, `1．` (not `4.1.1`, not `2005年`).
fn parse_arabic(s: &str) -> Option<(Marker, &str)> {
    let (num, rest) = take_while(s, |c| c.is_ascii_digit());
    if num.is_empty() || num.len() > 3 {
        return None;
    }
    let rest = rest.strip_prefix('.').or_else(|| rest.strip_prefix('、')).or_else(|| rest.strip_prefix('．'))?;
    if rest.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    let n: u32 = num.parse().ok()?;
    (n > 0).then_some((Marker::Arabic(n), rest.trim_start_matches(char::is_whitespace)))
}

/// Parses `一、`.
fn parse_cn_enum(s: &str) -> Option<(Marker, &str)> {
    let (num, rest) = take_while(s, is_cn_numeral_char);
    let rest = rest.strip_prefix('、')?;
    Some((Marker::CnEnum(clause_number(num)?), rest))
}

/// Parses `附件`, `附件一`, `附件2`, followed by a colon, a space or the end.
fn parse_annex(s: &str) -> Option<(Marker, &str)> {
    let rest = s.strip_prefix("附件")?;
    let (num, rest) = take_while(rest, |c| is_cn_numeral_char(c) || c.is_ascii_digit());
    let n = if num.is_empty() { 1 } else { parse_cn_numeral(num).or_else(|| num.parse().ok())? };
    let rest = if rest.is_empty() {
        rest
    } else if let Some(r) = rest.strip_prefix('：').or_else(|| rest.strip_prefix(':')) {
        r.trim_start()
    } else {
        skip_separator(rest)?
    };
    Some((Marker::Annex(n), rest))
}

/// Finds the numbering marker at the start of `line`, returning it with the
/// text after it. Leading whitespace is ignored.
pub fn parse_marker(line: &str) -> Option<(Marker, &str)> {
    let line = line.trim_start_matches(char::is_whitespace);
    let first = line.chars().next()?;
    match first {
        '第' => parse_di(line),
        '（' | '(' => parse_paren(line),
        '0'..='9' => parse_arabic(line),
        '附' => parse_annex(line),
        c if is_cn_numeral_char(c) => parse_cn_enum(line),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn malformed_numbers_are_named() {
        assert_eq!(malformed_number("十十、内容"), Some("十十、"));
        assert_eq!(malformed_number("0. 内容"), Some("0."));
        assert_eq!(malformed_number("（〇）内容"), Some("（〇）"));
        assert_eq!(malformed_number("零、内容"), Some("零、"));
        for fine in [
            "十一、内容",
            "（二十）内容",
            "1. 内容",
            "一百零一、x",
            "一十一、x",
            "4.1.1 节",
            "2005年",
            "三（三）4",
            "普通文字",
        ] {
            assert_eq!(malformed_number(fine), None, "{fine}");
        }
        assert!(parse_marker("一十一、x").is_some() && parse_marker("（一百〇一）x").is_some());
    }

    #[test]
    fn chinese_numerals() {
        assert_eq!(parse_cn_numeral("一"), Some(1));
        assert_eq!(parse_cn_numeral("十"), Some(10));
        assert_eq!(parse_cn_numeral("十一"), Some(11));
        assert_eq!(parse_cn_numeral("二十"), Some(20));
        assert_eq!(parse_cn_numeral("一百零一"), Some(101));
        assert_eq!(parse_cn_numeral("一千二百六十"), Some(1260));
        assert_eq!(parse_cn_numeral("二○○五"), Some(2005));
        assert_eq!(parse_cn_numeral("两百"), Some(200));
        assert_eq!(parse_cn_numeral(""), None);
        assert_eq!(parse_cn_numeral("一二十"), None);
        for n in [1, 9, 10, 11, 19, 20, 21, 99, 100, 101, 110, 111, 1000, 1001, 1010, 1260] {
            assert_eq!(parse_cn_numeral(&format_cn_numeral(n)), Some(n), "{n}");
        }
        assert_eq!(format_cn_numeral(101), "一百零一");
        assert_eq!(format_cn_numeral(1260), "一千二百六十");
    }

    #[test]
    fn directive_markers_full_and_half_width() {
        assert_eq!(parse_marker("一、总体要求"), Some((Marker::CnEnum(1), "总体要求")));
        assert_eq!(parse_marker("（三）工作目标"), Some((Marker::CnParen(3), "工作目标")));
        assert_eq!(parse_marker("(三)工作目标"), Some((Marker::CnParen(3), "工作目标")));
        assert_eq!(parse_marker("1.坚持"), Some((Marker::Arabic(1), "坚持")));
        assert_eq!(parse_marker("2、坚持"), Some((Marker::Arabic(2), "坚持")));
        assert_eq!(parse_marker("3．坚持"), Some((Marker::Arabic(3), "坚持")));
        assert_eq!(parse_marker("12. 坚持"), Some((Marker::Arabic(12), "坚持")));
        assert_eq!(parse_marker("（1）积极"), Some((Marker::ArabicParen(1), "积极")));
        assert_eq!(parse_marker("(2)积极"), Some((Marker::ArabicParen(2), "积极")));
    }

    #[test]
    fn not_markers() {
        assert_eq!(parse_marker("2005年至2007年，形成"), None);
        assert_eq!(parse_marker("4.1.1 重伤"), None);
        assert_eq!(parse_marker("12315"), None);
        assert_eq!(parse_marker("第三十一条的决定》第一次修正"), None);
        assert_eq!(parse_marker("一些工作"), None);
        assert_eq!(parse_marker("附件的内容"), None);
        assert_eq!(parse_marker("（以下简称）"), None);
        assert_eq!(parse_marker(""), None);
    }

    #[test]
    fn statute_markers() {
        assert_eq!(parse_marker("第一编 总则"), Some((Marker::Book(1), "总则")));
        assert_eq!(parse_marker("第一分编 通则"), Some((Marker::SubBook(1), "通则")));
        assert_eq!(parse_marker("第一章 总 则"), Some((Marker::Chapter(1), "总 则")));
        assert_eq!(parse_marker("第一章　总则"), Some((Marker::Chapter(1), "总则")));
        assert_eq!(parse_marker("第二节 管制"), Some((Marker::Section(2), "管制")));
        assert_eq!(parse_marker("第二十条 为了"), Some((Marker::Article(20, 0), "为了")));
        assert_eq!(parse_marker("第一百三十三条之一 在道路上"), Some((Marker::Article(133, 1), "在道路上")));
        assert_eq!(parse_marker("第一百条　建设单位"), Some((Marker::Article(100, 0), "建设单位")));
        assert_eq!(parse_marker("第5条 x"), Some((Marker::Article(5, 0), "x")));
        assert_eq!(parse_marker("附件一"), Some((Marker::Annex(1), "")));
        assert_eq!(parse_marker("第二部分"), Some((Marker::Part(2), "")));
        assert_eq!(parse_marker("附件二：名单"), Some((Marker::Annex(2), "名单")));
    }
}
