using BenchmarkDotNet.Running;

namespace RnnGen.Benchmarks.Peers;

/// <summary>Entry point: pass BenchmarkDotNet's usual arguments, e.g. <c>--filter '*'</c>.</summary>
public static class Program
{
    /// <summary>Checks that the models exist, then runs the benchmarks the arguments select.</summary>
    public static void Main(string[] args)
    {
        ModelFiles.EnsurePresent();
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
    }
}
