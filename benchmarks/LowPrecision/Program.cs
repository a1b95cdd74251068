// Low-precision weights for the batch-1 matrix–vector product, measured against the float32 kernel RnnGen generates
// (8 rows × 8 columns register-blocked FMA, one eight-way reduction). Not part of RnnGen: an experiment that decides
// whether a bf16 or int8 weight option can move the speed targets that float32 misses (issue 4). Shapes are the LSTM's
// fused gates: rows 4H, columns I + H with I = 64, 128 for H = 128, 256.
//   dotnet run -c Release --project benchmarks/LowPrecision -- --filter '*' --launchCount 1 --warmupCount 5 --iterationCount 20
//   dotnet run -c Release --project benchmarks/LowPrecision -- --interleaved     (all variants side by side in one process)
// - Bf16: two bfloat16 weights per 32-bit lane (columns c..c+7 in the low halves, c+8..c+15 in the high halves), widened
//   with one vpslld and one vpand, float32 accumulation: 2^-9 relative weight error.
// - Int8: weights s8 with one scale per row, the input quantized per call to 7 bits (u8 with an offset of 64, so u8×s8
//   pairs cannot saturate vpmaddubsw's int16), vpmaddubsw + vpmaddwd + vpaddd, the offset removed with each row's
//   precomputed weight sum (Opus/LPCNet's scheme). AVX-VNNI's vpdpbusd would fuse the three, but .NET 10 exposes it only
//   as AvxVnni/Avx10v1, which this Zen 4 (AVX512-VNNI only) reports as unsupported.
// - Fp32Avx512: the float32 kernel with 512-bit vectors (8 rows × 16 columns per FMA), to decide whether an AVX-512
//   path pays on this machine (Zen 4 splits each 512-bit operation into two 256-bit halves).
// Setup prints each variant's largest absolute difference from float32 on the same random weights and input.
using System;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Running;

if (args is ["--interleaved"])
    Interleaved.Run();
else
    BenchmarkRunner.Run<MatVec>(args: args);

/// <summary>
/// `-- --interleaved`: every variant timed in one process, in alternating blocks of calls, best of 60 blocks each, so
/// that a noisy shared machine slows all of them alike (BenchmarkDotNet runs them one after another).
/// </summary>
internal static class Interleaved
{
    public static void Run()
    {
        foreach (int h in new[] { 128, 256 })
        {
            var kernels = new MatVec { H = h };
            kernels.Setup();
            (string Name, Action Call)[] variants =
            [
                ("float32", kernels.Fp32),
                ("float32 AVX-512", kernels.Fp32Avx512),
                ("bfloat16", kernels.Bf16),
                ("int8", kernels.Int8),
            ];
            if (!Avx512F.IsSupported)
                variants = variants.Where(v => v.Name != "float32 AVX-512").ToArray();
            int calls = h == 128 ? 2_000 : 400;
            double[] best = variants.Select(_ => double.MaxValue).ToArray();
            for (int block = 0; block < 60; block++)
            {
                for (int v = 0; v < variants.Length; v++)
                {
                    long start = System.Diagnostics.Stopwatch.GetTimestamp();
                    for (int i = 0; i < calls; i++)
                        variants[v].Call();
                    best[v] = Math.Min(best[v], System.Diagnostics.Stopwatch.GetElapsedTime(start).TotalNanoseconds / calls);
                }
            }
            for (int v = 0; v < variants.Length; v++)
                Console.WriteLine($"H = {h}: {variants[v].Name,-16} {best[v] / 1000,8:F2} µs  ({best[v] / best[0]:F2} of float32)");
        }
    }
}

/// <summary>y = W·x for an LSTM's fused gate matrix at batch 1, with float32, bfloat16 and int8 weights.</summary>
public class MatVec
{
    /// <summary>Hidden units; the input has 64 (H = 128) or 128 (H = 256) features.</summary>
    [Params(128, 256)]
    public int H;

    private int Rows => 4 * H;
    private int Cols => H + (H == 128 ? 64 : H / 2);

    private float[] w = null!, x = null!, y = null!;
    private uint[] packed = null!;      // bf16 pairs
    private sbyte[] q = null!;          // int8 weights
    private float[] rowScale = null!;   // int8: weight = q · rowScale
    private int[] rowSum = null!;       // int8: Σ q per row, to remove the input's offset
    private byte[] xq = null!;          // int8: the quantized input

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(1);
        w = new float[Rows * Cols];
        x = new float[Cols];
        y = new float[Rows];
        for (int i = 0; i < w.Length; i++)
            w[i] = (float)(random.NextDouble() - 0.5);
        for (int i = 0; i < x.Length; i++)
            x[i] = (float)(random.NextDouble() - 0.5);

        // bf16 pairs: in each row's 16-column chunk, lane k holds column c0 + k (low half) and c0 + 8 + k (high half).
        packed = new uint[Rows * Cols / 2];
        for (int row = 0; row < Rows; row++)
        {
            for (int c0 = 0; c0 < Cols; c0 += 16)
            {
                for (int k = 0; k < 8; k++)
                    packed[(row * Cols + c0) / 2 + k] = Bf16Bits(w[row * Cols + c0 + k]) | (Bf16Bits(w[row * Cols + c0 + 8 + k]) << 16);
            }
        }

        // int8: one scale per row (its largest magnitude maps to 127) and the row's sum of quantized weights.
        q = new sbyte[Rows * Cols];
        rowScale = new float[Rows];
        rowSum = new int[Rows];
        xq = new byte[Cols];
        for (int row = 0; row < Rows; row++)
        {
            float largest = 0;
            for (int c = 0; c < Cols; c++)
                largest = Math.Max(largest, Math.Abs(w[row * Cols + c]));
            rowScale[row] = largest / 127f;
            int sum = 0;
            for (int c = 0; c < Cols; c++)
            {
                q[row * Cols + c] = (sbyte)Math.Round(w[row * Cols + c] / rowScale[row]);
                sum += q[row * Cols + c];
            }
            rowSum[row] = sum;
        }

        Fp32();
        float[] reference = (float[])y.Clone();
        if (Avx512F.IsSupported)
        {
            Fp32Avx512();
            Console.WriteLine($"// H = {H}: max |float32 AVX-512 - float32| = {MaxDifference(reference, y)}");
        }
        Bf16();
        Console.WriteLine($"// H = {H}: max |bf16 - float32| = {MaxDifference(reference, y)}");
        Int8();
        Console.WriteLine($"// H = {H}: max |int8 - float32| = {MaxDifference(reference, y)}; outputs have a standard deviation of about {Math.Sqrt(Cols / 144.0):F2}");
    }

    private static double MaxDifference(float[] a, float[] b)
    {
        double largest = 0;
        for (int i = 0; i < a.Length; i++)
            largest = Math.Max(largest, Math.Abs(a[i] - b[i]));
        return largest;
    }

    /// <summary>float32 → bfloat16, rounded to nearest even (as PyTorch's .to(torch.bfloat16)).</summary>
    private static uint Bf16Bits(float value)
    {
        uint bits = BitConverter.SingleToUInt32Bits(value);
        return (bits + 0x7FFF + ((bits >> 16) & 1)) >> 16;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static Vector256<float> SumEach(Vector256<float> s0, Vector256<float> s1, Vector256<float> s2, Vector256<float> s3,
        Vector256<float> s4, Vector256<float> s5, Vector256<float> s6, Vector256<float> s7)
    {
        Vector256<float> a = Avx.HorizontalAdd(Avx.HorizontalAdd(s0, s1), Avx.HorizontalAdd(s2, s3));
        Vector256<float> b = Avx.HorizontalAdd(Avx.HorizontalAdd(s4, s5), Avx.HorizontalAdd(s6, s7));
        return Avx.Add(Avx.Permute2x128(a, b, 0x20), Avx.Permute2x128(a, b, 0x31));
    }

    [Benchmark(Baseline = true)]
    public void Fp32()
    {
        int Rows = this.Rows, Columns = Cols;
        ref float wRef = ref MemoryMarshal.GetArrayDataReference(w);
        ref float xRef = ref MemoryMarshal.GetArrayDataReference(x);
        ref float yRef = ref MemoryMarshal.GetArrayDataReference(y);
        for (int row = 0; row < Rows; row += 8)
        {
            ref float w0 = ref Unsafe.Add(ref wRef, row * Columns);
            Vector256<float> s0 = default, s1 = default, s2 = default, s3 = default, s4 = default, s5 = default, s6 = default, s7 = default;
            for (int c = 0; c < Columns; c += 8)
            {
                var xv = Vector256.LoadUnsafe(ref xRef, (nuint)c);
                s0 = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref w0, (nuint)c), xv, s0);
                s1 = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref w0, (nuint)(Columns + c)), xv, s1);
                s2 = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref w0, (nuint)(2 * Columns + c)), xv, s2);
                s3 = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref w0, (nuint)(3 * Columns + c)), xv, s3);
                s4 = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref w0, (nuint)(4 * Columns + c)), xv, s4);
                s5 = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref w0, (nuint)(5 * Columns + c)), xv, s5);
                s6 = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref w0, (nuint)(6 * Columns + c)), xv, s6);
                s7 = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref w0, (nuint)(7 * Columns + c)), xv, s7);
            }
            SumEach(s0, s1, s2, s3, s4, s5, s6, s7).StoreUnsafe(ref yRef, (nuint)row);
        }
    }

    [Benchmark]
    public void Fp32Avx512()
    {
        if (!Avx512F.IsSupported)
            throw new PlatformNotSupportedException("This processor (or DOTNET_EnableAVX512F=0) has no AVX-512.");
        int Rows = this.Rows, Columns = Cols;
        ref float wRef = ref MemoryMarshal.GetArrayDataReference(w);
        ref float xRef = ref MemoryMarshal.GetArrayDataReference(x);
        ref float yRef = ref MemoryMarshal.GetArrayDataReference(y);
        for (int row = 0; row < Rows; row += 8)
        {
            ref float w0 = ref Unsafe.Add(ref wRef, row * Columns);
            Vector512<float> s0 = default, s1 = default, s2 = default, s3 = default, s4 = default, s5 = default, s6 = default, s7 = default;
            for (int c = 0; c < Columns; c += 16)
            {
                var xv = Vector512.LoadUnsafe(ref xRef, (nuint)c);
                s0 = Avx512F.FusedMultiplyAdd(Vector512.LoadUnsafe(ref w0, (nuint)c), xv, s0);
                s1 = Avx512F.FusedMultiplyAdd(Vector512.LoadUnsafe(ref w0, (nuint)(Columns + c)), xv, s1);
                s2 = Avx512F.FusedMultiplyAdd(Vector512.LoadUnsafe(ref w0, (nuint)(2 * Columns + c)), xv, s2);
                s3 = Avx512F.FusedMultiplyAdd(Vector512.LoadUnsafe(ref w0, (nuint)(3 * Columns + c)), xv, s3);
                s4 = Avx512F.FusedMultiplyAdd(Vector512.LoadUnsafe(ref w0, (nuint)(4 * Columns + c)), xv, s4);
                s5 = Avx512F.FusedMultiplyAdd(Vector512.LoadUnsafe(ref w0, (nuint)(5 * Columns + c)), xv, s5);
                s6 = Avx512F.FusedMultiplyAdd(Vector512.LoadUnsafe(ref w0, (nuint)(6 * Columns + c)), xv, s6);
                s7 = Avx512F.FusedMultiplyAdd(Vector512.LoadUnsafe(ref w0, (nuint)(7 * Columns + c)), xv, s7);
            }
            SumEach(Fold(s0), Fold(s1), Fold(s2), Fold(s3), Fold(s4), Fold(s5), Fold(s6), Fold(s7)).StoreUnsafe(ref yRef, (nuint)row);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Fold(Vector512<float> v) => Avx.Add(v.GetLower(), v.GetUpper());

    [Benchmark]
    public void Bf16()
    {
        int Rows = this.Rows, Columns = Cols, Half = Cols / 2;
        ref uint wRef = ref MemoryMarshal.GetArrayDataReference(packed);
        ref float xRef = ref MemoryMarshal.GetArrayDataReference(x);
        ref float yRef = ref MemoryMarshal.GetArrayDataReference(y);
        Vector256<uint> high = Vector256.Create(0xFFFF0000u);
        for (int row = 0; row < Rows; row += 8)
        {
            ref uint w0 = ref Unsafe.Add(ref wRef, row * Half);
            Vector256<float> s0 = default, s1 = default, s2 = default, s3 = default, s4 = default, s5 = default, s6 = default, s7 = default;
            for (int c = 0; c < Columns; c += 16)
            {
                var xa = Vector256.LoadUnsafe(ref xRef, (nuint)c);
                var xb = Vector256.LoadUnsafe(ref xRef, (nuint)(c + 8));
                int o = c / 2;
                s0 = Mac(s0, Vector256.LoadUnsafe(ref w0, (nuint)o), xa, xb, high);
                s1 = Mac(s1, Vector256.LoadUnsafe(ref w0, (nuint)(Half + o)), xa, xb, high);
                s2 = Mac(s2, Vector256.LoadUnsafe(ref w0, (nuint)(2 * Half + o)), xa, xb, high);
                s3 = Mac(s3, Vector256.LoadUnsafe(ref w0, (nuint)(3 * Half + o)), xa, xb, high);
                s4 = Mac(s4, Vector256.LoadUnsafe(ref w0, (nuint)(4 * Half + o)), xa, xb, high);
                s5 = Mac(s5, Vector256.LoadUnsafe(ref w0, (nuint)(5 * Half + o)), xa, xb, high);
                s6 = Mac(s6, Vector256.LoadUnsafe(ref w0, (nuint)(6 * Half + o)), xa, xb, high);
                s7 = Mac(s7, Vector256.LoadUnsafe(ref w0, (nuint)(7 * Half + o)), xa, xb, high);
            }
            SumEach(s0, s1, s2, s3, s4, s5, s6, s7).StoreUnsafe(ref yRef, (nuint)row);
        }
    }

    [Benchmark]
    public void Int8()
    {
        int Rows = this.Rows, Columns = Cols;
        // x → 7-bit unsigned with an offset of 64 (so u8 × s8 pairs cannot saturate int16): x ≈ (xq − 64) · sx.
        float maxX = 0;
        for (int c = 0; c < Columns; c++) maxX = Math.Max(maxX, Math.Abs(x[c]));
        float sx = maxX / 63f, inv = 1f / sx;
        for (int c = 0; c < Columns; c++) xq[c] = (byte)(64 + (int)MathF.Round(x[c] * inv));
        ref sbyte qRef = ref MemoryMarshal.GetArrayDataReference(q);
        ref byte xRef = ref MemoryMarshal.GetArrayDataReference(xq);
        Vector256<short> ones = Vector256.Create((short)1);
        for (int row = 0; row < Rows; row += 4)
        {
            ref sbyte w0 = ref Unsafe.Add(ref qRef, row * Columns);
            Vector256<int> a0 = default, a1 = default, a2 = default, a3 = default;
            for (int c = 0; c < Columns; c += 32)
            {
                var xv = Vector256.LoadUnsafe(ref xRef, (nuint)c);
                a0 = Avx2.Add(a0, Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(xv, Vector256.LoadUnsafe(ref w0, (nuint)c)), ones));
                a1 = Avx2.Add(a1, Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(xv, Vector256.LoadUnsafe(ref w0, (nuint)(Columns + c))), ones));
                a2 = Avx2.Add(a2, Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(xv, Vector256.LoadUnsafe(ref w0, (nuint)(2 * Columns + c))), ones));
                a3 = Avx2.Add(a3, Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(xv, Vector256.LoadUnsafe(ref w0, (nuint)(3 * Columns + c))), ones));
            }
            y[row] = (Vector256.Sum(a0) - 64 * rowSum[row]) * rowScale[row] * sx;
            y[row + 1] = (Vector256.Sum(a1) - 64 * rowSum[row + 1]) * rowScale[row + 1] * sx;
            y[row + 2] = (Vector256.Sum(a2) - 64 * rowSum[row + 2]) * rowScale[row + 2] * sx;
            y[row + 3] = (Vector256.Sum(a3) - 64 * rowSum[row + 3]) * rowScale[row + 3] * sx;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static Vector256<float> Mac(Vector256<float> s, Vector256<uint> packedW, Vector256<float> xa, Vector256<float> xb, Vector256<uint> high) =>
        Fma.MultiplyAdd(Avx2.And(packedW, high).AsSingle(), xb, Fma.MultiplyAdd(Avx2.ShiftLeftLogical(packedW, 16).AsSingle(), xa, s));
}
