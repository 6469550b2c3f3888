#!/usr/bin/env bash
# bench-evidence.sh: the evidence speed and memory comparison of docs/benchmarks.md.
#
#   scripts/bench-evidence.sh                 # 200 MB corpus
#   SIZE=1GB SEED=2 WORK=bench-work scripts/bench-evidence.sh
#
# 1. generates a seeded corpus of CSV, JSONL and Russian/Kazakh prose (package corpus);
# 2. times `dpia scan --json DIR` against ripgrep running the six identifier patterns of the
#    issue (e-mail, 12-digit id, KZ phone, 16-digit card, KZ IBAN, IPv4) in ASCII mode
#    (hyperfine if installed, else three runs timed by /usr/bin/time, median shown), and, for
#    information, against six ripgrep runs of one pattern each;
# 3. indexes the corpus with `dpia evidence add` into a fresh workspace under /usr/bin/time -v
#    (MB/s and peak RSS), then ordinary prose and an ordinary CSV of the same size built from
#    this repository's docs (few identifiers: as most real samples are);
# 4. times word and phrase queries against that index in one process (cmd/searchbench);
# and prints a summary table. It installs nothing: it needs go, rg and /usr/bin/time
# (Debian/Ubuntu: apt-get install ripgrep time; hyperfine is optional).
set -euo pipefail

cd "$(dirname "$0")/.."
SIZE=${SIZE:-200MB}
SEED=${SEED:-1}
RUNS=${RUNS:-3}
WORK=${WORK:-$(mktemp -d -t dpia-bench.XXXXXX)}
mkdir -p "$WORK"

need() {
	if ! command -v "$1" >/dev/null 2>&1; then
		echo "bench-evidence: '$1' not found; $2" >&2
		exit 1
	fi
}
need go "install Go 1.26 (https://go.dev/dl/)"
need rg "install ripgrep (Debian/Ubuntu: apt-get install ripgrep; or cargo install ripgrep)"
[ -x /usr/bin/time ] || { echo "bench-evidence: /usr/bin/time not found; install it (Debian/Ubuntu: apt-get install time)" >&2; exit 1; }

echo "== build (work folder $WORK)"
go build -o "$WORK/dpia" ./cmd/dpia
go build -o "$WORK/gen" ./assessment/evidence/corpus/cmd/gen
go build -o "$WORK/searchbench" ./assessment/evidence/corpus/cmd/searchbench

CORPUS="$WORK/corpus"
if [ ! -d "$CORPUS" ]; then
	echo "== generate $SIZE corpus (seed $SEED)"
	"$WORK/gen" -seed "$SEED" -size "$SIZE" -out "$CORPUS" -manifest "$WORK/manifest.json"
else
	echo "== reuse corpus in $CORPUS (delete it to regenerate)"
fi
BYTES=$(du -sb "$CORPUS" | cut -f1)
MB=$(awk -v b="$BYTES" 'BEGIN{printf "%.1f", b/1048576}')

# The six identifier patterns, ASCII only (--no-unicode: \b and classes are ASCII).
RG=(rg --no-config --no-unicode -a -c
	-e '[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,24}'
	-e '\b[0-9]{12}\b'
	-e '(\+7|\b8)[ (-]*7[0-9]{2}[ )-]*[0-9]{3}[ -]?[0-9]{2}[ -]?[0-9]{2}\b'
	-e '\b[0-9]{4}[ -]?[0-9]{4}[ -]?[0-9]{4}[ -]?[0-9]{4}\b'
	-e '\bKZ[0-9]{2}(?: ?[0-9A-Z]{4}){4}\b'
	-e '\b(?:[0-9]{1,3}\.){3}[0-9]{1,3}\b'
	"$CORPUS")
# The same search counting every match (as dpia counts every value) instead of matching lines.
RGM=("${RG[@]/#-c/--count-matches}")
# The six patterns again, one ripgrep run each (six passes, as an audit grepping for one kind
# of identifier at a time would run them); for information: the target is the single run.
PATTERNS=()
for ((i = 0; i < ${#RG[@]}; i++)); do
	[ "${RG[$i]}" = "-e" ] && PATTERNS+=("${RG[$((i + 1))]}")
done
RGE=(bash -c 'c=$1; shift; for p in "$@"; do rg --no-config --no-unicode -a --count-matches -e "$p" "$c" || exit 1; done' _ "$CORPUS" "${PATTERNS[@]}")
SCAN=("$WORK/dpia" scan --json "$CORPUS")

# median_time CMD...: runs CMD $RUNS times after one warm-up, prints the median wall seconds.
median_time() {
	"$@" >/dev/null 2>&1 || true
	local ts=()
	for _ in $(seq "$RUNS"); do
		/usr/bin/time -f '%e' -o "$WORK/t" "$@" >/dev/null 2>/dev/null || true
		ts+=("$(tail -1 "$WORK/t")")
	done
	printf '%s\n' "${ts[@]}" | sort -n | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}'
}

echo "== detection pass: dpia scan vs ripgrep ($MB MB)"
if command -v hyperfine >/dev/null 2>&1; then
	hyperfine -N --warmup 1 --runs "$RUNS" --export-json "$WORK/hf.json" \
		-n "dpia scan" "${SCAN[*]}" -n "rg 6 patterns" "${RG[*]}"
	SCAN_S=$(grep -o '"median": *[0-9.]*' "$WORK/hf.json" | sed -n 1p | grep -o '[0-9.]*$')
	RG_S=$(grep -o '"median": *[0-9.]*' "$WORK/hf.json" | sed -n 2p | grep -o '[0-9.]*$')
else
	SCAN_S=$(median_time "${SCAN[@]}")
	RG_S=$(median_time "${RG[@]}")
fi
RGM_S=$(median_time "${RGM[@]}")
RGE_S=$(median_time "${RGE[@]}")
"${RG[@]}" | awk -F: '{n+=$NF} END{print "  rg matching lines:", n}'
"${RGM[@]}" | awk -F: '{n+=$NF} END{print "  rg matches:", n}'
"${SCAN[@]}" 2>/dev/null | tr -d ' \n' | grep -o '"totals":{[^}]*}' | sed 's/^/  dpia totals: /'

echo "== full indexing: dpia evidence add"
WS="$WORK/ws"
rm -rf "$WS"
ID=$("$WORK/dpia" --workspace "$WS" new --name bench | tail -1)
/usr/bin/time -v -o "$WORK/add.time" "$WORK/dpia" --workspace "$WS" evidence add "$ID" "$CORPUS" >/dev/null 2>"$WORK/add.err"
ADD_S=$(awk -F': ' '/Elapsed \(wall clock\)/{n=split($2,p,":"); s=0; for(i=1;i<=n;i++) s=s*60+p[i]; print s}' "$WORK/add.time")
ADD_RSS=$(awk -F': ' '/Maximum resident set size/{printf "%.0f", $2/1024}' "$WORK/add.time")
DB_MB=$(du -sm "$WS" | cut -f1)

# Ordinary samples, as real evidence mostly is (the generated corpus above carries about
# 13,000 identifiers per MB): prose (this repository's docs and packs, repeated) and a CSV of
# support tickets (id, time, status, a comment line from the same text), each the size of the
# corpus, in 1 MB files.
ordinary() { # ordinary prose|tickets DIR
	mkdir -p "$2"
	cat docs/*.md questionnaires/packs/*.yaml README.md >"$WORK/ordinary.src"
	awk -v kind="$1" -v dir="$2" -v total="$BYTES" '
		{ line[n++] = $0 }
		END {
			file = 0; size = 0; written = 0; out = ""; row = 0
			while (written < total) {
				for (i = 0; i < n && written < total; i++) {
					if (out == "" || size >= 1048576) {
						if (out != "") close(out)
						out = sprintf("%s/%05d.%s", dir, file++, kind == "prose" ? "txt" : "csv")
						size = 0
						if (kind != "prose") { print "ticket_id,opened_at,status,comment" > out; size += 35 }
					}
					if (kind == "prose") { s = line[i] }
					else {
						c = line[i]; gsub(/"/, "\"\"", c)
						s = sprintf("T-%07d,2026-%02d-%02dT%02d:%02d:00Z,%s,\"%s\"", row, row % 12 + 1, row % 28 + 1, row % 24, row % 60,
							(row % 3 == 0 ? "open" : (row % 3 == 1 ? "closed" : "pending")), c)
						row++
					}
					print s > out; size += length(s) + 1; written += length(s) + 1
				}
			}
		}' "$WORK/ordinary.src"
}
ADD_PLAIN=()
for kind in prose tickets; do
	dir="$WORK/$kind"
	[ -d "$dir" ] || ordinary "$kind" "$dir"
	ws="$WORK/ws-$kind"
	rm -rf "$ws"
	id=$("$WORK/dpia" --workspace "$ws" new --name "$kind" | tail -1)
	/usr/bin/time -v -o "$WORK/add-$kind.time" "$WORK/dpia" --workspace "$ws" evidence add "$id" "$dir" >/dev/null 2>&1
	secs=$(awk -F': ' '/Elapsed \(wall clock\)/{n=split($2,p,":"); s=0; for(i=1;i<=n;i++) s=s*60+p[i]; print s}' "$WORK/add-$kind.time")
	rss=$(awk -F': ' '/Maximum resident set size/{printf "%.0f", $2/1024}' "$WORK/add-$kind.time")
	ADD_PLAIN+=("$kind $(du -sb "$dir" | cut -f1) $secs $rss")
done

echo "== search: word and phrase queries"
SEARCH=$("$WORK/searchbench" -workspace "$WS" -id "$ID" -rounds 5)
echo "  $SEARCH"

rate() { awk -v mb="$MB" -v s="$1" 'BEGIN{ if (s > 0) printf "%.1f", mb/s; else print "-" }'; }
echo
echo "== summary ($MB MB corpus, seed $SEED, $(nproc) cores)"
printf '%-34s %10s %10s\n' "step" "seconds" "MB/s"
printf '%-34s %10s %10s\n' "dpia scan --json" "$SCAN_S" "$(rate "$SCAN_S")"
printf '%-34s %10s %10s\n' "rg, six patterns, ASCII (-c)" "$RG_S" "$(rate "$RG_S")"
printf '%-34s %10s %10s\n' "rg, the same, --count-matches" "$RGM_S" "$(rate "$RGM_S")"
printf '%-34s %10s %10s\n' "rg, one run per pattern (6 runs)" "$RGE_S" "$(rate "$RGE_S")"
printf '%-34s %10s %10s\n' "dpia evidence add (detect + FTS5)" "$ADD_S" "$(rate "$ADD_S")"
for pair in "-c:$RG_S" "--count-matches:$RGM_S" "run once per pattern:$RGE_S"; do
	awk -v a="$SCAN_S" -v b="${pair#*:}" -v m="${pair%%:*}" 'BEGIN{ if (a <= b) printf "dpia scan is %.2fx as fast as ripgrep %s\n", b/a, m; else printf "dpia scan is %.2fx slower than ripgrep %s\n", a/b, m }'
done
for p in "${ADD_PLAIN[@]}"; do
	read -r kind bytes secs rss <<<"$p"
	awk -v k="$kind" -v b="$bytes" -v s="$secs" -v r="$rss" 'BEGIN{ printf "%-34s %10s %10.1f   (%.0f MB, peak RSS %s MB)\n", "dpia evidence add, ordinary " k, s, (s > 0 ? b/1048576/s : 0), b/1048576, r }'
done
echo "evidence add peak RSS: ${ADD_RSS} MB; workspace on disk: ${DB_MB} MB"
echo "search: $SEARCH"
