using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using Xunit;
using Xunit.Abstractions;

namespace RnnGen.Tests.Jit;

/// <summary>
/// No generated kernel is compiled with minimal optimization (RyuJIT falls back to MinOpts for methods over its
/// budget, see shared/STYLE.md). The samples run in child processes with tiering off, so every method is compiled
/// once with full optimization unless the JIT gives up; the JIT's own summary (DOTNET_JitStdOutFile +
/// DOTNET_JitDisasmSummary) says which it did for each method.
/// </summary>
public class JitTierTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("AddingProblem", "20")]
    [InlineData("CharRnn", "--steps 20 --cell lstm --sample-length 20")]
    [InlineData("CharRnn", "--steps 20 --cell rnn --sample-length 20")]
    [InlineData("AmpModel", "--steps 20 --report-every 20 --output amp-output-jit")]
    public void GeneratedKernelsAreFullyOptimized(string program, string arguments)
    {
        string summary = Path.Combine(Path.GetTempPath(), $"rnngen-jit-{Guid.NewGuid():N}.txt");
        try
        {
            var start = new ProcessStartInfo("dotnet", $"\"{Path.Combine(AppContext.BaseDirectory, program + ".dll")}\" {arguments}")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            start.Environment["DOTNET_TieredCompilation"] = "0";
            start.Environment["DOTNET_JitDisasmSummary"] = "1";
            start.Environment["DOTNET_JitStdOutFile"] = summary;
            using Process process = Process.Start(start)!;
            process.StandardOutput.ReadToEnd();
            string errors = process.StandardError.ReadToEnd();
            Assert.True(process.WaitForExit(120_000), "the sample did not finish in two minutes");
            Assert.True(process.ExitCode == 0, $"{program} exited with {process.ExitCode}: {errors}");

            string[] kernels = File.ReadAllLines(summary).Where(l => l.Contains("RnnGen.Generated.", StringComparison.Ordinal)).ToArray();
            output.WriteLine($"{kernels.Length} generated kernel methods compiled");
            Assert.True(kernels.Length >= 10, $"only {kernels.Length} generated methods were compiled: the summary is not what this test expects");
            string[] minOpts = kernels.Where(l => !l.Contains("[FullOpts", StringComparison.Ordinal)).ToArray();
            Assert.True(minOpts.Length == 0, "not fully optimized:\n" + string.Join("\n", minOpts));
        }
        finally
        {
            File.Delete(summary);
        }
    }
}
