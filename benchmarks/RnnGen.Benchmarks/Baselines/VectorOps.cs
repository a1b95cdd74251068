using System;
using System.Runtime.Intrinsics;

namespace RnnGen.Benchmarks.Baselines;

/// <summary>
/// The few <see cref="Vector256{T}"/> helpers the plain vector baselines share: a one-accumulator dot product, an
/// axpy, and sigmoid/tanh built on <see cref="Vector256.Exp(Vector256{float})"/>. Nothing here is tuned.
/// </summary>
internal static class VectorOps
{
    /// <summary>Σ row[i]·x[i], eight lanes at a time with one FMA accumulator, then a scalar tail.</summary>
    public static float Dot(ReadOnlySpan<float> row, ReadOnlySpan<float> x)
    {
        Vector256<float> sum = Vector256<float>.Zero;
        int i = 0;
        for (; i <= row.Length - Vector256<float>.Count; i += Vector256<float>.Count)
            sum = Vector256.FusedMultiplyAdd(Vector256.Create(row.Slice(i)), Vector256.Create(x.Slice(i)), sum);
        float result = Vector256.Sum(sum);
        for (; i < row.Length; i++)
            result += row[i] * x[i];
        return result;
    }

    /// <summary>y[i] += a·x[i], eight lanes at a time, then a scalar tail.</summary>
    public static void AddScaled(float a, ReadOnlySpan<float> x, Span<float> y)
    {
        Vector256<float> scale = Vector256.Create(a);
        int i = 0;
        for (; i <= x.Length - Vector256<float>.Count; i += Vector256<float>.Count)
            Vector256.FusedMultiplyAdd(scale, Vector256.Create(x.Slice(i)), Vector256.Create((ReadOnlySpan<float>)y.Slice(i))).CopyTo(y.Slice(i));
        for (; i < x.Length; i++)
            y[i] += a * x[i];
    }

    /// <summary>tanh x = 1 − 2/(e^{2x} + 1), which saturates correctly to ±1.</summary>
    public static Vector256<float> Tanh(Vector256<float> x)
    {
        Vector256<float> e = Vector256.Exp(x + x);
        return Vector256<float>.One - Vector256.Create(2f) / (e + Vector256<float>.One);
    }

    /// <summary>σ(x) = 1/(1 + e^{−x}).</summary>
    public static Vector256<float> Sigmoid(Vector256<float> x) =>
        Vector256<float>.One / (Vector256<float>.One + Vector256.Exp(-x));

    /// <summary>σ(x) = 1/(1 + e^{−x}) for one value.</summary>
    public static float Sigmoid(float x) => 1f / (1f + MathF.Exp(-x));

    /// <summary>tanh of every value in place, eight lanes at a time, then <see cref="MathF.Tanh"/> for the tail.</summary>
    public static void Tanh(Span<float> values)
    {
        int i = 0;
        for (; i <= values.Length - Vector256<float>.Count; i += Vector256<float>.Count)
            Tanh(Vector256.Create((ReadOnlySpan<float>)values.Slice(i))).CopyTo(values.Slice(i));
        for (; i < values.Length; i++)
            values[i] = MathF.Tanh(values[i]);
    }

    /// <summary>σ of every value in place, eight lanes at a time, then a scalar tail.</summary>
    public static void Sigmoid(Span<float> values)
    {
        int i = 0;
        for (; i <= values.Length - Vector256<float>.Count; i += Vector256<float>.Count)
            Sigmoid(Vector256.Create((ReadOnlySpan<float>)values.Slice(i))).CopyTo(values.Slice(i));
        for (; i < values.Length; i++)
            values[i] = Sigmoid(values[i]);
    }

    /// <summary>Eight floats of <paramref name="values"/> from <paramref name="start"/>.</summary>
    public static Vector256<float> Load(float[] values, int start) => Vector256.Create((ReadOnlySpan<float>)values.AsSpan(start));
}
