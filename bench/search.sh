#!/usr/bin/env bash
# Search benchmark: shiyi's search against Pagefind (extended, zh-cn) over the
# same built output. Prints, per site: quality (recall@1, recall@5, MRR at
# clause level), index bytes on disk, bytes downloaded up to the first answer
# and query latency in headless Chromium (median, p95).
#
#   bench/search.sh                 the shipped site, with tests/data/search-queries.tsv, then
#                                   the staff set and the 思考题 question set by kind
#   bench/search.sh --corpus 1000   also a generated corpus of 1,000 documents,
#                                   with known-item queries from bench/corpus-queries.py
#
# Needs: cargo, node, npm (Pagefind is installed into $WORK, not the repo),
# python3, /usr/bin/chromium. WORK defaults to /dev/shm/shiyi-search-bench.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=${WORK:-/dev/shm/shiyi-search-bench}
CORPUS=0
if [[ "${1:-}" == "--corpus" ]]; then CORPUS=${2:?--corpus N}; fi
mkdir -p "$WORK"

cargo build --release --manifest-path "$ROOT/Cargo.toml" >&2
SHIYI="$ROOT/target/release/shiyi"

if [[ ! -x "$WORK/npm/node_modules/.bin/pagefind" ]]; then
  mkdir -p "$WORK/npm"
  (cd "$WORK/npm" && npm init -y >/dev/null && npm install --no-audit --no-fund pagefind >&2)
fi
PAGEFIND="$WORK/npm/node_modules/.bin/pagefind"

SERVER_PID=""
cleanup() { if [[ -n "$SERVER_PID" ]]; then kill "$SERVER_PID" 2>/dev/null || true; fi; }
trap cleanup EXIT

# bench_site NAME SITE_ROOT QUERIES
bench_site() {
  local name=$1 site=$2 queries=$3 out="$WORK/$1-out"
  rm -rf "$out"
  local t0 t1 t2
  t0=$(date +%s.%N)
  "$SHIYI" --root "$site" build --output "$out" >&2
  t1=$(date +%s.%N)
  "$PAGEFIND" --site "$out" --force-language zh-cn --quiet >&2
  t2=$(date +%s.%N)
  if [[ "$queries" == "generate" ]]; then
    queries="$WORK/$name-queries.tsv"
    python3 "$ROOT/bench/corpus-queries.py" "$out" 40 >"$queries"
  fi
  cat >"$out/pagefind-bench.html" <<'HTML'
<!doctype html><meta charset="utf-8"><title>pagefind</title>
<script type="module">
const pagefind = await import('./pagefind/pagefind.js');
window.pagefind = pagefind;
const q = new URLSearchParams(location.search).get('q');
if (q) {
  const s = await pagefind.search(q);
  await Promise.all(s.results.slice(0, 5).map((r) => r.data()));
  window.pagefindDone = true;
}
await pagefind.init();
window.pagefindReady = true;
</script>
HTML
  local port=$((20000 + RANDOM % 20000))
  (cd "$out" && exec python3 -m http.server "$port" --bind 127.0.0.1 >/dev/null 2>&1) &
  SERVER_PID=$!
  sleep 1
  local ours theirs
  ours=$(node "$ROOT/bench/search-eval.js" --site "http://127.0.0.1:$port/" --queries "$queries")
  theirs=$(node "$ROOT/bench/search-eval.js" --site "http://127.0.0.1:$port/" --queries "$queries" --engine pagefind)
  local sets=""
  if [[ "$name" == shipped ]]; then
    # The staff set and the 思考题 question set, both engines, by kind.
    for set in "--queries $ROOT/tests/data/search-queries-staff.tsv" "--thought $out"; do
      for engine in shiyi pagefind; do
        # shellcheck disable=SC2086
        sets+="$engine $(node "$ROOT/bench/search-eval.js" --site "http://127.0.0.1:$port/" $set --engine "$engine" --no-latency)"$'\n'
      done
    done
  fi
  kill "$SERVER_PID"; SERVER_PID=""
  local js_bytes
  js_bytes=$(stat -c %s "$out/static/search.js")
  python3 - "$name" "$ours" "$theirs" "$(du -sb "$out/search" | cut -f1)" "$js_bytes" \
    "$(du -sb "$out/pagefind" | cut -f1)" "$(echo "$t1 - $t0" | bc)" "$(echo "$t2 - $t1" | bc)" <<'PY'
import json, sys
name, ours, theirs, ours_index, js, theirs_index, build, pf_time = sys.argv[1:]
a, b = json.loads(ours), json.loads(theirs)
print(f"\n## {name}: {a['queries']} queries\n")
print("| | shiyi | Pagefind (extended, zh-cn) |")
print("|---|---|---|")
print(f"| recall@1 | {a['recall1']:.3f} | {b['recall1']:.3f} |")
print(f"| recall@5 | {a['recall5']:.3f} | {b['recall5']:.3f} |")
print(f"| MRR | {a['mrr']:.3f} | {b['mrr']:.3f} |")
print(f"| index on disk | {int(ours_index) + int(js):,} B (search/ + search.js) | {int(theirs_index):,} B (pagefind/) |")
print(f"| bytes to first answer | {a['firstAnswerBytes']:,} B in {a['firstAnswerRequests']} requests | {b['firstAnswerBytes']:,} B in {b['firstAnswerRequests']} requests |")
print(f"| query latency, median | {a['latencyMedianMs']} ms | {b['latencyMedianMs']} ms |")
print(f"| query latency, p95 | {a['latencyP95Ms']} ms | {b['latencyP95Ms']} ms |")
print(f"| build time | {float(build):.1f} s (whole site) | {float(pf_time):.1f} s (index only) |")
PY
  if [[ -n "$sets" ]]; then
    python3 - <<PY
import json
rows = [line.split(' ', 1) for line in '''$sets'''.strip().split('\n')]
print("\n| set, kind | queries | shiyi R@5 / MRR | Pagefind R@5 / MRR |\n|---|---|---|---|")
for i in range(0, len(rows), 2):
    a, b = json.loads(rows[i][1]), json.loads(rows[i + 1][1])
    kinds = [('all', a, b)] + [(k, a['byKind'][k], b['byKind'][k]) for k in sorted(a['byKind'])]
    for k, x, y in kinds:
        print(f"| {k} | {x['queries']} | {x['recall5']:.3f} / {x['mrr']:.3f} | {y['recall5']:.3f} / {y['mrr']:.3f} |")
PY
  fi
}

bench_site shipped "$ROOT" "$ROOT/tests/data/search-queries.tsv"

if [[ "$CORPUS" != 0 ]]; then
  python3 "$ROOT/tests/data/bench/gen_corpus.py" --docs "$CORPUS" --out "$WORK/c$CORPUS" --only corpus >&2
  "$ROOT/bench/corpus-to-site" "$WORK/c$CORPUS" "$WORK/s$CORPUS" >&2
  bench_site "corpus-$CORPUS" "$WORK/s$CORPUS" generate
fi
