using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using RnnGen.Tests.Matrix;
using RnnGen.Tests.Numerics;
using Xunit;

namespace RnnGen.Tests.Checkpoints;

/// <summary>
/// Checkpoints in both directions against PyTorch (tests/fixtures/make_checkpoint_fixtures.py): files PyTorch wrote,
/// in F32, F16, BF16 and F64, load here and reproduce torch's outputs; files RnnGen wrote load into torch with
/// load_state_dict, and torch's outputs, committed by the script, are RnnGen's.
/// </summary>
public class CheckpointPyTorchTests
{
    public static IEnumerable<object[]> Models() => CheckpointFixtures.Models.Select(m => new object[] { m });

    [Fact]
    public void FixturesCoverEveryCellStackedBidirectionalAndEveryDType()
    {
        Assert.Equal(CheckpointFixtures.Models, CheckpointFixtures.TorchFiles.Select(c => c.Model));
        Assert.Equal(CheckpointFixtures.Models, CheckpointFixtures.RnnGenFiles.Select(c => c.Model));
        IRnnModel[] models = CheckpointFixtures.Models.Select(CheckpointFixtures.Create).ToArray();
        Assert.Equal(new[] { CellKind.Rnn, CellKind.RnnRelu, CellKind.Lstm, CellKind.Gru }, models.Select(m => m.Cell).Distinct().Order());
        Assert.Contains(models, m => m.Layers > 1 && m.Bidirectional);
        Assert.Equal(new[] { "BF16", "F16", "F32", "F64" }, CheckpointFixtures.TorchFiles.Select(c => c.DType!).Distinct().Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void PyTorchCheckpointLoadsAndReproducesTorchOutputs(string name)
    {
        CheckpointCase c = CheckpointFixtures.TorchFiles.Single(f => f.Model == name);
        IRnnModel model = CheckpointFixtures.Create(name);
        AssertDeclarationMatches(model, c);

        CheckpointMetadata metadata = Checkpoint.Load(model, Fixtures.PathOf(c.File));
        Assert.Null(metadata.ModelName);
        Assert.Null(metadata.Step);

        // Every value is the file's, converted to float32 (exactly for F16/BF16, rounded to nearest for F64).
        Assert.Equal(c.Parameters!.Keys.Order(StringComparer.Ordinal), model.Layout.Select(p => p.Name).Order(StringComparer.Ordinal));
        foreach (ParameterInfo info in model.Layout)
        {
            double[] expected = c.Parameters[info.Name];
            Span<float> actual = model.Parameter(info.Name);
            Assert.Equal(expected.Length, actual.Length);
            for (int i = 0; i < expected.Length; i++)
                Assert.True(BitConverter.SingleToInt32Bits((float)expected[i]) == BitConverter.SingleToInt32Bits(actual[i]), $"{name} {info.Name}[{i}]: expected {(float)expected[i]:R}, got {actual[i]:R}");
        }

        float[] outputs = CheckpointFixtures.Forward(model, c.Tokens, c.Inputs);
        Tolerance.Close(c.Outputs, outputs, Tolerance.OutputRelative, Tolerance.OutputAbsolute, name + " outputs");
    }

    /// <summary>
    /// The committed rnngen_*.safetensors are what RnnGen writes today, byte for byte (set RNNGEN_REGENERATE=1 to rewrite
    /// them, then run the script), and torch's outputs on them, computed after load_state_dict, are RnnGen's.
    /// </summary>
    [Theory]
    [MemberData(nameof(Models))]
    public void RnnGenCheckpointLoadsIntoTorchAndTorchReproducesRnnGenOutputs(string name)
    {
        IRnnModel model = CheckpointFixtures.Create(name);
        MatrixParameters.Fill(model.Parameters, Seed(name), model.HiddenSize);
        var written = new MemoryStream();
        Checkpoint.Save(model, written, new CheckpointMetadata { Step = 1234, Entries = new Dictionary<string, string> { ["note"] = "written by CheckpointPyTorchTests" } });
        string file = $"Checkpoints/rnngen_{name}.safetensors";
        if (CheckpointFixtures.Regenerate)
        {
            string target = Path.Combine(CheckpointFixtures.SourceFolder(), file);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.WriteAllBytes(target, written.ToArray());
            return;
        }
        Assert.True(written.ToArray().AsSpan().SequenceEqual(File.ReadAllBytes(Fixtures.PathOf(file))),
            $"{file} is not what RnnGen writes today; rerun with RNNGEN_REGENERATE=1, then tests/fixtures/make_checkpoint_fixtures.py.");

        CheckpointCase c = CheckpointFixtures.RnnGenFiles.Single(f => f.Model == name);
        Assert.Equal(file, c.File);
        IRnnModel loaded = CheckpointFixtures.Create(name);
        CheckpointMetadata metadata = Checkpoint.Load(loaded, Fixtures.PathOf(file));
        Assert.Equal(name, metadata.ModelName);
        Assert.Equal(1234, metadata.Step);
        Assert.Equal("written by CheckpointPyTorchTests", metadata.Entries["note"]);
        Assert.True(model.Parameters.SequenceEqual(loaded.Parameters));

        float[] outputs = CheckpointFixtures.Forward(loaded, c.Tokens, c.Inputs);
        Tolerance.Close(c.Outputs, outputs, Tolerance.OutputRelative, Tolerance.OutputAbsolute, name + " outputs");
    }

    private static uint Seed(string name)
    {
        uint seed = 2166136261;
        foreach (char ch in name)
            seed = (seed ^ ch) * 16777619;
        return seed;
    }

    private static void AssertDeclarationMatches(IRnnModel model, CheckpointCase c)
    {
        JsonElementReader d = new(c.Description);
        Assert.Equal(d.String("cell"), model.Cell switch { CellKind.Rnn => "rnn_tanh", CellKind.RnnRelu => "rnn_relu", CellKind.Lstm => "lstm", _ => "gru" });
        Assert.Equal(d.Int("num_layers"), model.Layers);
        Assert.Equal(d.Bool("bidirectional"), model.Bidirectional);
        Assert.Equal(d.String("input"), model.Input == InputKind.Token ? "token" : "dense");
        Assert.Equal(d.String("head"), model.Head == HeadKind.Softmax ? "softmax" : "linear");
        Assert.Equal(d.String("output"), model.Output == OutputKind.EveryStep ? "every" : "last");
        Assert.Equal((d.Int("input_size"), d.Int("hidden_size"), d.Int("output_size"), d.Int("sequence_length")),
            (model.InputSize, model.HiddenSize, model.OutputSize, model.SequenceLength));
    }

    private readonly struct JsonElementReader(System.Text.Json.JsonElement element)
    {
        public string String(string name) => element.GetProperty(name).GetString()!;

        public int Int(string name) => element.GetProperty(name).GetInt32();

        public bool Bool(string name) => element.GetProperty(name).GetBoolean();
    }
}
