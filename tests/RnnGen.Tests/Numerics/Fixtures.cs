using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;

namespace RnnGen.Tests.Numerics;

/// <summary>One case of rnn_parity.json, written by tests/fixtures/make_rnn_fixtures.py from PyTorch (float64).</summary>
public sealed class ParityCase
{
    public required string Name { get; init; }
    public required string Model { get; init; }
    public required int Length { get; init; }
    public required Dictionary<string, float[]> Parameters { get; init; }
    public int[]? Tokens { get; init; }
    public float[]? Inputs { get; init; }
    public required int[] Targets { get; init; }
    public required float[] H0 { get; init; }
    public required double[] Logits { get; init; }
    public required double Loss { get; init; }
    public required Dictionary<string, double[]> Gradients { get; init; }
    public required double[] HFinal { get; init; }

    public override string ToString() => Name;
}

public static class Fixtures
{
    private static readonly Lazy<IReadOnlyDictionary<string, ParityCase>> s_parity = new(LoadParity);

    public static string PathOf(string file) => Path.Combine(AppContext.BaseDirectory, "Fixtures", file);

    public static IReadOnlyDictionary<string, ParityCase> Parity => s_parity.Value;

    private static IReadOnlyDictionary<string, ParityCase> LoadParity()
    {
        using JsonDocument document = JsonDocument.Parse(File.ReadAllBytes(PathOf("rnn_parity.json")));
        var cases = new Dictionary<string, ParityCase>();
        foreach (JsonElement c in document.RootElement.GetProperty("cases").EnumerateArray())
        {
            var parityCase = new ParityCase
            {
                Name = c.GetProperty("name").GetString()!,
                Model = c.GetProperty("model").GetString()!,
                Length = c.GetProperty("length").GetInt32(),
                Parameters = c.GetProperty("parameters").EnumerateObject().ToDictionary(p => p.Name, p => Floats(p.Value)),
                Tokens = c.TryGetProperty("tokens", out JsonElement tokens) ? Ints(tokens) : null,
                Inputs = c.TryGetProperty("inputs", out JsonElement inputs) ? Floats(inputs) : null,
                Targets = Ints(c.GetProperty("targets")),
                H0 = Floats(c.GetProperty("h0")),
                Logits = Doubles(c.GetProperty("logits")),
                Loss = c.GetProperty("loss").GetDouble(),
                Gradients = c.GetProperty("gradients").EnumerateObject().ToDictionary(p => p.Name, p => Doubles(p.Value)),
                HFinal = Doubles(c.GetProperty("h_final")),
            };
            cases.Add(parityCase.Name, parityCase);
        }
        return cases;
    }

    private static float[] Floats(JsonElement array) => array.EnumerateArray().Select(e => e.GetSingle()).ToArray();

    private static double[] Doubles(JsonElement array) => array.EnumerateArray().Select(e => e.GetDouble()).ToArray();

    private static int[] Ints(JsonElement array) => array.EnumerateArray().Select(e => e.GetInt32()).ToArray();
}
