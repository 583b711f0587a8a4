#!/usr/bin/env bash
# Save-to-reload latency of `shiyi serve` (median of 10 one-line annotation
# edits), on a copy of the shipped site and on a generated corpus of N
# documents (default 1000), with the release binary.
#
#   bench/reload.sh            # shipped site and N=1000
#   bench/reload.sh 100        # shipped site and N=100
#
# Needs Python 3 (the generator is tests/data/bench/gen_corpus.py). Works in a
# temporary folder (under /dev/shm when it exists); the repository is not edited.
set -euo pipefail
cd "$(dirname "$0")/.."
N="${1:-1000}"
cargo build --release --quiet
BIN="$PWD/target/release/shiyi"
base=/tmp
[ -d /dev/shm ] && base=/dev/shm
tmp="$(mktemp -d "$base/shiyi-reload.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT

echo "== shipped site"
mkdir -p "$tmp/shipped"
cp -r site.yaml content "$tmp/shipped/"
[ -d themes ] && cp -r themes "$tmp/shipped/"
note="$(cd "$tmp/shipped" && ls content/annotations/*.md | head -n 1)"
echo "editing $note"
python3 bench/reload_latency.py --bin "$BIN" --root "$tmp/shipped" --file "$note" --runs 10

echo "== generated corpus, N=$N"
python3 tests/data/bench/gen_corpus.py --docs "$N" --out "$tmp/corpus" --only corpus >/dev/null
bench/corpus-to-site "$tmp/corpus" "$tmp/site"
echo "editing content/annotations/d00001-s01.md"
python3 bench/reload_latency.py --bin "$BIN" --root "$tmp/site" --file content/annotations/d00001-s01.md --runs 10
