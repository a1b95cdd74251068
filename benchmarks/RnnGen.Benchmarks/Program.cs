using System;
using BenchmarkDotNet.Running;

namespace RnnGen.Benchmarks;

/// <summary>Entry point: pass BenchmarkDotNet's usual arguments, e.g. <c>--filter '*'</c>.</summary>
public static class Program
{
    /// <summary>
    /// The suite, in the order BenchmarkDotNet runs it. <see cref="MachineProbe"/> comes first: its summary writes
    /// the machine's limits to <c>BenchmarkDotNet.Artifacts/results/machine-probe.json</c> before the kernels'
    /// summaries read them for their bound columns.
    /// </summary>
    public static readonly Type[] Suite =
    [
        typeof(MachineProbe),
        typeof(StepBenchmarks),
        typeof(SequenceBenchmarks),
        typeof(TokenBenchmarks),
        typeof(CharModelBenchmarks),
        typeof(SamplingBenchmarks),
        typeof(AmpBenchmarks),
    ];

    /// <summary>Runs the benchmarks the arguments select (or asks which, when there are none).</summary>
    public static void Main(string[] args) => BenchmarkSwitcher.FromTypes(Suite).Run(args);
}
