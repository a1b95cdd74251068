#!/usr/bin/env bash
# A sampling profile of one workload of the generated kernels: where the time goes, per method, and optionally per
# basic block of one method (with the block's first instructions, to tell a matrix-vector loop from an activation).
#   benchmarks/Profile/profile.sh lstm-step|gru-step|char-forward|char-train|amp-lstm12-step|amp-lstm40-step [METHOD [SECONDS]]
# e.g. benchmarks/Profile/profile.sh char-forward ForwardL0
# Needs `perf` (Debian: apt-get install -y linux-perf). It samples the software clock (cpu-clock), so it works where
# hardware counters are not exposed (virtual machines); the JIT's perf map names the methods.
set -euo pipefail
cd "$(dirname "$0")"
workload=${1:?usage: profile.sh WORKLOAD [METHOD [SECONDS]]}
method=${2:-}
seconds=${3:-6}
if [[ $method =~ ^[0-9.]+$ ]]; then seconds=$method; method=; fi # profile.sh WORKLOAD SECONDS
command -v perf > /dev/null || { echo "profile.sh: perf is not installed (apt-get install -y linux-perf)" >&2; exit 2; }
dotnet build -c Release -v quiet -nologo > /dev/null
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
export DOTNET_PerfMapEnabled=3 DOTNET_PerfMapShowOptimizationTiers=1 DOTNET_EnableWriteXorExecute=0 DOTNET_PerfMapJitDumpPath="$out"
if [ -n "$method" ]; then export DOTNET_JitDisasm="$method" DOTNET_JitStdOutFile="$out/listing.asm"; fi
perf record -q -e cpu-clock -F 4000 -o "$out/perf.data" bin/Release/net10.0/Profile "$workload" "$seconds" 2> /dev/null
map=$(ls -t "$out"/perf-*.map /tmp/perf-*.map 2> /dev/null | head -1 || true) # ls fails on the pattern that matches nothing
perf script -i "$out/perf.data" -F ip 2> /dev/null > "$out/ips.txt"
python3 - "$map" "$out/ips.txt" "$method" "$out/listing.asm" <<'PY'
import bisect, re, sys
map_path, ips_path, method, listing_path = sys.argv[1:5]
symbols = []
for line in open(map_path):
    start, size, name = line.rstrip('\n').split(' ', 2)
    symbols.append((int(start, 16), int(size, 16), name))
symbols.sort()
starts = [s for s, _, _ in symbols]
ips = [int(l, 16) for l in open(ips_path) if l.strip()]
def short(name):
    name = re.sub(r'RnnGen\.Generated\.<[^>]+>[0-9A-F]+__', '', name)
    name = re.sub(r'\(.*\)', '()', name)
    return re.sub(r'^\S+ \[[^\]]+\] ', '', name)
counts = {}
for ip in ips:
    i = bisect.bisect_right(starts, ip) - 1
    key = short(symbols[i][2]) if i >= 0 and ip < symbols[i][0] + symbols[i][1] else '(runtime, native code or kernel)'
    counts[key] = counts.get(key, 0) + 1
print(f'{len(ips)} samples; share of time per method:')
for name, n in sorted(counts.items(), key=lambda kv: -kv[1])[:12]:
    print(f'  {100 * n / len(ips):5.1f}%  {name}')
if not method:
    sys.exit(0)
# The optimized (Tier1) code of METHOD: its blocks' offsets come from the JIT's own listing of the same process.
matches = [(s, z, n) for s, z, n in symbols if f'::{method}(' in n and '[OptimizedTier1]' in n]
if not matches:
    sys.exit(f'no optimized code of {method} in the perf map')
start, size, _ = matches[-1]
text = open(listing_path).read()
text = text[text.rindex('(Tier1'):]
blocks = [(int(m.group(2), 16), m.group(1), m.end()) for m in re.finditer(r'(G_M\d+_IG\d+):\s+;; offset=0x([0-9A-F]+)', text)]
offsets = [b[0] for b in blocks]
inside = {}
for ip in ips:
    if start <= ip < start + size:
        k = bisect.bisect_right(offsets, ip - start) - 1
        inside[k] = inside.get(k, 0) + 1
print(f'\n{method} (Tier1, {size} bytes of code): share of all samples per block, with its first instructions:')
for k, n in sorted(inside.items(), key=lambda kv: -kv[1])[:8]:
    body = text[blocks[k][2]:blocks[k + 1][2] if k + 1 < len(blocks) else len(text)]
    ops = [l.split(None, 1) for l in body.splitlines() if l.strip() and not l.strip().startswith(('G_M', ';', 'align'))]
    ops = ' | '.join(o[0] + ' ' + o[1].split(',')[0] if len(o) > 1 else o[0] for o in ops[:6])
    print(f'  {100 * n / len(ips):5.1f}%  {blocks[k][1]} (offset 0x{offsets[k]:X}): {ops}')
PY
