// Runs the query set against a built site in headless Chromium and prints
// quality (recall@1, recall@5, MRR at clause level), bytes and latency.
//
//   node bench/search-eval.js --site URL [--engine shiyi|pagefind] [--queries FILE]
//        [--thought OUT_DIR] [--verbose] [--no-latency]   (--no-latency: quality only, no bytes or latency)
//
// URL is the site root (file:///…/out/ or http://127.0.0.1:PORT/sub/). For
// pagefind the site must be served over HTTP and hold pagefind/ (from
// `pagefind --site`) and the page pagefind-bench.html that search.sh writes.
//
// A query file has lines `query <TAB> answers` or `kind <TAB> query <TAB>
// answers`; answers are separated by `|`, `@` stands for `opinions.html#`,
// and an answer ending in `*` also accepts every clause inside it.
// `--thought OUT_DIR` measures the question set of bench/thought-queries.js
// (built from the site in OUT_DIR) instead of a file. shiyi is measured
// through its page, search.html?q=…: the first link of each
// [data-search-result] once data-search-state is "done". The figures are
// printed as JSON, overall and by kind.
'use strict';
const fs = require('fs');
const path = require('path');
const { Browser } = require('./cdp');

const args = process.argv.slice(2);
const opt = (name, def) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : def; };
const site = opt('--site');
const engine = opt('--engine', 'shiyi');
const queriesFile = opt('--queries', path.join(__dirname, '..', 'tests', 'data', 'search-queries.tsv'));
const chromium = opt('--chromium', '/usr/bin/chromium');
const WARM_RUNS = +opt('--runs', '5');
if (!site) { console.error('usage: node bench/search-eval.js --site URL [--engine shiyi|pagefind]'); process.exit(2); }

const thought = opt('--thought');

function readQueries(file) {
  return fs.readFileSync(file, 'utf8').split('\n')
    .filter((l) => l.trim() && !l.startsWith('#'))
    .map((l) => {
      const cols = l.split('\t');
      const [kind, q, want] = cols.length >= 3 ? cols : ['all', cols[0], cols[1]];
      return { kind, q, want: want.trim().split('|').map((w) => w.replace(/^@/, 'opinions.html#')) };
    });
}

const queries = thought ? require('./thought-queries').thoughtQueries(thought) : readQueries(queriesFile);

// Whether `link` is a right answer: one of `want`, or inside one ending in `*`.
function right(link, want) {
  return want.some((w) => {
    if (!w.endsWith('*')) return link === w;
    const base = w.slice(0, -1);
    return link === base || link.startsWith(base + (base.includes('#') ? '__' : '#'));
  });
}

// The URL relative to the site root, without `.html`-less variants.
function rel(url) {
  let u = decodeURI(url.replace(/^[a-z]+:\/\/[^/]*/, ''));
  const root = decodeURI(site.replace(/^[a-z]+:\/\/[^/]*/, ''));
  if (u.startsWith(root)) u = u.slice(root.length);
  return u.replace(/^\//, '');
}

const SHIYI = {
  page: 'search.html',
  files: /\/search\/|search\.js/,
  ready: '!!(window.shiyiSearch && window.shiyiSearch.search)',
  run: (q) => `shiyiSearch.search(${JSON.stringify(q)}, 10).then(r => r.map(x => x.url))`,
  first: (q) => `search.html?q=${encodeURIComponent(q)}`,
  firstDone: `new Promise(r => { const t = () => document.documentElement.getAttribute('data-search-state') === 'done' ? r(true) : setTimeout(t, 5); t(); })`,
  shown: `Array.from(document.querySelectorAll('[data-search-result]')).map(r => r.querySelector('a[href]')).filter(Boolean).map(a => a.href)`,
};

// Pagefind: page-level results, with sub-results for anchors; a result's
// links are its sub-results (clause anchors) first, then the page.
const PAGEFIND = {
  page: 'pagefind-bench.html',
  files: /\/pagefind\//,
  ready: '!!window.pagefindReady',
  run: (q) => `(async () => { const s = await pagefind.search(${JSON.stringify(q)}); const out = [];
    for (const r of s.results.slice(0, 10)) { const d = await r.data();
      for (const sub of (d.sub_results || [])) if (out.length < 10 && sub.url.includes('#')) out.push(sub.url);
      if (out.length < 10) out.push(d.url); } return out.slice(0, 10); })()`,
  first: (q) => `pagefind-bench.html?q=${encodeURIComponent(q)}`,
  firstDone: `new Promise(r => { const t = () => window.pagefindDone ? r(true) : setTimeout(t, 5); t(); })`,
};

(async () => {
  const e = engine === 'pagefind' ? PAGEFIND : SHIYI;
  const browser = new Browser(chromium);
  try {
    const page = await browser.page();
    // Bytes to the first answer: a fresh page, no cache, one query.
    const bytes = [];
    for (const { q } of args.includes('--no-latency') ? [] : queries.slice(0, 5)) {
      const fresh = await browser.page();
      fresh.count = e.files;
      await fresh.open(site + e.first(q));
      await fresh.eval(e.firstDone);
      await new Promise((r) => setTimeout(r, 100));
      const own = fresh.requests.length;
      bytes.push({ q, bytes: fresh.bytes, requests: own });
    }
    await page.open(site + e.page);
    for (let i = 0; i < 200 && !(await page.eval(e.ready)); i++) await new Promise((r) => setTimeout(r, 25));
    const misses = [];
    const warm = [];
    const kinds = {};
    const tally = (kind, rank) => {
      const k = kinds[kind] || (kinds[kind] = { n: 0, r1: 0, r5: 0, mrr: 0 });
      k.n++;
      if (rank === 1) k.r1++;
      if (rank >= 1 && rank <= 5) k.r5++;
      if (rank >= 1) k.mrr += 1 / rank;
    };
    const shown = e.shown ? await browser.page() : null;
    for (const { kind, q, want } of queries) {
      let links;
      if (shown) {
        // What a reader sees: the results page for the query, once done.
        await shown.open(site + e.first(q));
        await shown.eval(e.firstDone);
        links = (await shown.eval(e.shown)).map(rel);
      } else {
        links = (await page.eval(e.run(q))).map(rel);
      }
      const rank = links.findIndex((l) => right(l, want)) + 1;
      tally('all', rank);
      if (kind !== 'all') tally(kind, rank);
      if (rank !== 1) misses.push({ q, rank, want: want[0], got: links.slice(0, 3) });
    }
    for (const { q } of args.includes('--no-latency') ? [] : queries) {
      const times = await page.eval(`(async () => { const t = []; for (let i = 0; i < ${WARM_RUNS}; i++) {
        const a = performance.now(); await (${e.run(q)}); t.push(performance.now() - a); } return t; })()`);
      warm.push(...times);
    }
    warm.sort((a, b) => a - b);
    const pct = (p) => warm[Math.min(warm.length - 1, Math.floor(p * warm.length))];
    const figures = (k) => ({ queries: k.n, recall1: +(k.r1 / k.n).toFixed(3), recall5: +(k.r5 / k.n).toFixed(3), mrr: +(k.mrr / k.n).toFixed(3) });
    const byKind = {};
    Object.keys(kinds).filter((k) => k !== 'all').sort().forEach((k) => { byKind[k] = figures(kinds[k]); });
    const result = {
      engine, ...figures(kinds.all), byKind,
      firstAnswerBytes: bytes.length ? Math.round(bytes.reduce((s, b) => s + b.bytes, 0) / bytes.length) : null,
      firstAnswerRequests: bytes.length ? Math.round(bytes.reduce((s, b) => s + b.requests, 0) / bytes.length) : null,
      latencyMedianMs: warm.length ? +pct(0.5).toFixed(2) : null, latencyP95Ms: warm.length ? +pct(0.95).toFixed(2) : null,
    };
    if (args.includes('--verbose')) misses.forEach((m) => console.error(`miss (rank ${m.rank || '-'}) ${m.q} → want ${m.want}; got ${m.got.join(' , ')}`));
    console.log(JSON.stringify(result));
  } finally {
    browser.close();
  }
})().catch((err) => { console.error(err); process.exit(1); });
