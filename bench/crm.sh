#!/usr/bin/env bash
# Whole-server load test of the staff CRM pages on a big agency: 100,000
# cases and a million history events.
#
# Builds the binary, creates the demo agency with `mintedmind demo` in a data
# directory (before the server starts: the command opens the files
# directly), starts the server on a loopback port, signs in as the demo owner
# with curl, checks that every page answers 200, then runs wrk against each:
#
#   case list       /a/demo/cases?view=all          (50 rows)
#   case page       /a/demo/cases/<id>              (a case with 200 history events)
#   client search   /a/demo/clients?q=ma            (a common prefix)
#   search, rare    /a/demo/search?q=quokka         (a word in about 100 of 516,000 index entries)
#   search, common  /a/demo/search?q=client         (a word in 297,000 of them)
#   case create     POST /a/demo/cases              (the new-case form, 303 to the case)
#
# and prints requests/s, p50 and p99 per page, and the server's CPU time per
# request (utime + stime of the process over the run, /proc/PID/stat, divided by
# the requests: on a shared machine the steadiest figure), against the targets: at least
# 3,000 requests/s for the case list, p99 at most 40 ms for every page.
# Only loopback traffic; the server is stopped on exit.
#
#   bench/crm.sh                                   # wrk -t2 -c32 -d15s, a fresh agency in a temp dir
#   DATA=/var/tmp/mm-crm bench/crm.sh              # keep the agency there and reuse it next time
#   ONLY="case-list search-common" bench/crm.sh    # some of the pages
#   CASES=10000 EVENTS=100000 bench/crm.sh         # a smaller agency (with a temp dir or a new DATA)
#   THREADS=4 CONNECTIONS=64 DURATION=30s bench/crm.sh
#   CONSENT=1 bench/crm.sh                         # as a visitor who allowed analytics
#   BUILD=0 MM_BIN=/tmp/mm-old DATA=/tmp/copy bench/crm.sh   # another binary, not built here
#   PROFILE=1 bench/crm.sh                         # also a 10 s CPU profile per page:
#                                                  # go tool pprof -top bench/results/mintedmind-crm bench/results/crm-case-page.pprof
#
# Generating the agency takes about 80 s on 2 CPUs. Output also goes to
# bench/results/crm.txt. Needs go, curl and wrk (Debian: apt-get install -y wrk).
set -euo pipefail

THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-32}
DURATION=${DURATION:-15s}
CLIENTS=${CLIENTS:-2000}
CASES=${CASES:-100000}
EVENTS=${EVENTS:-1000000}
PAUSE=${PAUSE:-3}
ONLY=${ONLY:-}
SLUG=demo

NAME=crm.sh
BIN=${MM_BIN:-bench/results/mintedmind-crm}
# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"
data=${DATA:-$work/data}

# The demo agency, made once per data directory; its sign-ins are kept
# beside it in demo.txt.
if [[ -f $data/demo.txt ]]; then
	echo "reusing the demo agency in $data"
else
	echo "creating the demo agency: $CLIENTS clients, $CASES cases, $EVENTS events (mintedmind demo)"
	mkdir -p "$data"
	start=$(date +%s)
	"$BIN" demo -data "$data" -base-url "$base" -clients "$CLIENTS" -cases "$CASES" -events "$EVENTS" -seed 1 \
		>"$work/demo.txt" 2>"$work/demo.log" || { cat "$work/demo.log" >&2; fail "mintedmind demo failed"; }
	mv "$work/demo.txt" "$data/demo.txt"
	echo "demo agency ready in $(($(date +%s) - start)) s"
fi
cat "$data/demo.txt"
password=$(sed -n 's/^Password for every sign-in: //p' "$data/demo.txt")
long_case=$(grep -o '/cases/[0-9a-f-]\{36\}' "$data/demo.txt" | sed -n 1p | sed 's#/cases/##')
[[ -n $password ]] || fail "no password in $data/demo.txt"
[[ -n $long_case ]] || fail "no case with a long history in $data/demo.txt (use at least 200 more events than cases)"

start_server "$data" 300

# Sign in: the login page sets mm_csrf and embeds the matching _csrf token.
jar=$work/cookies.txt
curl -fsS -c "$jar" -b "$jar" -o "$work/login.html" "$base/a/$SLUG/login" || fail "GET /a/$SLUG/login failed"
csrf=$(grep -o 'name="_csrf" value="[^"]*"' "$work/login.html" | sed -n 1p | sed 's/.*value="//; s/"$//')
[[ -n $csrf ]] || fail "no _csrf field in the login page"
status=$(curl -sS -c "$jar" -b "$jar" -o /dev/null -w '%{http_code}' \
	--data-urlencode "email=owner@$SLUG.example" \
	--data-urlencode "password=$password" \
	--data-urlencode "_csrf=$csrf" \
	"$base/a/$SLUG/login")
[[ $status == 303 ]] || fail "POST /a/$SLUG/login answered $status, want 303"
session=$(awk -F '\t' '$6 == "mm_session" { print $7 }' "$jar" | tail -n 1)
[[ -n $session ]] || fail "sign-in set no mm_session cookie"
cookie="Cookie: mm_session=$session"
# CONSENT=1: the visitor has allowed analytics, so every page view is also
# counted (handlers/analytics.go).
if [[ -n ${CONSENT:-} ]]; then
	cookie="$cookie; mm_consent=analytics.v1; mm_seen=$(date -u +%Y-%m-%d)"
fi

# The new-case form: the session's CSRF token and a client to open cases for.
curl -fsS -H "$cookie" -o "$work/new.html" "$base/a/$SLUG/cases/new" || fail "GET /a/$SLUG/cases/new failed"
form_csrf=$(grep -o 'name="_csrf" value="[^"]*"' "$work/new.html" | sed -n 1p | sed 's/.*value="//; s/"$//')
form_client=$(grep -o '<option value="[0-9a-f-]\{36\}"' "$work/new.html" | sed -n 1p | sed 's/.*value="//; s/"$//')
[[ -n $form_csrf && -n $form_client ]] || fail "no _csrf or client in the new-case form"
create_body="_csrf=$form_csrf&client_id=$form_client&title=Load+test+case&description=Opened+by+bench%2Fcrm.sh+to+measure+case+creation&priority=normal"

# cpu_ticks: the server's user + system CPU time so far, in clock ticks.
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$server_pid/stat"; }
tick=$(getconf CLK_TCK)

targets=(
	"case-list|/a/$SLUG/cases?view=all"
	"case-page|/a/$SLUG/cases/$long_case"
	"client-search|/a/$SLUG/clients?q=ma"
	"search-rare|/a/$SLUG/search?q=quokka"
	"search-common|/a/$SLUG/search?q=client"
	"case-create|/a/$SLUG/cases"
)

out=bench/results/crm.txt
{
	echo "# $(date -u +%Y-%m-%dT%H:%M:%SZ) $(nproc) CPUs, $(go version), $CLIENTS clients, $CASES cases, $EVENTS events"
	echo "# wrk -t$THREADS -c$CONNECTIONS -d$DURATION --latency -s bench/crm.lua"
} >"$out"
summary=()
for t in "${targets[@]}"; do
	name=${t%%|*}
	path=${t#*|}
	if [[ -n $ONLY && " $ONLY " != *" $name "* ]]; then
		continue
	fi
	url=$base$path
	post=()
	if [[ $name == case-create ]]; then
		post=(POST_TYPE=application/x-www-form-urlencoded "POST_BODY=$create_body")
		status=$(curl -sS -o "$work/page.html" -w '%{http_code}' -H "$cookie" --data "$create_body" "$url")
		[[ $status == 303 ]] && status=200
	else
		status=$(curl -sS -o "$work/page.html" -w '%{http_code}' -H "$cookie" "$url")
	fi
	if [[ $status != 200 ]]; then
		echo "$name: GET $path answered $status; skipped" | tee -a "$out"
		summary+=("$(printf '%-14s %s' "$name" "skipped: GET answered $status")")
		continue
	fi
	echo
	echo "== $name: GET $path answers 200 ($(wc -c <"$work/page.html") bytes)"
	echo "   load before the run: $(cut -d ' ' -f 1-3 /proc/loadavg)"
	profiler=
	if [[ -n $pprof_base ]]; then
		(sleep 2 && curl -fsS -o "bench/results/crm-$name.pprof" "$pprof_base/debug/pprof/profile?seconds=10") &
		profiler=$!
	fi
	before=$(cpu_ticks)
	{
		echo
		echo "## $name: $path"
		script=bench/crm.lua
		if ((${#post[@]})); then script=bench/post.lua; fi
		env "${post[@]}" wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -s "$script" -H "$cookie" "$url"
	} | tee -a "$out" | tee "$work/wrk.txt"
	after=$(cpu_ticks)
	requests=$(sed -n 's/^requests: \([0-9]*\) in.*/\1/p' "$work/wrk.txt")
	cpu=$(awk -v a="$before" -v b="$after" -v n="$requests" -v t="$tick" 'BEGIN { printf "%.3f", n ? (b - a) * 1000 / t / n : 0 }')
	echo "server CPU: $cpu ms per request" | tee -a "$out"
	if [[ -n $profiler ]]; then wait "$profiler"; fi
	result=$(sed -n 's/^result: //p' "$work/wrk.txt")
	rps=$(sed 's/.*rps=\([0-9.]*\).*/\1/' <<<"$result")
	p50=$(sed 's/.*p50=\([0-9.]*\).*/\1/' <<<"$result")
	p99=$(sed 's/.*p99=\([0-9.]*\).*/\1/' <<<"$result")
	errors=$(sed 's/.*errors=\([0-9]*\).*/\1/' <<<"$result")
	misses=()
	if awk -v p="$p99" 'BEGIN { exit !(p > 40) }'; then misses+=("p99 over 40 ms"); fi
	if [[ $name == case-list ]] && awk -v r="$rps" 'BEGIN { exit !(r < 3000) }'; then misses+=("under 3000 req/s"); fi
	if [[ $errors != 0 ]]; then misses+=("$errors errors"); fi
	verdict=ok
	if ((${#misses[@]})); then verdict=$(IFS=';'; echo "${misses[*]}" | sed 's/;/; /g'); fi
	summary+=("$(printf '%-14s %7s req/s   p50 %7s ms   p99 %7s ms   CPU %s ms/req   %s' "$name" "$rps" "$p50" "$p99" "$cpu" "$verdict")")
	sleep "$PAUSE"
done

{
	echo
	echo "## summary (targets: case list >= 3000 req/s; p99 <= 40 ms everywhere)"
	printf '%s\n' "${summary[@]}"
	echo "server memory: peak RSS $(awk '/^VmHWM/ { print $2 / 1024 " MiB" }' "/proc/$server_pid/status")"
} | tee -a "$out"
