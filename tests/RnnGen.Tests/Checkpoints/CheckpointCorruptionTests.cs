using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Text;
using Xunit;
using Xunit.Sdk;

namespace RnnGen.Tests.Checkpoints;

/// <summary>
/// Bad files: every truncation, thousands of random byte flips in the header and the data, and hand-made headers that
/// lie in every way we could think of. Each is refused with a <see cref="CheckpointException"/> (never another
/// exception type), through seekable and non-seekable streams alike, and the model's parameters are exactly what they
/// were; or, for a flip that leaves a valid file, it loads and changes exactly what the flip changed.
/// </summary>
public class CheckpointCorruptionTests
{
    private static readonly TinyToken Source = CreateSource();
    private static readonly byte[] Valid = SafeTensorsFile.Save(Source, new CheckpointMetadata
    {
        Step = 1234,
        Vocabulary = CharVocabulary.FromCharacters("ab", TinyToken.InputSize, hasUnknown: true),
        Entries = new Dictionary<string, string> { ["note"] = "the corruption suite's base file" },
    });

    private static TinyToken CreateSource()
    {
        var model = new TinyToken();
        model.InitializeParameters(77);
        return model;
    }

    /// <summary>A model to load into, its parameters different from the file's, and a copy of them.</summary>
    private static (TinyToken Model, int[] Bits) Target()
    {
        var model = new TinyToken();
        model.InitializeParameters(78);
        return (model, Bits(model.Parameters));
    }

    private static int[] Bits(ReadOnlySpan<float> values) => MemoryMarshal.Cast<float, int>(values).ToArray();

    private static void AssertUnchanged(IRnnModel model, int[] bits, string what)
    {
        if (!Bits(model.Parameters).AsSpan().SequenceEqual(bits))
            throw new XunitException($"{what}: the model's parameters changed although the load failed.");
    }

    /// <summary>Loads <paramref name="file"/> through a seekable and a non-seekable stream; both must refuse it and leave the model alone.</summary>
    private static CheckpointException AssertRefused(byte[] file, string what, CheckpointLoadOptions? options = null)
    {
        (TinyToken model, int[] bits) = Target();
        CheckpointException? first = null;
        foreach (bool seekable in new[] { true, false })
        {
            Stream stream = seekable ? new MemoryStream(file) : new NonSeekableStream(new MemoryStream(file));
            try
            {
                Checkpoint.Load(model, stream, options);
                throw new XunitException($"{what} ({(seekable ? "seekable" : "non-seekable")} stream): loaded, but should have been refused.");
            }
            catch (CheckpointException e)
            {
                first ??= e;
            }
            catch (Exception e) when (e is not XunitException)
            {
                throw new XunitException($"{what}: threw {e.GetType().Name} instead of CheckpointException: {e}");
            }
            AssertUnchanged(model, bits, what);
        }
        return first!;
    }

    [Fact]
    public void TheBaseFileLoads()
    {
        (TinyToken model, _) = Target();
        Checkpoint.Load(model, new MemoryStream(Valid));
        Assert.Equal(Bits(Source.Parameters), Bits(model.Parameters));
    }

    [Fact]
    public void EveryTruncationIsRefused()
    {
        int checkedFiles = 0;
        for (int length = 0; length < Valid.Length; length++)
        {
            CheckpointException e = AssertRefused(Valid[..length], $"truncated to {length} of {Valid.Length} bytes");
            checkedFiles += 2;
            if (length >= SafeTensorsFile.DataStart(Valid) + 4)
                Assert.NotNull(e.TensorName); // in the data: it names the tensor that is cut (or the last one)
        }

        // And through real files, for a sample of lengths (the path overload checks the file length up front).
        string folder = Directory.CreateTempSubdirectory("rnngen-truncated-").FullName;
        try
        {
            (TinyToken model, int[] bits) = Target();
            for (int length = 0; length < Valid.Length; length += 13)
            {
                string path = Path.Combine(folder, $"cut{length}.safetensors");
                File.WriteAllBytes(path, Valid[..length]);
                var e = Assert.Throws<CheckpointException>(() => Checkpoint.Load(model, path));
                Assert.Equal(path, e.FilePath);
                Assert.Contains(path, e.Message, StringComparison.Ordinal);
                AssertUnchanged(model, bits, $"file cut to {length}");
                checkedFiles++;
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
        Assert.True(checkedFiles > 2000, $"{checkedFiles} truncated files");
    }

    [Fact]
    public void TruncationsOfAStackedBidirectionalModelAreRefused()
    {
        var source = new CkGruBi();
        source.InitializeParameters(5);
        byte[] file = SafeTensorsFile.Save(source);
        int dataStart = SafeTensorsFile.DataStart(file);
        var lengths = Enumerable.Range(0, dataStart + 64).Concat(Enumerable.Range(file.Length - 64, 64)).Concat(Enumerable.Range(0, 50).Select(i => dataStart + i * (file.Length - dataStart) / 50));
        var model = new CkGruBi();
        model.InitializeParameters(6);
        int[] bits = Bits(model.Parameters);
        foreach (int length in lengths.Distinct())
        {
            Assert.Throws<CheckpointException>(() => Checkpoint.Load(model, new MemoryStream(file[..length])));
            Assert.Throws<CheckpointException>(() => Checkpoint.Load(model, new NonSeekableStream(new MemoryStream(file[..length]))));
            AssertUnchanged(model, bits, $"CkGruBi cut to {length}");
        }
        Assert.Throws<CheckpointException>(() => Checkpoint.Load(model, new MemoryStream(file.Concat(new byte[] { 0 }).ToArray())));
        AssertUnchanged(model, bits, "CkGruBi with a byte appended");
    }

    /// <summary>
    /// Random flips in the header: a file whose header changed can only load if the change was inside
    /// <c>__metadata__</c> (a value or key that stays valid) or in the padding (a space turned into other whitespace);
    /// then the parameters are exactly the file's. Everything else is refused.
    /// </summary>
    [Fact]
    public void HeaderByteFlipsAreRefusedUnlessTheyOnlyTouchMetadataOrPadding()
    {
        int dataStart = SafeTensorsFile.DataStart(Valid);
        string header = Encoding.ASCII.GetString(Valid, 8, dataStart - 8);
        int metadataStart = 8 + header.IndexOf("\"__metadata__\":{", StringComparison.Ordinal) + "\"__metadata__\":{".Length;
        int metadataEnd = 8 + header.IndexOf('}', metadataStart - 8);
        int paddingStart = 8 + header.LastIndexOf('}') + 1;

        var random = new Random(20261122);
        int refused = 0, loaded = 0;
        for (int i = 0; i < 3000; i++)
        {
            byte[] file = (byte[])Valid.Clone();
            int position = random.Next(0, dataStart);
            file[position] = i % 2 == 0 ? (byte)(file[position] ^ (1 << random.Next(8))) : (byte)random.Next(256);
            if (file[position] == Valid[position])
                continue;
            (TinyToken model, int[] bits) = Target();
            try
            {
                Checkpoint.Load(model, new MemoryStream(file));
            }
            catch (CheckpointException)
            {
                AssertUnchanged(model, bits, $"header byte {position} set to 0x{file[position]:X2}");
                refused++;
                continue;
            }
            catch (Exception e)
            {
                throw new XunitException($"header byte {position} set to 0x{file[position]:X2}: threw {e.GetType().Name} instead of CheckpointException: {e}");
            }
            bool harmless = (position >= metadataStart && position < metadataEnd) || position >= paddingStart;
            Assert.True(harmless, $"header byte {position} ('{(char)Valid[position]}') set to 0x{file[position]:X2} loaded, but it is outside the metadata and the padding.");
            Assert.Equal(Bits(Source.Parameters), Bits(model.Parameters));
            loaded++;
        }
        Assert.True(refused > 2000, $"{refused} refused, {loaded} loaded");
    }

    /// <summary>
    /// Random flips in the data: the file stays valid unless the flipped value became NaN or infinite. Either it is
    /// refused (naming the tensor) and the model is unchanged, or exactly the flipped float changed.
    /// </summary>
    [Fact]
    public void DataByteFlipsAreRefusedOrChangeExactlyTheFlippedValue()
    {
        int dataStart = SafeTensorsFile.DataStart(Valid);
        var random = new Random(1122);
        int refused = 0, loaded = 0;
        for (int i = 0; i < 3000; i++)
        {
            byte[] file = (byte[])Valid.Clone();
            int position = random.Next(dataStart, Valid.Length);
            if (i % 2 == 0)
            {
                file[position] ^= (byte)(1 << random.Next(8)); // any bit: mostly another finite value
            }
            else
            {
                position = dataStart + (position - dataStart) / 4 * 4 + 3; // every exponent bit set: infinity or NaN
                file[position] |= 0x7F;
                file[position - 1] |= 0x80;
            }
            int index = (position - dataStart) / 4;
            float flipped = BinaryPrimitives.ReadSingleLittleEndian(file.AsSpan(dataStart + 4 * index));

            (TinyToken model, int[] bits) = Target();
            try
            {
                Checkpoint.Load(model, new MemoryStream(file));
            }
            catch (CheckpointException e)
            {
                Assert.False(float.IsFinite(flipped), $"data byte {position}: {flipped} is finite but was refused: {e.Message}");
                Assert.Equal(TinyToken.Layout.Single(p => index >= p.Offset && index < p.Offset + p.Length).Name, e.TensorName);
                AssertUnchanged(model, bits, $"data byte {position}");
                refused++;
                continue;
            }
            Assert.True(float.IsFinite(flipped), $"data byte {position}: {flipped} was loaded");
            int[] expected = Bits(Source.Parameters);
            expected[index] = BitConverter.SingleToInt32Bits(flipped);
            Assert.Equal(expected, Bits(model.Parameters));
            loaded++;
        }
        Assert.True(refused >= 1400 && loaded > 1000, $"{refused} refused, {loaded} loaded");
    }

    public static IEnumerable<object[]> BadFiles() => Cases().Keys.Select(k => new object[] { k });

    [Theory]
    [MemberData(nameof(BadFiles))]
    public void HandMadeBadFileIsRefused(string name)
    {
        (byte[] file, CheckpointLoadOptions? options, string? tensor) = Cases()[name];
        CheckpointException e = AssertRefused(file, name, options);
        if (tensor is not null)
            Assert.True(tensor == e.TensorName, $"{name}: expected the message to be about tensor '{tensor}', got '{e.TensorName}': {e.Message}");
        Assert.StartsWith("Checkpoint stream: ", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ThereAreManyHandMadeBadFiles() => Assert.True(Cases().Count >= 80, $"{Cases().Count} cases");

    private static Dictionary<string, (byte[] File, CheckpointLoadOptions? Options, string? Tensor)> Cases()
    {
        var cases = new Dictionary<string, (byte[], CheckpointLoadOptions?, string?)>();
        byte[] data = SafeTensorsFile.Data(Source);
        var allowExtra = new CheckpointLoadOptions { AllowExtraTensors = true };

        // The base header as entries, each case replacing or adding some.
        List<(string Name, string Json)> Base() => SafeTensorsFile.Entries(Source);
        string Header(Func<List<(string Name, string Json)>, IEnumerable<string>> edit, string? metadata = null) =>
            SafeTensorsFile.Header(edit(Base()), metadata);
        IEnumerable<string> Replace(List<(string Name, string Json)> entries, string name, string json) =>
            entries.Select(e => e.Name == name ? json : e.Json);
        void Add(string name, string header, byte[]? body = null, CheckpointLoadOptions? options = null, string? tensor = null) =>
            cases.Add(name, (SafeTensorsFile.Build(header, body ?? data), options, tensor));
        void Tensor(string name, string tensor, string dtype, string shape, string offsets, byte[]? body = null) =>
            Add(name, Header(e => Replace(e, tensor, SafeTensorsFile.Entry(tensor, dtype, shape, offsets))), body, tensor: tensor);

        // Shapes.
        Tensor("shape transposed", "weight_ih_l0", "\"F32\"", "[3,9]", "[0,108]");
        Tensor("shape flattened", "weight_hh_l0", "\"F32\"", "[81]", "[108,432]");
        Tensor("shape with an extra dimension", "bias_ih_l0", "\"F32\"", "[9,1]", "[432,468]");
        Tensor("shape scalar", "head.bias", "\"F32\"", "[]", "[576,584]");
        Tensor("shape empty dimension", "head.bias", "\"F32\"", "[0]", "[576,584]");
        Tensor("shape negative", "weight_ih_l0", "\"F32\"", "[-9,-3]", "[0,108]");
        Tensor("shape fractional", "weight_ih_l0", "\"F32\"", "[9.0,3]", "[0,108]");
        Tensor("shape exponent", "weight_ih_l0", "\"F32\"", "[9e0,3]", "[0,108]");
        Tensor("shape a string", "weight_ih_l0", "\"F32\"", "\"9x3\"", "[0,108]");
        Tensor("shape null", "weight_ih_l0", "\"F32\"", "null", "[0,108]");
        Tensor("shape of strings", "weight_ih_l0", "\"F32\"", "[\"9\",\"3\"]", "[0,108]");
        Tensor("shape beyond 2^63", "weight_ih_l0", "\"F32\"", "[9223372036854775808,3]", "[0,108]");

        // Dtypes.
        Tensor("dtype I32", "weight_ih_l0", "\"I32\"", "[9,3]", "[0,108]");
        Tensor("dtype U8 with the right byte count", "head.bias", "\"U8\"", "[8]", "[576,584]");
        Tensor("dtype lower case", "weight_ih_l0", "\"f32\"", "[9,3]", "[0,108]");
        Tensor("dtype unknown", "weight_ih_l0", "\"F128\"", "[9,3]", "[0,108]");
        Tensor("dtype a number", "weight_ih_l0", "32", "[9,3]", "[0,108]");
        Tensor("dtype empty", "weight_ih_l0", "\"\"", "[9,3]", "[0,108]");
        Tensor("dtype F16 with F32's byte range", "weight_ih_l0", "\"F16\"", "[9,3]", "[0,108]");
        Tensor("dtype F64 with F32's byte range", "weight_ih_l0", "\"F64\"", "[9,3]", "[0,108]");
        Tensor("dtype BF16 with F32's byte range", "bias_hh_l0", "\"BF16\"", "[9]", "[468,504]");

        // Offsets.
        Tensor("offsets overlapping the previous tensor", "weight_hh_l0", "\"F32\"", "[9,9]", "[100,424]");
        Add("offsets of two tensors the same", Header(e => Replace(e, "bias_hh_l0", SafeTensorsFile.Entry("bias_hh_l0", "\"F32\"", "[9]", "[432,468]")))); // either may be blamed
        Tensor("offsets too short", "weight_hh_l0", "\"F32\"", "[9,9]", "[108,428]");
        Tensor("offsets too long", "weight_hh_l0", "\"F32\"", "[9,9]", "[108,436]");
        Tensor("offsets reversed", "weight_ih_l0", "\"F32\"", "[9,3]", "[108,0]");
        Tensor("offsets three", "weight_ih_l0", "\"F32\"", "[9,3]", "[0,54,108]");
        Tensor("offsets one", "weight_ih_l0", "\"F32\"", "[9,3]", "[108]");
        Tensor("offsets none", "weight_ih_l0", "\"F32\"", "[9,3]", "[]");
        Tensor("offsets negative", "weight_ih_l0", "\"F32\"", "[9,3]", "[-4,104]");
        Tensor("offsets fractional", "weight_ih_l0", "\"F32\"", "[9,3]", "[0.0,108]");
        Tensor("offsets beyond 2^64", "weight_ih_l0", "\"F32\"", "[9,3]", "[0,18446744073709551616]");
        Tensor("offsets at 2^64 - 1", "head.bias", "\"F32\"", "[2]", "[18446744073709551607,18446744073709551615]");
        Tensor("offsets at 2^63 - 1", "head.bias", "\"F32\"", "[2]", "[9223372036854775799,9223372036854775807]");
        Tensor("offsets an object", "weight_ih_l0", "\"F32\"", "[9,3]", "{\"begin\":0,\"end\":108}");
        Tensor("offsets past the data, leaving a hole", "head.bias", "\"F32\"", "[2]", "[584,592]");
        Tensor("a hole at the start", "weight_ih_l0", "\"F32\"", "[9,3]", "[4,112]", data.Concat(new byte[4]).ToArray());
        Add("tensors described beyond the end of the file", Header(e => e.Select(x => x.Json)), data[..^8], tensor: "head.bias");
        Add("one byte after the data", Header(e => e.Select(x => x.Json)), data.Concat(new byte[1]).ToArray());
        Add("eight bytes after the data", Header(e => e.Select(x => x.Json)), data.Concat(new byte[8]).ToArray());
        Add("huge extra tensor beyond the file", Header(e => e.Select(x => x.Json).Append(
            SafeTensorsFile.Entry("huge", "\"F32\"", "[1152921504606846976]", "[584,4611686018427388488]"))), options: allowExtra);
        Add("extra tensor with an overflowing shape", Header(e => e.Select(x => x.Json).Append(
            SafeTensorsFile.Entry("huge", "\"F32\"", "[4294967296,4294967296,4294967296]", "[584,584]"))), options: allowExtra, tensor: "huge");
        Add("extra tensor with a bogus dtype", Header(e => e.Select(x => x.Json).Append(
            SafeTensorsFile.Entry("odd", "\"Q7\"", "[2]", "[584,592]"))), data.Concat(new byte[8]).ToArray(), allowExtra, "odd");

        // Names: duplicates, missing, extra.
        Add("duplicate tensor", Header(e => e.Select(x => x.Json).Append(e[0].Json)), tensor: "weight_ih_l0");
        Add("duplicate tensor spelled with an escape", Header(e => e.Select(x => x.Json).Append(
            SafeTensorsFile.Entry("weight\\u005fih_l0", "\"F32\"", "[9,3]", "[0,108]"))), tensor: "weight_ih_l0");
        Add("duplicate metadata key", Header(e => e.Select(x => x.Json), "{\"a\":\"1\",\"a\":\"2\"}"));
        Add("duplicate __metadata__", "{\"__metadata__\":{}," + Header(e => e.Select(x => x.Json), "{}")[1..]);
        Add("duplicate dtype field", Header(e => Replace(e, "head.bias", "\"head.bias\":{\"dtype\":\"F32\",\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[576,584]}")), tensor: "head.bias");
        Add("duplicate shape field", Header(e => Replace(e, "head.bias", "\"head.bias\":{\"dtype\":\"F32\",\"shape\":[2],\"shape\":[2],\"data_offsets\":[576,584]}")), tensor: "head.bias");
        Add("missing tensor", Header(e => e.Where(x => x.Name != "head.bias").Select(x => x.Json)), data[..576], tensor: "head.bias");
        Add("missing first tensor", Header(e => e.Skip(1).Select(x => x.Json.Replace("[108,", "[0,", StringComparison.Ordinal))), data[108..], tensor: "weight_ih_l0");
        Add("no tensors", "{}", Array.Empty<byte>(), tensor: "weight_ih_l0");
        Add("no tensors but metadata", "{\"__metadata__\":{\"model\":\"TinyToken\"}}", Array.Empty<byte>(), tensor: "weight_ih_l0");
        Add("extra tensor", Header(e => e.Select(x => x.Json).Append(SafeTensorsFile.Entry("head.extra", "\"F32\"", "[2]", "[584,592]"))),
            data.Concat(new byte[8]).ToArray(), tensor: "head.extra");
        Add("extra tensor of another model", Header(e => e.Select(x => x.Json).Append(SafeTensorsFile.Entry("weight_ih_l1", "\"F32\"", "[9,9]", "[584,908]"))),
            data.Concat(new byte[324]).ToArray(), tensor: "weight_ih_l1");
        Add("unknown field", Header(e => Replace(e, "head.bias", "\"head.bias\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[576,584],\"stride\":[1]}")), tensor: "head.bias");
        Add("missing dtype", Header(e => Replace(e, "head.bias", "\"head.bias\":{\"shape\":[2],\"data_offsets\":[576,584]}")), tensor: "head.bias");
        Add("missing shape", Header(e => Replace(e, "head.bias", "\"head.bias\":{\"dtype\":\"F32\",\"data_offsets\":[576,584]}")), tensor: "head.bias");
        Add("missing offsets", Header(e => Replace(e, "head.bias", "\"head.bias\":{\"dtype\":\"F32\",\"shape\":[2]}")), tensor: "head.bias");
        Add("tensor entry an array", Header(e => Replace(e, "head.bias", "\"head.bias\":[\"F32\",[2],[576,584]]")), tensor: "head.bias");
        Add("tensor entry null", Header(e => Replace(e, "head.bias", "\"head.bias\":null")), tensor: "head.bias");

        // Header lengths that lie.
        string valid = Header(e => e.Select(x => x.Json));
        byte[] validHeader = Encoding.ASCII.GetBytes(valid);
        void Declared(string name, ulong length) => cases.Add(name, (SafeTensorsFile.Build(validHeader, data, length), null, null));
        Declared("header length 0", 0);
        Declared("header length 1", 1);
        Declared("header length one short", (ulong)validHeader.Length - 1);
        Declared("header length one long", (ulong)validHeader.Length + 1);
        Declared("header length the whole file", (ulong)(validHeader.Length + data.Length));
        Declared("header length past the file", (ulong)(validHeader.Length + data.Length + 1));
        Declared("header length 100,000,001", 100_000_001);
        Declared("header length 2^32", 1UL << 32);
        Declared("header length 2^63", 1UL << 63);
        Declared("header length 2^64 - 1", ulong.MaxValue);
        cases.Add("empty file", (Array.Empty<byte>(), null, null));
        cases.Add("seven bytes", (new byte[7], null, null));
        cases.Add("eight zero bytes", (new byte[8], null, null));

        // Not UTF-8.
        void Bytes(string name, params byte[] metadataValue)
        {
            byte[] header = Encoding.ASCII.GetBytes("{\"__metadata__\":{\"note\":\"").Concat(metadataValue)
                .Concat(Encoding.ASCII.GetBytes("\"}," + valid[1..])).ToArray();
            cases.Add(name, (SafeTensorsFile.Build(header, data), null, null));
        }
        Bytes("UTF-8: a 0xFF byte", 0x61, 0xFF, 0x62);
        Bytes("UTF-8: Latin-1 é", 0xE9);
        Bytes("UTF-8: an overlong slash", 0xC0, 0xAF);
        Bytes("UTF-8: an encoded surrogate", 0xED, 0xA0, 0x80);
        Bytes("UTF-8: a cut sequence", 0xE2, 0x82);
        Bytes("UTF-8: a lone continuation byte", 0x80);
        Bytes("UTF-8: beyond U+10FFFF", 0xF4, 0x90, 0x80, 0x80);
        Bytes("a NUL byte in a string", 0x00);
        Bytes("a raw newline in a string", 0x0A);
        cases.Add("UTF-16 header", (SafeTensorsFile.Build(Encoding.Unicode.GetBytes(valid), data), null, null));
        cases.Add("UTF-8 byte order mark", (SafeTensorsFile.Build(new byte[] { 0xEF, 0xBB, 0xBF }.Concat(validHeader).ToArray(), data), null, null));

        // Not JSON, or not the expected JSON.
        Add("trailing comma in the root", valid[..^1] + ",}");
        Add("trailing comma in a shape", valid.Replace("[9,3]", "[9,3,]", StringComparison.Ordinal));
        Add("a comment", "{/* hi */" + valid[1..]);
        Add("single quotes", valid.Replace("\"weight_ih_l0\"", "'weight_ih_l0'", StringComparison.Ordinal));
        Add("unquoted key", valid.Replace("\"weight_ih_l0\"", "weight_ih_l0", StringComparison.Ordinal));
        Add("unterminated string", valid[..^60]);
        Add("missing closing brace", valid[..^1] + " ");
        Add("garbage after the object", valid + "x");
        Add("two objects", valid + valid);
        Add("root an array", "[" + valid + "]");
        Add("root a string", "\"" + valid.Replace("\"", "\\\"", StringComparison.Ordinal) + "\"");
        Add("root a number", "1234");
        Add("leading whitespace", " " + valid);
        Add("__metadata__ an array", Header(e => e.Select(x => x.Json), "[]"));
        Add("__metadata__ a string", Header(e => e.Select(x => x.Json), "\"model\""));
        Add("metadata value a number", Header(e => e.Select(x => x.Json), "{\"step\":12}"));
        Add("metadata value null", Header(e => e.Select(x => x.Json), "{\"model\":null}"));
        Add("metadata value an object", Header(e => e.Select(x => x.Json), "{\"model\":{\"name\":\"x\"}}"));
        Add("a NaN literal", valid.Replace("[0,108]", "[NaN,108]", StringComparison.Ordinal));
        Add("an invalid escape", Header(e => e.Select(x => x.Json), "{\"a\":\"\\x41\"}"));
        Add("a short unicode escape", Header(e => e.Select(x => x.Json), "{\"a\":\"\\u41\"}"));
        Add("deep nesting", Header(e => e.Select(x => x.Json), "{\"a\":" + new string('[', 100) + new string(']', 100) + "}"));

        // Metadata RnnGen checks: format version, cell, step, vocabulary.
        Add("format_version 2", Header(e => e.Select(x => x.Json), "{\"format_version\":\"2\"}"));
        Add("format_version 0", Header(e => e.Select(x => x.Json), "{\"format_version\":\"0\"}"));
        Add("format_version not a number", Header(e => e.Select(x => x.Json), "{\"format_version\":\"one\"}"));
        Add("cell of another model", Header(e => e.Select(x => x.Json), "{\"cell\":\"rnn_relu\"}"));
        Add("step negative", Header(e => e.Select(x => x.Json), "{\"step\":\"-1\"}"));
        Add("step fractional", Header(e => e.Select(x => x.Json), "{\"step\":\"1.5\"}"));
        Add("vocabulary repeating a character", Header(e => e.Select(x => x.Json), "{\"vocabulary\":\"aa\"}"));
        Add("vocabulary larger than the model", Header(e => e.Select(x => x.Json), "{\"vocabulary\":\"abc\",\"vocabulary_has_unknown\":\"true\"}"));
        Add("vocabulary_has_unknown not a boolean", Header(e => e.Select(x => x.Json), "{\"vocabulary\":\"ab\",\"vocabulary_has_unknown\":\"maybe\"}"));

        // Values that are not finite, in every dtype.
        void Poison(string name, string dtype, int size, byte[] poison)
        {
            List<(string Name, string Json)> entries = SafeTensorsFile.Entries(Source, dtype, size);
            byte[] body = Encode(Source.Parameters, dtype);
            int at = size * TinyToken.Layout.Single(p => p.Name == "weight_hh_l0").Offset + size * 40;
            poison.CopyTo(body, at);
            Add(name, SafeTensorsFile.Header(entries.Select(e => e.Json)), body, tensor: "weight_hh_l0");
        }
        Poison("F32 NaN", "F32", 4, BitConverter.GetBytes(float.NaN));
        Poison("F32 +infinity", "F32", 4, BitConverter.GetBytes(float.PositiveInfinity));
        Poison("F32 -infinity", "F32", 4, BitConverter.GetBytes(float.NegativeInfinity));
        Poison("F32 signalling NaN", "F32", 4, new byte[] { 1, 0, 0x80, 0x7F });
        Poison("F16 NaN", "F16", 2, new byte[] { 0x00, 0x7E });
        Poison("F16 infinity", "F16", 2, new byte[] { 0x00, 0x7C });
        Poison("BF16 NaN", "BF16", 2, new byte[] { 0xC0, 0x7F });
        Poison("BF16 -infinity", "BF16", 2, new byte[] { 0x80, 0xFF });
        Poison("F64 NaN", "F64", 8, BitConverter.GetBytes(double.NaN));
        Poison("F64 infinity", "F64", 8, BitConverter.GetBytes(double.PositiveInfinity));
        Poison("F64 beyond float32's range", "F64", 8, BitConverter.GetBytes(1e300));
        Poison("F64 just beyond float32's range", "F64", 8, BitConverter.GetBytes(-3.5e38));
        return cases;
    }

    /// <summary>Files RnnGen did not write but that are valid: other dtypes, any data order, whitespace, escapes, extra tensors when allowed.</summary>
    [Fact]
    public void ValidVariantsLoad()
    {
        void Loads(string what, byte[] file, float tolerance = 0, CheckpointLoadOptions? options = null)
        {
            foreach (bool seekable in new[] { true, false })
            {
                (TinyToken model, _) = Target();
                Checkpoint.Load(model, seekable ? new MemoryStream(file) : new NonSeekableStream(new MemoryStream(file)), options);
                for (int i = 0; i < TinyToken.ParameterCount; i++)
                    Assert.True(Math.Abs(model.Parameters[i] - Source.Parameters[i]) <= tolerance * Math.Abs(Source.Parameters[i]), $"{what}: parameter {i}");
            }
        }

        foreach ((string dtype, int size, float tolerance) in new[] { ("F32", 4, 0f), ("F16", 2, 1e-3f), ("BF16", 2, 8e-3f), ("F64", 8, 0f) })
        {
            string header = SafeTensorsFile.Header(SafeTensorsFile.Entries(Source, dtype, size).Select(e => e.Json));
            Loads(dtype, SafeTensorsFile.Build(header, Encode(Source.Parameters, dtype)), tolerance);
        }

        // The data in reverse order, the header in yet another, with whitespace, escapes and no metadata.
        var layout = TinyToken.Layout.Reverse().ToArray();
        var body = new List<byte>();
        var entries = new List<string>();
        foreach (ParameterInfo info in layout)
        {
            entries.Add($"\n  \"{info.Name.Replace("_", "\\u005f", StringComparison.Ordinal)}\" : {{ \"data_offsets\" : [ {body.Count} , {body.Count + 4 * info.Length} ], \"shape\" : [ {string.Join(" , ", info.Shape)} ], \"dtype\" : \"F\\u0033\\u0032\" }}");
            body.AddRange(SafeTensorsFile.Data(Source).AsSpan(4 * info.Offset, 4 * info.Length).ToArray());
        }
        entries.Sort(StringComparer.Ordinal);
        Loads("reordered", SafeTensorsFile.Build("{" + string.Join(",", entries) + "\n}\t\r\n   ", body.ToArray()));

        // Empty metadata, a metadata key RnnGen does not know, an extra tensor of every dtype when allowed.
        string withMetadata = SafeTensorsFile.Header(SafeTensorsFile.Entries(Source).Select(e => e.Json), "{}");
        Loads("empty metadata", SafeTensorsFile.Build(withMetadata, SafeTensorsFile.Data(Source)));
        var extra = SafeTensorsFile.Entries(Source).Select(e => e.Json).ToList();
        int offset = 4 * TinyToken.ParameterCount;
        foreach ((string dtype, int size) in new[] { ("BOOL", 1), ("U8", 1), ("I8", 1), ("I16", 2), ("U16", 2), ("I32", 4), ("U32", 4), ("I64", 8), ("U64", 8), ("F8_E4M3", 1) })
        {
            extra.Add(SafeTensorsFile.Entry("extra." + dtype, $"\"{dtype}\"", "[3]", $"[{offset},{offset + 3 * size}]"));
            offset += 3 * size;
        }
        extra.Add(SafeTensorsFile.Entry("extra.empty", "\"F32\"", "[4,0]", $"[{offset},{offset}]"));
        byte[] extended = SafeTensorsFile.Data(Source).Concat(new byte[offset - 4 * TinyToken.ParameterCount]).ToArray();
        Loads("extra tensors", SafeTensorsFile.Build(SafeTensorsFile.Header(extra, "{\"format\":\"pt\"}"), extended), 0, new CheckpointLoadOptions { AllowExtraTensors = true });
    }

    private static byte[] Encode(ReadOnlySpan<float> values, string dtype)
    {
        int size = dtype switch { "F32" => 4, "F64" => 8, _ => 2 };
        byte[] bytes = new byte[size * values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            Span<byte> at = bytes.AsSpan(size * i);
            switch (dtype)
            {
                case "F32": BinaryPrimitives.WriteSingleLittleEndian(at, values[i]); break;
                case "F64": BinaryPrimitives.WriteDoubleLittleEndian(at, values[i]); break;
                case "F16": BinaryPrimitives.WriteHalfLittleEndian(at, (Half)values[i]); break;
                default: BinaryPrimitives.WriteUInt16LittleEndian(at, (ushort)(BitConverter.SingleToUInt32Bits(values[i]) >> 16)); break; // BF16 by truncation
            }
        }
        return bytes;
    }
}
