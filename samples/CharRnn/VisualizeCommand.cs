using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using RnnGen;

namespace CharRnn;

/// <summary>What <c>visualize</c> was asked to do.</summary>
internal sealed record VisualizeSettings(string CheckpointPath, string? Cell, string? TextPath, int Length, int? Layer, string? Signal, int? Unit, int GridUnits, string OutputPath);

/// <summary>One hidden unit shown on the page, and why.</summary>
/// <param name="Index">The unit, 0-based.</param>
/// <param name="Label">What it seems to track, or "strong activity".</param>
/// <param name="Correlation">Its correlation with that property (0 for "strong activity").</param>
internal readonly record struct ChosenUnit(int Index, string Label, double Correlation);

/// <summary>
/// <c>visualize</c>: reads a text through a checkpoint's model and writes an HTML page that colours each character by
/// a hidden unit's activation after reading it, with a grid of the units that best track simple properties of the text.
/// </summary>
internal sealed class VisualizeCommand(VisualizeSettings settings) : IModelCommand
{
    public static int Run(VisualizeSettings settings)
    {
        OutputPaths.Check(settings.OutputPath, "--output");
        return ModelFile.Open(settings.CheckpointPath, settings.Cell, new VisualizeCommand(settings));
    }

    public int Run<TState>(ITokenRnnModel<TState> model, CharVocabulary vocabulary) where TState : struct, IRnnState
    {
        bool lstm = model is CharLstm;
        string signal = settings.Signal ?? (lstm ? "cell" : "hidden");
        if (signal == "cell" && !lstm)
            throw new UsageException("--signal cell needs an LSTM checkpoint (a vanilla RNN has no memory cell); use --signal hidden");
        int layer = (settings.Layer ?? model.Layers) - 1;
        if (layer < 0 || layer >= model.Layers)
            throw new UsageException($"--layer takes 1 to {model.Layers} for this model, not {settings.Layer}");
        if (settings.Unit is { } wanted && (wanted < 0 || wanted >= model.HiddenSize))
            throw new UsageException($"--unit takes 0 to {model.HiddenSize - 1} for this model, not {wanted}");

        string source = SourceText(out string sourceName);
        int[] tokens = TextEncoding.Encode(vocabulary, source, out int skipped, out string text);
        if (tokens.Length == 0)
            throw new UsageException($"{sourceName} has no character the model knows");
        if (skipped > 0)
            Console.WriteLine($"note:{TextEncoding.SkippedNote(skipped, source, vocabulary)}");

        float[][] activations = Activations(model, tokens, layer, signal == "cell");
        List<ChosenUnit> chosen = ChooseUnits(text, activations, model.HiddenSize, settings.GridUnits);
        int shown = settings.Unit ?? chosen[0].Index;
        string description = lstm ? "2-layer LSTM, 128 units per layer" : "vanilla RNN (tanh), 100 units";
        var page = new ActivationPage(text, activations, model.HiddenSize, chosen, shown,
            $"{description}; layer {layer + 1}, {(signal == "cell" ? "tanh of the memory cell c" : "hidden state h")}; {Path.GetFileName(settings.CheckpointPath)}; {sourceName}");
        try
        {
            page.Write(settings.OutputPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"cannot write the page to '{settings.OutputPath}': {e.Message}");
        }
        Console.WriteLine($"wrote '{settings.OutputPath}': {text.Length:N0} characters, unit {shown} shown; the units that best track a property of the text:");
        foreach (ChosenUnit unit in chosen)
            Console.WriteLine(FormattableString.Invariant($"  unit {unit.Index,4}  {unit.Label}{(unit.Correlation != 0 ? $" (r = {unit.Correlation:+0.00;-0.00})" : "")}"));
        return ExitCodes.Ok;
    }

    /// <summary>The text to read: --text, or the end of the embedded corpus (the part a default train run holds out).</summary>
    private string SourceText(out string name)
    {
        string text;
        if (settings.TextPath is { } path)
        {
            text = Corpus.FromFile(path, "text file");
            name = Path.GetFileName(path);
            return text.Length <= settings.Length ? text : text[..settings.Length];
        }
        text = Corpus.Embedded();
        name = "the held-out end of the embedded corpus";
        return text.Length <= settings.Length ? text : text[^settings.Length..];
    }

    /// <summary>The chosen layer's units after each token, from a zero state: [token][unit].</summary>
    private static float[][] Activations<TState>(ITokenRnnModel<TState> model, int[] tokens, int layer, bool cell) where TState : struct, IRnnState
    {
        var state = new TState();
        float[] logits = new float[model.OutputSize];
        float[] packed = new float[state.Length];
        int hidden = model.HiddenSize;
        // The state packs h of every layer, then (LSTM) c of every layer, as PyTorch's h_0 and c_0.
        int offset = (cell ? model.Layers * hidden : 0) + layer * hidden;
        var activations = new float[tokens.Length][];
        for (int t = 0; t < tokens.Length; t++)
        {
            model.Step(tokens[t], ref state, logits);
            state.CopyTo(packed);
            activations[t] = new float[hidden];
            for (int u = 0; u < hidden; u++)
                activations[t][u] = cell ? MathF.Tanh(packed[offset + u]) : packed[offset + u];
        }
        return activations;
    }

    /// <summary>
    /// For each property of <see cref="Features"/>, the unit that correlates with it most strongly (each unit at most
    /// once), strongest first; then the most active of the rest, up to <paramref name="count"/> units.
    /// </summary>
    internal static List<ChosenUnit> ChooseUnits(string text, float[][] activations, int units, int count)
    {
        double[][] features = Features.Compute(text);
        var series = new double[units][];
        for (int u = 0; u < units; u++)
        {
            series[u] = new double[activations.Length];
            for (int t = 0; t < activations.Length; t++)
                series[u][t] = activations[t][u];
        }
        var candidates = new List<ChosenUnit>();
        for (int f = 0; f < features.Length; f++)
        {
            for (int u = 0; u < units; u++)
                candidates.Add(new ChosenUnit(u, Features.Names[f], Features.Correlation(series[u], features[f])));
        }
        var chosen = new List<ChosenUnit>();
        var usedUnits = new HashSet<int>();
        var usedFeatures = new HashSet<string>();
        foreach (ChosenUnit candidate in candidates.OrderByDescending(c => Math.Abs(c.Correlation)).ThenBy(c => c.Index))
        {
            if (chosen.Count == Math.Min(count, Features.Names.Length) || Math.Abs(candidate.Correlation) < 0.05)
                break;
            if (usedUnits.Contains(candidate.Index) || usedFeatures.Contains(candidate.Label))
                continue;
            chosen.Add(candidate);
            usedUnits.Add(candidate.Index);
            usedFeatures.Add(candidate.Label);
        }
        IEnumerable<int> active = Enumerable.Range(0, units).Where(u => !usedUnits.Contains(u)).OrderByDescending(u => Variance(series[u])).ThenBy(u => u);
        foreach (int u in active.Take(Math.Max(0, count - chosen.Count)))
            chosen.Add(new ChosenUnit(u, "strong activity", 0));
        return chosen;
    }

    private static double Variance(double[] values)
    {
        double mean = values.Average();
        return values.Sum(v => (v - mean) * (v - mean)) / values.Length;
    }
}
