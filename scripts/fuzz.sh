#!/usr/bin/env bash
# Builds the libFuzzer targets once and runs each for a bounded time.
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]
#
# SECONDS defaults to 60 per target. TARGETs are product names (FuzzSemver) or corpus names
# (semver); the default is all of them. Each target's working corpus is
# .build-fuzz/corpus/<corpus>, seeded from testdata/fuzz/<corpus>/ (new inputs libFuzzer finds
# stay in .build-fuzz; copy the interesting ones into testdata by hand). Crash, leak and
# timeout reproducers go to .build-fuzz/<Target>-crash-…, -leak-…, -timeout-…; logs to
# .build-fuzz/logs/<Target>.log. Exits non-zero when any target failed.
set -euo pipefail

cd "$(dirname "$0")/.."

seconds=${1:-60}
shift || true
case $seconds in
    '' | *[!0-9]*) echo "usage: $0 [SECONDS] [TARGET...]" >&2; exit 2 ;;
esac

# product:corpus directory under testdata/fuzz
all_targets=(
    FuzzSetters:setters
    FuzzConfig:config
    FuzzSemver:semver
    FuzzFilter:filter
    FuzzTemplate:template
    FuzzDockerConfig:dockerconfig
    FuzzHeaders:headers
    FuzzTagList:taglist
)

selected=()
if (($# == 0)); then
    selected=("${all_targets[@]}")
else
    for want in "$@"; do
        found=
        for entry in "${all_targets[@]}"; do
            if [[ $want == "${entry%%:*}" || $want == "${entry##*:}" ]]; then
                selected+=("$entry")
                found=1
            fi
        done
        [[ -n $found ]] || { echo "unknown fuzz target '$want'" >&2; exit 2; }
    done
fi

swift=${SWIFT:-swift}
# libFuzzer reports crashes itself; the Swift backtracer would only add noise (and trip ASan).
export SWIFT_BACKTRACE=enable=no
scratch=.build-fuzz
for entry in "${selected[@]}"; do
    IMAGEBOT_FUZZ=1 "$swift" build -c release --scratch-path "$scratch" --product "${entry%%:*}" \
        -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library
done

mkdir -p "$scratch/logs"
failed=()
for entry in "${selected[@]}"; do
    target=${entry%%:*}
    corpus=$scratch/corpus/${entry##*:}
    seeds=testdata/fuzz/${entry##*:}
    mkdir -p "$corpus"
    [[ -d $seeds ]] && cp -n "$seeds"/* "$corpus"/ 2>/dev/null || true
    log=$scratch/logs/$target.log
    echo "== $target: ${seconds}s, corpus $corpus, log $log"
    status=0
    "$scratch/release/$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=8192 \
        -print_final_stats=1 -artifact_prefix="$scratch/$target-" "$corpus" >"$log" 2>&1 || status=$?
    grep -E '^#[0-9]+[[:space:]]+DONE|^stat::number_of_executed_units' "$log" || true
    if ((status != 0)); then
        echo "!! $target failed (exit $status); see $log and $scratch/$target-*" >&2
        grep -E '^==[0-9]+==ERROR|^SUMMARY|Fatal error|Precondition failed|ALARM' "$log" | head -5 >&2 || true
        failed+=("$target")
    fi
done

if ((${#failed[@]} > 0)); then
    echo "fuzz targets failed: ${failed[*]}" >&2
    exit 1
fi
echo "all fuzz targets ran ${seconds}s without a crash, leak or timeout"
