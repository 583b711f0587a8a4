//! Full-text search: the index files under `search/` that `static/search.js`
//! reads in the browser.
//!
//! Takes the [`Resolved`] site; gives the files of [`index_files`]. Every
//! clause, article, document, annotation, page and glossary term becomes one
//! entry ([`entries`]); its weighted fields are cut into tokens ([`tokenize`])
//! and each token's postings, with a precomputed BM25 weight per entry, go to
//! a shard chosen by the token's hash. The browser loads the manifest,
//! then only the shards of the query's tokens, then the document-store chunks
//! of the best candidates. Every file is a script that calls the global
//! `shiyiSearch(kind, id, data)`, so a `<script>` element can load it from
//! `file://` as well as over HTTP.
//!
//! ```text
//! search/manifest.js   shiyiSearch("m", 0, {v, docs, shards, per, levels})
//! search/s/N.js        shiyiSearch("s", N, {token: postings, …})
//! search/d/N.js        shiyiSearch("d", N, [[url, [crumb…], text, kind], …])
//! ```

pub mod entries;
pub mod tokenize;

use rustc_hash::FxHashMap as HashMap;

use rayon::prelude::*;

use crate::resolve::Resolved;
use crate::resolve::terms::{stable_key, stable_key_bytes};
use entries::Entry;
use tokenize::{Mode, shard_of, tokens};

/// Folder of the index files, from the output root.
pub const DIR: &str = "search";
/// BM25 term-frequency saturation.
pub const K1: f32 = 1.2;
/// BM25 length normalisation.
pub const B: f32 = 0.75;
/// Number of levels a posting's BM25 weight is quantised to.
pub const LEVELS: u32 = 8;
/// Bytes of postings aimed at per shard.
const SHARD_BYTES: usize = 4 * 1024;
/// Bytes of stored text aimed at per document-store chunk.
const CHUNK_BYTES: usize = 2 * 1024;
/// Characters of an entry's text kept for snippets and phrase checks.
const STORED_CHARS: usize = 1200;

/// Digits of the last place of a number (`0`–`v`, values 0–31).
const LAST: &[u8; 32] = b"0123456789abcdefghijklmnopqrstuv";
/// Digits of the other places (`w`–`z`, `A`–`Z`, `_`, `-`, values 0–31).
const MORE: &[u8; 32] = b"wxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_-";

/// Appends `n` in base 32, most significant place first; only the last place
/// uses a digit set of its own, so numbers need no separator.
pub fn push_number(out: &mut String, n: u32) {
    let mut places = vec![LAST[(n % 32) as usize]];
    let mut rest = n / 32;
    while rest > 0 {
        places.push(MORE[(rest % 32) as usize]);
        rest /= 32;
    }
    out.extend(places.iter().rev().map(|&b| b as char));
}

/// Reads the numbers written by [`push_number`] (for tests and tools).
pub fn read_numbers(text: &str) -> Vec<u32> {
    let mut out = Vec::new();
    let mut acc = 0u32;
    for b in text.bytes() {
        if let Some(v) = MORE.iter().position(|&m| m == b) {
            acc = acc * 32 + v as u32;
        } else if let Some(v) = LAST.iter().position(|&m| m == b) {
            out.push(acc * 32 + v as u32);
            acc = 0;
        }
    }
    out
}

/// Weight of a stored prefix of a digit or letter word, against the word itself.
const PREFIX: f32 = 0.5;

/// True for a single Han character (indexed only for one-character queries).
fn is_single_han(token: &str) -> bool {
    let mut chars = token.chars();
    chars.next().is_some_and(|c| tokenize::class(c) == tokenize::Class::Han) && chars.next().is_none()
}

/// One entry's postings: token → (weighted frequency); and its weighted length.
fn weigh(entry: &Entry) -> (HashMap<String, f32>, f32) {
    let mut tf: HashMap<String, f32> = HashMap::default();
    let mut len = 0.0;
    for (weight, text) in &entry.fields {
        for token in tokens(text, Mode::Index) {
            // Single characters are only there for one-character queries:
            // they do not lengthen an entry.
            if !is_single_han(&token) {
                len += weight;
            }
            for prefix in tokenize::prefixes(&token) {
                *tf.entry(prefix.to_string()).or_default() += weight * PREFIX;
            }
            *tf.entry(token).or_default() += weight;
        }
    }
    (tf, len)
}

/// Raw postings of some entries: token → (entry, weighted frequency).
type Postings = HashMap<String, Vec<(u32, f32)>>;

/// Entries per block of the indexing pass.
const BLOCK: usize = 256;

/// Partitions of the token space for the parallel merge.
const PARTS: usize = 64;

/// The partition of a token (the shard hash; partitions never reach the output).
fn partition(token: &str) -> usize {
    shard_of(token, PARTS as u32) as usize
}

/// The stored text of an entry: at most [`STORED_CHARS`] characters.
fn stored_text(text: &str) -> &str {
    match text.char_indices().nth(STORED_CHARS) {
        Some((at, _)) => &text[..at],
        None => text,
    }
}

/// A script that hands `data` to `shiyiSearch`.
fn script(kind: &str, id: usize, data: &serde_json::Value) -> Vec<u8> {
    format!("shiyiSearch(\"{kind}\",{id},{data});\n").into_bytes()
}

/// Every file of the search index, by path from the output root.
pub fn index_files(resolved: &Resolved) -> Vec<(String, Vec<u8>)> {
    build(&entries::collect(resolved))
}

/// The index files for a list of entries.
pub fn build(entries: &[Entry]) -> Vec<(String, Vec<u8>)> {
    // One tokenizing pass over blocks of entries. Each block files its raw
    // frequencies into partitions by token hash; the partitions are then
    // merged in parallel, block by block, so every posting list comes out in
    // entry order. Memory stays flat: no per-entry map outlives its block.
    let blocks: Vec<(Vec<f32>, Vec<Postings>)> = entries
        .par_chunks(BLOCK)
        .enumerate()
        .map(|(block, chunk)| {
            let mut parts: Vec<Postings> = (0..PARTS).map(|_| Postings::default()).collect();
            let mut lengths = Vec::with_capacity(chunk.len());
            for (i, entry) in chunk.iter().enumerate() {
                let doc = (block * BLOCK + i) as u32;
                let (tf, len) = weigh(entry);
                lengths.push(len);
                for (token, w) in tf {
                    parts[partition(&token)].entry(token).or_default().push((doc, w));
                }
            }
            (lengths, parts)
        })
        .collect();
    // Summed in entry order: a parallel float sum could differ run to run.
    let lengths: Vec<f32> = blocks.iter().flat_map(|(l, _)| l.iter().copied()).collect();
    let avg = (lengths.iter().sum::<f32>() / lengths.len().max(1) as f32).max(1.0);
    let mut by_part: Vec<Vec<Postings>> = (0..PARTS).map(|_| Vec::with_capacity(blocks.len())).collect();
    for (_, parts) in blocks {
        for (p, map) in parts.into_iter().enumerate() {
            by_part[p].push(map);
        }
    }
    let mut postings: Vec<(String, Vec<(u32, f32)>)> = by_part
        .into_par_iter()
        .flat_map_iter(|maps| {
            let mut merged = Postings::default();
            for map in maps {
                for (token, list) in map {
                    merged.entry(token).or_default().extend(list);
                }
            }
            merged.into_iter()
        })
        .collect();
    postings.par_sort_unstable_by(|a, b| a.0.cmp(&b.0));
    let encoded: Vec<(String, String)> = postings
        .into_par_iter()
        .map(|(token, list)| {
            let mut s = String::new();
            let mut prev = 0;
            for (doc, w) in list {
                let norm = K1 * (1.0 - B + B * lengths[doc as usize] / avg);
                let impact = w * (K1 + 1.0) / (w + norm) / (K1 + 1.0);
                let level = ((impact * LEVELS as f32).ceil() as u32).clamp(1, LEVELS) - 1;
                push_number(&mut s, (doc - prev) * LEVELS + level);
                prev = doc;
            }
            (token, s)
        })
        .collect();
    let total: usize = encoded.iter().map(|(t, s)| t.len() + s.len() + 6).sum();
    let shards = (total / SHARD_BYTES).clamp(1, 4096).next_power_of_two() as u32;
    // Each shard is a JSON object written by hand: tokens arrive sorted, so the
    // output is deterministic without a map per shard.
    let mut shard_maps: Vec<String> = vec![String::from("{"); shards as usize];
    for (token, s) in encoded {
        let shard = &mut shard_maps[shard_of(&token, shards) as usize];
        if shard.len() > 1 {
            shard.push(',');
        }
        shard.push_str(&serde_json::Value::from(token).to_string());
        shard.push(':');
        shard.push_str(&serde_json::Value::from(s).to_string());
    }
    let mut files = Vec::new();
    for (i, mut map) in shard_maps.into_iter().enumerate() {
        map.push('}');
        files.push((format!("{DIR}/s/{i}.js"), format!("shiyiSearch(\"s\",{i},{map});\n").into_bytes()));
    }
    // Chunks hold a fixed number of entries, so the browser finds an entry's
    // chunk without a table.
    let stored: Vec<&str> = entries.iter().map(|e| stored_text(&e.text)).collect();
    let mut sizes: Vec<usize> = entries.iter().zip(&stored).map(|(e, t)| e.url.len() + t.len() + 24).collect();
    sizes.sort_unstable();
    let median = sizes.get(sizes.len() / 2).copied().unwrap_or(1).max(1);
    let per = (CHUNK_BYTES / median).clamp(1, 256);
    for (chunk, rows) in entries.chunks(per).enumerate() {
        let data: Vec<serde_json::Value> = rows
            .iter()
            .enumerate()
            .map(|(i, e)| serde_json::json!([e.url, e.crumb, stored[chunk * per + i], e.kind.code()]))
            .collect();
        files.push((format!("{DIR}/d/{chunk}.js"), script("d", chunk, &serde_json::Value::Array(data))));
    }
    let mut hasher = String::new();
    for (path, bytes) in &files {
        hasher.push_str(&stable_key(path));
        hasher.push_str(&stable_key_bytes(bytes));
    }
    let manifest = serde_json::json!({
        "v": stable_key(&hasher),
        "docs": entries.len(),
        "shards": shards,
        "per": per,
        "levels": LEVELS,
    });
    files.push((format!("{DIR}/manifest.js"), script("m", 0, &manifest)));
    files
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(url: &str, text: &str) -> Entry {
        Entry {
            kind: entries::EntryKind::Clause,
            url: url.into(),
            crumb: vec![url.into()],
            text: text.into(),
            fields: vec![(entries::TEXT, text.into())],
        }
    }

    #[test]
    fn numbers_round_trip() {
        let mut s = String::new();
        let values = [0, 1, 31, 32, 33, 1023, 1024, 99_999, u32::MAX / 64];
        for v in values {
            push_number(&mut s, v);
        }
        assert_eq!(read_numbers(&s), values);
    }

    #[test]
    fn files_and_postings() {
        let files =
            build(&[entry("a.html#x", "工商行政管理"), entry("b.html", "行政许可法"), entry("c.html", "12315")]);
        let names: Vec<&str> = files.iter().map(|(p, _)| p.as_str()).collect();
        assert!(names.contains(&"search/manifest.js"));
        assert!(names.contains(&"search/s/0.js"));
        assert!(names.contains(&"search/d/0.js"));
        let shard = String::from_utf8(files[0].1.clone()).unwrap();
        let json: serde_json::Value = serde_json::from_str(
            shard.trim().strip_prefix("shiyiSearch(\"s\",0,").unwrap().strip_suffix(");").unwrap(),
        )
        .unwrap();
        let docs = |t: &str| {
            let mut d = 0;
            read_numbers(json[t].as_str().unwrap())
                .into_iter()
                .map(|v| {
                    d += v / LEVELS;
                    d
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(docs("行政"), [0, 1]);
        assert_eq!(docs("12315"), [2]);
        assert_eq!(docs("许"), [1]);
        assert_eq!(docs("123"), [2]);
    }
}
