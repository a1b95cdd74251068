#!/usr/bin/env bash
# min-char-rnn, RnnGen vs numpy: the same vanilla RNN (100 tanh units, 96 symbols, 25-character windows, Adagrad 0.1,
# clip ±5) trained on the same corpus, characters per second. One command, from anywhere:
#   benchmarks/min-char-rnn/compare.sh [CORPUS]
# Without CORPUS the text is runtime/**/*.cs concatenated. Step counts: NUMPY_STEPS (default 2000) and RNNGEN_STEPS
# (default 20000), so that each side trains for a few seconds.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
numpy_steps="${NUMPY_STEPS:-2000}"
rnngen_steps="${RNNGEN_STEPS:-20000}"

if [ $# -ge 1 ]; then
    corpus="$1"
else
    corpus="$(mktemp --suffix=.txt)"
    trap 'rm -f "$corpus"' EXIT
    (cd "$root" && find runtime -name '*.cs' -not -path '*/obj/*' -not -path '*/bin/*' | LC_ALL=C sort | xargs cat) > "$corpus"
fi
echo "corpus: ${1:-runtime/**/*.cs} ($(wc -c < "$corpus") bytes)"

# numpy: Debian's Python. OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE (set on some machines here for old OpenBLAS builds) slow
# a current numpy, so they are unset for this command only; the result line names the BLAS library numpy loaded.
numpy_line="$(env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 "$here/min_char_rnn.py" --corpus "$corpus" --steps "$numpy_steps" 2>/dev/null | grep '^min-char-rnn ')"
echo "$numpy_line"

# RnnGen: the CharRnn sample's min-char-rnn model, one progress line for the whole run, no sampling during training.
dotnet build -c Release "$root/samples/CharRnn/CharRnn.csproj" --verbosity quiet --nologo > /dev/null
rnngen_out="$(dotnet run -c Release --no-build --project "$root/samples/CharRnn/CharRnn.csproj" -- --cell rnn --corpus "$corpus" \
    --steps "$rnngen_steps" --report-every "$rnngen_steps" --sample-every $((rnngen_steps + 1)) --sample-length 1 --holdout 0 --progress plain)"
progress="$(grep -E '^step ' <<< "$rnngen_out" | tail -1)"
rnngen_cps="$(sed -E 's/.* ([0-9,]+) chars\/s.*/\1/' <<< "$progress" | tr -d ,)"
rnngen_seconds="$(awk -v c=$((rnngen_steps * 25)) -v r="$rnngen_cps" 'BEGIN { printf "%.1f", c / r }')"
echo "min-char-rnn impl=rnngen chars_per_second=$rnngen_cps steps=$rnngen_steps chars=$((rnngen_steps * 25)) seconds=$rnngen_seconds hidden=100 vocab=96 window=25 ($progress)"

numpy_cps="$(sed -E 's/.*chars_per_second=([0-9.]+).*/\1/' <<< "$numpy_line")"
awk -v r="$rnngen_cps" -v n="$numpy_cps" 'BEGIN { printf "min-char-rnn ratio rnngen/numpy=%.1f (RnnGen %d chars/s, numpy %d chars/s)\n", r / n, r, n }'
