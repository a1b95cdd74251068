using System;
using System.Collections.Generic;
using System.IO;
using BenchmarkDotNet.Exporters;
using BenchmarkDotNet.Loggers;
using BenchmarkDotNet.Reports;

namespace RnnGen.Benchmarks.Roofline;

/// <summary>
/// After a summary that holds the <see cref="MachineProbe"/> results, writes them to
/// <c>BenchmarkDotNet.Artifacts/results/machine-probe.json</c>, where the kernel columns of the summaries that
/// follow (and of later runs that skip the probe) read them; after any other summary, logs which limits the
/// columns used.
/// </summary>
public sealed class MachineProbeExporter : IExporter
{
    /// <summary>The exporter.</summary>
    public static readonly MachineProbeExporter Instance = new();

    private MachineProbeExporter()
    {
    }

    /// <inheritdoc />
    public string Name => "machine-probe";

    /// <inheritdoc />
    public void ExportToLog(Summary summary, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(summary);
        ArgumentNullException.ThrowIfNull(logger);
        MachineLimits? limits = MachineLimits.For(summary);
        logger.WriteLineInfo(limits is null
            ? "Machine probe: no results in this run or in " + MachineLimits.FileName + "; run MachineProbe for the bound columns."
            : "Machine probe (" + limits.Source + "): " + limits);
    }

    /// <inheritdoc />
    public IEnumerable<string> ExportToFiles(Summary summary, ILogger consoleLogger)
    {
        ArgumentNullException.ThrowIfNull(summary);
        ArgumentNullException.ThrowIfNull(consoleLogger);
        ExportToLog(summary, consoleLogger);
        MachineLimits? limits = MachineLimits.FromSummary(summary);
        if (limits is null)
            return [];
        string path = Path.Combine(summary.ResultsDirectoryPath, MachineLimits.FileName);
        limits.Save(path);
        return [path];
    }
}
