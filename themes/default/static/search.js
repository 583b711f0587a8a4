/* shiyi search: the search box in the header and the page search.html.
   Reads the index that `shiyi build` writes under search/ (see src/search/).
   Every index file is a script calling shiyiSearch(kind, id, data), so the
   index loads through <script> elements from file:// and over HTTP alike.
   No text from the query or the index is ever parsed as HTML. */
(function (global) {
  'use strict';

  // ---- Tokenizer: the same rules as src/search/tokenize.rs ----------------

  var MAX_WORD = 24;
  var HAN = 1, DIGIT = 2, LATIN = 3, OTHER = 0;
  var SPACE = [0x20, 0x09, 0x0A, 0x0D, 0xA0, 0x3000];

  function normCode(cp) {
    if (cp >= 0xFF01 && cp <= 0xFF5E) cp -= 0xFEE0;
    if (cp >= 0x41 && cp <= 0x5A) cp += 0x20;
    return cp;
  }

  function classOf(cp) {
    if (cp === 0x3007 || (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x4E00 && cp <= 0x9FFF) ||
        (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x20000 && cp <= 0x2FFFF)) return HAN;
    if (cp >= 0x30 && cp <= 0x39) return DIGIT;
    if (cp >= 0x61 && cp <= 0x7A) return LATIN;
    return OTHER;
  }

  // Runs of one class: [{k: class, c: [characters]}], separators dropped.
  function runs(text) {
    var out = [], last = OTHER, cur = null;
    for (var i = 0; i < text.length;) {
      var cp = normCode(text.codePointAt(i));
      i += cp > 0xFFFF ? 2 : 1;
      var k = classOf(cp);
      if (k !== OTHER) {
        if (cur && cur.k === k && last === k) cur.c.push(String.fromCodePoint(cp));
        else { cur = { k: k, c: [String.fromCodePoint(cp)] }; out.push(cur); }
        last = k;
      } else if (!(last === HAN && SPACE.indexOf(cp) >= 0)) {
        last = OTHER; // spaces inside Han text are layout, not word breaks
      }
    }
    return out;
  }

  // Tokens of a text; `index` true gives what the index stores.
  function tokens(text, index) {
    var out = [];
    runs(String(text)).forEach(function (r) {
      if (r.k === HAN) {
        if (r.c.length === 1 || index) for (var i = 0; i < r.c.length; i++) out.push(r.c[i]);
        for (var j = 0; j + 1 < r.c.length; j++) out.push(r.c[j] + r.c[j + 1]);
      } else {
        out.push(r.c.slice(0, MAX_WORD).join(''));
      }
    });
    return out;
  }

  // FNV-1a over the code points, as shard_of in tokenize.rs.
  function shardOf(token, shards) {
    var h = 0x811C9DC5;
    for (var i = 0; i < token.length;) {
      var cp = token.codePointAt(i);
      i += cp > 0xFFFF ? 2 : 1;
      h = Math.imul((h ^ cp) >>> 0, 0x01000193) >>> 0;
    }
    return h % Math.max(shards, 1);
  }

  // Text without separators, normalised: the form phrases are compared in.
  function compact(text) {
    return runs(String(text)).map(function (r) { return r.c.join(''); }).join('');
  }

  // The text with each code unit normalised (same length, same offsets).
  function normalized(text) {
    var s = '';
    for (var i = 0; i < text.length; i++) s += String.fromCharCode(normCode(text.charCodeAt(i)));
    return s;
  }

  var api = { tokens: tokens, shardOf: shardOf, compact: compact };
  if (typeof module === 'object' && module.exports) { module.exports = api; return; }

  var d = global.document;
  if (!d || !d.querySelector) return;

  // ---- Loading the index ---------------------------------------------------

  var me = d.currentScript || d.querySelector('script[src$="static/search.js"]');
  var prefix = me ? (me.getAttribute('src') || '').replace(/static\/search\.js(\?.*)?$/, '') : '';
  var store = {};
  var waiting = {};
  var version = '';

  // Document-store chunks arrive deflated and in base64 (see src/search/mod.rs);
  // the browser's own DecompressionStream inflates them.
  function unpack(data) {
    if (typeof data !== 'string') return data;
    var bin = atob(data), bytes = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    var inflated = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('deflate'));
    return new Response(inflated).text().then(JSON.parse);
  }

  // Called by every index file as it loads; the data is stored once inflated.
  global.shiyiSearch = function (kind, id, data) {
    var key = kind + id;
    var settle = function (which, value) {
      if (which === 0) store[key] = value;
      var list = waiting[key] || [];
      delete waiting[key];
      list.forEach(function (w) { w[which](value); });
    };
    new Promise(function (resolve) { resolve(unpack(data)); }).then(
      function (value) { settle(0, value); },
      function (error) { settle(1, error); });
  };

  // For other scripts: shiyiSearch.search(query, limit) → Promise of
  // [{url, crumb, text, score}], best first; url is relative to the site root.
  global.shiyiSearch.search = function (query, limit) { return search(query, limit || 10); };

  function load(kind, id) {
    var key = kind + id;
    if (key in store) return Promise.resolve(store[key]);
    return new Promise(function (resolve, reject) {
      if (waiting[key]) { waiting[key].push([resolve, reject]); return; }
      waiting[key] = [[resolve, reject]];
      var s = d.createElement('script');
      s.src = prefix + 'search/' + (kind === 'm' ? 'manifest.js' : kind + '/' + id + '.js') +
        (version ? '?v=' + version : '');
      s.async = true;
      s.onerror = function () {
        var list = waiting[key] || [];
        delete waiting[key];
        list.forEach(function (w) { w[1](new Error('cannot load ' + s.src)); });
      };
      d.head.appendChild(s);
    });
  }

  var manifest = null;
  function loadManifest() {
    if (manifest) return Promise.resolve(manifest);
    return load('m', 0).then(function (m) {
      version = m.v;
      // Each entry's document and role, unrolled from the runs.
      var group = new Uint32Array(m.docs), role = new Uint8Array(m.docs), runs = m.runs || [];
      for (var i = 0; i < runs.length; i += 3) {
        var end = i + 3 < runs.length ? runs[i + 3] : m.docs;
        for (var e = runs[i]; e < end; e++) { group[e] = runs[i + 1]; role[e] = runs[i + 2]; }
      }
      manifest = { docs: m.docs, shards: m.shards, levels: m.levels, per: m.per, group: group, role: role,
        names: m.names || [], roles: m.roles || [1, 1, 1, 1, 1], fold: m.fold || 3, syn: m.syn || {} };
      return manifest;
    });
  }

  var LAST = '0123456789abcdefghijklmnopqrstuv', MORE = 'wxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_-';
  var VALUE = {};
  for (var v = 0; v < 32; v++) { VALUE[LAST.charAt(v)] = v; VALUE[MORE.charAt(v)] = 32 + v; }

  function decode(text, each) {
    var acc = 0;
    for (var i = 0; i < text.length; i++) {
      var x = VALUE[text.charAt(i)];
      if (x >= 32) acc = acc * 32 + x - 32;
      else { each(acc * 32 + x); acc = 0; }
    }
  }

  function chunkOf(doc) { return Math.floor(doc / manifest.per); }

  // ---- Query words -----------------------------------------------------------

  // Question and function words: they neither score nor join the words
  // around them into bigrams. Longer ones are tried first.
  var ASKING = ('可不可以 什么时候 有没有 能不能 要不要 会不会 是不是 应不应 可以吗 怎么办 怎么样 为什么 ' +
    '怎么 怎样 如何 什么 哪些 哪里 哪儿 哪个 哪一 是否 多少 多久 请问 一下 几次 几步 几年').split(' ');
  var PARTICLES = '吗呢吧啊呀谁哪了的要能会该得是还都就几啥来';
  // Words in which a particle is part of the word, not a function word.
  var WHOLE = ('主要 重要 需要 要求 必要 要点 只要 要素 纪要 纲要 摘要 首要 要案 要件 要害 ' +
    '了解 为了 除了 了结 目的 的确 能力 职能 效能 可能 功能 能否 技能 才能 智能 能源 ' +
    '会议 社会 委员会 机会 会计 大会 学会 协会 商会 工会 会员 会同 会签 ' +
    '应该 该项 该条 得到 取得 所得 获得 不得 得以 心得 但是 于是 凡是 总是 或是 若是 ' +
    '还款 归还 退还 返还 偿还 首都 就业 成就 几乎 谁的 ' +
    '来信 来访 以来 未来 原来 来源 本来 将来 后来 往来 来往').split(' ');

  // The query with its question and function words turned into spaces.
  function plainWords(text) {
    var out = '', i = 0;
    outer: while (i < text.length) {
      for (var w = 0; w < WHOLE.length; w++) {
        if (text.substr(i, WHOLE[w].length) === WHOLE[w]) { out += WHOLE[w]; i += WHOLE[w].length; continue outer; }
      }
      for (var k = 0; k < ASKING.length; k++) {
        if (text.substr(i, ASKING[k].length) === ASKING[k]) { out += ' '; i += ASKING[k].length; continue outer; }
      }
      var c = text.charAt(i);
      out += PARTICLES.indexOf(c) >= 0 ? ' ' : c;
      i++;
    }
    return out;
  }

  var COMMON = 0.6, MAX_QUERY = 200, MAX_PARTS = 8, MAX_TOKENS = 48, RERANK = 20, MAX_VARIANTS = 4;
  // A variant of the query made with a synonym weighs a little less.
  var VARIANT = 0.9;
  // A clause ranks a little above the text that explains it (besides roles);
  // a clause of a version that is no longer current ranks below both.
  var PRIOR = { c: 1, d: 1, t: 0.95, a: 0.9, o: 0.7 };

  function parse(query) {
    var raw = String(query).slice(0, MAX_QUERY);
    var some = function (p) { return compact(p).length > 0; };
    // Terms are what the reader separated with spaces; a question word only
    // cuts a term into pieces, which are matched apart but not required apart.
    var terms = raw.split(/\s+/).map(plainWords).filter(some);
    if (!terms.length) terms = raw.split(/\s+/).filter(some);
    terms = terms.slice(0, MAX_PARTS);
    var text = terms.join(' ');
    var parts = terms;
    var pieces = [];
    terms.forEach(function (t) { t.split(/\s+/).filter(some).forEach(function (p) { pieces.push(p); }); });
    var list = [], seen = {};
    var partTokens = parts.map(function (p) {
      var own = {};
      p.split(/\s+/).forEach(function (piece) { tokens(piece, false).forEach(function (t) {
        own[t] = true;
        if (!(t in seen) && list.length < MAX_TOKENS) { seen[t] = list.length; list.push(t); }
      }); });
      return Object.keys(own).filter(function (t) { return t in seen; }).map(function (t) { return seen[t]; });
    });
    return { text: text, parts: parts, compact: pieces.slice(0, MAX_PARTS * 2).map(compact), tokens: list, partTokens: partTokens };
  }

  // The query and its variants with synonyms: [{q, also}], the query first.
  function variants(query, syn) {
    var first = parse(query), out = [{ q: first, also: null }];
    var keys = Object.keys(syn).sort(function (a, b) { return b.length - a.length || (a < b ? -1 : 1); });
    var text = first.text, used = {};
    for (var i = 0; i < keys.length && out.length <= MAX_VARIANTS; i++) {
      var key = keys[i];
      if (text.indexOf(key) < 0 || used[key]) continue;
      // A longer key already matched here covers this one (两条线 in 收支两条线).
      if (Object.keys(used).some(function (u) { return u.indexOf(key) >= 0; })) continue;
      used[key] = true;
      syn[key].forEach(function (also) {
        if (out.length <= MAX_VARIANTS && text.indexOf(also) < 0) out.push({ q: parse(text.split(key).join(also)), also: also });
      });
    }
    return out;
  }

  function search(query, limit) {
    var vs;
    if (!compact(String(query).slice(0, MAX_QUERY))) return Promise.resolve(finish([], [], []));
    return loadManifest().then(function (m) {
      vs = variants(query, m.syn).filter(function (v) { return v.q.tokens.length; });
      var ids = {};
      vs.forEach(function (v) { v.q.tokens.forEach(function (t) { ids[shardOf(t, m.shards)] = true; }); });
      return Promise.all(Object.keys(ids).map(function (i) { return load('s', +i); }));
    }).then(function () {
      // Each entry keeps its best score over the variants, and that variant.
      var best = {};
      vs.forEach(function (v, i) {
        score(v.q).forEach(function (r) {
          var s = r.score * (i ? VARIANT : 1);
          if (!best[r.doc] || s > best[r.doc].score) best[r.doc] = { doc: r.doc, score: s, q: v.q };
        });
      });
      var ranked = Object.keys(best).map(function (k) { return best[k]; });
      ranked.sort(function (a, b) { return b.score - a.score || a.doc - b.doc; });
      var also = vs.slice(1).map(function (v) { return v.also; });
      return rerank(ranked, limit).then(function (shown) { return finish(shown.results, shown.folded, also); });
    });
  }

  function finish(results, folded, also) {
    results.folded = folded;
    results.also = also;
    return results;
  }

  // BM25 over the stored weights; coverage of the query and of each part;
  // the weight of the entry's role.
  function score(q) {
    var m = manifest, n = m.docs, P = q.parts.length;
    var total = new Float64Array(n), cover = new Float64Array(n), partHits = new Uint8Array(n * P);
    var touched = [], qWeight = 0;
    var idf = function (df) { return Math.log(1 + (n - df + 0.5) / (df + 0.5)); };
    // A very common token (its postings longer than COMMON × entries) is
    // skipped when at least two rarer ones are there: it would weigh little
    // and cost most of the time on a large site.
    var lists = q.tokens.map(function (t) {
      var shard = store['s' + shardOf(t, m.shards)] || {};
      return Object.prototype.hasOwnProperty.call(shard, t) && typeof shard[t] === 'string' ? shard[t] : '';
    });
    var rare = lists.filter(function (l) { return l.length <= COMMON * n; }).length;
    q.tokens.forEach(function (t, ti) {
      var list = lists[ti];
      if (list.length > COMMON * n && rare >= 2) return;
      var docs = [], levels = [], doc = 0;
      decode(list, function (v) {
        doc += Math.floor(v / m.levels);
        docs.push(doc);
        levels.push(v % m.levels);
      });
      var weight = idf(docs.length);
      qWeight += weight;
      var owners = [];
      q.partTokens.forEach(function (pt, p) { if (pt.indexOf(ti) >= 0) owners.push(p); });
      for (var i = 0; i < docs.length; i++) {
        var d = docs[i];
        if (cover[d] === 0) touched.push(d);
        total[d] += weight * (levels[i] + 1) / m.levels;
        cover[d] += weight;
        for (var o = 0; o < owners.length; o++) if (partHits[d * P + owners[o]] < 255) partHits[d * P + owners[o]]++;
      }
    });
    var out = touched.map(function (doc) {
      var c = Math.min(1, cover[doc] / qWeight);
      var s = total[doc] * (0.2 + 0.8 * c * c);
      if (P > 1) {
        var whole = 0;
        for (var p = 0; p < P; p++) {
          var need = Math.max(1, Math.ceil(q.partTokens[p].length * 0.5));
          if (partHits[doc * P + p] >= need) whole++;
        }
        s *= whole === P ? 1.6 : 0.6 + 0.4 * whole / P;
      }
      var w = m.roles[m.role[doc]];
      return { doc: doc, score: s * (w === undefined ? 1 : w) };
    });
    return out;
  }

  // The stored row of an entry (its chunk loaded).
  function row(doc) {
    var c = chunkOf(doc);
    return store['d' + c][doc - c * manifest.per];
  }

  function loadRows(docs) {
    var chunks = {};
    docs.forEach(function (doc) { chunks[chunkOf(doc)] = true; });
    return Promise.all(Object.keys(chunks).map(function (c) { return load('d', +c); }));
  }

  function fill(r) {
    var data = row(r.doc);
    r.url = data[0]; r.crumb = data[1]; r.text = data[2]; r.kind = data[3];
    r.subs = data[4] || []; r.targets = data[5] || [];
    return r;
  }

  // Where each part occurs in a compact text (whole, else by its bigrams).
  function positions(text, part) {
    var at = [], i = text.indexOf(part);
    while (i >= 0 && at.length < 32) { at.push(i); i = text.indexOf(part, i + 1); }
    return at;
  }

  // Exact phrases and proximity, checked on the stored text of the best;
  // then explanations of a matching clause go under it, and each document
  // gives at most `fold` of the first results, the rest folded per document.
  function rerank(ranked, limit) {
    var top = ranked.slice(0, Math.max(RERANK, limit));
    var matched = {};
    ranked.forEach(function (r) { matched[r.doc] = true; });
    return loadRows(top.map(function (r) { return r.doc; })).then(function () {
      top.forEach(function (r) {
        var q = r.q;
        fill(r);
        var crumb = compact(r.crumb.join('')), text = crumb + compact(r.text);
        var inCrumb = 0;
        var sum = 0, found = 0, lists = [];
        q.compact.forEach(function (part) {
          sum += part.length;
          var at = positions(text, part);
          if (at.length) found += part.length;
          if (crumb.indexOf(part) >= 0) inCrumb += part.length;
          lists.push(at);
        });
        var factor = (1 + 0.8 * found / Math.max(sum, 1) + 0.6 * inCrumb / Math.max(sum, 1)) * (PRIOR[r.kind] || 1);
        if (q.compact.length > 1) {
          if (text.indexOf(q.compact.join('')) >= 0) factor += 0.5;
          if (lists.every(function (l) { return l.length; })) {
            factor += 0.5 / (1 + window(lists, q.compact) / 40);
          }
        }
        r.score *= factor;
      });
      top.sort(function (a, b) { return b.score - a.score || a.doc - b.doc; });
      // An annotation or term whose clause (or a clause inside it) matches is
      // shown under that clause, not as a result of its own.
      var under = [];
      var order = top.filter(function (r) {
        if (r.kind !== 'a' && r.kind !== 't') return true;
        for (var i = 0; i + 1 < r.targets.length; i += 2) {
          for (var e = r.targets[i]; e < r.targets[i + 1]; e++) if (matched[e]) { under.push(r); return false; }
        }
        return true;
      }).concat(ranked.slice(top.length));
      var m = manifest, count = {}, results = [], folded = {}, foldOrder = [];
      order.forEach(function (r) {
        var g = m.group[r.doc];
        count[g] = (count[g] || 0) + 1;
        if (count[g] <= m.fold && results.length < limit) results.push(r);
        else if (count[g] > m.fold || results.some(function (x) { return m.group[x.doc] === g; })) {
          if (!folded[g]) { folded[g] = { name: m.names[g] || '', docs: [] }; foldOrder.push(g); }
          folded[g].docs.push(r.doc);
        }
      });
      var shownGroups = {};
      results.forEach(function (r) { shownGroups[m.group[r.doc]] = true; });
      var folds = foldOrder.filter(function (g) { return shownGroups[g]; }).map(function (g) { return folded[g]; });
      var missing = results.filter(function (r) { return r.url === undefined; });
      return loadRows(missing.map(function (r) { return r.doc; })).then(function () {
        missing.forEach(fill);
        // Each explanation set aside goes under the first result it explains.
        under.forEach(function (x) {
          var label = x.crumb.join('：'), host = null;
          results.forEach(function (r) {
            for (var i = 0; !host && i + 1 < x.targets.length; i += 2) if (r.doc >= x.targets[i] && r.doc < x.targets[i + 1]) host = r;
          });
          if (host && !host.subs.some(function (s) { return s[1] === x.url; })) host.subs = host.subs.concat([[label, x.url]]);
        });
        return { results: results, folded: folds };
      });
    });
  }

  // The rows of folded entries, for showing them in place.
  function expand(fold, max) {
    var docs = fold.docs.slice(0, max);
    return loadRows(docs).then(function () { return docs.map(function (doc) { return fill({ doc: doc }); }); });
  }

  // The shortest span holding one occurrence of every part.
  function window(lists, parts) {
    var events = [];
    lists.forEach(function (l, p) { l.forEach(function (at) { events.push([at, p]); }); });
    events.sort(function (a, b) { return a[0] - b[0]; });
    var count = {}, have = 0, best = Infinity, lo = 0;
    for (var hi = 0; hi < events.length; hi++) {
      var p = events[hi][1];
      if (!count[p]) have++;
      count[p] = (count[p] || 0) + 1;
      while (have === lists.length) {
        var e = events[lo];
        best = Math.min(best, events[hi][0] + parts[events[hi][1]].length - e[0]);
        if (--count[e[1]] === 0) have--;
        lo++;
      }
    }
    return best;
  }

  // ---- Rendering -----------------------------------------------------------

  // Stretches of `text` to mark: each word of the query, else its bigrams.
  function marks(text, query) {
    var norm = normalized(text), spans = [];
    runs(String(query).slice(0, MAX_QUERY)).forEach(function (r) {
      var word = r.c.join(''), any = false;
      var find = function (w) {
        for (var i = norm.indexOf(w), n = 0; i >= 0 && n < 50; i = norm.indexOf(w, i + w.length), n++) {
          spans.push([i, i + w.length]); any = true;
        }
      };
      find(word);
      if (!any && r.k === HAN && r.c.length > 2) {
        for (var j = 0; j + 1 < r.c.length; j++) find(r.c[j] + r.c[j + 1]);
      }
    });
    spans.sort(function (a, b) { return a[0] - b[0] || b[1] - a[1]; });
    var merged = [];
    spans.forEach(function (s) {
      var last = merged[merged.length - 1];
      if (last && s[0] <= last[1]) last[1] = Math.max(last[1], s[1]);
      else merged.push([s[0], s[1]]);
    });
    return merged;
  }

  // A window of the text around its densest marks, as DOM nodes.
  function snippet(text, query, size) {
    var spans = marks(text, query), start = 0, best = -1;
    for (var i = 0; i < spans.length; i++) {
      var covered = 0;
      for (var j = i; j < spans.length && spans[j][1] <= spans[i][0] + size; j++) covered += spans[j][1] - spans[j][0];
      if (covered > best) { best = covered; start = spans[i][0]; }
    }
    start = Math.max(0, Math.min(start - Math.floor(size / 4), text.length - size));
    if (start > 0 && /[\uDC00-\uDFFF]/.test(text.charAt(start))) start--;
    var end = Math.min(text.length, start + size);
    var frag = d.createDocumentFragment(), at = start;
    if (start > 0) frag.appendChild(d.createTextNode('…'));
    spans.forEach(function (s) {
      var a = Math.max(s[0], start), b = Math.min(s[1], end);
      if (b <= a || a < at) return;
      frag.appendChild(d.createTextNode(text.slice(at, a)));
      var mark = d.createElement('mark');
      mark.textContent = text.slice(a, b);
      frag.appendChild(mark);
      at = b;
    });
    frag.appendChild(d.createTextNode(text.slice(at, end)));
    if (end < text.length) frag.appendChild(d.createTextNode('…'));
    return frag;
  }

  var MAX_FOLDED = 50;

  // One result: on search.html a list item whose first element is its link;
  // as a suggestion (`option`) the same without a link inside, since an
  // option is chosen through the box, and its address in `data-href`.
  function resultItem(r, query, tag, size, option) {
    var item = d.createElement(tag);
    item.setAttribute('data-search-result', '');
    item.className = 'search-result';
    var a = d.createElement(option ? 'span' : 'a');
    if (option) {
      item.setAttribute('role', 'option');
      item.setAttribute('aria-selected', 'false');
      item.setAttribute('data-href', prefix + r.url);
    } else a.href = prefix + r.url;
    a.className = 'search-crumb';
    r.crumb.forEach(function (c, i) {
      if (i) {
        var sep = d.createElement('span');
        sep.className = 'sep';
        sep.setAttribute('aria-hidden', 'true');
        sep.textContent = ' › ';
        a.appendChild(sep);
      }
      a.appendChild(d.createTextNode(c));
    });
    item.appendChild(a);
    var p = d.createElement(option ? 'span' : 'p');
    p.className = 'search-snippet';
    p.appendChild(snippet(r.text.replace(/\s*\n\s*/g, ' '), query, size));
    item.appendChild(p);
    if (!option && r.subs && r.subs.length) {
      // The annotations and glossary terms of the clause, one click away.
      var ul = d.createElement('ul');
      ul.className = 'search-subs';
      ul.setAttribute('aria-label', '释义和术语');
      r.subs.forEach(function (s) {
        var li = d.createElement('li'), link = d.createElement('a');
        link.href = prefix + s[1];
        link.textContent = s[0];
        li.appendChild(link);
        ul.appendChild(li);
      });
      item.appendChild(ul);
    }
    return item;
  }

  var foldCount = 0;

  // One line per document for its further results: a button that shows
  // them in place.
  function foldItem(fold, query, size) {
    var item = d.createElement('li');
    item.className = 'search-fold';
    var button = d.createElement('button');
    var id = 'search-fold-' + (++foldCount);
    button.type = 'button';
    button.setAttribute('aria-expanded', 'false');
    button.setAttribute('aria-controls', id);
    button.textContent = fold.name + '中还有 ' + fold.docs.length + ' 条';
    var list = d.createElement('ul');
    list.id = id;
    list.className = 'search-fold-list';
    list.hidden = true;
    button.addEventListener('click', function () {
      var open = button.getAttribute('aria-expanded') !== 'true';
      button.setAttribute('aria-expanded', open ? 'true' : 'false');
      list.hidden = !open;
      if (!open || list.firstChild) return;
      expand(fold, MAX_FOLDED).then(function (rows) {
        rows.forEach(function (r) { list.appendChild(resultItem(r, query, 'li', size, false)); });
        if (fold.docs.length > rows.length) {
          var rest = d.createElement('li');
          rest.className = 'search-fold-rest';
          rest.textContent = '另有 ' + (fold.docs.length - rows.length) + ' 条未列出，请换用更具体的词语。';
          list.appendChild(rest);
        }
      }, function () {
        var failed = d.createElement('li');
        failed.textContent = '无法加载搜索索引。';
        list.appendChild(failed);
      });
    });
    item.appendChild(button);
    item.appendChild(list);
    return item;
  }

  function setState(container, state) {
    d.documentElement.setAttribute('data-search-state', state);
    if (container) container.setAttribute('data-search-state', state);
  }

  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }

  // Runs `search` for `query` and shows the results in `list`; the last call wins.
  function runner(list, status, limit, tag, size, after, option) {
    var seq = 0;
    return function (query) {
      var mine = ++seq;
      setState(list, 'loading');
      var done = function (results, error) {
        if (mine !== seq) return;
        clear(list);
        var folds = (status && results.folded) || [];
        results.forEach(function (r) { list.appendChild(resultItem(r, query, tag, size, option)); });
        folds.forEach(function (f) { list.appendChild(foldItem(f, query, size)); });
        if (status) {
          var more = folds.reduce(function (n, f) { return n + f.docs.length; }, 0);
          var also = (results.also || []).filter(function (a) { return a; });
          status.textContent = error ? '无法加载搜索索引。' :
            !compact(query) ? '' : results.length ? '找到 ' + (results.length + more) + ' 条结果' +
            (more ? '，其中 ' + more + ' 条按文件收起' : '') +
            (also.length ? '。同时搜索了：' + also.join('、') : '') : '没有找到结果。';
        }
        if (after) after(results, error);
        setState(list, 'done');
      };
      var p;
      try { p = search(query, limit); } catch (e) { p = Promise.reject(e); }
      p.then(function (r) { done(r, null); }, function (e) { done([], e); });
    };
  }

  function debounce(fn, ms) {
    var t = null;
    return function (arg) { clearTimeout(t); t = setTimeout(function () { fn(arg); }, ms); };
  }

  // ---- The header box -------------------------------------------------------
  // A combobox (WAI-ARIA 1.2): the box keeps the focus, its suggestions are
  // the options of a listbox, and `aria-activedescendant` names the one the
  // arrow keys moved to; Enter opens it, Escape closes the list.

  var input = d.querySelector('[data-search-input]');
  var dropdown = d.querySelector('[data-search-dropdown]');
  var pageInput = d.querySelector('[data-search-page-input]');
  var pageList = d.querySelector('[data-search-results]');
  var active = -1;

  function options() { return dropdown ? dropdown.querySelectorAll('[role="option"]') : []; }

  function setActive(i) {
    var opts = options();
    for (var j = 0; j < opts.length; j++) {
      opts[j].classList.toggle('active', j === i);
      opts[j].setAttribute('aria-selected', j === i ? 'true' : 'false');
    }
    active = i;
    if (opts[i]) {
      input.setAttribute('aria-activedescendant', opts[i].id);
      if (opts[i].scrollIntoView) opts[i].scrollIntoView({ block: 'nearest' });
    } else input.removeAttribute('aria-activedescendant');
  }

  function show(open) {
    if (!dropdown) return;
    dropdown.hidden = !open;
    input.setAttribute('aria-expanded', open ? 'true' : 'false');
  }

  if (input && dropdown) {
    // The theme's markup holds the listbox; an older theme's may not.
    var list = dropdown.querySelector('[role="listbox"]');
    if (!list) {
      list = d.createElement('ul');
      list.className = 'search-options';
      list.id = 'site-search-list';
      list.setAttribute('role', 'listbox');
      list.setAttribute('aria-label', '搜索建议');
      dropdown.appendChild(list);
      input.setAttribute('aria-controls', list.id);
    }
    var empty = d.createElement('p');
    empty.className = 'search-empty';
    empty.textContent = '没有找到结果。';
    empty.hidden = true;
    dropdown.appendChild(empty);
    var more = d.createElement('a');
    more.className = 'search-more';
    more.textContent = '查看全部结果';
    dropdown.appendChild(more);
    input.setAttribute('role', 'combobox');
    input.setAttribute('aria-autocomplete', 'list');
    var run = runner(list, null, 8, 'li', 80, function (results) {
      var opts = options();
      for (var i = 0; i < opts.length; i++) opts[i].id = 'search-option-' + i;
      more.href = prefix + 'search.html?q=' + encodeURIComponent(input.value);
      more.hidden = !results.length;
      list.hidden = !results.length;
      empty.hidden = !!results.length;
      show(!!compact(input.value));
      setActive(-1);
    }, true);
    var later = debounce(run, 120);
    input.addEventListener('input', function () {
      if (!compact(input.value)) { show(false); later(''); return; }
      later(input.value);
    });
    input.addEventListener('focus', function () { if (compact(input.value) && options().length) show(true); });
    input.addEventListener('blur', function () {
      // Later, so that a click on an option still reaches it.
      setTimeout(function () { if (d.activeElement !== input) { show(false); setActive(-1); } }, 200);
    });
    input.addEventListener('keydown', function (e) {
      var opts = options();
      if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        if (!opts.length) return;
        e.preventDefault();
        show(true);
        var n = opts.length, step = e.key === 'ArrowDown' ? 1 : -1;
        setActive(active < 0 ? (step > 0 ? 0 : n - 1) : (active + step + n) % n);
      } else if (e.key === 'Enter' && active >= 0 && opts[active] && !dropdown.hidden) {
        e.preventDefault();
        global.location.href = opts[active].getAttribute('data-href');
      } else if (e.key === 'Escape') {
        if (dropdown.hidden) return;
        e.preventDefault();
        show(false);
        setActive(-1);
      }
    });
    list.addEventListener('mousedown', function (e) { e.preventDefault(); });
    list.addEventListener('click', function (e) {
      var option = e.target.closest ? e.target.closest('[role="option"]') : null;
      if (option) global.location.href = option.getAttribute('data-href');
    });
    d.addEventListener('click', function (e) {
      if (!dropdown.contains(e.target) && e.target !== input) show(false);
    });
  }

  d.addEventListener('keydown', function (e) {
    if (e.key !== '/' || e.ctrlKey || e.metaKey || e.altKey) return;
    var t = e.target, tag = t && t.tagName;
    if (tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT' || (t && t.isContentEditable)) return;
    var box = pageInput || input;
    if (box) { e.preventDefault(); box.focus(); box.select(); }
  });

  // ---- search.html ------------------------------------------------------------

  if (pageInput && pageList) {
    var status = d.querySelector('[data-search-status]');
    var runPage = runner(pageList, status, 10, 'li', 160, null);
    var query = '';
    try { query = new URLSearchParams(global.location.search).get('q') || ''; } catch (e) { query = ''; }
    pageInput.value = query;
    runPage(query);
    var laterPage = debounce(function (value) {
      try {
        var url = new URL(global.location.href);
        url.searchParams.set('q', value);
        global.history.replaceState(null, '', url.href);
      } catch (e) { /* file:// may refuse: the results still show */ }
      runPage(value);
    }, 150);
    pageInput.addEventListener('input', function () { laterPage(pageInput.value); });
    pageInput.form.addEventListener('submit', function (e) { e.preventDefault(); runPage(pageInput.value); });
    d.addEventListener('keydown', function (e) {
      if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
      var links = pageList.querySelectorAll('[data-search-result] > a[href]');
      if (!links.length) return;
      var at = Array.prototype.indexOf.call(links, d.activeElement);
      if (d.activeElement !== pageInput && at < 0) return;
      e.preventDefault();
      var next = at + (e.key === 'ArrowDown' ? 1 : -1);
      if (next < 0) pageInput.focus(); else links[Math.min(next, links.length - 1)].focus();
    });
  }
})(typeof window !== 'undefined' ? window : this);
