using System;
using System.Globalization;
using System.Reflection;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace RnnGen.Benchmarks.Roofline;

/// <summary>
/// Base of the suite's columns: a value computed from the benchmark's measured mean, or nothing (the column is
/// hidden when no row of a table has a value).
/// </summary>
public abstract class SuiteColumn : IColumn
{
    /// <inheritdoc />
    public string Id => GetType().Name;

    /// <inheritdoc />
    public abstract string ColumnName { get; }

    /// <inheritdoc />
    public bool AlwaysShow => false;

    /// <inheritdoc />
    public ColumnCategory Category => ColumnCategory.Custom;

    /// <inheritdoc />
    public abstract int PriorityInCategory { get; }

    /// <inheritdoc />
    public bool IsNumeric => true;

    /// <inheritdoc />
    public UnitType UnitType => UnitType.Dimensionless;

    /// <inheritdoc />
    public abstract string Legend { get; }

    /// <inheritdoc />
    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => Value(summary, benchmarkCase) ?? "-";

    /// <inheritdoc />
    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) => GetValue(summary, benchmarkCase);

    /// <inheritdoc />
    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => Value(summary, benchmarkCase) is null;

    /// <inheritdoc />
    public bool IsAvailable(Summary summary) => true;

    /// <summary>The text of the cell, or null when the column does not apply to this benchmark.</summary>
    protected abstract string? Value(Summary summary, BenchmarkCase benchmarkCase);

    /// <summary>The measured mean time of one call in nanoseconds, or null if the benchmark has no result.</summary>
    protected static double? MeanNanoseconds(Summary summary, BenchmarkCase benchmarkCase)
    {
        double? mean = summary[benchmarkCase]?.ResultStatistics?.Mean;
        return mean is > 0 ? mean : null;
    }

    /// <summary>Formats a number with one decimal, culture-invariant.</summary>
    protected static string Format(double value) => value.ToString("F1", CultureInfo.InvariantCulture);
}

/// <summary>GFLOP/s achieved: a kernel's FLOPs per call (<see cref="KernelWork.Flops"/>) or the FMA probe's, over the mean time.</summary>
public sealed class GflopsColumn : SuiteColumn
{
    /// <inheritdoc />
    public override string ColumnName => "GFLOP/s";

    /// <inheritdoc />
    public override int PriorityInCategory => 0;

    /// <inheritdoc />
    public override string Legend => "FLOPs per call over the mean time; a matrix-vector product counts 2 FLOP per weight per step (benchmarks/README.md)";

    /// <inheritdoc />
    protected override string? Value(Summary summary, BenchmarkCase benchmarkCase)
    {
        double? mean = MeanNanoseconds(summary, benchmarkCase);
        if (mean is null)
            return null;
        KernelWork? work = KernelWork.Of(benchmarkCase);
        if (work is not null)
            return Format(work.Flops / mean.Value);
        ProbeWorkAttribute? probe = benchmarkCase.Descriptor.WorkloadMethod.GetCustomAttribute<ProbeWorkAttribute>();
        return probe is { Kind: ProbeKind.FmaPeak } ? Format(probe.AmountPerCall / mean.Value) : null;
    }
}

/// <summary>GB/s read by a bandwidth probe.</summary>
public sealed class BandwidthColumn : SuiteColumn
{
    /// <inheritdoc />
    public override string ColumnName => "GB/s";

    /// <inheritdoc />
    public override int PriorityInCategory => 1;

    /// <inheritdoc />
    public override string Legend => "Bytes read per call over the mean time (machine probe)";

    /// <inheritdoc />
    protected override string? Value(Summary summary, BenchmarkCase benchmarkCase)
    {
        double? mean = MeanNanoseconds(summary, benchmarkCase);
        ProbeWorkAttribute? probe = benchmarkCase.Descriptor.WorkloadMethod.GetCustomAttribute<ProbeWorkAttribute>();
        return mean is null || probe is null || probe.Kind == ProbeKind.FmaPeak ? null : Format(probe.AmountPerCall / mean.Value);
    }
}

/// <summary>The cache level the weights a kernel re-reads every step fit in, and their size.</summary>
public sealed class WeightsLevelColumn : SuiteColumn
{
    /// <inheritdoc />
    public override string ColumnName => "Weights";

    /// <inheritdoc />
    public override int PriorityInCategory => 2;

    /// <inheritdoc />
    public override string Legend => "Cache level and size of the weights re-read every step (a single step: all of them; a window: W_hh)";

    /// <inheritdoc />
    protected override string? Value(Summary summary, BenchmarkCase benchmarkCase)
    {
        KernelWork? work = KernelWork.Of(benchmarkCase);
        MachineLimits? limits = work is null ? null : MachineLimits.For(summary);
        if (work is null || limits is null)
            return null;
        return limits.Level(work.PerStepFootprint).Name + " " + (work.PerStepWeightBytes / 1024.0).ToString("F0", CultureInfo.InvariantCulture) + " KiB";
    }
}

/// <summary>The kernel's bound in GFLOP/s on this machine (<see cref="KernelWork.BoundGflops"/>).</summary>
public sealed class BoundColumn : SuiteColumn
{
    /// <inheritdoc />
    public override string ColumnName => "Bound GFLOP/s";

    /// <inheritdoc />
    public override int PriorityInCategory => 3;

    /// <inheritdoc />
    public override string Legend => "FLOPs per call over the least time the machine probe's FMA peak and cache bandwidths allow (roofline; benchmarks/README.md)";

    /// <inheritdoc />
    protected override string? Value(Summary summary, BenchmarkCase benchmarkCase)
    {
        KernelWork? work = KernelWork.Of(benchmarkCase);
        MachineLimits? limits = work is null ? null : MachineLimits.For(summary);
        return work is null ? null : limits is null ? "no probe" : Format(work.BoundGflops(limits));
    }
}

/// <summary>Achieved GFLOP/s as a percentage of the bound.</summary>
public sealed class PercentOfBoundColumn : SuiteColumn
{
    /// <inheritdoc />
    public override string ColumnName => "% of bound";

    /// <inheritdoc />
    public override int PriorityInCategory => 4;

    /// <inheritdoc />
    public override string Legend => "GFLOP/s / Bound GFLOP/s × 100 (= bound time / mean time × 100)";

    /// <inheritdoc />
    protected override string? Value(Summary summary, BenchmarkCase benchmarkCase)
    {
        KernelWork? work = KernelWork.Of(benchmarkCase);
        if (work is null)
            return null;
        MachineLimits? limits = MachineLimits.For(summary);
        double? mean = MeanNanoseconds(summary, benchmarkCase);
        if (limits is null || mean is null)
            return "?";
        return (100.0 * work.BoundNanoseconds(limits) / mean.Value).ToString("F0", CultureInfo.InvariantCulture) + "%";
    }
}
