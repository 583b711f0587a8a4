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
//! `file://` as well as over HTTP. Shards are plain JSON; document-store
//! chunks are deflated and in base64 (see [`DEFLATE_LEVEL`]).
//!
//! ```text
//! search/manifest.js   shiyiSearch("m", 0, {v, docs, shards, per, levels})
//! search/s/N.js        shiyiSearch("s", N, {token: postings, …})
//! search/d/N.js        shiyiSearch("d", N, [[url, [crumb…], text, kind], …])
//! ```

pub mod entries;
pub mod settings;
pub mod tokenize;

use std::borrow::Borrow;
use std::cell::RefCell;

use base64::Engine;
use libdeflater::{CompressionLvl, Compressor, DecompressionError, Decompressor};

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use crate::resolve::Resolved;
use crate::resolve::terms::stable_key;
use entries::Entry;
pub use settings::Settings;
use tokenize::{Key, shard_of};

/// Folder of the index files, from the output root.
pub const DIR: &str = "search";
/// BM25 term-frequency saturation.
pub const K1: f32 = 1.2;
/// BM25 length normalisation.
pub const B: f32 = 0.75;
/// Number of levels a posting's BM25 weight is quantised to.
pub const LEVELS: u32 = 8;
/// Bytes of postings aimed at per shard. Shards are not deflated, so they are
/// kept small: a query loads one per token.
const SHARD_BYTES: usize = 8 * 1024;
/// Bytes of stored text aimed at per document-store chunk.
const CHUNK_BYTES: usize = 8 * 1024;
/// Characters of an entry's text kept for snippets and phrase checks.
const STORED_CHARS: usize = 1200;

/// Digits of the last place of a number (`0`–`v`, values 0–31).
const LAST: &[u8; 32] = b"0123456789abcdefghijklmnopqrstuv";
/// Digits of the other places (`w`–`z`, `A`–`Z`, `_`, `-`, values 0–31).
const MORE: &[u8; 32] = b"wxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_-";

/// Appends `n` in base 32, most significant place first; only the last place
/// uses a digit set of its own, so numbers need no separator.
pub fn push_number(out: &mut Vec<u8>, n: u32) {
    // Most postings take one or two places.
    if n < 32 {
        out.push(LAST[n as usize]);
    } else if n < 32 * 32 {
        out.extend_from_slice(&[MORE[(n / 32) as usize], LAST[(n % 32) as usize]]);
    } else {
        let (places, at) = number_places(n);
        out.extend_from_slice(&places[at..]);
    }
}

/// The places of `n` in base 32 (ASCII), in `places[at..]`.
fn number_places(n: u32) -> ([u8; 7], usize) {
    // A u32 takes at most seven places of five bits.
    let mut places = [0u8; 7];
    let mut at = places.len() - 1;
    places[at] = LAST[(n % 32) as usize];
    let mut rest = n / 32;
    while rest > 0 {
        at -= 1;
        places[at] = MORE[(rest % 32) as usize];
        rest /= 32;
    }
    (places, at)
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

/// The weighted length of an entry (BM25's document length): its tokens,
/// each counted with its field's weight. Single Han characters are only
/// there for one-character queries and do not lengthen an entry.
fn entry_length(entry: &Entry) -> f32 {
    entry.fields.iter().map(|(weight, text)| weight * tokenize::counted_tokens(text) as f32).sum()
}

/// A token's postings within one range of entries, as numbers (gap from the
/// posting before, times [`LEVELS`], plus the BM25 level): the first posting
/// is kept apart, since its gap depends on the range before. The posting of
/// the entry being read (`open`) is still being summed. The numbers become
/// text once the range is read ([`Piece::encode`]): appending to thousands
/// of growing texts at once cost more than appending to lists of numbers.
struct Piece {
    first: u32,
    first_level: u32,
    last: u32,
    rest: Vec<u32>,
    open: u32,
    open_weight: f32,
}

/// A token's postings within one range of entries, those after the first
/// encoded as text ([`push_number`]).
struct EncodedPiece {
    first: u32,
    first_level: u32,
    last: u32,
    rest: Vec<u8>,
}

impl Piece {
    /// Files the posting of the entry being read.
    fn close(&mut self, level_of: impl Fn(u32, f32) -> u32) {
        let level = level_of(self.open, self.open_weight);
        if self.open == self.first {
            self.first_level = level;
        } else {
            self.rest.push((self.open - self.last) * LEVELS + level);
        }
        self.last = self.open;
    }

    /// The piece once its range is read, its last posting filed.
    fn encode(mut self, level_of: impl Fn(u32, f32) -> u32) -> EncodedPiece {
        self.close(level_of);
        let mut rest = Vec::with_capacity(self.rest.len() * 2);
        for number in self.rest {
            push_number(&mut rest, number);
        }
        EncodedPiece { first: self.first, first_level: self.first_level, last: self.last, rest }
    }

    /// A piece whose first posting is entry `number`, with weight `w` so far.
    fn new(number: u32, w: f32) -> Piece {
        Piece { first: number, first_level: 0, last: number, rest: Vec::new(), open: number, open_weight: w }
    }

    /// Adds weight `w` to the posting of entry `number` (entries come in order).
    fn add(&mut self, number: u32, w: f32, level_of: impl Fn(u32, f32) -> u32) {
        if self.open == number {
            self.open_weight += w;
        } else {
            self.close(level_of);
            self.open = number;
            self.open_weight = w;
        }
    }
}

/// First and last code point of the Han characters filed in a dense table.
const DENSE_HAN: std::ops::RangeInclusive<u32> = 0x3400..=0x9FFF;

/// The pieces of one range of entries, by token. Single Han characters, half
/// of all tokens, go to a table indexed by code point, which stays in cache;
/// bigrams to a map keyed by their 42 bits; words to a map of their own.
struct RangePieces {
    singles: Vec<Option<Piece>>,
    pairs: FxHashMap<u64, Piece>,
    words: FxHashMap<Key, Piece>,
}

impl RangePieces {
    fn new() -> RangePieces {
        let dense = (DENSE_HAN.end() - DENSE_HAN.start() + 1) as usize;
        RangePieces {
            singles: (0..dense).map(|_| None).collect(),
            pairs: FxHashMap::default(),
            words: FxHashMap::default(),
        }
    }

    /// Adds weight `w` for `key` to the posting of entry `number`.
    fn add(&mut self, key: Key, number: u32, w: f32, level_of: impl Fn(u32, f32) -> u32) {
        match key.kind() {
            tokenize::KeyKind::Single(code) if DENSE_HAN.contains(&code) => {
                match &mut self.singles[(code - DENSE_HAN.start()) as usize] {
                    Some(piece) => piece.add(number, w, level_of),
                    slot => *slot = Some(Piece::new(number, w)),
                }
            }
            tokenize::KeyKind::Pair(bits) => add_in(&mut self.pairs, bits, number, w, level_of),
            _ => add_in(&mut self.words, key, number, w, level_of),
        }
    }

    /// Every token's piece, its last posting still open.
    fn into_pieces(self) -> impl Iterator<Item = (Key, Piece)> {
        let singles = self
            .singles
            .into_iter()
            .enumerate()
            .filter_map(|(i, piece)| Some((Key::single(DENSE_HAN.start() + i as u32), piece?)));
        let pairs = self.pairs.into_iter().map(|(bits, piece)| (Key::pair(bits), piece));
        singles.chain(pairs).chain(self.words)
    }
}

/// Adds weight `w` for `key` to the posting of entry `number` in `map`.
fn add_in<K: std::hash::Hash + Eq>(
    map: &mut FxHashMap<K, Piece>,
    key: K,
    number: u32,
    w: f32,
    level_of: impl Fn(u32, f32) -> u32,
) {
    match map.entry(key) {
        std::collections::hash_map::Entry::Occupied(mut piece) => piece.get_mut().add(number, w, level_of),
        std::collections::hash_map::Entry::Vacant(slot) => drop(slot.insert(Piece::new(number, w))),
    }
}

/// Ranges of entries per thread in the indexing pass (a few, to balance).
const RANGES_PER_THREAD: usize = 4;

/// Partitions of the token space for the parallel merge.
const PARTS: usize = 64;

/// The partition of a token (partitions never reach the output).
fn partition(key: Key) -> usize {
    (key.mix() >> 58) as usize % PARTS
}

/// A script that hands `data` to `shiyiSearch`.
fn script(kind: &str, id: usize, data: &serde_json::Value) -> Vec<u8> {
    format!("shiyiSearch(\"{kind}\",{id},{data});\n").into_bytes()
}

/// Deflate level of document-store chunks (libdeflate). On the 1,000-document
/// benchmark corpus level 1 packs the chunks, base64 included, to 40% of their
/// JSON; level 6 makes writing the index files 1.7 times as slow for 3% less.
/// Shards are left plain: their postings are already dense, and deflate and
/// base64 together kept 73% of their bytes for a sixth of the build's work
/// on the index.
const DEFLATE_LEVEL: i32 = 1;

thread_local! {
    /// One compressor per thread, kept from file to file.
    static DEFLATER: RefCell<Compressor> =
        RefCell::new(Compressor::new(CompressionLvl::new(DEFLATE_LEVEL).unwrap_or_default()));
}

/// A script that hands `json`, deflated and in base64, to `shiyiSearch`.
fn packed_script(kind: &str, id: usize, json: &[u8]) -> Vec<u8> {
    let deflated = DEFLATER.with_borrow_mut(|deflater| {
        let mut out = vec![0; deflater.zlib_compress_bound(json.len())];
        let size = deflater.zlib_compress(json, &mut out).expect("the compressor's own bound leaves room");
        out.truncate(size);
        out
    });
    let head = format!("shiyiSearch(\"{kind}\",{id},\"");
    let mut out = String::with_capacity(head.len() + deflated.len() * 4 / 3 + 8);
    out.push_str(&head);
    base64::engine::general_purpose::STANDARD.encode_string(&deflated, &mut out);
    out.push_str("\");\n");
    out.into_bytes()
}

/// Reads an index file back: its kind, number and data, inflated where it
/// is packed (for tests and tools).
pub fn read_script(file: &[u8]) -> Option<(String, usize, serde_json::Value)> {
    let text = std::str::from_utf8(file).ok()?.trim_end();
    let inner = text.strip_prefix("shiyiSearch(\"")?.strip_suffix(");")?;
    let (kind, rest) = inner.split_once("\",")?;
    let (id, data) = rest.split_once(',')?;
    let data = match data.strip_prefix('"').and_then(|d| d.strip_suffix('"')) {
        Some(packed) => {
            let deflated = base64::engine::general_purpose::STANDARD.decode(packed).ok()?;
            let mut json = vec![0; deflated.len() * 4];
            let mut inflater = Decompressor::new();
            loop {
                match inflater.zlib_decompress(&deflated, &mut json) {
                    Ok(size) => break json.truncate(size),
                    Err(DecompressionError::InsufficientSpace) => json.resize(json.len() * 2, 0),
                    Err(_) => return None,
                }
            }
            serde_json::from_slice(&json).ok()?
        }
        None => serde_json::from_str(data).ok()?,
    };
    Some((kind.to_string(), id.parse().ok()?, data))
}

/// Appends `text` as a JSON string.
fn push_json_string(out: &mut String, text: &str) {
    out.push('"');
    push_json_escaped(out, text);
    out.push('"');
}

/// Appends `text` escaped for the inside of a JSON string.
fn push_json_escaped(out: &mut String, text: &str) {
    let bytes = text.as_bytes();
    let mut clean = 0;
    while let Some(at) = next_escape(bytes, clean) {
        // Only `"`, `\` and control characters are escaped; all are ASCII, so
        // `at` is always a character boundary.
        out.push_str(&text[clean..at]);
        match bytes[at] {
            b'"' => out.push_str("\\\""),
            b'\\' => out.push_str("\\\\"),
            b'\n' => out.push_str("\\n"),
            b => out.push_str(&format!("\\u{b:04x}")),
        }
        clean = at + 1;
    }
    out.push_str(&text[clean..]);
}

/// Whether JSON escapes byte `b` inside a string.
fn is_escaped(b: u8) -> bool {
    b == b'"' || b == b'\\' || b < 0x20
}

/// The first byte from `from` on that JSON escapes. Eight bytes are tested at
/// a time: the document store passes the text of every entry through here.
fn next_escape(bytes: &[u8], from: usize) -> Option<usize> {
    const ONES: u64 = u64::from_ne_bytes([1; 8]);
    const HIGH: u64 = ONES * 0x80;
    // Some byte of `x` is below `n` (exact for n <= 128); some byte is `b`.
    let has_less = |x: u64, n: u64| x.wrapping_sub(ONES * n) & !x & HIGH != 0;
    let has_byte = |x: u64, b: u8| has_less(x ^ (ONES * u64::from(b)), 1);
    let mut at = from;
    while let Some(word) = bytes.get(at..at + 8) {
        let x = u64::from_ne_bytes(word.try_into().unwrap_or_default());
        if has_less(x, 0x20) || has_byte(x, b'"') || has_byte(x, b'\\') {
            break;
        }
        at += 8;
    }
    // The words skipped end at or before the last byte.
    bytes[at..].iter().position(|&b| is_escaped(b)).map(|i| at + i)
}

/// Where index files go as they are made: `put(path from the output root, bytes)`.
pub type Put<'a> = &'a (dyn Fn(String, Vec<u8>) + Sync);

/// Hands every file of the search index to `put`, each as soon as it is made
/// (the index is never held whole in memory).
pub fn write_index(resolved: &Resolved, put: Put<'_>) {
    let phase = crate::timings::phase("search entries");
    let entries = entries::collect(resolved);
    drop(phase);
    build(&entries, &Settings::of_site(resolved), put);
}

/// Every file of the search index, by path (sorted).
pub fn index_files(resolved: &Resolved) -> Vec<(String, Vec<u8>)> {
    collect_files(|put| write_index(resolved, put))
}

/// The files a writer of index files makes, sorted by path.
pub fn collect_files(write: impl FnOnce(Put<'_>)) -> Vec<(String, Vec<u8>)> {
    let files = std::sync::Mutex::new(Vec::new());
    write(&|path, bytes| files.lock().unwrap_or_else(|e| e.into_inner()).push((path, bytes)));
    let mut files = files.into_inner().unwrap_or_else(|e| e.into_inner());
    files.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    files
}

/// A file's contribution to the index version: its path and bytes hashed.
fn file_hash(path: &str, bytes: &[u8]) -> String {
    // Word at a time: the bytes of the whole index pass through here.
    let mut hasher = rustc_hash::FxHasher::default();
    std::hash::Hasher::write(&mut hasher, bytes);
    format!("{}{:016x}", stable_key(path), std::hash::Hasher::finish(&hasher))
}

/// Makes the index files for a list of entries, handing each to `put`.
pub fn build<'a, E: Borrow<Entry<'a>> + Sync>(entries: &[E], settings: &Settings, put: Put<'_>) {
    // Pass 1: every entry's length, for BM25's length normalisation.
    let phase = crate::timings::phase("search lengths");
    let lengths: Vec<f32> = entries.par_iter().map(|e| entry_length(e.borrow())).collect();
    // Summed in entry order: a parallel float sum could differ run to run.
    let avg = (lengths.iter().sum::<f32>() / lengths.len().max(1) as f32).max(1.0);
    // BM25's saturation: a weighted frequency w scores w / (w + norm).
    let norms: Vec<f32> = lengths.iter().map(|len| K1 * (1.0 - B + B * len / avg)).collect();
    let level_of = |entry: u32, w: f32| {
        let scaled = w / (w + norms[entry as usize]) * LEVELS as f32;
        // The ceiling of a positive number, without a call into libm.
        let whole = scaled as u32;
        let ceiling = if (whole as f32) < scaled { whole + 1 } else { whole };
        ceiling.clamp(1, LEVELS) - 1
    };
    drop(phase);

    // Pass 2: a few contiguous ranges of entries, each encoding its postings
    // token by token as it goes (gaps and BM25 levels), so postings never sit
    // in memory as numbers. Each range hands its pieces over by partition.
    let phase = crate::timings::phase("search tokenize");
    let range = entries.len().div_ceil(rayon::current_num_threads() * RANGES_PER_THREAD).max(1);
    let ranges: Vec<Vec<Vec<(Key, EncodedPiece)>>> = entries
        .par_chunks(range)
        .enumerate()
        .map(|(r, chunk)| {
            let mut pieces = RangePieces::new();
            for (i, entry) in chunk.iter().enumerate() {
                let number = (r * range + i) as u32;
                for (weight, text) in &entry.borrow().fields {
                    tokenize::index_keys(text, |key, prefix| {
                        let w = if prefix { weight * PREFIX } else { *weight };
                        pieces.add(key, number, w, level_of);
                    });
                }
            }
            let mut parts: Vec<Vec<(Key, EncodedPiece)>> = (0..PARTS).map(|_| Vec::new()).collect();
            for (key, piece) in pieces.into_pieces() {
                parts[partition(key)].push((key, piece.encode(level_of)));
            }
            parts
        })
        .collect();
    crate::timings::note(|| {
        let bytes: usize = entries.iter().flat_map(|e| e.borrow().fields.iter().map(|f| f.1.len())).sum();
        format!("search: {} entries, {bytes} bytes of text to index", entries.len())
    });
    drop(phase);

    // Merge: per partition, each token's pieces joined in range order.
    let phase = crate::timings::phase("search merge");
    let mut by_part: Vec<Vec<Vec<(Key, EncodedPiece)>>> =
        (0..PARTS).map(|_| Vec::with_capacity(ranges.len())).collect();
    for parts in ranges {
        for (p, list) in parts.into_iter().enumerate() {
            by_part[p].push(list);
        }
    }
    let mut encoded: Vec<(Key, Vec<u8>)> = by_part
        .into_par_iter()
        .flat_map_iter(|lists| {
            let mut joined: FxHashMap<Key, (u32, Vec<u8>)> = FxHashMap::default();
            for list in lists {
                for (key, piece) in list {
                    let (last, text) = joined.entry(key).or_insert_with(|| (0, Vec::new()));
                    push_number(text, (piece.first - *last) * LEVELS + piece.first_level);
                    text.extend_from_slice(&piece.rest);
                    *last = piece.last;
                }
            }
            joined.into_iter().map(|(key, (_, text))| (key, text))
        })
        .collect();
    encoded.par_sort_unstable_by_key(|(key, _)| *key);
    let named: Vec<(String, Vec<u8>)> = encoded.into_par_iter().map(|(key, s)| (key.text(), s)).collect();
    drop(phase);
    let phase = crate::timings::phase("search files");
    let total: usize = named.iter().map(|(t, s)| t.len() + s.len() + 6).sum();
    let shards = (total / SHARD_BYTES).clamp(1, 4096).next_power_of_two() as u32;
    // Each shard is a script around a JSON object written by hand (tokens and
    // postings need no escaping); tokens arrive in key order, so the output
    // is deterministic.
    let mut shard_files: Vec<Vec<u8>> = (0..shards).map(|i| format!("shiyiSearch(\"s\",{i},{{").into_bytes()).collect();
    for (token, s) in named {
        let file = &mut shard_files[shard_of(&token, shards) as usize];
        // A file still ends with its head's `{` until its first token.
        if file.last() != Some(&b'{') {
            file.push(b',');
        }
        file.push(b'"');
        file.extend_from_slice(token.as_bytes());
        file.extend_from_slice(b"\":\"");
        file.extend_from_slice(&s);
        file.push(b'"');
    }
    // Each file is handed on as soon as it is made; only its hash is kept,
    // for the version in the manifest (collected in file order).
    let mut hashes: Vec<String> = shard_files
        .into_par_iter()
        .enumerate()
        .map(|(i, mut bytes)| {
            bytes.extend_from_slice(b"});\n");
            let path = format!("{DIR}/s/{i}.js");
            let hash = file_hash(&path, &bytes);
            put(path, bytes);
            hash
        })
        .collect();
    // Chunks hold a fixed number of entries, so the browser finds an entry's
    // chunk without a table.
    let mut sizes: Vec<usize> = entries
        .par_iter()
        .map(|e| {
            let (prefix, rest) = e.borrow().shown_parts(STORED_CHARS);
            e.borrow().url.len() + prefix.len() + rest.len() + 24
        })
        .collect();
    sizes.sort_unstable();
    let median = sizes.get(sizes.len() / 2).copied().unwrap_or(1).max(1);
    let per = (CHUNK_BYTES / median).clamp(1, 256);
    // Entry numbers by link, for the clauses that annotations and terms explain.
    let numbers: FxHashMap<&str, u32> =
        entries.iter().enumerate().map(|(i, e)| (e.borrow().url.as_str(), i as u32)).collect();
    let chunk_hashes: Vec<String> = entries
        .par_chunks(per)
        .enumerate()
        .map(|(chunk, rows)| {
            let mut data = String::from("[");
            for (i, e) in rows.iter().enumerate() {
                let e = e.borrow();
                data.push_str(if i == 0 { "[" } else { ",[" });
                push_json_string(&mut data, &e.url);
                data.push_str(",[");
                for (j, part) in e.crumb.iter().enumerate() {
                    if j > 0 {
                        data.push(',');
                    }
                    push_json_string(&mut data, part);
                }
                data.push_str("],");
                let (prefix, rest) = e.shown_parts(STORED_CHARS);
                data.push('"');
                push_json_escaped(&mut data, prefix);
                push_json_escaped(&mut data, rest);
                data.push('"');
                data.push_str(",\"");
                data.push_str(e.kind.code());
                data.push_str("\",[");
                for (j, (label, url)) in e.subs.iter().enumerate() {
                    data.push_str(if j == 0 { "[" } else { ",[" });
                    push_json_string(&mut data, label);
                    data.push(',');
                    push_json_string(&mut data, url);
                    data.push(']');
                }
                data.push_str("],[");
                let mut first = true;
                for target in &e.targets {
                    if let Some((from, to)) = span(entries, &numbers, target) {
                        if !first {
                            data.push(',');
                        }
                        first = false;
                        data.push_str(&format!("{from},{to}"));
                    }
                }
                data.push_str("]]");
            }
            data.push(']');
            let bytes = packed_script("d", chunk, data.as_bytes());
            let path = format!("{DIR}/d/{chunk}.js");
            let hash = file_hash(&path, &bytes);
            put(path, bytes);
            hash
        })
        .collect();
    hashes.extend(chunk_hashes);
    let mut manifest = serde_json::json!({
        "v": stable_key(&hashes.concat()),
        "docs": entries.len(),
        "shards": shards,
        "per": per,
        "levels": LEVELS,
    });
    let (runs, names) = runs(entries);
    manifest["runs"] = runs.into();
    manifest["names"] = names.into();
    if let (Some(m), serde_json::Value::Object(more)) = (manifest.as_object_mut(), settings.manifest_fields()) {
        m.extend(more);
    }
    put(format!("{DIR}/manifest.js"), script("m", 0, &manifest));
    drop(phase);
}

/// The entries of the clause (or document) at `url` and of every clause
/// inside it, as the range `[from, to)` of entry numbers: entries come in
/// site order, a clause before the clauses inside it.
fn span<'a, E: Borrow<Entry<'a>>>(entries: &[E], numbers: &FxHashMap<&str, u32>, url: &str) -> Option<(u32, u32)> {
    let from = *numbers.get(url)?;
    let inside = if url.contains('#') { format!("{url}__") } else { format!("{url}#") };
    let mut to = from as usize + 1;
    while entries.get(to).is_some_and(|e| e.borrow().url.starts_with(&inside)) {
        to += 1;
    }
    Some((from, to as u32))
}

/// The entries' documents and roles as runs (`[first entry, document,
/// role, …]`, flat), and each document's name (the first breadcrumb of its
/// first entry): the browser weighs and folds results without their texts.
fn runs<'a, E: Borrow<Entry<'a>>>(entries: &[E]) -> (Vec<u32>, Vec<String>) {
    let mut runs = Vec::new();
    let mut names: Vec<String> = Vec::new();
    let mut last = None;
    for (i, e) in entries.iter().enumerate() {
        let e = e.borrow();
        if last != Some((e.group, e.role)) {
            runs.extend([i as u32, e.group as u32, e.role.index()]);
            last = Some((e.group, e.role));
        }
        if names.len() <= e.group {
            names.resize(e.group + 1, String::new());
        }
        if names[e.group].is_empty() {
            names[e.group] = e.crumb.first().map(|c| c.to_string()).unwrap_or_default();
        }
    }
    (runs, names)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(url: &str, text: &'static str) -> Entry<'static> {
        Entry {
            kind: entries::EntryKind::Clause,
            url: url.into(),
            crumb: vec![url.to_string().into()],
            fields: vec![(entries::TEXT, text.into())],
            shown_prefix: String::new(),
            shown_field: 0,
            role: entries::Role::Directive,
            group: 0,
            subs: Vec::new(),
            targets: Vec::new(),
        }
    }

    #[test]
    fn json_strings_match_serde() {
        for text in [
            "",
            "工商\"引号\"",
            "a\\b\nc\td\u{1}",
            "《法》</script>",
            "一二三四五六七八九十\"",
            "abcdefgh\u{1f}abcdefgh\\abcdefghijklmn\"",
            "\u{7f}\u{80}é\u{2028}",
        ] {
            let mut out = String::new();
            push_json_string(&mut out, text);
            assert_eq!(serde_json::from_str::<String>(&out).unwrap(), text);
        }
    }

    #[test]
    fn numbers_round_trip() {
        let mut s = String::new();
        let mut bytes = Vec::new();
        let values = [0, 1, 31, 32, 33, 1023, 1024, 99_999, u32::MAX / 64];
        for v in values {
            let (places, at) = number_places(v);
            s.push_str(std::str::from_utf8(&places[at..]).unwrap());
            push_number(&mut bytes, v);
        }
        assert_eq!(read_numbers(&s), values);
        assert_eq!(s.as_bytes(), bytes);
    }

    #[test]
    fn files_and_postings() {
        let entries = [entry("a.html#x", "工商行政管理"), entry("b.html", "行政许可法"), entry("c.html", "12315")];
        let files = collect_files(|put| build(&entries, &Settings::default(), put));
        let names: Vec<&str> = files.iter().map(|(p, _)| p.as_str()).collect();
        assert!(names.contains(&"search/manifest.js"));
        assert!(names.contains(&"search/s/0.js"));
        assert!(names.contains(&"search/d/0.js"));
        let shard = &files.iter().find(|(p, _)| p == "search/s/0.js").unwrap().1;
        let (kind, id, json) = read_script(shard).unwrap();
        assert_eq!((kind.as_str(), id), ("s", 0));
        let (_, _, chunk) = read_script(&files.iter().find(|(p, _)| p == "search/d/0.js").unwrap().1).unwrap();
        assert_eq!(chunk[2][0], "c.html");
        assert_eq!(chunk[0][2], "工商行政管理");
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
