using System;
using System.Collections.Generic;
using System.Globalization;

namespace CharRnn;

/// <summary>
/// What a training run has reported so far — the loss curve and the unfinished report interval — kept in the training
/// file's metadata, so a resumed run draws the whole curve and reports the same losses as a run that never stopped.
/// </summary>
internal sealed class RunHistory
{
    private const string CurveKey = "charrnn.loss_curve";
    private const string IntervalKey = "charrnn.interval_loss";
    private const char PointSeparator = ';';
    private const char FieldSeparator = ':';

    /// <summary>The points reported so far.</summary>
    public List<LossPoint> Curve { get; init; } = new();

    /// <summary>Sum of the window losses since the last report.</summary>
    public double IntervalSum { get; init; }

    /// <summary>Windows since the last report.</summary>
    public int IntervalCount { get; init; }

    /// <summary>The metadata entries: "step:loss:validation;..." (validation empty when there is none) and "sum:count", in round-trip form.</summary>
    public IReadOnlyDictionary<string, string> Entries()
    {
        var points = new List<string>(Curve.Count);
        foreach (LossPoint point in Curve)
        {
            points.Add(string.Join(FieldSeparator,
                point.Step.ToString(CultureInfo.InvariantCulture),
                point.TrainingLoss.ToString("R", CultureInfo.InvariantCulture),
                point.ValidationLoss is { } v ? v.ToString("R", CultureInfo.InvariantCulture) : ""));
        }
        return new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [CurveKey] = string.Join(PointSeparator, points),
            [IntervalKey] = IntervalSum.ToString("R", CultureInfo.InvariantCulture) + FieldSeparator + IntervalCount.ToString(CultureInfo.InvariantCulture),
        };
    }

    /// <summary>The history in <paramref name="entries"/>, or null when they hold none or one this program cannot read.</summary>
    public static RunHistory? Read(IReadOnlyDictionary<string, string> entries)
    {
        if (!entries.TryGetValue(CurveKey, out string? curveText) || !entries.TryGetValue(IntervalKey, out string? intervalText))
            return null;
        string[] interval = intervalText.Split(FieldSeparator);
        if (interval.Length != 2 || !double.TryParse(interval[0], NumberStyles.Float, CultureInfo.InvariantCulture, out double sum) ||
            !int.TryParse(interval[1], NumberStyles.None, CultureInfo.InvariantCulture, out int count))
        {
            return null;
        }
        var curve = new List<LossPoint>();
        foreach (string point in curveText.Split(PointSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            string[] fields = point.Split(FieldSeparator);
            if (fields.Length != 3 || !long.TryParse(fields[0], NumberStyles.None, CultureInfo.InvariantCulture, out long step) ||
                !float.TryParse(fields[1], NumberStyles.Float, CultureInfo.InvariantCulture, out float loss))
            {
                return null;
            }
            float? validation = null;
            if (fields[2].Length > 0)
            {
                if (!float.TryParse(fields[2], NumberStyles.Float, CultureInfo.InvariantCulture, out float v))
                    return null;
                validation = v;
            }
            curve.Add(new LossPoint(step, loss, validation));
        }
        return new RunHistory { Curve = curve, IntervalSum = sum, IntervalCount = count };
    }
}
