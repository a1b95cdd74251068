using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Text.Json;
using RnnGen.Tests.Numerics;

namespace RnnGen.Tests.Checkpoints;

/// <summary>A checkpoint PyTorch wrote (torch_*.safetensors) or RnnGen wrote (rnngen_*.safetensors), with torch's outputs on one input.</summary>
public sealed class CheckpointCase
{
    public required string Model { get; init; }
    public required string File { get; init; }
    public string? DType { get; init; }
    public JsonElement Description { get; init; }
    public Dictionary<string, double[]>? Parameters { get; init; }
    public int[]? Tokens { get; init; }
    public float[]? Inputs { get; init; }
    public required double[] Outputs { get; init; }

    public override string ToString() => Model;
}

/// <summary>tests/RnnGen.Tests/Fixtures/checkpoints.json, written by tests/fixtures/make_checkpoint_fixtures.py.</summary>
public static class CheckpointFixtures
{
    private static readonly Lazy<(IReadOnlyList<CheckpointCase> Torch, IReadOnlyList<CheckpointCase> RnnGen)> s_cases = new(Load);

    public static IReadOnlyList<CheckpointCase> TorchFiles => s_cases.Value.Torch;

    public static IReadOnlyList<CheckpointCase> RnnGenFiles => s_cases.Value.RnnGen;

    /// <summary>The six fixture models, by name.</summary>
    public static readonly string[] Models = { "CkRnnTanh", "CkRnnReluBi", "CkLstm", "CkLstmBi", "CkGruBi", "CkGru" };

    /// <summary>Where the committed fixtures live in the source tree (for regeneration).</summary>
    public static string SourceFolder([CallerFilePath] string thisFile = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(thisFile)!, "..", "Fixtures"));

    public static bool Regenerate => Environment.GetEnvironmentVariable("RNNGEN_REGENERATE") == "1";

    public static IRnnModel Create(string model) => model switch
    {
        nameof(CkRnnTanh) => new CkRnnTanh(),
        nameof(CkRnnReluBi) => new CkRnnReluBi(),
        nameof(CkLstm) => new CkLstm(),
        nameof(CkLstmBi) => new CkLstmBi(),
        nameof(CkGruBi) => new CkGruBi(),
        nameof(CkGru) => new CkGru(),
        _ => throw new InvalidOperationException("No test model " + model),
    };

    /// <summary>The model's outputs on one sequence from a zero state.</summary>
    public static float[] Forward(IRnnModel model, int[]? tokens, float[]? inputs) => model switch
    {
        CkRnnTanh m => Run<CkRnnTanh.State, int, int>(m, tokens!),
        CkRnnReluBi m => Run<CkRnnReluBi.State, float, float>(m, inputs!),
        CkLstm m => Run<CkLstm.State, int, int>(m, tokens!),
        CkLstmBi m => Run<CkLstmBi.State, float, int>(m, inputs!),
        CkGruBi m => Run<CkGruBi.State, int, float>(m, tokens!),
        CkGru m => Run<CkGru.State, float, int>(m, inputs!),
        _ => throw new InvalidOperationException("No test model " + model.GetType().Name),
    };

    private static float[] Run<TState, TInput, TTarget>(IRnnModel<TState, TInput, TTarget> model, TInput[] input)
        where TState : struct, IRnnState where TInput : unmanaged where TTarget : unmanaged
    {
        int steps = typeof(TInput) == typeof(int) ? input.Length : input.Length / model.InputSize;
        float[] outputs = new float[model.Output == OutputKind.EveryStep ? steps * model.OutputSize : model.OutputSize];
        var state = new TState();
        model.Forward(input, ref state, outputs);
        return outputs;
    }

    private static (IReadOnlyList<CheckpointCase>, IReadOnlyList<CheckpointCase>) Load()
    {
        string path = Fixtures.PathOf("checkpoints.json");
        if (!System.IO.File.Exists(path))
            return (Array.Empty<CheckpointCase>(), Array.Empty<CheckpointCase>());
        using JsonDocument document = JsonDocument.Parse(System.IO.File.ReadAllBytes(path));
        JsonElement root = document.RootElement;
        return (root.GetProperty("torch_files").EnumerateArray().Select(Case).ToArray(),
                root.GetProperty("rnngen_files").EnumerateArray().Select(Case).ToArray());
    }

    private static CheckpointCase Case(JsonElement c) => new()
    {
        Model = (c.TryGetProperty("model", out JsonElement model) ? model : c.GetProperty("name")).GetString()!,
        File = c.GetProperty("file").GetString()!,
        DType = c.TryGetProperty("dtype", out JsonElement dtype) ? dtype.GetString() : null,
        Description = c.Clone(),
        Parameters = c.TryGetProperty("parameters", out JsonElement parameters)
            ? parameters.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.EnumerateArray().Select(e => e.GetDouble()).ToArray())
            : null,
        Tokens = c.TryGetProperty("tokens", out JsonElement tokens) ? tokens.EnumerateArray().Select(e => e.GetInt32()).ToArray() : null,
        Inputs = c.TryGetProperty("inputs", out JsonElement inputs) ? inputs.EnumerateArray().Select(e => e.GetSingle()).ToArray() : null,
        Outputs = c.GetProperty("outputs").EnumerateArray().Select(e => e.GetDouble()).ToArray(),
    };
}
