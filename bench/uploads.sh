#!/usr/bin/env bash
# Document uploads against the real binary: memory and concurrency.
#
# Builds the binary, starts it on a loopback port with a fresh data
# directory and a per-file limit of 200 MiB, signs up an agency with curl,
# opens a client and a case, then:
#
#   1. uploads one 100 MiB PDF and reports how far the server's resident
#      memory rose: its peak (VmHWM, /proc/PID/status, reset just before
#      through clear_refs) during the upload minus its resident size
#      (VmRSS) just before. Target: under 32 MiB.
#   2. uploads 20 PDFs of 5 MiB at once (20 curl processes) and checks that
#      every one answers 303 and is stored: 20 rows' files on disk.
#
# The upload is streamed by curl from a file, as a browser's form would
# send it (multipart, the CSRF token first). Only loopback traffic; the
# server is stopped on exit. Output also goes to bench/results/uploads.txt.
#
#   bench/uploads.sh
#   SIZE_MIB=200 bench/uploads.sh       # a bigger file (raise FILE_LIMIT too)
#
# Needs go, curl and wrk (the shared start-up checks for it), Linux /proc.
set -euo pipefail

SIZE_MIB=${SIZE_MIB:-100}
CONCURRENT=${CONCURRENT:-20}
EACH_MIB=${EACH_MIB:-5}
export FILE_LIMIT=${FILE_LIMIT:-$((200 << 20))}
export STORAGE_QUOTA=${STORAGE_QUOTA:-$((4 << 30))}

NAME=uploads.sh
BIN=bench/results/mintedmind-uploads
# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"
data=$work/data
mkdir -p "$data"
start_server "$data" 300
exec > >(tee bench/results/uploads.txt) 2>&1

# A PDF of n MiB: header, n MiB of comment, end marker.
make_pdf() {
	{ printf '%%PDF-1.4\n%%'; head -c $(($2 << 20)) /dev/zero | tr '\0' 'x'; printf '\n%%%%EOF\n'; } >"$1"
}

csrf_of() { grep -o 'name="_csrf" value="[^"]*"' "$1" | sed -n 1p | sed 's/.*value="//; s/"$//'; }

jar=$work/cookies.txt
slug=bench-uploads
curl -fsS -c "$jar" -b "$jar" -o "$work/signup.html" "$base/signup"
csrf=$(csrf_of "$work/signup.html")
status=$(curl -sS -c "$jar" -b "$jar" -o /dev/null -w '%{http_code}' \
	--data-urlencode "agency_name=Bench Uploads" --data-urlencode "slug=$slug" --data-urlencode "owner_name=Bea Bench" \
	--data-urlencode "email=bea@$slug.example" --data-urlencode "password=correct horse battery staple" --data-urlencode "_csrf=$csrf" \
	"$base/signup")
[[ $status == 303 ]] || fail "sign-up answered $status, want 303"
curl -fsS -c "$jar" -b "$jar" -o "$work/dash.html" "$base/a/$slug/clients/new"
csrf=$(csrf_of "$work/dash.html")
[[ -n $csrf ]] || fail "no session CSRF token"
client=$(curl -sS -c "$jar" -b "$jar" -o /dev/null -w '%{redirect_url}' --data-urlencode "name=Upload Client" --data-urlencode "kind=company" \
	--data-urlencode "_csrf=$csrf" "$base/a/$slug/clients" | sed 's#.*/clients/##')
[[ $client =~ ^[0-9a-f-]{36}$ ]] || fail "no client created ($client)"
case_url=$(curl -sS -c "$jar" -b "$jar" -o /dev/null -w '%{redirect_url}' --data-urlencode "client_id=$client" --data-urlencode "title=Uploads" \
	--data-urlencode "_csrf=$csrf" "$base/a/$slug/cases")
[[ $case_url == */cases/* ]] || fail "no case created ($case_url)"
upload_url=${case_url%%#*}/documents

upload() { # FILE: prints the status
	curl -sS -b "$jar" -o /dev/null -w '%{http_code}\n' -F "_csrf=$csrf" -F "file=@$1;type=application/pdf" "$upload_url"
}

mem() { awk -v k="$1:" '$1 == k { print $2 }' "/proc/$server_pid/status"; } # kB

echo "machine: $(nproc) CPUs, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo); $(go version | cut -d' ' -f3)"
make_pdf "$work/small.pdf" 1
make_pdf "$work/big.pdf" "$SIZE_MIB"
for _ in 1 2 3; do
	[[ $(upload "$work/small.pdf") == 303 ]] || fail "warm-up upload failed"
done
sleep 1
# Reset the peak (VmHWM) to the current resident size, so that the peak
# read after the upload is the upload's own (Linux 4.0 and later).
echo 5 >"/proc/$server_pid/clear_refs" || fail "cannot reset the peak RSS of the server"
before_rss=$(mem VmRSS)
before_hwm=$(mem VmHWM)
start=$(date +%s.%N)
status=$(upload "$work/big.pdf")
took=$(echo "$(date +%s.%N) - $start" | bc)
[[ $status == 303 ]] || fail "the $SIZE_MIB MiB upload answered $status, want 303"
after_hwm=$(mem VmHWM)
after_rss=$(mem VmRSS)
peak=$(( (after_hwm > before_hwm ? after_hwm : before_hwm) ))
rise_kb=$((peak - before_rss))
printf '%s MiB upload: %.2f s; RSS before %d KiB, peak %d KiB, after %d KiB: rose %.1f MiB at most (target < 32 MiB)\n' \
	"$SIZE_MIB" "$took" "$before_rss" "$peak" "$after_rss" "$(echo "$rise_kb / 1024" | bc -l)"
((rise_kb < 32 * 1024)) || fail "resident memory rose by $((rise_kb / 1024)) MiB"

for i in $(seq "$CONCURRENT"); do
	make_pdf "$work/c$i.pdf" "$EACH_MIB"
done
start=$(date +%s.%N)
for i in $(seq "$CONCURRENT"); do
	upload "$work/c$i.pdf" >"$work/status.$i" &
done
wait $(jobs -p | grep -v "^$server_pid$") 2>/dev/null || true
took=$(echo "$(date +%s.%N) - $start" | bc)
ok=$(cat "$work"/status.* | grep -c '^303$' || true)
stored=$(find "$data/tenants" -path '*/files/*' -type f ! -name 'tmp-*' | wc -l)
printf '%d concurrent uploads of %d MiB: %d answered 303 in %.2f s; %d files stored in all (%d expected); peak RSS %d KiB\n' \
	"$CONCURRENT" "$EACH_MIB" "$ok" "$took" "$stored" $((CONCURRENT + 4)) "$(mem VmHWM)"
((ok == CONCURRENT)) || fail "$((CONCURRENT - ok)) concurrent uploads failed"
((stored == CONCURRENT + 4)) || fail "$stored files stored, want $((CONCURRENT + 4))"
echo "uploads.sh: all targets met"
