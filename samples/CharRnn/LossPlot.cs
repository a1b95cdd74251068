using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;

namespace CharRnn;

/// <summary>One point of the loss curve: the mean training loss since the previous point and, when there is a held-out part, the validation loss.</summary>
internal readonly record struct LossPoint(long Step, float TrainingLoss, float? ValidationLoss);

/// <summary>Draws the training and validation loss against the step as a self-contained SVG image.</summary>
internal static class LossPlot
{
    private const int Width = 800;
    private const int Height = 440;
    private const int Left = 70;
    private const int Right = 24;
    private const int Top = 48;
    private const int Bottom = 56;
    private const int Ticks = 6;
    private const string TrainingColour = "#2166ac";
    private const string ValidationColour = "#d6604d";

    /// <summary>The SVG text for <paramref name="points"/> (in step order), with <paramref name="title"/> above the plot.</summary>
    public static string Svg(IReadOnlyList<LossPoint> points, string title)
    {
        if (points.Count == 0)
            throw new ArgumentException("A loss curve needs at least one point.", nameof(points));
        // A fresh run's axis starts at step 0; a resumed run's at the first step it reports.
        long firstStep = points.Count > 1 && points[0].Step <= points[1].Step - points[0].Step ? 0 : points[0].Step;
        long lastStep = Math.Max(points[^1].Step, firstStep + 1);
        IEnumerable<float> losses = points.Select(p => p.TrainingLoss).Concat(points.Where(p => p.ValidationLoss.HasValue).Select(p => p.ValidationLoss!.Value));
        double yStep = NiceStep(losses.Max() - losses.Min(), Ticks);
        double yMin = Math.Floor(losses.Min() / yStep) * yStep, yMax = Math.Ceiling(losses.Max() / yStep) * yStep;
        if (yMax <= yMin)
            yMax = yMin + yStep;
        double xStep = Math.Max(1, NiceStep(lastStep - firstStep, Ticks));

        double X(long step) => Left + (double)(step - firstStep) / (lastStep - firstStep) * (Width - Left - Right);
        double Y(double loss) => Top + (yMax - loss) / (yMax - yMin) * (Height - Top - Bottom);
        static string F(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);

        var svg = new StringBuilder();
        svg.AppendLine(CultureInfo.InvariantCulture, $"""<svg xmlns="http://www.w3.org/2000/svg" width="{Width}" height="{Height}" viewBox="0 0 {Width} {Height}" font-family="sans-serif" font-size="12">""");
        svg.AppendLine(CultureInfo.InvariantCulture, $"""<rect width="{Width}" height="{Height}" fill="white"/>""");
        svg.AppendLine(CultureInfo.InvariantCulture, $"""<text x="{Width / 2}" y="24" text-anchor="middle" font-size="15">{Escape(title)}</text>""");
        for (double loss = yMin; loss <= yMax + yStep / 2; loss += yStep)
        {
            svg.AppendLine(CultureInfo.InvariantCulture, $"""<line x1="{Left}" x2="{Width - Right}" y1="{F(Y(loss))}" y2="{F(Y(loss))}" stroke="#e0e0e0"/>""");
            svg.AppendLine(CultureInfo.InvariantCulture, $"""<text x="{Left - 8}" y="{F(Y(loss) + 4)}" text-anchor="end">{loss.ToString("0.00", CultureInfo.InvariantCulture)}</text>""");
        }
        for (long step = (long)(Math.Ceiling(firstStep / xStep) * xStep); step <= lastStep; step += (long)xStep)
        {
            svg.AppendLine(CultureInfo.InvariantCulture, $"""<line x1="{F(X(step))}" x2="{F(X(step))}" y1="{Height - Bottom}" y2="{Height - Bottom + 5}" stroke="#333"/>""");
            svg.AppendLine(CultureInfo.InvariantCulture, $"""<text x="{F(X(step))}" y="{Height - Bottom + 20}" text-anchor="middle">{step.ToString("N0", CultureInfo.InvariantCulture)}</text>""");
        }
        svg.AppendLine(CultureInfo.InvariantCulture, $"""<rect x="{Left}" y="{Top}" width="{Width - Left - Right}" height="{Height - Top - Bottom}" fill="none" stroke="#333"/>""");
        svg.AppendLine(CultureInfo.InvariantCulture, $"""<text x="{(Width + Left - Right) / 2}" y="{Height - 12}" text-anchor="middle">optimizer step</text>""");
        svg.AppendLine(CultureInfo.InvariantCulture, $"""<text x="16" y="{(Height + Top - Bottom) / 2}" text-anchor="middle" transform="rotate(-90 16 {(Height + Top - Bottom) / 2})">loss (nats per character)</text>""");

        string Polyline(IEnumerable<(long Step, float Loss)> curve, string colour, string id) =>
            $"""<polyline id="{id}" fill="none" stroke="{colour}" stroke-width="2" points="{string.Join(" ", curve.Select(p => F(X(p.Step)) + "," + F(Y(p.Loss))))}"/>""";
        svg.AppendLine(Polyline(points.Select(p => (p.Step, p.TrainingLoss)), TrainingColour, "training"));
        var validation = points.Where(p => p.ValidationLoss.HasValue).Select(p => (p.Step, p.ValidationLoss!.Value)).ToList();
        if (validation.Count > 0)
            svg.AppendLine(Polyline(validation, ValidationColour, "validation"));

        int legendX = Width - Right - 190;
        svg.AppendLine(CultureInfo.InvariantCulture, $"""<line x1="{legendX}" x2="{legendX + 24}" y1="{Top + 16}" y2="{Top + 16}" stroke="{TrainingColour}" stroke-width="2"/><text x="{legendX + 30}" y="{Top + 20}">training (mean per report)</text>""");
        if (validation.Count > 0)
            svg.AppendLine(CultureInfo.InvariantCulture, $"""<line x1="{legendX}" x2="{legendX + 24}" y1="{Top + 34}" y2="{Top + 34}" stroke="{ValidationColour}" stroke-width="2"/><text x="{legendX + 30}" y="{Top + 38}">validation (held out)</text>""");
        svg.AppendLine("</svg>");
        return svg.ToString();
    }

    /// <summary>Writes <see cref="Svg"/> to <paramref name="path"/>, whole or not at all (<see cref="OutputPaths.WriteText"/>).</summary>
    public static void Write(string path, IReadOnlyList<LossPoint> points, string title) => OutputPaths.WriteText(path, Svg(points, title));

    /// <summary>A tick spacing of 1, 2 or 5 times a power of ten that cuts <paramref name="range"/> into about <paramref name="ticks"/> parts.</summary>
    internal static double NiceStep(double range, int ticks)
    {
        if (!(range > 0))
            return 0.1;
        double raw = range / ticks;
        double power = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        double fraction = raw / power;
        return (fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10) * power;
    }

    private static string Escape(string text) => text.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);
}
