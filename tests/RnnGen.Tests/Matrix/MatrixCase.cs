using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Text.Json;
using RnnGen.Tests.Numerics;

namespace RnnGen.Tests.Matrix;

/// <summary>One case of rnn_matrix.json.gz, written by tests/fixtures/make_matrix_fixtures.py from PyTorch (float64).</summary>
public sealed class MatrixCase
{
    public required string Name { get; init; }
    public required string Model { get; init; }
    public required string Cell { get; init; }
    public required int Layers { get; init; }
    public required bool Bidirectional { get; init; }
    public required string Input { get; init; }
    public required string Head { get; init; }
    public required string Output { get; init; }
    public required int InputSize { get; init; }
    public required int HiddenSize { get; init; }
    public required int OutputSize { get; init; }
    public required int SequenceLength { get; init; }
    public required int Length { get; init; }
    public required uint ParameterSeed { get; init; }
    public required int[] CheckIndices { get; init; }
    public required float[] CheckValues { get; init; }
    public int[]? Tokens { get; init; }
    public float[]? Inputs { get; init; }
    public int[]? ClassTargets { get; init; }
    public float[]? ValueTargets { get; init; }
    public required float[] H0 { get; init; }
    public float[]? C0 { get; init; }
    public required double[] Outputs { get; init; }
    public required double Loss { get; init; }
    public required Dictionary<string, double[]> Gradients { get; init; }
    public required double[] HFinal { get; init; }
    public double[]? CFinal { get; init; }

    public override string ToString() => Name;

    private static readonly Lazy<IReadOnlyDictionary<string, MatrixCase>> s_cases = new(Load);

    public static IReadOnlyDictionary<string, MatrixCase> All => s_cases.Value;

    private static IReadOnlyDictionary<string, MatrixCase> Load()
    {
        using FileStream file = File.OpenRead(Fixtures.PathOf("rnn_matrix.json.gz"));
        using var gzip = new GZipStream(file, CompressionMode.Decompress);
        using JsonDocument document = JsonDocument.Parse(gzip);
        var cases = new Dictionary<string, MatrixCase>();
        foreach (JsonElement c in document.RootElement.GetProperty("cases").EnumerateArray())
        {
            bool softmax = c.GetProperty("head").GetString() == "softmax";
            JsonElement check = c.GetProperty("parameter_check");
            var matrixCase = new MatrixCase
            {
                Name = c.GetProperty("name").GetString()!,
                Model = c.GetProperty("model").GetString()!,
                Cell = c.GetProperty("cell").GetString()!,
                Layers = c.GetProperty("num_layers").GetInt32(),
                Bidirectional = c.GetProperty("bidirectional").GetBoolean(),
                Input = c.GetProperty("input").GetString()!,
                Head = c.GetProperty("head").GetString()!,
                Output = c.GetProperty("output").GetString()!,
                InputSize = c.GetProperty("input_size").GetInt32(),
                HiddenSize = c.GetProperty("hidden_size").GetInt32(),
                OutputSize = c.GetProperty("output_size").GetInt32(),
                SequenceLength = c.GetProperty("sequence_length").GetInt32(),
                Length = c.GetProperty("length").GetInt32(),
                ParameterSeed = c.GetProperty("parameter_seed").GetUInt32(),
                CheckIndices = Ints(check.GetProperty("index")),
                CheckValues = Floats(check.GetProperty("value")),
                Tokens = c.TryGetProperty("tokens", out JsonElement tokens) ? Ints(tokens) : null,
                Inputs = c.TryGetProperty("inputs", out JsonElement inputs) ? Floats(inputs) : null,
                ClassTargets = softmax ? Ints(c.GetProperty("targets")) : null,
                ValueTargets = softmax ? null : Floats(c.GetProperty("targets")),
                H0 = Floats(c.GetProperty("h0")),
                C0 = c.TryGetProperty("c0", out JsonElement c0) ? Floats(c0) : null,
                Outputs = Doubles(c.GetProperty("outputs")),
                Loss = c.GetProperty("loss").GetDouble(),
                Gradients = c.GetProperty("gradients").EnumerateObject().ToDictionary(p => p.Name, p => Doubles(p.Value)),
                HFinal = Doubles(c.GetProperty("h_final")),
                CFinal = c.TryGetProperty("c_final", out JsonElement cFinal) ? Doubles(cFinal) : null,
            };
            cases.Add(matrixCase.Name, matrixCase);
        }
        return cases;
    }

    private static float[] Floats(JsonElement array) => array.EnumerateArray().Select(e => e.GetSingle()).ToArray();

    private static double[] Doubles(JsonElement array) => array.EnumerateArray().Select(e => e.GetDouble()).ToArray();

    private static int[] Ints(JsonElement array) => array.EnumerateArray().Select(e => e.GetInt32()).ToArray();
}
