# Sourced by the benchmark scripts: reading hyperfine's results and printing ratios.

# medians_ms FILE: each command's median from `hyperfine --export-json FILE`, in milliseconds
# with one decimal, one per line in command order.
medians_ms() {
    grep -o '"median": *[0-9.e-]*' "$1" | grep -o '[0-9.e-]*$' | awk '{printf "%.1f\n", $1 * 1000}'
}

# ratio A B: A / B with two decimals.
ratio() {
    awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'
}

# verdict VALUE LIMIT: "met" when VALUE <= LIMIT, else "NOT met".
verdict() {
    awk -v v="$1" -v l="$2" 'BEGIN {print (v <= l ? "met" : "NOT met")}'
}

# load_note: the machine's load, printed with every figure (the machine is shared).
load_note() {
    echo "  (load average $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores)"
}

# cpu_ms FILE: each command's mean CPU time (user + system, all threads) from hyperfine's
# export, in milliseconds, one per line in command order. Steadier than wall time when the
# machine is shared.
cpu_ms() {
    python3 -c 'import json, sys
for r in json.load(open(sys.argv[1]))["results"]: print("%.1f" % ((r["user"] + r["system"]) * 1000))' "$1"
}
