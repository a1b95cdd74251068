using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace RnnGen.Kernels;

/// <summary>
/// Elementwise arithmetic over spans for generated kernels, whatever the model's sizes: eight floats at a time on the
/// AVX2 path, one at a time otherwise. Lengths are the spans'; callers pass spans of the lengths they mean. Like every
/// helper in this namespace, each is inlined into the generated kernel that calls it, where the spans' lengths are the
/// model's constants, so the JIT specializes it as if it had been generated for the model.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class Elementwise
{
    /// <summary>True when the AVX2 + FMA paths run; the JIT folds it to a constant.</summary>
    public static bool UseAvx2
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Avx2.IsSupported && Fma.IsSupported;
    }

    private const int Lanes = 8;

    /// <summary>target[i] += values[i] for every i of <paramref name="values"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void AddTo(Span<float> target, ReadOnlySpan<float> values)
    {
        target = target.Slice(0, values.Length);
        int i = 0;
        if (UseAvx2)
        {
            ref float t = ref MemoryMarshal.GetReference(target);
            ref float v = ref MemoryMarshal.GetReference(values);
            for (; i <= values.Length - Lanes; i += Lanes)
                (Vector256.LoadUnsafe(ref t, (nuint)i) + Vector256.LoadUnsafe(ref v, (nuint)i)).StoreUnsafe(ref t, (nuint)i);
        }
        for (; i < values.Length; i++)
            target[i] += values[i];
    }

    /// <summary>target[i] = a[i] + b[i] for every i of <paramref name="target"/> (the two bias vectors of a gate block).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Sum(Span<float> target, ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        a = a.Slice(0, target.Length);
        b = b.Slice(0, target.Length);
        int i = 0;
        if (UseAvx2)
        {
            ref float t = ref MemoryMarshal.GetReference(target);
            for (; i <= target.Length - Lanes; i += Lanes)
                (Vector256.LoadUnsafe(ref MemoryMarshal.GetReference(a), (nuint)i) + Vector256.LoadUnsafe(ref MemoryMarshal.GetReference(b), (nuint)i)).StoreUnsafe(ref t, (nuint)i);
        }
        for (; i < target.Length; i++)
            target[i] = a[i] + b[i];
    }

    /// <summary>target[i] = a[i] · b[i] for every i of <paramref name="target"/> (a dropout mask applied); target may be a or b.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Multiply(Span<float> target, ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        a = a.Slice(0, target.Length);
        b = b.Slice(0, target.Length);
        int i = 0;
        if (UseAvx2)
        {
            ref float t = ref MemoryMarshal.GetReference(target);
            for (; i <= target.Length - Lanes; i += Lanes)
                (Vector256.LoadUnsafe(ref MemoryMarshal.GetReference(a), (nuint)i) * Vector256.LoadUnsafe(ref MemoryMarshal.GetReference(b), (nuint)i)).StoreUnsafe(ref t, (nuint)i);
        }
        for (; i < target.Length; i++)
            target[i] = a[i] * b[i];
    }

    /// <summary>[Σ s0, Σ s1, …, Σ s7]: eight horizontal sums in one vector (three rounds of pairwise adds). Requires AVX.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> SumEach(Vector256<float> s0, Vector256<float> s1, Vector256<float> s2, Vector256<float> s3,
        Vector256<float> s4, Vector256<float> s5, Vector256<float> s6, Vector256<float> s7)
    {
        Vector256<float> a = Avx.HorizontalAdd(Avx.HorizontalAdd(s0, s1), Avx.HorizontalAdd(s2, s3));
        Vector256<float> b = Avx.HorizontalAdd(Avx.HorizontalAdd(s4, s5), Avx.HorizontalAdd(s6, s7));
        return Avx.Add(Avx.Permute2x128(a, b, 0x20), Avx.Permute2x128(a, b, 0x31));
    }
}
