using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Text.Json;
using RnnGen.Tests.Numerics;

namespace RnnGen.Tests.Stacks;

/// <summary>One case of stack_cases.json.gz, written by tests/fixtures/make_stack_fixtures.py from PyTorch (float64).</summary>
public sealed class StackCase
{
    public required string Name { get; init; }
    public required string Model { get; init; }
    public required string Input { get; init; }
    public required string Head { get; init; }
    public required string Output { get; init; }
    public required int InputSize { get; init; }
    public required int OutputSize { get; init; }
    public required int SequenceLength { get; init; }
    public required int Length { get; init; }
    public required uint ParameterSeed { get; init; }
    public required int BoundSize { get; init; }
    public required int ParameterCount { get; init; }
    public required int[] CheckIndices { get; init; }
    public required float[] CheckValues { get; init; }
    public required (string Name, int[] Shape)[] Tensors { get; init; }
    public int[]? Tokens { get; init; }
    public float[]? Inputs { get; init; }
    public int[]? ClassTargets { get; init; }
    public float[]? ValueTargets { get; init; }
    public required float[] State0 { get; init; }
    public required ulong DropoutState { get; init; }
    public required ulong DropoutStateFinal { get; init; }
    public required bool HasDropout { get; init; }
    public required bool Streaming { get; init; }
    public required double[] Outputs { get; init; }
    public required double Loss { get; init; }
    public required Dictionary<string, double[]> Gradients { get; init; }
    public required double[] StateFinal { get; init; }
    public required double[] StateFinalTrain { get; init; }

    public override string ToString() => Name;

    private static readonly Lazy<IReadOnlyDictionary<string, StackCase>> s_cases = new(Load);

    public static IReadOnlyDictionary<string, StackCase> All => s_cases.Value;

    private static IReadOnlyDictionary<string, StackCase> Load()
    {
        using FileStream file = File.OpenRead(Fixtures.PathOf("stack_cases.json.gz"));
        using var gzip = new GZipStream(file, CompressionMode.Decompress);
        using JsonDocument document = JsonDocument.Parse(gzip);
        var cases = new Dictionary<string, StackCase>();
        foreach (JsonElement c in document.RootElement.GetProperty("cases").EnumerateArray())
        {
            bool softmax = c.GetProperty("head").GetString() == "softmax";
            JsonElement check = c.GetProperty("parameter_check");
            var stackCase = new StackCase
            {
                Name = c.GetProperty("name").GetString()!,
                Model = c.GetProperty("model").GetString()!,
                Input = c.GetProperty("input").GetString()!,
                Head = c.GetProperty("head").GetString()!,
                Output = c.GetProperty("output").GetString()!,
                InputSize = c.GetProperty("input_size").GetInt32(),
                OutputSize = c.GetProperty("output_size").GetInt32(),
                SequenceLength = c.GetProperty("sequence_length").GetInt32(),
                Length = c.GetProperty("length").GetInt32(),
                ParameterSeed = c.GetProperty("parameter_seed").GetUInt32(),
                BoundSize = c.GetProperty("bound_size").GetInt32(),
                ParameterCount = c.GetProperty("parameter_count").GetInt32(),
                CheckIndices = Ints(check.GetProperty("index")),
                CheckValues = Floats(check.GetProperty("value")),
                Tensors = c.GetProperty("tensors").EnumerateArray()
                    .Select(t => (t[0].GetString()!, Ints(t[1]))).ToArray(),
                Tokens = c.TryGetProperty("tokens", out JsonElement tokens) ? Ints(tokens) : null,
                Inputs = c.TryGetProperty("inputs", out JsonElement inputs) ? Floats(inputs) : null,
                ClassTargets = softmax ? Ints(c.GetProperty("targets")) : null,
                ValueTargets = softmax ? null : Floats(c.GetProperty("targets")),
                State0 = Floats(c.GetProperty("state0")),
                DropoutState = ulong.Parse(c.GetProperty("dropout_state").GetString()!, CultureInfo.InvariantCulture),
                DropoutStateFinal = ulong.Parse(c.GetProperty("dropout_state_final").GetString()!, CultureInfo.InvariantCulture),
                HasDropout = c.GetProperty("has_dropout").GetBoolean(),
                Streaming = c.GetProperty("streaming").GetBoolean(),
                Outputs = Doubles(c.GetProperty("outputs")),
                Loss = c.GetProperty("loss").GetDouble(),
                Gradients = c.GetProperty("gradients").EnumerateObject().ToDictionary(p => p.Name, p => Doubles(p.Value)),
                StateFinal = Doubles(c.GetProperty("state_final")),
                StateFinalTrain = Doubles(c.GetProperty("state_final_train")),
            };
            cases.Add(stackCase.Name, stackCase);
        }
        return cases;
    }

    private static float[] Floats(JsonElement array) => array.EnumerateArray().Select(e => e.GetSingle()).ToArray();

    private static double[] Doubles(JsonElement array) => array.EnumerateArray().Select(e => e.GetDouble()).ToArray();

    private static int[] Ints(JsonElement array) => array.EnumerateArray().Select(e => e.GetInt32()).ToArray();
}
