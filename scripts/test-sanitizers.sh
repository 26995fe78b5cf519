#!/usr/bin/env bash
# The unit and integration tests under AddressSanitizer (with LeakSanitizer) and ThreadSanitizer.
#
#   scripts/test-sanitizers.sh [address|thread|all]     (default: all)
#
# Each sanitizer builds into its own scratch path (.build-asan, .build-tsan), so the normal .build
# is never touched. The tests start the built `imagebot` binary as a child process (CommandTests,
# EndToEndTests: ImagebotBinary finds it next to the test bundle), so that binary is sanitized
# too. Every sanitized process — the test runner and each `imagebot` child — writes its reports
# to a file under <scratch>/sanitizer-reports/ (log_path) rather than to standard error: a child's
# standard error is read by the tests (or goes to a daemon log file) and a report there would be
# lost or would break the output a test compares. The script fails if the tests fail or if any
# report file exists, and prints every report. A leak found when an `imagebot` child exits also
# turns its exit status into 1 and can cut off its buffered standard output, so the test that ran
# it fails as well: read the report first.
#
# Options (per run; extra options may be appended through ASAN_OPTIONS/LSAN_OPTIONS/TSAN_OPTIONS):
#   ASan  detect_leaks=1: LeakSanitizer at every sanitized process's exit (the test runner and
#         each `imagebot` run that exits normally; a child killed by SIGKILL is not checked).
#         detect_stack_use_after_return=1, strict_init_order=1, check_initialization_order=1.
#         An ASan error always stops the process (Swift does not build with -fsanitize-recover),
#         so halt_on_error is left alone; abort_on_error=0 exits with a status instead of SIGABRT.
#         fast_unwind_on_malloc=0: allocation stacks that go through system libraries (libgit2,
#         Foundation), which the suppressions need.
#   TSan  halt_on_error=0: a run under TSan takes many minutes, so every race of the run is
#         reported, not only the first; the report files and TSan's exit status (66) fail it.
#         second_deadlock_stack=1 gives both stacks of a lock-order inversion.
# Suppressions live in testdata/sanitizers/ (lsan.supp, tsan.supp), each entry with the reason it
# is not imagebot's bug; they are used only if present.
#
# The suites run one at a time (--no-parallel). Many tests wait synchronously (Process.waitUntilExit,
# polling loops with usleep) on Swift's cooperative pool, which is as wide as the machine has cores;
# with the sanitizers' slowdown, parallel suites starve each other and tests that bound a wall-clock
# time (a timeout that must fire well before a 30 s stall) fail for no fault of the code under test.
# SANITIZER_TEST_ARGS passes extra arguments to `swift test` (for example --filter, or --parallel).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
SWIFT=${SWIFT:-swift}
which=${1:-all}

case "$which" in
    address | thread) sanitizers=("$which") ;;
    all) sanitizers=(address thread) ;;
    *)
        echo "usage: $0 [address|thread|all]" >&2
        exit 2
        ;;
esac

# A symbolizer turns report addresses into file:line; the toolchain's understands Swift names.
symbolizer=$(dirname "$(readlink -f "$(command -v "$SWIFT")")")/llvm-symbolizer
[ -x "$symbolizer" ] || symbolizer=$(command -v llvm-symbolizer || true)

failed=()
for sanitizer in "${sanitizers[@]}"; do
    case "$sanitizer" in
        address) scratch=.build-asan ;;
        thread) scratch=.build-tsan ;;
    esac
    reports=$root/$scratch/sanitizer-reports
    rm -rf "$reports"
    mkdir -p "$reports"

    echo "== $sanitizer: build ($scratch)"
    start=$(date +%s)
    $SWIFT build --build-tests --sanitize="$sanitizer" --scratch-path "$scratch"
    built=$(date +%s)
    echo "== $sanitizer: built in $((built - start)) s"

    env_args=()
    case "$sanitizer" in
        address)
            asan="log_path=$reports/asan:log_exe_name=1:detect_leaks=1:abort_on_error=0"
            asan+=":detect_stack_use_after_return=1:check_initialization_order=1:strict_init_order=1"
            # Full stacks for every allocation: the frame-pointer unwinder stops at the first system
            # library built without frame pointers, and the leak suppressions match deeper frames.
            asan+=":fast_unwind_on_malloc=0"
            [ -n "$symbolizer" ] && asan+=":external_symbolizer_path=$symbolizer"
            # print_suppressions=0: otherwise every process that matched a suppression writes its
            # statistics to a report file even when nothing leaked.
            lsan="print_suppressions=0"
            [ -f testdata/sanitizers/lsan.supp ] && lsan+=":suppressions=$root/testdata/sanitizers/lsan.supp"
            env_args+=("ASAN_OPTIONS=$asan${ASAN_OPTIONS:+:$ASAN_OPTIONS}" "LSAN_OPTIONS=$lsan${LSAN_OPTIONS:+:$LSAN_OPTIONS}")
            ;;
        thread)
            tsan="log_path=$reports/tsan:log_exe_name=1:halt_on_error=0:second_deadlock_stack=1"
            [ -f testdata/sanitizers/tsan.supp ] && tsan+=":suppressions=$root/testdata/sanitizers/tsan.supp"
            [ -n "$symbolizer" ] && tsan+=":external_symbolizer_path=$symbolizer"
            env_args+=("TSAN_OPTIONS=$tsan${TSAN_OPTIONS:+:$TSAN_OPTIONS}")
            ;;
    esac

    echo "== $sanitizer: test (reports to $reports)"
    status=0
    # shellcheck disable=SC2086  # SANITIZER_TEST_ARGS is a list of words
    env "${env_args[@]}" $SWIFT test --skip-build --sanitize="$sanitizer" --scratch-path "$scratch" \
        --no-parallel ${SANITIZER_TEST_ARGS:-} || status=$?
    echo "== $sanitizer: tests exited $status after $(($(date +%s) - built)) s"

    found=$(find "$reports" -type f | sort)
    if [ -n "$found" ]; then
        echo "== $sanitizer: $(echo "$found" | wc -l) report file(s):"
        for file in $found; do
            echo "---- $file"
            cat "$file"
        done
    fi
    if [ "$status" -ne 0 ] || [ -n "$found" ]; then
        failed+=("$sanitizer")
    else
        echo "== $sanitizer: clean"
    fi
done

if [ ${#failed[@]} -gt 0 ]; then
    echo "test-sanitizers: FAILED under ${failed[*]}" >&2
    exit 1
fi
echo "test-sanitizers: clean under ${sanitizers[*]}"
