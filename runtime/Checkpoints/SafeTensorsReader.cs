using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;

namespace RnnGen;

/// <summary>One tensor as a safetensors header describes it.</summary>
internal sealed class TensorEntry
{
    public TensorEntry(string name, string dtype, long[] shape, long begin, long end)
    {
        Name = name;
        DType = dtype;
        Shape = shape;
        Begin = begin;
        End = end;
    }

    public string Name { get; }

    public string DType { get; }

    public long[] Shape { get; }

    /// <summary>First byte, counted from the start of the data (the byte after the header).</summary>
    public long Begin { get; }

    /// <summary>One past the last byte.</summary>
    public long End { get; }
}

/// <summary>A parsed safetensors header: the metadata and the tensors, in the order the JSON lists them.</summary>
internal sealed class SafeTensorsHeader
{
    public SafeTensorsHeader(long headerLength, Dictionary<string, string> metadata, List<TensorEntry> tensors)
    {
        HeaderLength = headerLength;
        Metadata = metadata;
        Tensors = tensors;
        ByName = new Dictionary<string, TensorEntry>(tensors.Count, StringComparer.Ordinal);
        foreach (TensorEntry tensor in tensors)
            ByName.Add(tensor.Name, tensor);
    }

    /// <summary>The JSON's length in bytes (the file's first 8 bytes), padding included.</summary>
    public long HeaderLength { get; }

    public Dictionary<string, string> Metadata { get; }

    public List<TensorEntry> Tensors { get; }

    public Dictionary<string, TensorEntry> ByName { get; }
}

/// <summary>
/// Reads the safetensors format strictly: an 8-byte little-endian header length N, N bytes of UTF-8 JSON
/// (<c>{"__metadata__": {str: str}, name: {"dtype", "shape", "data_offsets"}}</c>), then the tensors' little-endian
/// bytes, which must tile the rest of the file exactly. Every check happens before anything is handed back.
/// </summary>
internal static class SafeTensorsReader
{
    /// <summary>The largest header accepted, in bytes (100 MB, as the safetensors library's bound).</summary>
    public const long MaxHeaderLength = 100_000_000;

    private const string MetadataKey = "__metadata__";

    /// <summary>Bytes per element of every safetensors dtype (the ones a model can load are F32, F16, BF16, F64).</summary>
    private static readonly Dictionary<string, int> s_dtypeSizes = new(StringComparer.Ordinal)
    {
        ["BOOL"] = 1, ["U8"] = 1, ["I8"] = 1, ["F8_E5M2"] = 1, ["F8_E4M3"] = 1,
        ["I16"] = 2, ["U16"] = 2, ["F16"] = 2, ["BF16"] = 2,
        ["I32"] = 4, ["U32"] = 4, ["F32"] = 4,
        ["I64"] = 8, ["U64"] = 8, ["F64"] = 8,
    };

    /// <summary>Bytes from the stream's position to its end, or −1 when the stream cannot tell.</summary>
    public static long Available(Stream stream)
    {
        if (!stream.CanSeek)
            return -1;
        try
        {
            return Math.Max(0, stream.Length - stream.Position);
        }
        catch (NotSupportedException)
        {
            return -1;
        }
    }

    /// <summary>Reads and parses the header length and the header; the stream is left at the first data byte.</summary>
    /// <param name="stream">The stream, at the file's first byte.</param>
    /// <param name="available">Bytes from the stream's position to its end, or −1 when unknown.</param>
    /// <param name="source">Names the file in error messages.</param>
    public static SafeTensorsHeader ReadHeader(Stream stream, long available, CheckpointSource source)
    {
        if (!stream.CanRead)
            throw source.Error("the stream cannot be read.");
        Span<byte> prefix = stackalloc byte[8];
        int got = ReadFully(stream, prefix);
        if (got < 8)
            throw source.Error($"it is {got} byte(s) long; a safetensors file starts with an 8-byte header length.");
        ulong declared = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
        if (declared < 2)
            throw source.Error($"the header length is {declared}; a header is a JSON object, at least 2 bytes ('{{}}').");
        if (declared > MaxHeaderLength)
            throw source.Error($"the header length is {declared:N0} bytes; the largest accepted is {MaxHeaderLength:N0} (the file is corrupt or not a safetensors file).");
        long headerLength = (long)declared;
        if (available >= 0 && headerLength > available - 8)
            throw source.Error($"the header length is {headerLength:N0} bytes, but only {Math.Max(0, available - 8):N0} follow the 8-byte length (the file is truncated or corrupt).");

        byte[] header = ReadHeaderBytes(stream, headerLength, available >= 0, source);
        if (header[0] != (byte)'{')
            throw source.Error($"the header does not start with '{{' (byte 8 is 0x{header[0]:X2}); it is not a safetensors file.");
        if (!Utf8.IsValid(header))
            throw source.Error("the header is not valid UTF-8.");
        return Parse(header, source);
    }

    /// <summary>
    /// Checks the header's tensors against <paramref name="specs"/>: each present with a float dtype, the expected shape and
    /// a byte range of the right size; no other tensor unless <paramref name="allowExtra"/>; together they tile the data
    /// region exactly; and the file's length (when known) is the header's plus the data's.
    /// </summary>
    /// <returns>The data region's length in bytes.</returns>
    public static long CheckTensors(SafeTensorsHeader header, IReadOnlyList<TensorSpec> specs, long available, bool allowExtra, CheckpointSource source)
    {
        var expected = new HashSet<string>(StringComparer.Ordinal);
        foreach (TensorSpec spec in specs)
        {
            expected.Add(spec.Name);
            if (!header.ByName.TryGetValue(spec.Name, out TensorEntry? entry))
            {
                throw source.Error($"tensor '{spec.Name}' is missing; the model expects it with shape {TensorSpec.FormatShape(spec.Shape)}" +
                                   $"{(header.Tensors.Count == 0 ? " (the file has no tensors)" : "")}.", spec.Name);
            }
            int size = FloatSize(entry.DType);
            if (size == 0)
                throw source.Error($"tensor '{spec.Name}' has dtype '{entry.DType}'; expected F32 (F16, BF16 and F64 are converted too).", spec.Name);
            bool sameShape = entry.Shape.Length == spec.Shape.Count;
            for (int i = 0; sameShape && i < entry.Shape.Length; i++)
                sameShape = entry.Shape[i] == spec.Shape[i];
            if (!sameShape)
                throw source.Error($"tensor '{spec.Name}' has shape {TensorSpec.FormatShape(entry.Shape)}; the model expects {TensorSpec.FormatShape(spec.Shape)}.", spec.Name);
            CheckByteLength(entry, (long)spec.Length * size, source);
        }
        foreach (TensorEntry entry in header.Tensors)
        {
            if (expected.Contains(entry.Name))
                continue;
            if (!allowExtra)
                throw source.Error($"tensor '{entry.Name}' is not one of the model's ({Names(specs)}); a file with other tensors is for another model.", entry.Name);
            if (!s_dtypeSizes.TryGetValue(entry.DType, out int size))
                throw source.Error($"tensor '{entry.Name}' has dtype '{entry.DType}', which is not a safetensors dtype.", entry.Name);
            long elements = Elements(entry, source);
            if (elements > long.MaxValue / size)
                throw source.Error($"tensor '{entry.Name}' has shape {TensorSpec.FormatShape(entry.Shape)}, more bytes than a file can hold.", entry.Name);
            CheckByteLength(entry, elements * size, source);
        }

        // The byte ranges, in order, must tile [0, data length): no hole, no overlap.
        TensorEntry[] ordered = header.Tensors.ToArray();
        Array.Sort(ordered, ByPosition);
        long end = 0;
        TensorEntry? previous = null;
        foreach (TensorEntry entry in ordered)
        {
            if (entry.Begin > end)
            {
                throw source.Error($"bytes [{end}, {entry.Begin}) of the data belong to no tensor (a hole before tensor '{entry.Name}'); " +
                                   "the tensors must cover the data exactly.", entry.Name);
            }
            if (entry.Begin < end)
            {
                throw source.Error($"tensor '{entry.Name}' (bytes [{entry.Begin}, {entry.End})) overlaps tensor '{previous!.Name}' " +
                                   $"(bytes [{previous.Begin}, {previous.End})).", entry.Name);
            }
            end = entry.End;
            previous = entry;
        }

        if (available >= 0)
        {
            long data = available - 8 - header.HeaderLength; // ReadHeader made sure it is not negative
            if (end > data)
            {
                throw source.Error($"the file is truncated: it has {data:N0} bytes of data, the header describes {end:N0}" +
                                   $"{(previous is null ? "" : $" (tensor '{previous.Name}' ends at byte {previous.End:N0})")}.", previous?.Name);
            }
            if (end < data)
            {
                throw source.Error($"the file is {available:N0} bytes long, but the header and the tensors it describes take {8 + header.HeaderLength + end:N0}; " +
                                   $"{data - end:N0} byte(s) at the end belong to no tensor.");
            }
        }
        return end;
    }

    /// <summary>
    /// Reads the data region, converting each of <paramref name="specs"/> to float32 into
    /// <paramref name="destination"/> at its offset; other tensors are read and dropped. Fails on a NaN or infinity
    /// unless <paramref name="allowNonFinite"/>, on a stream that ends early, and on bytes after the data.
    /// </summary>
    public static void ReadData(Stream stream, SafeTensorsHeader header, IReadOnlyList<TensorSpec> specs, Span<float> destination,
        bool allowNonFinite, CheckpointSource source)
    {
        var byName = new Dictionary<string, TensorSpec>(specs.Count, StringComparer.Ordinal);
        long largest = 0;
        foreach (TensorSpec spec in specs)
        {
            byName.Add(spec.Name, spec);
            TensorEntry entry = header.ByName[spec.Name];
            largest = Math.Max(largest, entry.End - entry.Begin);
        }
        byte[] buffer = new byte[Math.Max(largest, 1 << 16)];

        TensorEntry[] ordered = header.Tensors.ToArray();
        Array.Sort(ordered, ByPosition);
        foreach (TensorEntry entry in ordered)
        {
            long length = entry.End - entry.Begin;
            if (!byName.TryGetValue(entry.Name, out TensorSpec? spec))
            {
                for (long left = length; left > 0;)
                {
                    int chunk = (int)Math.Min(left, buffer.Length);
                    if (ReadFully(stream, buffer.AsSpan(0, chunk)) < chunk)
                        throw Truncated(entry, source);
                    left -= chunk;
                }
                continue;
            }
            Span<byte> bytes = buffer.AsSpan(0, (int)length);
            if (ReadFully(stream, bytes) < bytes.Length)
                throw Truncated(entry, source);
            Convert(entry, bytes, destination.Slice(spec.Offset, spec.Length), allowNonFinite, source);
        }
        if (stream.ReadByte() >= 0)
            throw source.Error("there are bytes after the last tensor's data; the header and the tensors must make up the whole file.");
    }

    /// <summary>Orders tensors by where their bytes are (then by name, so the order is the same on every run).</summary>
    private static int ByPosition(TensorEntry a, TensorEntry b) =>
        a.Begin != b.Begin ? a.Begin.CompareTo(b.Begin) : a.End != b.End ? a.End.CompareTo(b.End) : string.CompareOrdinal(a.Name, b.Name);

    /// <summary>Bytes per element of a dtype a model can load, or 0.</summary>
    private static int FloatSize(string dtype) => dtype switch
    {
        "F32" => 4,
        "F16" or "BF16" => 2,
        "F64" => 8,
        _ => 0,
    };

    private static void Convert(TensorEntry entry, ReadOnlySpan<byte> bytes, Span<float> destination, bool allowNonFinite, CheckpointSource source)
    {
        switch (entry.DType)
        {
            case "F32":
                for (int i = 0; i < destination.Length; i++)
                    destination[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes.Slice(4 * i));
                break;
            case "F16":
                for (int i = 0; i < destination.Length; i++)
                    destination[i] = (float)BinaryPrimitives.ReadHalfLittleEndian(bytes.Slice(2 * i));
                break;
            case "BF16":
                for (int i = 0; i < destination.Length; i++)
                    destination[i] = BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(bytes.Slice(2 * i)) << 16);
                break;
            default: // F64
                for (int i = 0; i < destination.Length; i++)
                {
                    double value = BinaryPrimitives.ReadDoubleLittleEndian(bytes.Slice(8 * i));
                    float single = (float)value;
                    if (!allowNonFinite && double.IsFinite(value) && !float.IsFinite(single))
                    {
                        throw source.Error($"tensor '{entry.Name}' holds {value.ToString("R", CultureInfo.InvariantCulture)} at index {i}, " +
                                           "beyond float32's range.", entry.Name);
                    }
                    destination[i] = single;
                }
                break;
        }
        if (allowNonFinite)
            return;
        for (int i = 0; i < destination.Length; i++)
        {
            if (!float.IsFinite(destination[i]))
            {
                throw source.Error($"tensor '{entry.Name}' holds {destination[i].ToString(CultureInfo.InvariantCulture)} at index {i}; " +
                                   "a model needs finite values (CheckpointLoadOptions.AllowNonFinite accepts them).", entry.Name);
            }
        }
    }

    private static CheckpointException Truncated(TensorEntry entry, CheckpointSource source) =>
        source.Error($"the file ends inside tensor '{entry.Name}' (bytes [{entry.Begin:N0}, {entry.End:N0}) of the data); it is truncated.", entry.Name);

    private static void CheckByteLength(TensorEntry entry, long bytes, CheckpointSource source)
    {
        if (entry.End - entry.Begin != bytes)
        {
            throw source.Error($"tensor '{entry.Name}' ({entry.DType}, shape {TensorSpec.FormatShape(entry.Shape)}) needs {bytes:N0} bytes, " +
                               $"but its data_offsets [{entry.Begin}, {entry.End}) span {entry.End - entry.Begin:N0}.", entry.Name);
        }
    }

    private static long Elements(TensorEntry entry, CheckpointSource source)
    {
        long elements = 1;
        foreach (long dimension in entry.Shape)
        {
            if (dimension != 0 && elements > long.MaxValue / dimension)
                throw source.Error($"tensor '{entry.Name}' has shape {TensorSpec.FormatShape(entry.Shape)}, more elements than a file can hold.", entry.Name);
            elements *= dimension;
        }
        return elements;
    }

    private static string Names(IReadOnlyList<TensorSpec> specs)
    {
        var text = new StringBuilder();
        for (int i = 0; i < specs.Count && i < 12; i++)
            text.Append(i == 0 ? "" : ", ").Append(specs[i].Name);
        if (specs.Count > 12)
            text.Append(", … (").Append(specs.Count.ToString(CultureInfo.InvariantCulture)).Append(" in all)");
        return text.ToString();
    }

    private static byte[] ReadHeaderBytes(Stream stream, long headerLength, bool lengthKnown, CheckpointSource source)
    {
        if (lengthKnown)
        {
            byte[] header = new byte[headerLength];
            int got = ReadFully(stream, header);
            if (got < header.Length)
                throw source.Error($"the file ends {got:N0} bytes into a header of {headerLength:N0}; it is truncated.");
            return header;
        }
        // A stream of unknown length: grow the buffer as bytes arrive, so a lying length costs no more memory than the stream has.
        byte[] buffer = new byte[Math.Min(headerLength, 1 << 16)];
        int filled = 0;
        while (filled < headerLength)
        {
            if (filled == buffer.Length)
                Array.Resize(ref buffer, (int)Math.Min(headerLength, 2L * buffer.Length));
            int got = ReadFully(stream, buffer.AsSpan(filled));
            filled += got;
            if (filled < buffer.Length)
                throw source.Error($"the stream ends {filled:N0} bytes into a header of {headerLength:N0}; it is truncated.");
        }
        return buffer;
    }

    /// <summary>Reads until <paramref name="buffer"/> is full or the stream ends; returns the bytes read.</summary>
    private static int ReadFully(Stream stream, Span<byte> buffer)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            int got = stream.Read(buffer.Slice(total));
            if (got <= 0)
                break;
            total += got;
        }
        return total;
    }

    private static SafeTensorsHeader Parse(byte[] header, CheckpointSource source)
    {
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        var tensors = new List<TensorEntry>();
        var keys = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            var reader = new Utf8JsonReader(header, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow, AllowTrailingCommas = false, MaxDepth = 16 });
            Expect(ref reader, JsonTokenType.StartObject, "the header must be a JSON object", null, source);
            while (true)
            {
                Next(ref reader, source);
                if (reader.TokenType == JsonTokenType.EndObject)
                    break;
                string key = ReadString(ref reader);
                if (!keys.Add(key))
                    throw source.Error($"the header names '{key}' twice.", key == MetadataKey ? null : key);
                if (key == MetadataKey)
                {
                    ParseMetadata(ref reader, metadata, source);
                }
                else
                {
                    tensors.Add(ParseTensor(ref reader, key, source));
                }
            }
            // Only whitespace may follow the object (padding); anything else makes Read throw.
            if (reader.Read())
                throw source.Error("the header has more than one JSON value.");
        }
        catch (JsonException e)
        {
            throw source.Error($"the header is not valid JSON: {e.Message}", null, e);
        }
        return new SafeTensorsHeader(header.Length, metadata, tensors);
    }

    private static void ParseMetadata(ref Utf8JsonReader reader, Dictionary<string, string> metadata, CheckpointSource source)
    {
        Expect(ref reader, JsonTokenType.StartObject, "__metadata__ must be an object of strings", null, source);
        while (true)
        {
            Next(ref reader, source);
            if (reader.TokenType == JsonTokenType.EndObject)
                return;
            string key = ReadString(ref reader);
            Next(ref reader, source);
            if (reader.TokenType != JsonTokenType.String)
                throw source.Error($"__metadata__ entry '{key}' is a {Describe(reader.TokenType)}; metadata values must be strings.");
            if (!metadata.TryAdd(key, ReadString(ref reader)))
                throw source.Error($"__metadata__ has the key '{key}' twice.");
        }
    }

    private static TensorEntry ParseTensor(ref Utf8JsonReader reader, string name, CheckpointSource source)
    {
        Expect(ref reader, JsonTokenType.StartObject, $"tensor '{name}' must be an object with dtype, shape and data_offsets", name, source);
        string? dtype = null;
        List<long>? shape = null;
        List<long>? offsets = null;
        while (true)
        {
            Next(ref reader, source);
            if (reader.TokenType == JsonTokenType.EndObject)
                break;
            string field = ReadString(ref reader);
            switch (field)
            {
                case "dtype":
                    if (dtype is not null)
                        throw source.Error($"tensor '{name}' has two dtype fields.", name);
                    Next(ref reader, source);
                    if (reader.TokenType != JsonTokenType.String)
                        throw source.Error($"tensor '{name}' has a dtype that is a {Describe(reader.TokenType)}; expected a string such as \"F32\".", name);
                    dtype = ReadString(ref reader);
                    break;
                case "shape":
                    if (shape is not null)
                        throw source.Error($"tensor '{name}' has two shape fields.", name);
                    shape = ReadIntegers(ref reader, name, "shape", source);
                    break;
                case "data_offsets":
                    if (offsets is not null)
                        throw source.Error($"tensor '{name}' has two data_offsets fields.", name);
                    offsets = ReadIntegers(ref reader, name, "data_offsets", source);
                    break;
                default:
                    throw source.Error($"tensor '{name}' has an unknown field '{field}'; expected dtype, shape and data_offsets.", name);
            }
        }
        if (dtype is null || shape is null || offsets is null)
            throw source.Error($"tensor '{name}' lacks {(dtype is null ? "dtype" : shape is null ? "shape" : "data_offsets")}.", name);
        if (offsets.Count != 2)
            throw source.Error($"tensor '{name}' has {offsets.Count} data_offsets; expected two, [begin, end].", name);
        if (offsets[0] > offsets[1])
            throw source.Error($"tensor '{name}' has data_offsets [{offsets[0]}, {offsets[1]}]: the end is before the beginning.", name);
        return new TensorEntry(name, dtype, shape.ToArray(), offsets[0], offsets[1]);
    }

    private static List<long> ReadIntegers(ref Utf8JsonReader reader, string name, string field, CheckpointSource source)
    {
        Next(ref reader, source);
        if (reader.TokenType != JsonTokenType.StartArray)
            throw source.Error($"tensor '{name}' has a {field} that is a {Describe(reader.TokenType)}; expected an array of whole numbers.", name);
        var values = new List<long>();
        while (true)
        {
            Next(ref reader, source);
            if (reader.TokenType == JsonTokenType.EndArray)
                return values;
            if (reader.TokenType != JsonTokenType.Number || !reader.TryGetUInt64(out ulong value) || value > long.MaxValue)
            {
                throw source.Error($"tensor '{name}' has a {field} element that is not a whole number in [0, 2^63): " +
                                   $"{Encoding.UTF8.GetString(reader.ValueSpan)}.", name);
            }
            values.Add((long)value);
        }
    }

    private static void Expect(ref Utf8JsonReader reader, JsonTokenType type, string what, string? tensor, CheckpointSource source)
    {
        Next(ref reader, source);
        if (reader.TokenType != type)
            throw source.Error($"{what}, not a {Describe(reader.TokenType)}.", tensor);
    }

    private static void Next(ref Utf8JsonReader reader, CheckpointSource source)
    {
        if (!reader.Read())
            throw source.Error("the header's JSON ends too early.");
    }

    private static string Describe(JsonTokenType type) => type switch
    {
        JsonTokenType.StartObject => "object",
        JsonTokenType.StartArray => "array",
        JsonTokenType.String => "string",
        JsonTokenType.Number => "number",
        JsonTokenType.True or JsonTokenType.False => "boolean",
        JsonTokenType.Null => "null",
        _ => type.ToString(),
    };

    /// <summary>
    /// The string at the reader, unescaped. Done here rather than by <c>GetString</c>, which refuses a <c>\uD800</c>
    /// without its pair: a vocabulary of UTF-16 code units can hold half a surrogate pair, and Python writes it that way.
    /// The bytes are valid UTF-8 (checked for the whole header) and the escapes well-formed (checked by the reader).
    /// </summary>
    private static string ReadString(ref Utf8JsonReader reader)
    {
        ReadOnlySpan<byte> raw = reader.ValueSpan;
        if (!reader.ValueIsEscaped)
            return Encoding.UTF8.GetString(raw);
        var text = new StringBuilder(raw.Length);
        int i = 0;
        while (i < raw.Length)
        {
            int backslash = raw.Slice(i).IndexOf((byte)'\\');
            if (backslash < 0)
            {
                text.Append(Encoding.UTF8.GetString(raw.Slice(i)));
                break;
            }
            text.Append(Encoding.UTF8.GetString(raw.Slice(i, backslash)));
            i += backslash + 1;
            byte escape = raw[i++];
            switch (escape)
            {
                case (byte)'b': text.Append('\b'); break;
                case (byte)'f': text.Append('\f'); break;
                case (byte)'n': text.Append('\n'); break;
                case (byte)'r': text.Append('\r'); break;
                case (byte)'t': text.Append('\t'); break;
                case (byte)'u':
                    text.Append((char)int.Parse(Encoding.ASCII.GetString(raw.Slice(i, 4)), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture));
                    i += 4;
                    break;
                default: text.Append((char)escape); break; // " \ /
            }
        }
        return text.ToString();
    }
}
