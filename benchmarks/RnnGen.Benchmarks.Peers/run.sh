#!/usr/bin/env bash
# Runs the peer benchmarks (RnnGen vs ONNX Runtime vs TorchSharp) with BenchmarkDotNet; arguments go to BenchmarkDotNet.
#   benchmarks/RnnGen.Benchmarks.Peers/run.sh --filter '*'
# 1. builds the ONNX models and the shared weights (models/, Debian's python3-onnx) unless they are up to date;
# 2. restores the packages and, where the system libstdc++ predates GCC 13 (Debian 12), marks the one GCC 13 symbol
#    version TorchSharp's native glue names but never uses as weak, so it loads (weaken_glibcxx_requirement.py says why);
# 3. dotnet run -c Release.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
python=/usr/bin/python3   # Debian's Python, which has python3-onnx and numpy

if [ ! -f "$here/models/manifest.json" ] || [ "$here/make_onnx_models.py" -nt "$here/models/manifest.json" ]; then
    if ! "$python" -c 'import onnx, numpy' 2> /dev/null; then
        echo "run.sh: building the models needs Debian's python3-onnx: apt-get install -y python3-onnx" >&2
        exit 1
    fi
    "$python" "$here/make_onnx_models.py"
fi

dotnet restore "$here/RnnGen.Benchmarks.Peers.csproj" --verbosity quiet
packages="$(dotnet nuget locals global-packages --list | sed -n 's/^global-packages: //p')"
"$python" "$here/weaken_glibcxx_requirement.py" "${packages%/}/torchsharp/0.107.0/runtimes/linux-x64/native/libLibTorchSharp.so"

cd "$root"
exec dotnet run -c Release --project "$here/RnnGen.Benchmarks.Peers.csproj" -- "$@"
