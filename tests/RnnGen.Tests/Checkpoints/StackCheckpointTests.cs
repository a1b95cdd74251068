using System;
using System.IO;
using System.Linq;
using RnnGen.Tests.Stacks;
using Xunit;

namespace RnnGen.Tests.Checkpoints;

/// <summary>Checkpoints of layer stacks: PyTorch's names, the architecture entry and what it protects, the first form's files unchanged.</summary>
public sealed class StackCheckpointTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("rnngen-stack-checkpoint-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void AStackSavesUnderItsLayerNamesAndLoadsBack()
    {
        var model = new FdDenseConvLstm();
        model.InitializeParameters(4);
        string path = Path.Combine(_folder, "stack.safetensors");
        Checkpoint.Save(model, path);
        var restored = new FdDenseConvLstm();
        CheckpointMetadata metadata = Checkpoint.Load(restored, path);
        Assert.Equal(model.Parameters.ToArray(), restored.Parameters.ToArray());
        Assert.Equal("Dense(3→5, Tanh) > Conv1D(5→4, k=3, d=2, Sigmoid) > Lstm(4→6) > Dropout(0.25) > Dense(6→5, Elu) > Dense(5→2)", metadata.Entries["architecture"]);
        Assert.Equal("lstm", metadata.Entries["cell"]);
        byte[] bytes = File.ReadAllBytes(path);
        using var header = System.Text.Json.JsonDocument.Parse(bytes.AsMemory(8, (int)BitConverter.ToUInt64(bytes, 0)));
        string[] names = header.RootElement.EnumerateObject().Select(p => p.Name).Where(n => n != "__metadata__").OrderBy(n => n, StringComparer.Ordinal).ToArray();
        Assert.Equal(FdDenseConvLstm.Layout.Select(p => p.Name).OrderBy(n => n, StringComparer.Ordinal), names);
        Assert.Equal(new[] { 4, 5, 3 }, header.RootElement.GetProperty("layers.1.weight").GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()));
    }

    [Fact]
    public void AFileOfTheSameTensorsWithAnotherActivationIsRefusedAndTheModelIsUnchanged()
    {
        var amp = new IssueAmpModel();
        amp.InitializeParameters(1);
        string path = Path.Combine(_folder, "amp.safetensors");
        Checkpoint.Save(amp, path);
        var other = new IssueAmpModelRelu();
        other.InitializeParameters(2);
        float[] before = other.Parameters.ToArray();
        CheckpointException e = Assert.Throws<CheckpointException>(() => Checkpoint.Load(other, path));
        Assert.Contains("it holds the model 'Dense(1→8, Tanh) > Gru(8→8) > Dense(8→8, Sigmoid) > Dense(8→1)'", e.Message);
        Assert.Contains("this model is 'Dense(1→8, Relu) > Gru(8→8) > Dense(8→8, Sigmoid) > Dense(8→1)'", e.Message);
        Assert.Equal(before, other.Parameters.ToArray());
    }

    [Fact]
    public void AStackDeclaredLikeTheFirstFormReadsTheFirstFormsFiles()
    {
        // [Recurrent(Name = "")] + [Dense(Name = "head")] has the first form's tensor names: its files load both ways.
        var first = new CkLstm();
        first.InitializeParameters(6);
        string path = Path.Combine(_folder, "first.safetensors");
        Checkpoint.Save(first, path);
        Assert.False(Checkpoint.ReadMetadata(path).Entries.ContainsKey("architecture"));
        var stack = new CkLstmAsStack();
        Checkpoint.Load(stack, path);
        Assert.Equal(first.Parameters.ToArray(), stack.Parameters.ToArray());
        string back = Path.Combine(_folder, "stack.safetensors");
        Checkpoint.Save(stack, back);
        var again = new CkLstm();
        Checkpoint.Load(again, back);
        Assert.Equal(first.Parameters.ToArray(), again.Parameters.ToArray());
    }
}
