using System;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using BenchmarkDotNet.Attributes;
using RnnGen.Benchmarks.Roofline;

namespace RnnGen.Benchmarks;

/// <summary>What a <see cref="MachineProbe"/> benchmark measures.</summary>
public enum ProbeKind
{
    /// <summary>Vector256 FMA throughput with L1-resident operands; the amount is FLOPs.</summary>
    FmaPeak,

    /// <summary>Streaming Vector256 reads from a 16 KiB buffer; the amount is bytes.</summary>
    ReadL1,

    /// <summary>Streaming Vector256 reads from a 512 KiB buffer; the amount is bytes.</summary>
    ReadL2,

    /// <summary>Streaming Vector256 reads from an 8 MiB buffer; the amount is bytes.</summary>
    ReadL3,
}

/// <summary>Marks a <see cref="MachineProbe"/> benchmark with what it measures and how much of it one call does.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class ProbeWorkAttribute : Attribute
{
    /// <summary>Declares the quantity and its amount per call.</summary>
    public ProbeWorkAttribute(ProbeKind kind, long amountPerCall)
    {
        Kind = kind;
        AmountPerCall = amountPerCall;
    }

    /// <summary>The quantity.</summary>
    public ProbeKind Kind { get; }

    /// <summary>FLOPs (<see cref="ProbeKind.FmaPeak"/>) or bytes read per call.</summary>
    public long AmountPerCall { get; }
}

/// <summary>
/// This machine's limits, measured with the instructions the kernels use (256-bit FMA and loads), one thread:
/// the FMA peak with L1-resident data and the streaming-read bandwidth from L1, L2 and L3. The suite's columns turn
/// the means into GFLOP/s and GB/s and use them as the bound of every kernel benchmark (benchmarks/README.md).
/// Program runs this class first, so the summaries that follow can use its results.
/// </summary>
[Config(typeof(SuiteConfig))]
[MemoryDiagnoser]
public unsafe class MachineProbe
{
    /// <summary>Independent FMA chains: enough to cover the FMA latency (4 cycles on Zen 4) on both FMA pipes.</summary>
    public const int FmaChains = 12;

    /// <summary>Floats the FMA probe loads from: 32 rounds of 12 vectors, 12 KiB, L1-resident.</summary>
    public const int FmaBufferFloats = FmaChains * 8 * 32;

    /// <summary>Passes over the FMA buffer per call.</summary>
    public const int FmaPasses = 256;

    /// <summary>FLOPs per call of <see cref="FmaPeak"/>: one 8-lane FMA (16 FLOP) per 8 floats loaded, per pass.</summary>
    public const long FmaFlopsPerCall = (long)FmaPasses * (FmaBufferFloats / 8) * 16;

    /// <summary>The L1 buffer: half of Zen 4's 32 KiB L1 data cache.</summary>
    public const int L1BufferBytes = 16 * 1024;

    /// <summary>The L2 buffer: half of Zen 4's 1 MiB L2.</summary>
    public const int L2BufferBytes = 512 * 1024;

    /// <summary>The L3 buffer: a quarter of this machine's 32 MiB L3, far more than L2.</summary>
    public const int L3BufferBytes = 8 * 1024 * 1024;

    /// <summary>Bytes each bandwidth probe reads per call (several passes over its buffer).</summary>
    public const long ReadBytesPerCall = 16L * 1024 * 1024;

    private const int Alignment = 64; // a cache line: no 32-byte load splits across two lines

    private float* _fma;
    private float* _l1;
    private float* _l2;
    private float* _l3;

    /// <summary>Allocates the buffers, 64-byte aligned, and fills them with ones (no denormals, no overflow).</summary>
    [GlobalSetup]
    public void Setup()
    {
        _fma = Allocate(FmaBufferFloats);
        _l1 = Allocate(L1BufferBytes / sizeof(float));
        _l2 = Allocate(L2BufferBytes / sizeof(float));
        _l3 = Allocate(L3BufferBytes / sizeof(float));
    }

    /// <summary>Frees the buffers.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        NativeMemory.AlignedFree(_fma);
        NativeMemory.AlignedFree(_l1);
        NativeMemory.AlignedFree(_l2);
        NativeMemory.AlignedFree(_l3);
        _fma = _l1 = _l2 = _l3 = null;
    }

    /// <summary>
    /// FMA peak: 12 independent accumulators, each updated by acc = load·c + acc with its operand loaded from the
    /// 12 KiB L1-resident buffer (one load per FMA, as in a matrix-vector kernel), <see cref="FmaPasses"/> passes.
    /// </summary>
    [Benchmark]
    [ProbeWork(ProbeKind.FmaPeak, FmaFlopsPerCall)]
    public float FmaPeak()
    {
        float* data = _fma;
        Vector256<float> c = Vector256.Create(0.5f);
        Vector256<float> a0 = Vector256<float>.Zero, a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0;
        Vector256<float> a6 = a0, a7 = a0, a8 = a0, a9 = a0, a10 = a0, a11 = a0;
        for (int pass = 0; pass < FmaPasses; pass++)
        {
            for (int i = 0; i < FmaBufferFloats; i += FmaChains * 8)
            {
                float* p = data + i;
                a0 = Vector256.FusedMultiplyAdd(Vector256.Load(p), c, a0);
                a1 = Vector256.FusedMultiplyAdd(Vector256.Load(p + 8), c, a1);
                a2 = Vector256.FusedMultiplyAdd(Vector256.Load(p + 16), c, a2);
                a3 = Vector256.FusedMultiplyAdd(Vector256.Load(p + 24), c, a3);
                a4 = Vector256.FusedMultiplyAdd(Vector256.Load(p + 32), c, a4);
                a5 = Vector256.FusedMultiplyAdd(Vector256.Load(p + 40), c, a5);
                a6 = Vector256.FusedMultiplyAdd(Vector256.Load(p + 48), c, a6);
                a7 = Vector256.FusedMultiplyAdd(Vector256.Load(p + 56), c, a7);
                a8 = Vector256.FusedMultiplyAdd(Vector256.Load(p + 64), c, a8);
                a9 = Vector256.FusedMultiplyAdd(Vector256.Load(p + 72), c, a9);
                a10 = Vector256.FusedMultiplyAdd(Vector256.Load(p + 80), c, a10);
                a11 = Vector256.FusedMultiplyAdd(Vector256.Load(p + 88), c, a11);
            }
        }
        return Vector256.Sum((a0 + a1) + (a2 + a3) + (a4 + a5) + (a6 + a7) + (a8 + a9) + (a10 + a11));
    }

    /// <summary>Streaming read from L1: <see cref="ReadBytesPerCall"/> bytes as 1,024 passes over 16 KiB.</summary>
    [Benchmark]
    [ProbeWork(ProbeKind.ReadL1, ReadBytesPerCall)]
    public float ReadL1() => Read(_l1, L1BufferBytes / sizeof(float), (int)(ReadBytesPerCall / L1BufferBytes));

    /// <summary>Streaming read from L2: <see cref="ReadBytesPerCall"/> bytes as 32 passes over 512 KiB.</summary>
    [Benchmark]
    [ProbeWork(ProbeKind.ReadL2, ReadBytesPerCall)]
    public float ReadL2() => Read(_l2, L2BufferBytes / sizeof(float), (int)(ReadBytesPerCall / L2BufferBytes));

    /// <summary>Streaming read from L3: <see cref="ReadBytesPerCall"/> bytes as 2 passes over 8 MiB.</summary>
    [Benchmark]
    [ProbeWork(ProbeKind.ReadL3, ReadBytesPerCall)]
    public float ReadL3() => Read(_l3, L3BufferBytes / sizeof(float), (int)(ReadBytesPerCall / L3BufferBytes));

    /// <summary>Sums <paramref name="passes"/> passes over the buffer with aligned Vector256 loads into 8 accumulators.</summary>
    private static float Read(float* data, int floats, int passes)
    {
        Vector256<float> a0 = Vector256<float>.Zero, a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
        for (int pass = 0; pass < passes; pass++)
        {
            for (int i = 0; i < floats; i += 64)
            {
                float* p = data + i;
                a0 += Vector256.LoadAligned(p);
                a1 += Vector256.LoadAligned(p + 8);
                a2 += Vector256.LoadAligned(p + 16);
                a3 += Vector256.LoadAligned(p + 24);
                a4 += Vector256.LoadAligned(p + 32);
                a5 += Vector256.LoadAligned(p + 40);
                a6 += Vector256.LoadAligned(p + 48);
                a7 += Vector256.LoadAligned(p + 56);
            }
        }
        return Vector256.Sum((a0 + a1) + (a2 + a3) + (a4 + a5) + (a6 + a7));
    }

    private static float* Allocate(int floats)
    {
        float* buffer = (float*)NativeMemory.AlignedAlloc((nuint)floats * sizeof(float), Alignment);
        new Span<float>(buffer, floats).Fill(1f);
        return buffer;
    }
}
