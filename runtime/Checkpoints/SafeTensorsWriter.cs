using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Runtime.InteropServices;
using System.Text;

namespace RnnGen;

/// <summary>
/// Writes the safetensors format: the 8-byte little-endian header length, the JSON header (pure ASCII, padded with
/// spaces to a multiple of 8 bytes as the safetensors library does, so the data is aligned), then float32 data in the
/// order of the tensors given.
/// </summary>
internal static class SafeTensorsWriter
{
    /// <summary>The length prefix and the header for <paramref name="tensors"/>, all F32, their data in list order.</summary>
    public static byte[] Header(IReadOnlyList<TensorSpec> tensors, IReadOnlyList<KeyValuePair<string, string>> metadata)
    {
        var json = new StringBuilder();
        json.Append('{');
        if (metadata.Count > 0)
        {
            json.Append("\"__metadata__\":{");
            for (int i = 0; i < metadata.Count; i++)
            {
                if (i > 0)
                    json.Append(',');
                AppendString(json, metadata[i].Key);
                json.Append(':');
                AppendString(json, metadata[i].Value);
            }
            json.Append('}');
        }
        long offset = 0;
        for (int t = 0; t < tensors.Count; t++)
        {
            TensorSpec tensor = tensors[t];
            if (metadata.Count > 0 || t > 0)
                json.Append(',');
            AppendString(json, tensor.Name);
            json.Append(":{\"dtype\":\"F32\",\"shape\":[");
            for (int d = 0; d < tensor.Shape.Count; d++)
                json.Append(d == 0 ? "" : ",").Append(tensor.Shape[d].ToString(CultureInfo.InvariantCulture));
            long end = offset + 4L * tensor.Length;
            json.Append("],\"data_offsets\":[").Append(offset.ToString(CultureInfo.InvariantCulture)).Append(',')
                .Append(end.ToString(CultureInfo.InvariantCulture)).Append("]}");
            offset = end;
        }
        json.Append('}');
        while ((8 + json.Length) % 8 != 0)
            json.Append(' ');

        byte[] header = new byte[8 + json.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(header, (ulong)json.Length);
        Encoding.ASCII.GetBytes(json.ToString(), header.AsSpan(8));
        return header;
    }

    /// <summary>Fails, naming the tensor, if a value about to be written is NaN or infinite.</summary>
    public static void CheckFinite(TensorSpec tensor, ReadOnlySpan<float> values, CheckpointSource source)
    {
        for (int i = 0; i < values.Length; i++)
        {
            if (!float.IsFinite(values[i]))
            {
                throw source.Error($"not written: tensor '{tensor.Name}' holds {values[i].ToString(CultureInfo.InvariantCulture)} at index {i}. " +
                                   "A checkpoint of a diverged model would replace a good one; the previous file, if any, is unchanged.", tensor.Name);
            }
        }
    }

    /// <summary>Writes <paramref name="values"/> as little-endian float32.</summary>
    public static void WriteFloats(Stream stream, ReadOnlySpan<float> values, byte[] scratch)
    {
        if (BitConverter.IsLittleEndian)
        {
            stream.Write(MemoryMarshal.AsBytes(values));
            return;
        }
        int perChunk = scratch.Length / 4;
        for (int start = 0; start < values.Length; start += perChunk)
        {
            int count = Math.Min(perChunk, values.Length - start);
            for (int i = 0; i < count; i++)
                BinaryPrimitives.WriteSingleLittleEndian(scratch.AsSpan(4 * i), values[start + i]);
            stream.Write(scratch, 0, 4 * count);
        }
    }

    /// <summary>A JSON string in ASCII: printable characters as they are, the rest as short or <c>\uXXXX</c> escapes (as Python's json.dumps writes them).</summary>
    private static void AppendString(StringBuilder json, string value)
    {
        json.Append('"');
        foreach (char c in value)
        {
            switch (c)
            {
                case '"': json.Append("\\\""); break;
                case '\\': json.Append("\\\\"); break;
                case '\n': json.Append("\\n"); break;
                case '\r': json.Append("\\r"); break;
                case '\t': json.Append("\\t"); break;
                case '\b': json.Append("\\b"); break;
                case '\f': json.Append("\\f"); break;
                default:
                    if (c >= 0x20 && c < 0x7F)
                        json.Append(c);
                    else
                        json.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    break;
            }
        }
        json.Append('"');
    }
}
