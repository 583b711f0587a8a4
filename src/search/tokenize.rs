//! The search tokenizer, shared in meaning with `static/search.js`.
//!
//! Takes any text; gives the tokens the index stores and a query looks up.
//! Text is first normalised character by character (full-width ASCII to
//! ASCII, ASCII letters to lower case), then cut into runs of one class:
//! Han characters, ASCII digits, ASCII letters; everything else separates.
//!
//! Spaces between Han characters do not break their run (`总 则` is `总则`).
//!
//! * a Han run gives its overlapping character bigrams; the index also
//!   stores every single character, a query asks for the single character
//!   only when its run is one character long;
//! * a digit run or a letter run is one token (at most [`MAX_WORD`] characters).
//!
//! The browser implements the very same rules (`tokens` in `search.js`); the
//! parity test in `tests/search.rs` runs both on the same strings.

/// Longest digit or letter token; longer runs are cut.
pub const MAX_WORD: usize = 24;
/// Longest prefix of a digit or letter token that the index stores.
pub const MAX_PREFIX: usize = 12;

/// The class of a normalised character.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    /// A Han (CJK ideograph) character, `〇` included.
    Han,
    /// An ASCII digit.
    Digit,
    /// An ASCII letter (lower case after normalising).
    Latin,
    /// Anything else: a separator.
    Other,
}

/// Whether a token set is for the index or for a query.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Bigrams and every single Han character.
    Index,
    /// Bigrams, and a single Han character only when it stands alone.
    Query,
}

/// Full-width ASCII (`１２３`, `ＡＢＣ`) to ASCII, ASCII letters to lower case.
pub fn normalize_char(c: char) -> char {
    match c as u32 {
        0..=0x7F => c.to_ascii_lowercase(),
        0xFF01..=0xFF5E => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c).to_ascii_lowercase(),
        // Han text, nearly everything indexed, passes with two comparisons.
        _ => c,
    }
}

/// The class of an already normalised character.
pub fn class(c: char) -> Class {
    match c as u32 {
        // The common block first: most characters indexed are in it.
        0x4E00..=0x9FFF => Class::Han,
        0x30..=0x39 => Class::Digit,
        0x61..=0x7A => Class::Latin,
        0x3007 | 0x3400..=0x4DBF | 0xF900..=0xFAFF | 0x20000..=0x2FFFF => Class::Han,
        _ => Class::Other,
    }
}

/// The spaces that do not break a run of Han characters.
pub fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r' | '\u{a0}' | '\u{3000}')
}

/// Calls `f(class, c, starts_run)` for every token character of `text`
/// (normalised), separators dropped; `starts_run` marks the first character
/// of each run of one class.
fn scan(text: &str, mut f: impl FnMut(Class, char, bool)) {
    let mut last = Class::Other;
    let mut run = Class::Other;
    for c in text.chars().map(normalize_char) {
        let k = class(c);
        if k == Class::Other {
            // Spaces inside Han text are layout (`总 则`), not word breaks.
            if !(last == Class::Han && is_space(c)) {
                last = k;
            }
            continue;
        }
        f(k, c, !(run == k && last == k));
        run = k;
        last = k;
    }
}

/// The runs of one class in `text` (normalised), separators dropped.
pub fn runs(text: &str) -> Vec<(Class, Vec<char>)> {
    let mut out: Vec<(Class, Vec<char>)> = Vec::new();
    scan(text, |k, c, starts| match out.last_mut() {
        Some((_, run)) if !starts => run.push(c),
        _ => out.push((k, vec![c])),
    });
    out
}

/// The tokens of `text`, in order, repeats kept.
pub fn tokens(text: &str, mode: Mode) -> Vec<String> {
    let mut out = Vec::new();
    for (k, run) in runs(text) {
        match k {
            Class::Han => {
                if run.len() == 1 || mode == Mode::Index {
                    out.extend(run.iter().map(char::to_string));
                }
                out.extend(run.windows(2).map(|w| w.iter().collect::<String>()));
            }
            _ => out.push(run.iter().take(MAX_WORD).collect()),
        }
    }
    out
}

/// The shard a token lives in: FNV-1a over the token's code points.
pub fn shard_of(token: &str, shards: u32) -> u32 {
    let mut hash: u32 = 0x811c_9dc5;
    for c in token.chars() {
        hash ^= c as u32;
        hash = hash.wrapping_mul(0x0100_0193);
    }
    hash % shards.max(1)
}

/// The prefixes (two characters or more, shorter than the word, at most
/// [`MAX_PREFIX`] long) the index also stores for a digit or letter token,
/// so that `123` finds `12315` without a vocabulary in the browser.
pub fn prefixes(token: &str) -> impl Iterator<Item = &str> {
    let word = token.bytes().all(|b| b.is_ascii_alphanumeric());
    let end = if word { token.len().min(MAX_PREFIX + 1) } else { 0 };
    (2..end).map(move |k| &token[..k])
}

/// What a [`Key`] holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyKind {
    /// One Han character: its code point.
    Single(u32),
    /// A Han bigram: the two code points, 21 bits each.
    Pair(u64),
    /// A digit or letter word, or a prefix of one.
    Word,
}

/// A token packed into two words, so the index builder files postings
/// without allocating a string per token. Ordered like the numbers it holds;
/// [`Key::text`] gives the token back.
///
/// The top two bits say what it is: 1, one Han character; 2, a Han bigram
/// (21 bits a character); 3, a digit or letter word of at most [`MAX_WORD`]
/// characters, written in base 37 (0 pads, 1–10 digits, 11–36 letters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Key {
    high: u64,
    low: u64,
}

const HAN_ONE: u128 = 1 << 126;
const HAN_TWO: u128 = 2 << 126;
const WORD: u128 = 3 << 126;
const TAG: u128 = 3 << 126;
/// Places of a word key: one for every character of the longest word.
const PLACES: usize = MAX_WORD;

/// 37 to the power of each place of a word key, highest place first.
const fn place_values() -> [u128; PLACES] {
    let mut out = [0u128; PLACES];
    let mut i = PLACES;
    let mut value = 1u128;
    while i > 0 {
        i -= 1;
        out[i] = value;
        value *= 37;
    }
    out
}
const PLACE_VALUES: [u128; PLACES] = place_values();

impl Key {
    fn from_u128(value: u128) -> Key {
        Key { high: (value >> 64) as u64, low: value as u64 }
    }

    fn value(self) -> u128 {
        ((self.high as u128) << 64) | self.low as u128
    }

    fn han(c: char) -> Key {
        Key::single(c as u32)
    }

    fn bigram(a: char, b: char) -> Key {
        Key::pair(((a as u64) << 21) | b as u64)
    }

    /// What the key holds, for tables that file the common kinds apart.
    pub fn kind(self) -> KeyKind {
        match self.high >> 62 {
            1 => KeyKind::Single(self.low as u32),
            2 => KeyKind::Pair(self.low),
            _ => KeyKind::Word,
        }
    }

    /// The key of a single Han character given by code point.
    pub fn single(code: u32) -> Key {
        Key::from_u128(HAN_ONE | code as u128)
    }

    /// The key of a Han bigram given by [`KeyKind::Pair`]'s bits.
    pub fn pair(bits: u64) -> Key {
        Key::from_u128(HAN_TWO | bits as u128)
    }

    /// A well-mixed hash of the key (for partitioning work, not for output).
    pub fn mix(self) -> u64 {
        (self.high ^ self.low.rotate_left(29)).wrapping_mul(0x9e37_79b9_7f4a_7c15)
    }

    /// The token as text.
    pub fn text(self) -> String {
        let value = self.value();
        let char_at = |v: u128| char::from_u32((v & 0x1f_ffff) as u32).unwrap_or('\u{fffd}');
        match value & TAG {
            HAN_ONE => char_at(value).to_string(),
            HAN_TWO => [char_at(value >> 21), char_at(value)].iter().collect(),
            _ => {
                let mut rest = value & !TAG;
                let mut out = String::new();
                for place in PLACE_VALUES {
                    let digit = (rest / place) as u8;
                    rest %= place;
                    match digit {
                        0 => break,
                        1..=10 => out.push((b'0' + digit - 1) as char),
                        _ => out.push((b'a' + digit - 11) as char),
                    }
                }
                out
            }
        }
    }
}

fn word_digit(c: char) -> u128 {
    if c.is_ascii_digit() { c as u128 - '0' as u128 + 1 } else { c as u128 - 'a' as u128 + 11 }
}

/// The tokens [`tokens`] gives in [`Mode::Index`], as keys, with the
/// [`prefixes`] of every word: `emit(key, is_prefix)`. Nothing is allocated.
pub fn index_keys(text: &str, mut emit: impl FnMut(Key, bool)) {
    // The run being read: its class, the previous Han character, and for a
    // word its key so far and its length.
    let mut run = Class::Other;
    let mut previous_han: Option<char> = None;
    let mut word: u128 = 0;
    let mut word_len = 0usize;
    let end_word = |word: u128, len: usize, emit: &mut dyn FnMut(Key, bool)| {
        if len == 0 {
            return;
        }
        let kept = len.min(MAX_WORD);
        // Prefixes: two characters or more, shorter than the word, at most MAX_PREFIX.
        let mut prefix = WORD;
        for (i, place) in PLACE_VALUES.iter().enumerate().take(kept.min(MAX_PREFIX + 1) - 1) {
            prefix += (word / place % 37) * place;
            if i >= 1 {
                emit(Key::from_u128(prefix), true);
            }
        }
        emit(Key::from_u128(WORD | word), false);
    };
    scan(text, |k, c, starts| {
        if starts {
            if run != Class::Han {
                end_word(word, word_len, &mut emit);
            }
            word = 0;
            word_len = 0;
            previous_han = None;
            run = k;
        }
        if k == Class::Han {
            emit(Key::han(c), false);
            if let Some(p) = previous_han {
                emit(Key::bigram(p, c), false);
            }
            previous_han = Some(c);
        } else {
            if word_len < MAX_WORD {
                word += word_digit(c) * PLACE_VALUES[word_len];
            }
            word_len += 1;
        }
    });
    if run != Class::Han {
        end_word(word, word_len, &mut emit);
    }
}

/// How many of the tokens [`index_keys`] gives for `text` count towards an
/// entry's length: Han bigrams and whole words (single Han characters and
/// prefixes do not). Counted without making the keys.
pub fn counted_tokens(text: &str) -> usize {
    let mut count = 0;
    scan(text, |k, _, starts| {
        // A word counts once, at its start; a Han character that does not
        // start its run closes one bigram.
        if starts != (k == Class::Han) {
            count += 1;
        }
    });
    count
}

/// Text reduced to its token characters (separators removed), normalised: the
/// form in which exact phrases are compared.
pub fn compact(text: &str) -> String {
    text.chars().map(normalize_char).filter(|&c| class(c) != Class::Other).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(text: &str) -> Vec<String> {
        tokens(text, Mode::Query)
    }

    #[test]
    fn han_bigrams_and_singles() {
        assert_eq!(q("工商行政"), ["工商", "商行", "行政"]);
        assert_eq!(q("法"), ["法"]);
        assert_eq!(q("总 则"), ["总则"]);
        assert_eq!(q("法 12"), ["法", "12"]);
        assert_eq!(tokens("工商", Mode::Index), ["工", "商", "工商"]);
        assert_eq!(q("《行政许可法》"), q("行政许可法"));
    }

    #[test]
    fn numbers_and_words() {
        assert_eq!(q("12315热线"), ["12315", "热线"]);
        assert_eq!(q("２００６年"), ["2006", "年"]);
        assert_eq!(q("GB2760 Pagefind"), ["gb", "2760", "pagefind"]);
        assert_eq!(q(&"9".repeat(40)).first().map(String::len), Some(MAX_WORD));
    }

    #[test]
    fn separators_only() {
        assert!(q("，。！？《》 <script>").iter().all(|t| t == "script"));
        assert!(q("——……").is_empty());
        assert_eq!(compact("《行政 许可法》第20条"), "行政许可法第20条");
    }

    /// The keyed tokenizer gives exactly the tokens and prefixes of the
    /// string one, as multisets.
    #[test]
    fn keys_match_tokens() {
        let samples = [
            "工商行政管理机关",
            "总 则 第一条",
            "12315热线，ＧＢ２７６０ pagefind",
            "a",
            "ab",
            "法",
            "第20条第（三）项",
            "",
            "——",
            "x1y2 z",
            "abcdefghijklmnopqrstuvwxyz0123456789",
            "999999999999999999999999999999 工商",
            "行政 许可 a 法",
        ];
        for text in samples {
            let mut expected: Vec<(String, bool)> = Vec::new();
            for token in tokens(text, Mode::Index) {
                expected.extend(prefixes(&token).map(|p| (p.to_string(), true)));
                expected.push((token, false));
            }
            let mut got: Vec<(String, bool)> = Vec::new();
            index_keys(text, |key, prefix| got.push((key.text(), prefix)));
            let counted = got
                .iter()
                .filter(|(t, prefix)| !(*prefix || t.chars().count() == 1 && runs(t)[0].0 == Class::Han))
                .count();
            assert_eq!(counted_tokens(text), counted, "{text:?}");
            expected.sort();
            got.sort();
            assert_eq!(got, expected, "{text}");
        }
        let mut singles = 0;
        index_keys("工商", |key, _| singles += usize::from(matches!(key.kind(), KeyKind::Single(_))));
        assert_eq!(singles, 2);
    }

    #[test]
    fn shards_and_prefixes() {
        assert_eq!(shard_of("x", 1), 0);
        assert!(shard_of("工商", 4096) < 4096);
        assert_eq!(prefixes("12315").collect::<Vec<_>>(), ["12", "123", "1231"]);
        assert_eq!(prefixes("工商").count(), 0);
        assert_eq!(prefixes("7").count(), 0);
    }
}
