using BenchmarkDotNet.Running;

namespace RnnGen.Benchmarks;

/// <summary>Entry point: pass BenchmarkDotNet's usual arguments, e.g. <c>--filter '*'</c>.</summary>
public static class Program
{
    /// <summary>Runs the benchmarks the arguments select (or asks which, when there are none).</summary>
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}
