using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using Xunit;

namespace RnnGen.Tests.Checkpoints;

/// <summary>What Checkpoint writes, what it gives back, and how it says what is wrong.</summary>
public sealed class CheckpointTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("rnngen-checkpoint-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void SaveThenLoadGivesBackEveryBitThroughFilesAndStreams()
    {
        var model = new LstmStackedBi();
        model.InitializeParameters(11);
        string path = Path.Combine(_folder, "lstm.safetensors");
        Checkpoint.Save(model, path);

        var loaded = new LstmStackedBi();
        loaded.InitializeParameters(12);
        Checkpoint.Load(loaded, path);
        Assert.True(model.Parameters.SequenceEqual(loaded.Parameters));

        var fromStream = new LstmStackedBi();
        using (FileStream stream = File.OpenRead(path))
            Checkpoint.Load(fromStream, new NonSeekableStream(stream));
        Assert.True(model.Parameters.SequenceEqual(fromStream.Parameters));
        Assert.Equal(File.ReadAllBytes(path), SafeTensorsFile.Save(model));
    }

    [Fact]
    public void TheFileIsSafetensorsWithTheLayoutsNamesShapesAndOrder()
    {
        var model = new GruDeepDenseLast();
        model.InitializeParameters(3);
        byte[] file = SafeTensorsFile.Save(model);
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(file);
        Assert.Equal(0, (8 + (int)headerLength) % 8); // padded, so the data is aligned
        Assert.Equal(8 + (int)headerLength + 4 * GruDeepDenseLast.ParameterCount, file.Length);
        using JsonDocument header = JsonDocument.Parse(file.AsMemory(8, (int)headerLength));
        JsonProperty[] tensors = header.RootElement.EnumerateObject().Where(p => p.Name != "__metadata__").ToArray();
        Assert.Equal(GruDeepDenseLast.Layout.Select(p => p.Name), tensors.Select(t => t.Name));
        foreach ((ParameterInfo info, JsonProperty tensor) in GruDeepDenseLast.Layout.Zip(tensors))
        {
            Assert.Equal("F32", tensor.Value.GetProperty("dtype").GetString());
            Assert.Equal(info.Shape, tensor.Value.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()));
            Assert.Equal(new long[] { 4L * info.Offset, 4L * (info.Offset + info.Length) }, tensor.Value.GetProperty("data_offsets").EnumerateArray().Select(e => e.GetInt64()));
        }
        Assert.Equal(new[] { "weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0" }, tensors.Take(4).Select(t => t.Name));
        Assert.Equal(new[] { "head.weight", "head.bias" }, tensors.TakeLast(2).Select(t => t.Name));

        JsonElement metadata = header.RootElement.GetProperty("__metadata__");
        var entries = metadata.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString());
        Assert.Equal(new Dictionary<string, string?>
        {
            ["format_version"] = "1", ["library"] = "RnnGen", ["model"] = "GruDeepDenseLast", ["cell"] = "gru",
            ["input_size"] = "6", ["hidden_size"] = "11", ["output_size"] = "3", ["num_layers"] = "3", ["bidirectional"] = "false",
            ["input"] = "dense", ["head"] = "linear", ["output"] = "last", ["sequence_length"] = "20",
        }, entries);
    }

    [Fact]
    public void MetadataRoundTripsVocabularyStepNameAndEntries()
    {
        // Quotes, backslashes, controls and half a surrogate pair (a vocabulary holds UTF-16 code units), plus the
        // unknown slot: 5 ids, CkRnnTanh's InputSize.
        var model = new CkRnnTanh();
        model.InitializeParameters(1);
        string path = Path.Combine(_folder, "meta.safetensors");
        Checkpoint.Save(model, path, new CheckpointMetadata
        {
            ModelName = "MyModel",
            Step = 9_000_000_000,
            Vocabulary = CharVocabulary.FromCharacters("\"\\\n\ud83d", 5, hasUnknown: true),
            Entries = new Dictionary<string, string> { ["zeta"] = "last", ["alpha"] = "ünï\tcode", ["cell"] = "ignored: reserved", ["step"] = "ignored" },
        });

        CheckpointMetadata read = Checkpoint.Load(new CkRnnTanh(), path);
        Assert.Equal("MyModel", read.ModelName);
        Assert.Equal(9_000_000_000, read.Step);
        Assert.Equal("\"\\\n\ud83d", read.Vocabulary!.Characters);
        Assert.True(read.Vocabulary.HasUnknown);
        Assert.Equal(5, read.Vocabulary.Capacity);
        Assert.Equal("ünï\tcode", read.Entries["alpha"]);
        Assert.Equal("last", read.Entries["zeta"]);
        Assert.Equal("rnn_tanh", read.Entries["cell"]);
        Assert.Equal("9000000000", read.Entries["step"]);

        CheckpointMetadata header = Checkpoint.ReadMetadata(path);
        Assert.Equal("MyModel", header.ModelName);
        Assert.Equal(read.Vocabulary.Characters, header.Vocabulary!.Characters);
        Assert.Equal(5, header.Vocabulary.Capacity); // from input_size

        // The header is ASCII; Python's json module reads the escapes back to the same code units.
        byte[] file = File.ReadAllBytes(path);
        Assert.All(file.AsSpan(8, SafeTensorsFile.DataStart(file) - 8).ToArray(), b => Assert.InRange(b, (byte)0x20, (byte)0x7E));
        Assert.Contains("\"vocabulary\":\"\\\"\\\\\\n\\ud83d\"", Encoding.ASCII.GetString(file), StringComparison.Ordinal);
    }

    [Fact]
    public void ModelOfAnotherShapeIsRefusedNamingTheFileTheTensorAndTheExpectedShape()
    {
        var lstm = new CkLstm();
        lstm.InitializeParameters(2);
        string path = Path.Combine(_folder, "lstm.safetensors");
        Checkpoint.Save(lstm, path);

        var gru = new CkGru();
        gru.InitializeParameters(3);
        float[] before = gru.Parameters.ToArray();
        var e = Assert.Throws<CheckpointException>(() => Checkpoint.Load(gru, path));
        Assert.Equal(path, e.FilePath);
        Assert.Equal("weight_ih_l0", e.TensorName);
        Assert.Contains($"'{path}'", e.Message, StringComparison.Ordinal);
        Assert.Contains("tensor 'weight_ih_l0' has shape [28, 5]; the model expects [21, 5]", e.Message, StringComparison.Ordinal);
        Assert.True(before.AsSpan().SequenceEqual(gru.Parameters));

        // Same shapes, other cell: the metadata tells a tanh RNN from a ReLU one.
        var tanh = new CkRnnTanh();
        tanh.InitializeParameters(4);
        string tanhPath = Path.Combine(_folder, "tanh.safetensors");
        Checkpoint.Save(tanh, tanhPath);
        var relu = new CkRnnRelu();
        var cell = Assert.Throws<CheckpointException>(() => Checkpoint.Load(relu, tanhPath));
        Assert.Contains("'rnn_tanh' model", cell.Message, StringComparison.Ordinal);
        Assert.True(relu.Parameters.ToArray().All(p => p == 0));

        // A missing file is a CheckpointException too.
        var missing = Assert.Throws<CheckpointException>(() => Checkpoint.Load(tanh, Path.Combine(_folder, "nope.safetensors")));
        Assert.Contains("does not exist", missing.Message, StringComparison.Ordinal);
        Assert.Throws<CheckpointException>(() => Checkpoint.Load(tanh, _folder)); // a folder
    }

    [Fact]
    public void NonFiniteValuesAreRefusedUnlessAllowedAndNeverSaved()
    {
        var model = new TinyToken();
        model.InitializeParameters(5);
        float[] good = model.Parameters.ToArray();
        string path = Path.Combine(_folder, "tiny.safetensors");
        Checkpoint.Save(model, path);
        byte[] saved = File.ReadAllBytes(path);

        model.Parameter("weight_hh_l0")[7] = float.NaN;
        var refused = Assert.Throws<CheckpointException>(() => Checkpoint.Save(model, path));
        Assert.Equal("weight_hh_l0", refused.TensorName);
        Assert.Contains("index 7", refused.Message, StringComparison.Ordinal);
        Assert.Equal(saved, File.ReadAllBytes(path));
        Assert.Single(Directory.GetFiles(_folder));

        // A NaN written by someone else: refused by default, accepted when asked.
        byte[] withNaN = (byte[])saved.Clone();
        int at = SafeTensorsFile.DataStart(saved) + 4 * (TinyToken.Layout.Single(p => p.Name == "head.bias").Offset + 1);
        BinaryPrimitives.WriteSingleLittleEndian(withNaN.AsSpan(at), float.PositiveInfinity);
        var target = new TinyToken();
        var e = Assert.Throws<CheckpointException>(() => Checkpoint.Load(target, new MemoryStream(withNaN)));
        Assert.Equal("head.bias", e.TensorName);
        Assert.Null(e.FilePath);
        Assert.Contains("AllowNonFinite", e.Message, StringComparison.Ordinal);
        Checkpoint.Load(target, new MemoryStream(withNaN), new CheckpointLoadOptions { AllowNonFinite = true });
        Assert.Equal(float.PositiveInfinity, target.Parameter("head.bias")[1]);
        Assert.Equal(good[0], target.Parameters[0]);
    }

    [Fact]
    public void ExtraTensorsAreRefusedUnlessAllowed()
    {
        var model = new TinyToken();
        model.InitializeParameters(6);
        List<(string Name, string Json)> entries = SafeTensorsFile.Entries(model);
        int end = 4 * TinyToken.ParameterCount;
        entries.Add(("step", SafeTensorsFile.Entry("step", "\"I64\"", "[]", $"[{end},{end + 8}]")));
        entries.Add(("empty", SafeTensorsFile.Entry("empty", "\"F32\"", "[0, 4]", $"[{end + 8},{end + 8}]")));
        byte[] file = SafeTensorsFile.Build(SafeTensorsFile.Header(entries.Select(e => e.Json)), SafeTensorsFile.Data(model).Concat(new byte[8]).ToArray());

        var target = new TinyToken();
        var e = Assert.Throws<CheckpointException>(() => Checkpoint.Load(target, new MemoryStream(file)));
        Assert.Equal("step", e.TensorName);
        Checkpoint.Load(target, new MemoryStream(file), new CheckpointLoadOptions { AllowExtraTensors = true });
        Assert.True(model.Parameters.SequenceEqual(target.Parameters));
    }

    [Fact]
    public void ArgumentsAreChecked()
    {
        var model = new TinyToken();
        Assert.Throws<ArgumentNullException>(() => Checkpoint.Save(null!, "x"));
        Assert.Throws<ArgumentNullException>(() => Checkpoint.Save(model, (string)null!));
        Assert.Throws<ArgumentException>(() => Checkpoint.Save(model, ""));
        Assert.Throws<ArgumentNullException>(() => Checkpoint.Save(model, (Stream)null!));
        Assert.Throws<ArgumentNullException>(() => Checkpoint.Load(null!, "x"));
        Assert.Throws<ArgumentNullException>(() => Checkpoint.Load(model, (string)null!));
        Assert.Throws<ArgumentNullException>(() => Checkpoint.Load(model, (Stream)null!));
        Assert.Throws<ArgumentNullException>(() => Checkpoint.ReadMetadata((string)null!));
        Assert.Throws<ArgumentException>(() => Checkpoint.Save(model, new MemoryStream(), new CheckpointMetadata { Step = -1 }));
        Assert.Throws<ArgumentException>(() => Checkpoint.Save(model, new MemoryStream(),
            new CheckpointMetadata { Vocabulary = CharVocabulary.FromCharacters("abcd", 4) })); // TinyToken has 3 inputs

        // A write-only or broken stream is the stream's problem: CheckpointException.
        using var closed = new MemoryStream();
        closed.Dispose();
        Assert.Throws<CheckpointException>(() => Checkpoint.Load(model, closed));
        Assert.Throws<CheckpointException>(() => Checkpoint.Save(model, closed));
    }

    [Fact]
    public void CheckpointReservedKeysAreDocumentedAndComplete()
    {
        var model = new TinyToken();
        byte[] file = SafeTensorsFile.Save(model, new CheckpointMetadata { Step = 1, Vocabulary = CharVocabulary.FromCharacters("ab", 3, true) });
        CheckpointMetadata read = Checkpoint.ReadMetadata(new MemoryStream(file));
        Assert.Equal(CheckpointMetadata.ReservedKeys.Order(StringComparer.Ordinal), read.Entries.Keys.Order(StringComparer.Ordinal));
    }
}
