//! Importing a law that is another version of a law already in the site:
//! the new file and the existing ones share a `version_of:` key.

use super::ImportedFile;
use crate::frontmatter::{self, FrontMatter, Kind};

/// A law file already in the folder the import writes to.
#[derive(Debug, Clone)]
pub struct ExistingFile {
    /// File name (`anti-monopoly-law.md`).
    pub file_name: String,
    /// Its whole text.
    pub text: String,
}

fn front_of(text: &str) -> Option<(FrontMatter, &str)> {
    let split = frontmatter::split(text).ok()?;
    let front = frontmatter::parse(split.yaml, split.yaml_line).ok()?;
    Some((front, split.yaml))
}

/// Adds `version_of: KEY` to a file's front matter, after its `kind:` line.
fn with_version_of(text: &str, key: &str) -> String {
    let mut out = String::with_capacity(text.len() + 32);
    let mut added = false;
    for (i, line) in text.split_inclusive('\n').enumerate() {
        out.push_str(line);
        if !added && i > 0 && line.starts_with("kind:") {
            out.push_str(&format!("version_of: {key}\n"));
            added = true;
        }
    }
    out
}

/// When `imported` (a law from [`super::import_law`]) is another version of
/// a law among `existing` (same `version_of:` key as `slug`, same file name
/// as `slug`, or the same short title), gives the files to write: the new
/// version, named `KEY_DATE.md` and carrying `version_of: KEY`, and every
/// existing version that did not carry the key yet. The new version takes
/// the short title of the newest existing one. `None` when the law is
/// new to the site, or when the file of the imported name already holds
/// the same version (importing it again replaces it).
pub fn as_new_version(
    imported: &ImportedFile,
    slug: &str,
    existing: &[ExistingFile],
) -> Result<Option<Vec<ImportedFile>>, String> {
    let (new_front, _) = front_of(&imported.markdown).ok_or("the imported law has no front matter")?;
    let new_short = new_front.short_title.as_deref().unwrap_or(&new_front.title).to_string();
    let laws: Vec<(&ExistingFile, FrontMatter)> = existing
        .iter()
        .filter_map(|f| front_of(&f.text).map(|(front, _)| (f, front)))
        .filter(|(_, front)| front.kind == Kind::Law)
        .collect();
    let stem = |f: &ExistingFile| f.file_name.trim_end_matches(".md").to_string();
    let same_document = |f: &ExistingFile, front: &FrontMatter| {
        front.version_of.as_deref() == Some(slug)
            || stem(f) == slug
            || front.short_title.as_deref().unwrap_or(&front.title) == new_short
            || front.title == new_front.title
    };
    let members: Vec<&(&ExistingFile, FrontMatter)> =
        laws.iter().filter(|(f, front)| same_document(f, front)).collect();
    let Some((first, first_front)) = members.first().map(|m| (m.0, &m.1)) else { return Ok(None) };
    let key = first_front.version_of.clone().unwrap_or_else(|| first_front.slug.clone().unwrap_or_else(|| stem(first)));
    let members: Vec<_> = laws
        .iter()
        .filter(|(f, front)| front.version_of.as_deref() == Some(key.as_str()) || same_document(f, front))
        .collect();
    let date = new_front.version_date.ok_or_else(|| {
        format!(
            "{} is another version of 《{new_short}》 ({}), but its date is unknown: name the file …_YYYY-MM-DD.md",
            imported.file_name, first.file_name
        )
    })?;
    let mut out = Vec::new();
    for (f, front) in &members {
        if front.version_date == Some(date) && f.file_name == imported.file_name {
            // The same version again, under its own name: a plain re-import.
            return Ok(None);
        }
        if front.version_date == Some(date) {
            return Err(format!("{} already holds the version of {date} of 《{new_short}》", f.file_name));
        }
        if front.version_date.is_none() {
            return Err(format!(
                "{} has no version_date: add one to its front matter before adding another version",
                f.file_name
            ));
        }
        if front.slug.is_some() {
            return Err(format!(
                "{} sets `slug:`: remove it, versions take their address from version_of",
                f.file_name
            ));
        }
        if front.version_of.is_none() {
            out.push(ImportedFile { file_name: f.file_name.clone(), markdown: with_version_of(&f.text, &key) });
        }
    }
    // The new version is cited by the name the document already has.
    let mut markdown = with_version_of(&imported.markdown, &key);
    if let Some(short) =
        members.iter().max_by_key(|(_, front)| front.version_date).and_then(|(_, f)| f.short_title.clone())
    {
        markdown = markdown.replacen(
            &format!("short_title: {}\n", super::directive::quote(&new_short)),
            &format!("short_title: {}\n", super::directive::quote(&short)),
            1,
        );
    }
    out.insert(0, ImportedFile { file_name: format!("{key}_{date}.md"), markdown });
    Ok(Some(out))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::import_law;

    const CURRENT: &str = "---\ntitle: \"中华人民共和国反垄断法\"\nkind: law\nshort_title: \"反垄断法\"\nversion_date: 2022-06-24\n---\n# 中华人民共和国反垄断法\n\n第一条 新。\n";

    #[test]
    fn a_second_version_shares_the_key() {
        let imported = import_law(
            "# 中华人民共和国反垄断法\n\n第一条 旧。\n",
            "anti_monopoly_law_2007-08-30",
            "anti_monopoly_law_2007-08-30",
            None,
        )
        .unwrap();
        let existing = [ExistingFile { file_name: "anti-monopoly-law.md".into(), text: CURRENT.into() }];
        let files = as_new_version(&imported, "anti_monopoly_law_2007-08-30", &existing).unwrap().unwrap();
        assert_eq!(files.len(), 2);
        assert_eq!(files[0].file_name, "anti-monopoly-law_2007-08-30.md");
        assert!(files[0].markdown.contains("kind: law\nversion_of: anti-monopoly-law\n"), "{}", files[0].markdown);
        assert_eq!(files[1].file_name, "anti-monopoly-law.md");
        assert!(
            files[1]
                .markdown
                .starts_with("---\ntitle: \"中华人民共和国反垄断法\"\nkind: law\nversion_of: anti-monopoly-law\n")
        );
        // The same date twice is refused; another law is not a version.
        let again = [
            existing[0].clone(),
            ExistingFile { file_name: files[0].file_name.clone(), text: files[0].markdown.clone() },
        ];
        assert!(as_new_version(&imported, "x", &again).unwrap_err().contains("already holds"));
        // The same version under its own name is a plain re-import.
        let same =
            import_law("# 中华人民共和国反垄断法\n\n第一条 新。\n", "anti-monopoly-law", "x_2022-06-24", None).unwrap();
        assert_eq!(as_new_version(&same, "anti-monopoly-law", &existing).unwrap(), None);
        let other =
            import_law("# 中华人民共和国广告法\n\n第一条 甲。\n", "ad_2021-04-29", "ad_2021-04-29", None).unwrap();
        assert_eq!(as_new_version(&other, "ad_2021-04-29", &existing).unwrap(), None);
    }
}
