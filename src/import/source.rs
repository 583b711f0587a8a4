//! Reading an input file of any supported format into plain text.
//!
//! Takes the bytes of a file, recognises its format from the content (a
//! zip archive holding `word/document.xml` is a Word document, markup that
//! opens with `<!DOCTYPE html>`, `<html` or holds a `<body` is a web page,
//! anything else is text in UTF-8 or GB18030/GBK) and gives back
//! [`Source`]: one paragraph per line, with the metadata the page gave.

use std::path::Path;

/// The format an input was recognised as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Plain text in UTF-8.
    Text,
    /// Plain text in GB18030 (which includes GBK and GB2312), converted.
    Gb18030,
    /// A Word document (`.docx`).
    Docx,
    /// A web page saved from a browser.
    Html,
}

/// Plain text read from an input file.
#[derive(Debug, Clone)]
pub struct Source {
    /// One paragraph per line; tables as Markdown table rows (`| a | b |`).
    pub text: String,
    /// What the input was.
    pub format: Format,
    /// Things the user should know about the conversion.
    pub notes: Vec<String>,
}

/// Reads `path` and converts it to plain text (see the module doc).
pub fn read_source(path: &Path) -> Result<Source, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    decode_source(&bytes, &path.display().to_string())
}

fn looks_like_html(text: &str) -> bool {
    let head: String = text.chars().take(2048).collect::<String>().to_ascii_lowercase();
    let start = head.trim_start_matches(['\u{feff}', ' ', '\t', '\r', '\n']);
    start.starts_with("<!doctype html") || start.starts_with("<html") || head.contains("<body")
}

/// The `charset` a page declares in its first bytes, lower case.
fn declared_charset(bytes: &[u8]) -> Option<String> {
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(4096)]).to_ascii_lowercase();
    let at = head.find("charset=")? + "charset=".len();
    let value: String = head[at..]
        .trim_start_matches(['"', '\''])
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect();
    (!value.is_empty()).then_some(value)
}

/// Text in UTF-8, or else GB18030 (GBK, GB2312); `None` when neither decodes cleanly.
fn decode_text(bytes: &[u8]) -> Option<(String, Format)> {
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Some((text.trim_start_matches('\u{feff}').to_string(), Format::Text));
    }
    let (text, had_errors) = encoding_rs::GB18030.decode_without_bom_handling(bytes);
    (!had_errors).then(|| (text.into_owned(), Format::Gb18030))
}

/// True when the bytes hold control characters that no text file has.
fn is_binary(bytes: &[u8]) -> bool {
    let sample = &bytes[..bytes.len().min(8192)];
    let controls = sample.iter().filter(|b| matches!(b, 0..=8 | 14..=26 | 28..=31)).count();
    sample.contains(&0) || controls * 100 > sample.len().max(1)
}

/// [`read_source`] for bytes already read; `name` is used in messages.
pub fn decode_source(bytes: &[u8], name: &str) -> Result<Source, String> {
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(format!("{name} is empty: there is no text to import"));
    }
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
        let text = super::docx::docx_text(bytes).map_err(|e| format!("{name} is not a readable Word document: {e}"))?;
        return Ok(Source { text, format: Format::Docx, notes: Vec::new() });
    }
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        return Err(format!(
            "{name} is an old Word document (.doc), which cannot be read: open it in Word or WPS and save it as .docx"
        ));
    }
    if is_binary(bytes) {
        return Err(format!("{name} is not a text file, a .docx or a web page: it holds binary data"));
    }
    let declared_gbk = declared_charset(bytes).is_some_and(|c| c.starts_with("gb"));
    let (text, format) = if declared_gbk {
        let (text, _) = encoding_rs::GB18030.decode_without_bom_handling(bytes);
        (text.into_owned(), Format::Gb18030)
    } else {
        decode_text(bytes)
            .ok_or_else(|| format!("{name} is neither UTF-8 nor GB18030/GBK text: convert it to UTF-8"))?
    };
    let mut notes = Vec::new();
    if format == Format::Gb18030 {
        notes.push(format!("{name} is GB18030/GBK text; it was converted to UTF-8"));
    }
    if looks_like_html(&text) {
        let text = super::html::page_text(&text);
        if text.trim().is_empty() {
            return Err(format!("{name} is a web page without article text"));
        }
        return Ok(Source { text, format: Format::Html, notes });
    }
    Ok(Source { text, format, notes })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_are_recognised_from_the_content() {
        assert_eq!(decode_source("第一条 内容".as_bytes(), "a").unwrap().format, Format::Text);
        let (gbk, _, _) = encoding_rs::GBK.encode("关于加强管理的通知\n第一条　为了规范管理。");
        let source = decode_source(&gbk, "a.txt").unwrap();
        assert_eq!(source.format, Format::Gb18030);
        assert!(source.text.contains("第一条　为了规范管理。"));
        assert!(source.notes[0].contains("GB18030"));
        let page = "<!DOCTYPE html><html><body><div id=\"zoom\"><p>第一条 内容。</p></div></body></html>";
        assert_eq!(decode_source(page.as_bytes(), "a.txt").unwrap().format, Format::Html);
    }

    #[test]
    fn bad_inputs_are_clear_errors() {
        assert!(decode_source(b"", "e.txt").unwrap_err().contains("e.txt is empty"));
        assert!(decode_source(b" \n", "e.txt").unwrap_err().contains("empty"));
        assert!(decode_source(b"\x00\x01\x02binary", "b.bin").unwrap_err().contains("b.bin is not a text file"));
        assert!(decode_source(b"PK\x03\x04broken", "c.docx").unwrap_err().contains("c.docx is not a readable Word"));
        assert!(decode_source(&[0xD0, 0xCF, 0x11, 0xE0, 1], "d.doc").unwrap_err().contains(".docx"));
        assert!(decode_source(&[0xff, 0xfe, 0xfd, 0x81, 0x20], "f.txt").unwrap_err().contains("neither UTF-8"));
    }
}
