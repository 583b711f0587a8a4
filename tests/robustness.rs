//! No input makes shiyi panic: sites made of random fragments of the syntax
//! it reads (numbering, headings, references, titles, front matter, odd
//! whitespace) are built, and each build must end with a result, whatever
//! diagnostics it reports.

use shiyi::{BuildOptions, Status};

/// Pieces of text chosen to reach the parsers' corners.
const FRAGMENTS: &[&str] = &[
    "一、",
    "（一）",
    "(二)",
    "1.",
    "2、",
    "3．",
    "（1）",
    "(2)",
    "第一条 ",
    "第一百三十三条之一 ",
    "第一千万条 ",
    "第X条",
    "第一章 ",
    "第二编",
    "第一分编",
    "第三节 ",
    "附件一",
    "附件：",
    "第二部分",
    "## ",
    "### ",
    "# ",
    "***",
    "---",
    "```",
    "| a | b |",
    "<!-- INFO END -->",
    "<!--",
    "[[",
    "]]",
    "[[一]]",
    "[[具体意见 三（三）]]",
    "[[|]]",
    "[[x|y]]",
    "《",
    "》",
    "〈",
    "〉",
    "《甲》（以下简称《乙》）",
    "（以下简称《",
    "2005年",
    "2005- 2010年",
    "到2010年",
    "\u{200b}",
    "\u{3000}",
    "\u{feff}",
    "\r\n",
    "\n",
    "\n\n",
    " ",
    "\t",
    "文字",
    "。",
    "：",
    "<script>",
    "&amp;",
    "*",
    "_",
    "`",
    "\\",
    "内容如下：",
    "序言",
    "附则",
];

/// A small deterministic generator (xorshift), so failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 as usize
    }

    fn text(&mut self, pieces: usize) -> String {
        (0..pieces).map(|_| FRAGMENTS[self.next() % FRAGMENTS.len()]).collect()
    }
}

#[test]
fn random_sites_never_panic() {
    let mut rng = Rng(0x5eed_1234_abcd_0042);
    for round in 0..40u32 {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        std::fs::create_dir_all(root.join("content/annotations")).unwrap();
        std::fs::write(root.join("site.yaml"), "title: 随机\n").unwrap();
        for i in 0..8 {
            let kind = ["directive", "law", "page", "annotation"][rng.next() % 4];
            let extra = match rng.next() % 4 {
                0 => format!("annotates: [\"{}\"]\n", rng.text(3).replace(['"', '\\', '\n', '\r'], "")),
                1 => "short_title: 意见\n".to_string(),
                2 => format!("attachment_of: d{}\n", rng.next() % 8),
                _ => String::new(),
            };
            let front = if rng.next().is_multiple_of(10) {
                rng.text(6)
            } else {
                format!("---\ntitle: 文件{i}\nkind: {kind}\n{extra}---\n")
            };
            let body = rng.text(60);
            let dir = if kind == "annotation" { "content/annotations" } else { "content" };
            std::fs::write(root.join(dir).join(format!("d{i}.md")), format!("{front}{body}")).unwrap();
        }
        if round.is_multiple_of(3) {
            std::fs::write(
                root.join("content/glossary.yaml"),
                format!("- term: 文字\n  definition: {}\n", rng.text(4).replace('\n', " ")),
            )
            .unwrap();
        }
        let out = root.join("out");
        let outcome =
            shiyi::build(&BuildOptions { root: root.to_path_buf(), output: Some(out), drafts: true, force: false });
        // Any status is fine; reaching here without a panic is the point.
        assert!(matches!(outcome.status, Status::Success | Status::ContentErrors | Status::ConfigErrors));
    }
}
