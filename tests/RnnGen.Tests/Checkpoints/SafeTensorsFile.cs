using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;

namespace RnnGen.Tests.Checkpoints;

/// <summary>Builds safetensors files by hand, right or deliberately wrong, for the tests.</summary>
public static class SafeTensorsFile
{
    /// <summary>The 8-byte little-endian length of <paramref name="header"/>, the header, then <paramref name="data"/>.</summary>
    public static byte[] Build(byte[] header, ReadOnlySpan<byte> data, ulong? declaredLength = null)
    {
        byte[] file = new byte[8 + header.Length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(file, declaredLength ?? (ulong)header.Length);
        header.CopyTo(file, 8);
        data.CopyTo(file.AsSpan(8 + header.Length));
        return file;
    }

    public static byte[] Build(string header, ReadOnlySpan<byte> data) => Build(Encoding.UTF8.GetBytes(header), data);

    /// <summary>A tensor entry: <c>"name":{"dtype":...,"shape":[...],"data_offsets":[b,e]}</c>, fields given as raw JSON.</summary>
    public static string Entry(string name, string dtype, string shape, string offsets) =>
        $"\"{name}\":{{\"dtype\":{dtype},\"shape\":{shape},\"data_offsets\":{offsets}}}";

    /// <summary>The header of a model's checkpoint as RnnGen lays it out (F32, layout order), as a list of editable entries.</summary>
    public static List<(string Name, string Json)> Entries(IRnnModel model, string dtype = "F32", int bytesPerElement = 4)
    {
        var entries = new List<(string, string)>();
        long offset = 0;
        foreach (ParameterInfo info in model.Layout)
        {
            long end = offset + (long)bytesPerElement * info.Length;
            entries.Add((info.Name, Entry(info.Name, $"\"{dtype}\"", "[" + string.Join(",", info.Shape) + "]", $"[{offset},{end}]")));
            offset = end;
        }
        return entries;
    }

    public static string Header(IEnumerable<string> entries, string? metadata = null) =>
        "{" + string.Join(",", (metadata is null ? Enumerable.Empty<string>() : new[] { "\"__metadata__\":" + metadata }).Concat(entries)) + "}";

    /// <summary>The model's parameters as little-endian float32 bytes, in layout order.</summary>
    public static byte[] Data(IRnnModel model)
    {
        byte[] data = new byte[4 * model.ParameterCount];
        for (int i = 0; i < model.ParameterCount; i++)
            BinaryPrimitives.WriteSingleLittleEndian(data.AsSpan(4 * i), model.Parameters[i]);
        return data;
    }

    public static byte[] Save(IRnnModel model, CheckpointMetadata? metadata = null)
    {
        var stream = new MemoryStream();
        Checkpoint.Save(model, stream, metadata);
        return stream.ToArray();
    }

    /// <summary>Where the data starts: 8 + the header length.</summary>
    public static int DataStart(byte[] file) => 8 + (int)BinaryPrimitives.ReadUInt64LittleEndian(file);
}

/// <summary>A stream that reads like its inner one but cannot seek or tell its length, as a pipe or a socket.</summary>
public sealed class NonSeekableStream(Stream inner) : Stream
{
    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, Math.Min(count, 7)); // short reads too
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}

/// <summary>Passes writes to its inner stream until <paramref name="failAfter"/> bytes, then throws an IOException, as a full disk does.</summary>
public sealed class FailingStream(Stream inner, long failAfter, bool failOnFlush = false) : Stream
{
    private long _written;

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Flush()
    {
        if (failOnFlush)
            throw new IOException("injected failure on flush");
        inner.Flush();
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        long allowed = Math.Max(0, Math.Min(buffer.Length, failAfter - _written));
        inner.Write(buffer[..(int)allowed]);
        _written += allowed;
        if (allowed < buffer.Length)
            throw new IOException($"injected failure after {_written} bytes");
    }
}
