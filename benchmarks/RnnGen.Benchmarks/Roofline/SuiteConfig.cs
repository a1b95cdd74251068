using BenchmarkDotNet.Configs;

namespace RnnGen.Benchmarks.Roofline;

/// <summary>
/// The configuration every class of the suite adds to BenchmarkDotNet's default: the GFLOP/s, GB/s, cache level,
/// bound and percentage-of-bound columns, and the exporter that keeps the machine probe's results.
/// </summary>
public sealed class SuiteConfig : ManualConfig
{
    /// <summary>Adds the columns and the exporter.</summary>
    public SuiteConfig()
    {
        AddColumn(new GflopsColumn(), new BandwidthColumn(), new WeightsLevelColumn(), new BoundColumn(), new PercentOfBoundColumn());
        AddExporter(MachineProbeExporter.Instance);
    }
}
