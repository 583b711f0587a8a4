//! Quotations that span paragraphs: the new wording an amending item quotes
//! (`将第十二条修改为：“…`). In Chinese typesetting such a quotation opens
//! with `“`, every further paragraph may open with `“` again, and only the
//! last one closes with `”`; numbers inside it belong to the quoted text.
//!
//! Pure functions over one paragraph's text; the tree builder keeps the depth.

/// How many more `“` than `”` the paragraph has. A paragraph that continues
/// an open quotation may start with `“` without opening a new one.
pub fn balance(text: &str, continuing: bool) -> i32 {
    let text = if continuing { text.strip_prefix('“').unwrap_or(text) } else { text };
    let opens = text.matches('“').count() as i32;
    let closes = text.matches('”').count() as i32;
    opens - closes
}

/// The depth of the quotation this paragraph leaves open: positive when it
/// quotes new wording that goes on in the next paragraphs. Only a quotation
/// announced by a colon counts (`修改为：“…`, or a paragraph starting with
/// `“` after one ending with `：`), so a stray quotation mark elsewhere never
/// swallows the text after it.
pub fn opens(text: &str, after_colon: bool) -> i32 {
    let announced = text.contains("：“") || text.contains(":“") || (after_colon && text.starts_with('“'));
    if announced { balance(text, false).max(0) } else { 0 }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotations_open_and_close() {
        assert_eq!(opens("一、将第二条修改为：“人民法院受理下列案件：", false), 1);
        assert_eq!(opens("“人民法院受理下列案件：", true), 1);
        assert_eq!(opens("“人民法院受理下列案件：", false), 0);
        assert_eq!(opens("三、增加一条：“恶意透支的。”", false), 0);
        assert_eq!(opens("他说“好", false), 0);
        assert_eq!(balance("“（一）明知的；", true), 0);
        assert_eq!(balance("25.其他案件。”", true), -1);
        assert_eq!(balance("“第八条”调整为“第七条”", false), 0);
    }
}
