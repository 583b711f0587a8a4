// The question set built from a site itself: every question under an
// annotation's 思考题 heading becomes a query whose right answers are the
// clauses the annotation explains (its `annotates:`), each with every
// clause inside it. Read from the built pages, so it follows the content.
//
//   node bench/thought-queries.js OUT_DIR     prints kind <TAB> query <TAB> answers
'use strict';
const fs = require('fs');
const path = require('path');

const ENTITIES = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'", '&#x27;': "'" };
const plain = (html) => html.replace(/<[^>]*>/g, '').replace(/&(amp|lt|gt|quot|#39|#x27);/g, (e) => ENTITIES[e]).trim();

// [{kind: 'question', q, want: ['opinions.html#sec_1*', …]}] for the site in `out`.
function thoughtQueries(out) {
  const dir = path.join(out, 'annotations');
  const queries = [];
  for (const name of fs.readdirSync(dir).filter((n) => n.endsWith('.html')).sort()) {
    const html = fs.readFileSync(path.join(dir, name), 'utf8');
    const quoted = html.match(/<section class="annotated"[^>]*>([\s\S]*?)<\/section>/);
    if (!quoted) continue;
    const want = [...quoted[1].matchAll(/<figcaption><a href="\.\.\/([^"]+)"/g)].map((m) => m[1] + '*');
    const list = html.match(/<h2>思考题<\/h2>\s*<ol>([\s\S]*?)<\/ol>/);
    if (!want.length || !list) continue;
    for (const item of list[1].matchAll(/<li>([\s\S]*?)<\/li>/g)) {
      const q = plain(item[1]).replace(/\s+/g, ' ');
      if (q) queries.push({ kind: 'question', q, want });
    }
  }
  return queries;
}

module.exports = { thoughtQueries };

if (require.main === module) {
  const out = process.argv[2];
  if (!out) { console.error('usage: node bench/thought-queries.js OUT_DIR'); process.exit(2); }
  for (const { kind, q, want } of thoughtQueries(out)) console.log(`${kind}\t${q}\t${want.join('|')}`);
}
