using System;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using BenchmarkDotNet.Reports;

namespace RnnGen.Benchmarks.Roofline;

/// <summary>A cache level a kernel's weights are read from, and its measured read bandwidth.</summary>
/// <param name="Name">"L1", "L2" or "L3".</param>
/// <param name="GBPerSecond">Streaming-read bandwidth measured by <see cref="MachineProbe"/> (GB/s = bytes per ns).</param>
public readonly record struct CacheLevel(string Name, double GBPerSecond);

/// <summary>
/// This machine's limits as <see cref="MachineProbe"/> measured them: the FMA peak with L1-resident data and the
/// streaming-read bandwidth from L1, L2 and L3, plus the capacity of each level (from Linux's sysfs, or Zen 4's
/// 32 KiB / 1 MiB / 32 MiB where that cannot be read).
/// </summary>
public sealed record MachineLimits
{
    /// <summary>The file the probe's results are kept in, under BenchmarkDotNet's results directory.</summary>
    public const string FileName = "machine-probe.json";

    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true };

    /// <summary>FMA peak, GFLOP/s.</summary>
    public required double FmaGflops { get; init; }

    /// <summary>Read bandwidth from L1 (16 KiB buffer), GB/s.</summary>
    public required double L1GBPerSecond { get; init; }

    /// <summary>Read bandwidth from L2 (512 KiB buffer), GB/s.</summary>
    public required double L2GBPerSecond { get; init; }

    /// <summary>Read bandwidth from L3 (8 MiB buffer), GB/s.</summary>
    public required double L3GBPerSecond { get; init; }

    /// <summary>L1 data cache capacity of one core, bytes.</summary>
    public required long L1Bytes { get; init; }

    /// <summary>L2 capacity of one core, bytes.</summary>
    public required long L2Bytes { get; init; }

    /// <summary>L3 capacity, bytes.</summary>
    public required long L3Bytes { get; init; }

    /// <summary>When the probe's summary was made (UTC, ISO 8601).</summary>
    public required string MeasuredUtc { get; init; }

    /// <summary>Where these figures come from: this run's summary, or the file of an earlier run.</summary>
    [JsonIgnore]
    public string Source { get; init; } = "";

    /// <summary>
    /// The level <paramref name="footprintBytes"/> fit in and its bandwidth: the smallest level whose capacity is
    /// larger than the footprint (strictly: 1 MiB of weights fills a 1 MiB L2 and leaves no room for anything else,
    /// so it counts as L3). Anything that does not fit in L3 is charged L3's bandwidth and named "L3+".
    /// </summary>
    public CacheLevel Level(long footprintBytes) =>
        footprintBytes < L1Bytes ? new CacheLevel("L1", L1GBPerSecond)
        : footprintBytes < L2Bytes ? new CacheLevel("L2", L2GBPerSecond)
        : footprintBytes < L3Bytes ? new CacheLevel("L3", L3GBPerSecond)
        : new CacheLevel("L3+", L3GBPerSecond);

    /// <summary>
    /// The limits for <paramref name="summary"/>: measured in it if it holds all four <see cref="MachineProbe"/>
    /// results, otherwise read from <see cref="FileName"/> in its results directory (written by an earlier run of
    /// the probe); null if neither exists.
    /// </summary>
    public static MachineLimits? For(Summary summary)
    {
        ArgumentNullException.ThrowIfNull(summary);
        return FromSummary(summary) ?? FromFile(Path.Combine(summary.ResultsDirectoryPath, FileName));
    }

    /// <summary>The limits measured in <paramref name="summary"/>, or null if it lacks a probe result.</summary>
    public static MachineLimits? FromSummary(Summary summary)
    {
        ArgumentNullException.ThrowIfNull(summary);
        double? fma = null, l1 = null, l2 = null, l3 = null;
        foreach (BenchmarkReport report in summary.Reports)
        {
            ProbeWorkAttribute? probe = report.BenchmarkCase.Descriptor.WorkloadMethod.GetCustomAttribute<ProbeWorkAttribute>();
            double? mean = report.ResultStatistics?.Mean;
            if (probe is null || mean is not > 0)
                continue;
            double perNanosecond = probe.AmountPerCall / mean.Value; // FLOP/ns = GFLOP/s, bytes/ns = GB/s
            switch (probe.Kind)
            {
                case ProbeKind.FmaPeak: fma = perNanosecond; break;
                case ProbeKind.ReadL1: l1 = perNanosecond; break;
                case ProbeKind.ReadL2: l2 = perNanosecond; break;
                case ProbeKind.ReadL3: l3 = perNanosecond; break;
            }
        }
        if (fma is null || l1 is null || l2 is null || l3 is null)
            return null;
        (long l1Bytes, long l2Bytes, long l3Bytes) = CacheSizes.Read();
        return new MachineLimits
        {
            FmaGflops = fma.Value,
            L1GBPerSecond = l1.Value,
            L2GBPerSecond = l2.Value,
            L3GBPerSecond = l3.Value,
            L1Bytes = l1Bytes,
            L2Bytes = l2Bytes,
            L3Bytes = l3Bytes,
            MeasuredUtc = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
            Source = "this run",
        };
    }

    /// <summary>The limits saved in <paramref name="path"/>, or null if there is no such file or it cannot be read.</summary>
    public static MachineLimits? FromFile(string path)
    {
        try
        {
            if (!File.Exists(path))
                return null;
            MachineLimits? limits = JsonSerializer.Deserialize<MachineLimits>(File.ReadAllText(path), JsonOptions);
            return limits is null ? null : limits with { Source = path + " (" + limits.MeasuredUtc + ")" };
        }
        catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Writes these limits to <paramref name="path"/> as JSON.</summary>
    public void Save(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        File.WriteAllText(path, JsonSerializer.Serialize(this, JsonOptions));
    }

    /// <summary>One line per figure, for the log.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"FMA peak {FmaGflops:F1} GFLOP/s; read bandwidth L1 {L1GBPerSecond:F1} GB/s, L2 {L2GBPerSecond:F1} GB/s, L3 {L3GBPerSecond:F1} GB/s; "
        + $"matrix-vector bound (0.5 FLOP/byte) L1 {Math.Min(FmaGflops, 0.5 * L1GBPerSecond):F1}, L2 {Math.Min(FmaGflops, 0.5 * L2GBPerSecond):F1}, "
        + $"L3 {Math.Min(FmaGflops, 0.5 * L3GBPerSecond):F1} GFLOP/s; capacities L1 {L1Bytes / 1024} KiB, L2 {L2Bytes / 1024} KiB, L3 {L3Bytes / 1024} KiB");
}

/// <summary>The data-cache capacities of CPU 0, from Linux's sysfs.</summary>
internal static class CacheSizes
{
    /// <summary>L1 data, L2 and L3 capacity in bytes; Zen 4's 32 KiB, 1 MiB and 32 MiB for what cannot be read.</summary>
    public static (long L1, long L2, long L3) Read()
    {
        long l1 = 32 * 1024, l2 = 1024 * 1024, l3 = 32 * 1024 * 1024;
        const string root = "/sys/devices/system/cpu/cpu0/cache";
        try
        {
            if (!Directory.Exists(root))
                return (l1, l2, l3);
            foreach (string index in Directory.GetDirectories(root, "index*"))
            {
                string type = File.ReadAllText(Path.Combine(index, "type")).Trim();
                if (type == "Instruction")
                    continue;
                int level = int.Parse(File.ReadAllText(Path.Combine(index, "level")).Trim(), CultureInfo.InvariantCulture);
                long? size = ParseSize(File.ReadAllText(Path.Combine(index, "size")).Trim());
                if (size is null)
                    continue;
                switch (level)
                {
                    case 1: l1 = size.Value; break;
                    case 2: l2 = size.Value; break;
                    case 3: l3 = size.Value; break;
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            // Keep the defaults.
        }
        return (l1, l2, l3);
    }

    private static long? ParseSize(string text)
    {
        // "32K", "1024K", "32768K" (or a plain number of bytes).
        if (text.Length == 0)
            return null;
        long multiplier = char.ToUpperInvariant(text[^1]) switch
        {
            'K' => 1024,
            'M' => 1024 * 1024,
            'G' => 1024 * 1024 * 1024,
            _ => 1,
        };
        string digits = multiplier == 1 ? text : text[..^1];
        return long.TryParse(digits, NumberStyles.Integer, CultureInfo.InvariantCulture, out long value) ? value * multiplier : null;
    }
}
