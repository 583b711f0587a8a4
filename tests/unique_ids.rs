//! No page of any built site gives the same `id` to two elements: a fragment
//! link (`#ref-3`, a clause id) must land on one place. Checked over every
//! HTML file of the shipped site and of every fixture site that builds.

mod common;

use common::html::{attribute, build_all_sites, duplicate_ids, element_ids, html_files};

#[test]
fn the_id_reader_sees_tags_only_and_counts_repeats() {
    let page = "<p id=\"a\">x</p><!-- <p id=\"a\"> --><script>let s = '<p id=\"a\">';</script>\
                <div class='b' id='b' data-x=\"id=c\"><span ID=a>";
    assert_eq!(element_ids(page), ["a", "b", "a"]);
    assert_eq!(duplicate_ids(page).into_iter().collect::<Vec<_>>(), [("a".to_string(), 2)]);
    assert!(duplicate_ids("<a id=\"x\"></a><a id=\"y\"></a>").is_empty());
    assert_eq!(attribute("input hidden data-q=\"a>b\" type=search", "type"), Some("search"));
    assert_eq!(attribute("input hidden", "hidden"), Some(""));
}

#[test]
fn every_page_of_every_site_has_unique_ids() {
    let scratch = tempfile::tempdir().unwrap();
    let mut problems = Vec::new();
    let mut pages = 0;
    for (name, out) in build_all_sites(scratch.path()) {
        for path in html_files(&out) {
            pages += 1;
            let html = std::fs::read_to_string(out.join(&path)).unwrap();
            for (id, count) in duplicate_ids(&html) {
                problems.push(format!("{name}: {path}: id \"{id}\" on {count} elements"));
            }
        }
    }
    assert!(pages > 50, "only {pages} pages were checked");
    assert!(problems.is_empty(), "{} repeated ids:\n{}", problems.len(), problems.join("\n"));
}

#[test]
fn handout_notes_keep_their_references_apart() {
    let scratch = tempfile::tempdir().unwrap();
    let out = common::build_site(scratch.path());
    let html = std::fs::read_to_string(out.join("handouts/opinions.html")).unwrap();
    let ids = element_ids(&html);
    let refs: Vec<&String> = ids.iter().filter(|id| id.contains("ref-")).collect();
    assert!(refs.len() > 20, "the whole-text handout shows the notes' references: {refs:?}");
    assert!(refs.iter().all(|id| id.starts_with("note-")), "{refs:?}");
    // Each note's references follow its own id.
    for id in &refs {
        let note = id.rsplit_once("-ref-").unwrap().0;
        assert!(ids.iter().any(|i| i == note), "{id} has no note {note}");
    }
}
