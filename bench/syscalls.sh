#!/usr/bin/env bash
# How many system calls do runloop and tokio make per TCP round trip (W6)
# and per HTTP request (W7)?
#
# Runs the benchmark's own workloads under `strace -c -f`, one runtime at a
# time, one warm-up run and one counted run (`--rounds 1`), and divides the
# calls by the operations of both runs:
#
#   W6  50 connections x 2,000 echo round trips, client and server on the
#       same loop, so the count is both ends of a round trip: 200,000 round
#       trips in all. runloop vs tokio.
#   W7  10,000 keep-alive GETs at concurrency 32, by runloop's client and
#       by reqwest (on tokio): 20,000 requests in all. The server runs as a
#       separate process (`runloop-bench --serve`), so only the client is
#       counted. The server runs under strace too, with its output thrown
#       away, for the reason scripts/syscalls.sh gives: trace only the
#       client and the server answers faster than the slowed client reads,
#       which makes the client's count look better than the truth.
#
# Start-up (building the runtime, binding, connecting, the warm-up round's
# connects in W7) is included; it is a few hundred calls against a million.
# scripts/syscalls.sh does the finer measurement for one keep-alive GET.
#
# usage: bench/syscalls.sh
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v strace >/dev/null; then
    echo "==> installing strace"
    sudo=""
    if (( EUID != 0 )); then sudo="sudo"; fi
    $sudo apt-get update -qq && $sudo apt-get install -y -qq strace
fi

echo "==> building runloop-bench (release)"
cargo build --release --quiet -p runloop-bench
bench=target/release/runloop-bench

work=$(mktemp -d)
server_pid=""
cleanup() {
    if [[ -n "$server_pid" ]]; then kill "$server_pid" 2>/dev/null || true; fi
    wait 2>/dev/null || true # for strace, which exits with the server
    rm -rf "$work"
}
trap cleanup EXIT

# strace -c prints "% time  seconds  usecs/call  calls  errors  syscall";
# the errors column may be empty, so take calls as field 4 and the name as
# the last field. Prints "name calls/ops" for calls above 0.005 per op,
# then the total.
per_op() {
    awk -v ops="$2" '
        $1 ~ /^[0-9.]+$/ && NF >= 5 { if ($NF == "total") total = $4; else if ($4 / ops >= 0.005) printf "  %-14s %6.2f\n", $NF, $4 / ops }
        END { printf "  %-14s %6.2f\n", "total", total / ops }' "$1" | sort -k2 -rn
}

# Two columns side by side: name, runloop, tokio.
side_by_side() {
    join -a 1 -a 2 -e "0.00" -o 0,1.2,2.2 <(per_op "$1" "$3" | awk '{print $1, $2}' | sort) \
        <(per_op "$2" "$3" | awk '{print $1, $2}' | sort) |
        sort -k2 -rn | awk -v a="$4" -v b="$5" 'BEGIN { printf "  %-14s %10s %10s\n", "", a, b }
            { printf "  %-14s %10s %10s\n", $1, $2, $3 }'
}

echo "==> W6 under strace -c -f: runloop, then tokio"
for runtime in runloop tokio; do
    strace -c -f -o "$work/w6.$runtime" "$bench" --quiet --rounds 1 --runtime "$runtime" w6 >/dev/null
done

echo "==> W7: starting runloop's server in its own process"
strace -f -o /dev/null "$bench" --serve 127.0.0.1:0 >"$work/server.log" 2>&1 &
for _ in $(seq 100); do
    grep -q "listening on" "$work/server.log" 2>/dev/null && break
    sleep 0.1
done
url=$(awk '/listening on/ { print $3 }' "$work/server.log")
[[ -n "$url" ]] || { echo "the server did not start:" >&2; cat "$work/server.log" >&2; exit 1; }
# The server's own pid, not strace's: strace would detach and leave it running.
server_pid=$(sed -E 's/.*pid ([0-9]+).*/\1/' <"$work/server.log" | head -1)

echo "==> W7 under strace -c -f against $url: runloop's client, then reqwest"
for client in runloop reqwest; do
    strace -c -f -o "$work/w7.$client" "$bench" --quiet --rounds 1 --runtime "$client" --url "$url" w7 >/dev/null
done

echo
echo "W6: system calls per TCP echo round trip (client and server, one loop; 200,000 round trips)"
side_by_side "$work/w6.runloop" "$work/w6.tokio" 200000 runloop tokio
echo
echo "W7: system calls per keep-alive GET, client only (20,000 GETs, 32 at a time)"
side_by_side "$work/w7.runloop" "$work/w7.reqwest" 20000 runloop reqwest/tokio
