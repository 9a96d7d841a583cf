#!/usr/bin/env bash
# Live updates under load: 1,000 open event streams on one server.
#
# Builds the binary, creates a small demo agency (mintedmind demo), starts
# the server on a loopback port with room for STREAMS streams of one person,
# signs in as the demo owner with curl, then runs bench/live/main.go, which
# opens STREAMS streams (one TCP connection each, as tabs hold them), reads
# the server's RSS before and after (memory per open stream), and posts
# POSTS client-visible notes on a case one after another, timing each from
# the moment the post is sent to the notice read on every stream.
#
#   bench/live.sh                       # 1000 streams, 20 posts
#   STREAMS=2000 POSTS=50 bench/live.sh
#   BUILD=0 bench/live.sh               # reuse the binaries of the last run
#
# Output also goes to bench/results/live.txt. Needs go and curl.
set -euo pipefail

STREAMS=${STREAMS:-1000}
POSTS=${POSTS:-20}
SLUG=demo

NAME=live.sh
BIN=bench/results/mintedmind-live
for tool in go curl; do
	command -v "$tool" >/dev/null || { echo "$NAME: $tool is missing" >&2; exit 1; }
done
cd "$(dirname "$0")/.."
mkdir -p bench/results
if [[ ${BUILD:-1} != 0 || ! -x $BIN || ! -x bench/results/live-client ]]; then
	echo "building $BIN"
	CGO_ENABLED=0 go build -o "$BIN" .
	go build -o bench/results/live-client ./bench/live
fi

work=$(mktemp -d)
server_pid=
cleanup() {
	if [[ -n $server_pid ]]; then
		kill "$server_pid" 2>/dev/null || true
		wait "$server_pid" 2>/dev/null || true
	fi
	rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "$NAME: $*" >&2; [[ -f $work/server.log ]] && tail -n 20 "$work/server.log" >&2; exit 1; }

PORT=${PORT:-$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' 2>/dev/null || echo 18090)}
base=http://127.0.0.1:$PORT
data=$work/data
mkdir -p "$data"
"$BIN" demo -data "$data" -base-url "$base" -clients 20 -cases 40 -events 400 -seed 1 >"$work/demo.txt" 2>"$work/demo.log" ||
	{ cat "$work/demo.log" >&2; fail "mintedmind demo failed"; }
password=$(sed -n 's/^Password for every sign-in: //p' "$work/demo.txt")
case_id=$(grep -o '/cases/[0-9a-f-]\{36\}' "$work/demo.txt" | sed -n 1p | sed 's#/cases/##')
[[ -n $password && -n $case_id ]] || fail "no password or case in the demo's output"

ulimit -n "$((STREAMS * 2 + 1000))" 2>/dev/null || true
"$BIN" -data "$data" -addr "127.0.0.1:$PORT" -base-url "$base" \
	-live-streams-per-person "$STREAMS" -live-streams "$((STREAMS + 10))" >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 300); do
	curl -fsS -o /dev/null "$base/readyz" 2>/dev/null && break
	kill -0 "$server_pid" 2>/dev/null || fail "the server exited during start-up"
	sleep 0.1
done

jar=$work/cookies.txt
curl -fsS -c "$jar" -b "$jar" -o "$work/login.html" "$base/a/$SLUG/login" || fail "GET login failed"
csrf=$(grep -o 'name="_csrf" value="[^"]*"' "$work/login.html" | sed -n 1p | sed 's/.*value="//; s/"$//')
status=$(curl -sS -c "$jar" -b "$jar" -o /dev/null -w '%{http_code}' --data-urlencode "email=owner@$SLUG.example" \
	--data-urlencode "password=$password" --data-urlencode "_csrf=$csrf" "$base/a/$SLUG/login")
[[ $status == 303 ]] || fail "POST login answered $status, want 303"
curl -fsS -c "$jar" -b "$jar" -o "$work/case.html" "$base/a/$SLUG/cases/$case_id" || fail "GET the case failed"
csrf=$(grep -o 'name="_csrf" value="[^"]*"' "$work/case.html" | sed -n 1p | sed 's/.*value="//; s/"$//')
cookie=$(awk '!/^#/ || /^#HttpOnly_/ { if (NF >= 7) printf "%s=%s; ", $6, $7 }' "$jar")

{
	echo "bench/live.sh, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) CPUs, $(go version | cut -d' ' -f3), $STREAMS streams, $POSTS posts"
	bench/results/live-client -base "$base" -slug "$SLUG" -cookie "$cookie" -csrf "$csrf" -case "$case_id" -pid "$server_pid" -streams "$STREAMS" -posts "$POSTS"
} | tee bench/results/live.txt
