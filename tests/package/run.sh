#!/usr/bin/env bash
# The newcomer's path, end to end: pack RnnGen, create a fresh `dotnet new console` project outside the repository that
# references the package from a local folder feed (nothing else: no AllowUnsafeBlocks, no extra properties), declare an
# LSTM, train it for a few steps and sample from it. The build must have zero warnings (-warnaserror) and the program
# must show the loss falling. Uses its own NuGet package folder so a stale cached RnnGen can never be picked up.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export NUGET_PACKAGES="$work/packages" DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1

dotnet pack "$root/runtime" -c Release -o "$work/feed" --nologo -v q
version=$(ls "$work/feed" | sed -n 's/^RnnGen\.\(.*\)\.nupkg$/\1/p')
echo "packed RnnGen $version"

dotnet new console -n Consumer -o "$work/app" >/dev/null
cd "$work/app"
dotnet add package RnnGen --version "$version" --source "$work/feed" >/dev/null
cat > Program.cs <<'CS'
using RnnGen;

const string Text = "hello world, hello rnn. the quick brown fox jumps over the lazy dog. ";
var vocabulary = CharVocabulary.Build(Text, TinyLstm.InputSize);
var model = new TinyLstm();
model.InitializeParameters(seed: 1);
var trainer = new CharTrainer<TinyLstm.State>(model, vocabulary.Encode(Text),
    new AdamOptimizer(TinyLstm.ParameterCount, learningRate: 1e-2f), new CharTrainerOptions { ClipNorm = 5f });
trainer.Train(1);
float first = trainer.LastLoss;
trainer.Train(300);
Console.WriteLine($"loss {first:F3} -> {trainer.LastLoss:F3} after {trainer.StepCount} steps ({TinyLstm.ActiveKernelPath} kernels)");

var sampler = new TextSampler<TinyLstm.State>(model, seed: 2);
var state = new TinyLstm.State();
int[] output = new int[40];
sampler.Generate(ref state, vocabulary.Encode('h'), output, temperature: 0.5f, tokenCount: vocabulary.Count);
Console.WriteLine("sample: " + vocabulary.Decode(output));
return trainer.LastLoss < first / 2 ? 0 : 1;

[RnnModel(CellKind.Lstm, 32, 32, 32, SequenceLength = 16)]
partial class TinyLstm;
CS
dotnet build -c Release -warnaserror > build.txt 2>&1 || { cat build.txt; exit 1; }
grep -q " 0 Warning(s)" build.txt || { echo "the build reported warnings:"; cat build.txt; exit 1; }
dotnet run -c Release --no-build | tee run.txt
grep -q "^loss " run.txt && grep -q "^sample: " run.txt
echo "package test passed"
