using System;
using System.Buffers.Binary;
using System.IO;

namespace AmpSample;

/// <summary>
/// Writes mono 16-bit PCM WAV files by hand: a 44-byte RIFF header (<c>RIFF</c> size <c>WAVE</c>, a 16-byte
/// <c>fmt </c> chunk: format 1 = PCM, 1 channel, the sample rate, byte rate = rate·2, block align 2, 16 bits; then
/// <c>data</c> and its size) followed by the samples, little-endian. Samples are clamped to [−1, 1] and scaled by 32767,
/// rounded to nearest.
/// </summary>
public static class WavWriter
{
    /// <summary>Bytes before the first sample.</summary>
    public const int HeaderSize = 44;

    /// <summary>Writes <paramref name="samples"/> to <paramref name="path"/>, replacing any file there; returns how many were clamped.</summary>
    public static int Write(string path, ReadOnlySpan<float> samples, int sampleRate)
    {
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None);
        return Write(stream, samples, sampleRate);
    }

    /// <summary>Writes a whole WAV file of <paramref name="samples"/> to <paramref name="stream"/>; returns how many samples were clamped.</summary>
    public static int Write(Stream stream, ReadOnlySpan<float> samples, int sampleRate)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (sampleRate <= 0)
            throw new ArgumentOutOfRangeException(nameof(sampleRate), sampleRate, "The sample rate must be positive.");
        long dataBytes = 2L * samples.Length;
        if (dataBytes > uint.MaxValue - (HeaderSize - 8))
            throw new ArgumentException("Too many samples for a WAV file (4 GB at most).", nameof(samples));

        Span<byte> header = stackalloc byte[HeaderSize];
        "RIFF"u8.CopyTo(header);
        BinaryPrimitives.WriteUInt32LittleEndian(header[4..], (uint)(HeaderSize - 8 + dataBytes));
        "WAVE"u8.CopyTo(header[8..]);
        "fmt "u8.CopyTo(header[12..]);
        BinaryPrimitives.WriteUInt32LittleEndian(header[16..], 16);                      // fmt chunk size
        BinaryPrimitives.WriteUInt16LittleEndian(header[20..], 1);                       // PCM
        BinaryPrimitives.WriteUInt16LittleEndian(header[22..], 1);                       // mono
        BinaryPrimitives.WriteUInt32LittleEndian(header[24..], (uint)sampleRate);
        BinaryPrimitives.WriteUInt32LittleEndian(header[28..], (uint)sampleRate * 2);    // bytes per second
        BinaryPrimitives.WriteUInt16LittleEndian(header[32..], 2);                       // bytes per frame
        BinaryPrimitives.WriteUInt16LittleEndian(header[34..], 16);                      // bits per sample
        "data"u8.CopyTo(header[36..]);
        BinaryPrimitives.WriteUInt32LittleEndian(header[40..], (uint)dataBytes);
        stream.Write(header);

        int clamped = 0;
        byte[] buffer = new byte[8192];
        int filled = 0;
        foreach (float sample in samples)
        {
            float value = sample;
            if (!(value >= -1f && value <= 1f))   // NaN too
            {
                clamped++;
                value = float.IsNaN(value) ? 0f : Math.Clamp(value, -1f, 1f);
            }
            BinaryPrimitives.WriteInt16LittleEndian(buffer.AsSpan(filled), (short)MathF.Round(value * 32767f));
            filled += 2;
            if (filled == buffer.Length)
            {
                stream.Write(buffer, 0, filled);
                filled = 0;
            }
        }
        stream.Write(buffer, 0, filled);
        return clamped;
    }
}
