#!/usr/bin/env bash
# Runs the executor, coroutine and HTTP test binaries under valgrind's
# memcheck, and fails on any memory error and on any definite or indirect
# leak.
#
# What it guards: the `unsafe` in src/task/raw.rs turns a data pointer back
# into a task's `Arc` in four vtable functions, from any thread. A clone
# that forgets its count, a wake by value that releases one count too many,
# a task freed while a waker still points at it: memcheck sees each of
# these as a leak, a double free or a read of freed memory, even when the
# test itself goes on passing. The tests that stress those paths hardest
# are here: cross-thread wakes, runtime drop (also mid-storm), reentrancy,
# the cancel/panic grid, waker counting, the random model, and spawns from
# other threads through a `Handle` (also racing the runtime's drop).
#
# What it leaves out, and why:
# - the load tests (load_echo, reactor_stale_tokens, tcp_echo) and the
#   scheduler conformance suite: tens of thousands of sockets or tasks,
#   which under valgrind (20-50x slower) would take most of an hour and
#   repeat what their first rounds show;
# - the pure parser suites (http_proptest, http_split_anywhere,
#   http_differential, http_limits' 1 GiB stream): safe code over byte
#   slices, which proptest and fuzz/ exercise far harder;
# - eight tests that measure time (a 1 ms timeout racing a 50 ms sleep,
#   interval ticks on a 10 ms grid, timers fired in deadline order when each
#   task registers its own): under valgrind the clock runs on while the
#   program crawls, so they fail for reasons that are not bugs.
# Tests that would take too long at full size run small: the harness sets
# RUNLOOP_TEST_SMALL (see `scaled` in tests/common/mod.rs).
#
# Leaks made on purpose are suppressed in scripts/valgrind.supp, each with
# its reason. The report prints valgrind's summary line for every binary.
#
# usage: scripts/valgrind.sh            (about 2.5 minutes on 2 cores)
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v valgrind >/dev/null; then
    echo "valgrind is not installed (apt-get install valgrind)" >&2
    exit 2
fi

executor=(
    spawn_join abort task_panics wake_idempotent cross_thread_wakes
    runtime_drop runtime_drop_storm runtime_boundaries reentrancy
    cancel_panic_grid waker_counting task_waker_balance model_random_ops
    timers combinators channels blocking_pool blocking_pool_faults
    coop_budget reactor_spurious_readiness tcp_errors
    handle_spawn handle_shutdown handle_abort handle_panics
    handle_keeps_nothing_alive
    join_set_completion_order join_set_drop_aborts join_set_abort_all
    task_group_cancels_siblings task_group_reports_every_failure
    task_group_spawn_order task_group_drop_cancels select_all
    sync_cancellation_model sync_fairness sync_condvar_notifications
    sync_barrier_generations sync_semaphore_bound sync_coop_budget
    sync_mutex_exact_counter
    net_connect_by_name net_owned_halves net_udp_round_trip net_udp_datagrams
    net_unix_sockets io_read_line_splits io_line_limit io_read_line_utf8
    io_read_line_eof io_read_line_cancel io_buf_writer chat_delivery
    chat_rude_clients
)
coroutines=(
    coro_drop coro_finished coro_first_resume coro_foreign_await
    coro_inside_task coro_iterator coro_resume_values coro_return_values
    coro_yield_from
)
http=(
    http_client_framing http_connection_reuse http_stale_retry
    http_hostile_servers http_timeouts http_streaming http_server
    http_pool_limits http_redirects http_blocking_client http_short_reads
    http_client_errors http_injection http_errors http_framing
    http_head_syntax http_request http_server_proto http_url
    http_https_refused http_many_concurrent
)

# Tests that measure time (see above), as `binary:test` pairs.
skips=(
    combinators:as_completed_yields_in_completion_order_not_submission_order
    runtime_boundaries:a_sleep_first_polled_in_one_runtime_finishes_in_another
    runtime_boundaries:a_sleep_moved_between_two_live_runtimes_fires_once_in_the_second
    timers:ten_thousand_timers_never_fire_early_and_fire_in_deadline_order
    timers:ten_thousand_timers_half_cancelled_fire_exactly_once_each_and_never_early
    timers:interval_skips_ticks_missed_while_the_loop_was_busy
    timers:interval_ticks_on_a_fixed_grid_without_drift
    timers:a_dropped_sleep_never_fires
)

echo "==> building the test binaries"
declare -A executable
while read -r name path; do
    executable[$name]=$path
done < <(cargo test --features fault-injection --no-run --message-format=json 2>/dev/null |
    sed -n 's/.*"kind":\["test"\][^}]*"name":"\([^"]*\)".*"executable":"\([^"]*\)".*/\1 \2/p')

logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT
export RUNLOOP_TEST_SMALL=1
failed=()
started=$SECONDS
for name in "${executor[@]}" "${coroutines[@]}" "${http[@]}"; do
    binary=${executable[$name]:-}
    if [[ -z "$binary" ]]; then
        echo "no test binary named $name" >&2
        exit 2
    fi
    args=()
    for skip in "${skips[@]}"; do
        if [[ ${skip%%:*} == "$name" ]]; then args+=(--skip "${skip#*:}"); fi
    done
    status=0
    # valgrind runs one thread at a time; its default hand-over is unfair, so
    # a thread that spins (the storm's wakers) can keep the loop's thread
    # waiting for minutes: runtime_drop_storm took 6 s or 85-135 s at random
    # without --fair-sched, 6-8 s with it.
    valgrind --quiet --fair-sched=yes --leak-check=full \
        --show-leak-kinds=definite,indirect --errors-for-leak-kinds=definite,indirect \
        --suppressions=scripts/valgrind.supp --error-exitcode=1 \
        --log-file="$logs/$name.valgrind" \
        "$binary" "${args[@]}" >"$logs/$name.out" 2>&1 || status=$?
    # --quiet keeps the log empty unless something is wrong; ask for the
    # counts separately so every binary reports its summary line.
    tests=$(grep -Eo 'test result: [a-zA-Z]+\. [0-9]+ passed; [0-9]+ failed' "$logs/$name.out" | tail -1)
    if [[ $status -eq 0 && ! -s "$logs/$name.valgrind" ]]; then
        printf '%-28s %s; valgrind: no errors, no leaks\n' "$name" "${tests:-?}"
    else
        printf '%-28s %s; FAILED (exit %s)\n' "$name" "${tests:-?}" "$status"
        cat "$logs/$name.valgrind" "$logs/$name.out" | tail -60
        failed+=("$name")
    fi
done

count=$(( ${#executor[@]} + ${#coroutines[@]} + ${#http[@]} ))
if (( ${#failed[@]} )); then
    echo "==> valgrind: ${#failed[@]} of $count test binaries failed: ${failed[*]}"
    exit 1
fi
echo "==> valgrind: $count test binaries, ERROR SUMMARY: 0 errors, 0 bytes definitely or indirectly lost ($(( SECONDS - started )) s)"
