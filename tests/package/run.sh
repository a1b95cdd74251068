#!/usr/bin/env bash
# The newcomer's path, end to end: pack RnnGen, create a fresh `dotnet new console` project outside the repository that
# references the package from a local folder feed (nothing else: no AllowUnsafeBlocks, no extra properties), and run the
# README's quickstart program in it: declare an LSTM, train it for a few steps, sample, save and load a checkpoint.
# The build must have zero warnings (-warnaserror) and the program must show the loss falling. Uses its own NuGet
# package folder so a stale cached RnnGen can never be picked up.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export NUGET_PACKAGES="$work/packages" DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1

dotnet pack "$root/runtime" -c Release -o "$work/feed" --nologo -v q
version=$(ls "$work/feed" | sed -n 's/^RnnGen\.\(.*\)\.nupkg$/\1/p')
echo "packed RnnGen $version"
# IntelliSense: the package carries the runtime's XML documentation, with a summary for every property of the attribute.
for member in Cell InputSize HiddenSize OutputSize Layers Bidirectional SequenceLength Input Head Output; do
  unzip -p "$work/feed/RnnGen.$version.nupkg" lib/net8.0/RnnGen.xml | grep -A1 "name=\"P:RnnGen.RnnModelAttribute.$member\"" | grep -q "<summary>" ||
    { echo "RnnGen.xml in the package documents no RnnModelAttribute.$member"; exit 1; }
done

dotnet new console -n Consumer -o "$work/app" >/dev/null
cd "$work/app"
dotnet add package RnnGen --version "$version" --source "$work/feed" >/dev/null
# Program.cs is the README's quickstart, exactly: the block between its quickstart markers, without the code fence.
awk '/<!-- quickstart:begin -->/ { inside = 1; next } /<!-- quickstart:end -->/ { inside = 0 } inside' "$root/README.md" | sed '1d;$d' > Program.cs
grep -q "RnnModel" Program.cs || { echo "no quickstart program found in README.md"; exit 1; }
dotnet build -c Release -warnaserror > build.txt 2>&1 || { cat build.txt; exit 1; }
grep -q " 0 Warning(s)" build.txt || { echo "the build reported warnings:"; cat build.txt; exit 1; }
dotnet run -c Release --no-build | tee run.txt
# The loss of the last window reported falls to under half the first's, the sample starts with the priming 'T' and
# goes on for 60 characters, and the checkpoint loads back with its step and vocabulary.
awk '/^step 100: loss / { first = $4 } /^step 300: loss / { last = $4 } END { exit !(first > 0 && last < first / 2) }' run.txt ||
  { echo "the loss did not fall to under half between steps 100 and 300"; exit 1; }
grep -Eq "^sample: T.{60}$" run.txt || { echo "no 61-character sample"; exit 1; }
grep -Eq "^loaded a CharModel at step 300 with [0-9]+ characters$" run.txt || { echo "the checkpoint did not load back"; exit 1; }
[ -s char.safetensors ] || { echo "no checkpoint file"; exit 1; }
echo "package test passed"
