#!/usr/bin/env bash
# The PocketBase side of the paired runs (issue 25): the same wrk settings
# as bench/crm.sh against PocketBase v0.39.11 serving 100,000 cases, and
# its server CPU per request (utime + stime of its process over the run).
#
#   ../shared/peers/pocketbase.sh start /var/tmp/pb 8090     # once: install, seed, serve
#   bench/peer.sh                                            # list and create, 15 s each
#   PB_DIR=/var/tmp/pb PB_PORT=8090 ONLY=create DURATION=10s bench/peer.sh
#
# Alternate it with bench/crm.sh (ours, PocketBase, ours, PocketBase) and
# report each round: absolute figures on a shared machine move between runs.
#   list    GET  /api/collections/cases/records?perPage=50&sort=-created&filter=(client='c1')&skipTotal=1
#   create  POST /api/collections/cases/records  (JSON: client, title, body, status)
set -euo pipefail
cd "$(dirname "$0")/.."
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-32}
DURATION=${DURATION:-15s}
PB_DIR=${PB_DIR:-/var/tmp/pb}
PB_PORT=${PB_PORT:-8090}
ONLY=${ONLY:-list create}
base=http://127.0.0.1:$PB_PORT
pid=$(cat "$PB_DIR/pid") || { echo "peer.sh: PocketBase is not running (../shared/peers/pocketbase.sh start $PB_DIR $PB_PORT)" >&2; exit 1; }
tick=$(getconf CLK_TCK)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
body='{"client":"c1","title":"Load test case","body":"Opened by bench/peer.sh to measure case creation","status":"open"}'
for name in $ONLY; do
	url="$base/api/collections/cases/records"
	post=()
	script=bench/crm.lua
	case $name in
	list) url="$url?perPage=50&sort=-created&filter=(client='c1')&skipTotal=1" ;;
	create) post=(POST_TYPE=application/json "POST_BODY=$body"); script=bench/post.lua ;;
	*) echo "peer.sh: unknown run $name" >&2; exit 1 ;;
	esac
	echo "== pocketbase $name   load before the run: $(cut -d ' ' -f 1-3 /proc/loadavg)"
	before=$(awk '{ print $14 + $15 }' "/proc/$pid/stat")
	env "${post[@]}" wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -s "$script" "$url" | tee "$work/wrk.txt"
	after=$(awk '{ print $14 + $15 }' "/proc/$pid/stat")
	requests=$(sed -n 's/^requests: \([0-9]*\) in.*/\1/p' "$work/wrk.txt")
	awk -v a="$before" -v b="$after" -v n="$requests" -v t="$tick" -v name="$name" \
		'BEGIN { printf "pocketbase %s: server CPU %.3f ms per request\n", name, n ? (b - a) * 1000 / t / n : 0 }'
	echo "pocketbase $name: peak RSS $(awk '/^VmHWM/ { print $2 / 1024 " MiB" }' "/proc/$pid/status"), now $(awk '/^VmRSS/ { print $2 / 1024 " MiB" }' "/proc/$pid/status")"
done
