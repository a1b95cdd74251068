using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace RnnGen.Kernels;

/// <summary>
/// The activations of dense and convolution layers in place over a span, and their derivatives from the outputs
/// (every one of them is a function of its own output): PyTorch's definitions. Eight floats at a time on the AVX2 path
/// (<see cref="VectorMath"/>'s tanh, sigmoid and exp), <see cref="MathF"/> otherwise. NaN stays NaN.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class Activations
{
    private const int Lanes = 8;

    /// <summary>The negative slope of <see cref="LeakyRelu"/>, PyTorch's default.</summary>
    public const float LeakySlope = 0.01f;

    /// <summary>values = tanh(values).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Tanh(Span<float> values)
    {
        ref float v0 = ref MemoryMarshal.GetReference(values);
        int i = 0;
        if (Elementwise.UseAvx2)
        {
            for (; i <= values.Length - Lanes; i += Lanes)
                VectorMath.Tanh(Vector256.LoadUnsafe(ref v0, (nuint)i)).StoreUnsafe(ref v0, (nuint)i);
        }
        for (; i < values.Length; i++)
            values[i] = MathF.Tanh(values[i]);
    }

    /// <summary>values = 1 / (1 + e^−values).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Sigmoid(Span<float> values)
    {
        ref float v0 = ref MemoryMarshal.GetReference(values);
        int i = 0;
        if (Elementwise.UseAvx2)
        {
            for (; i <= values.Length - Lanes; i += Lanes)
                VectorMath.Sigmoid(Vector256.LoadUnsafe(ref v0, (nuint)i)).StoreUnsafe(ref v0, (nuint)i);
        }
        for (; i < values.Length; i++)
            values[i] = 1f / (1f + MathF.Exp(-values[i]));
    }

    /// <summary>values = max(0, values).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Relu(Span<float> values)
    {
        ref float v0 = ref MemoryMarshal.GetReference(values);
        int i = 0;
        if (Elementwise.UseAvx2)
        {
            // Max returns its second operand when either is NaN, so NaN is kept.
            for (; i <= values.Length - Lanes; i += Lanes)
                Avx.Max(Vector256<float>.Zero, Vector256.LoadUnsafe(ref v0, (nuint)i)).StoreUnsafe(ref v0, (nuint)i);
        }
        for (; i < values.Length; i++)
            values[i] = MathF.Max(0f, values[i]);
    }

    /// <summary>values = values &gt; 0 ? values : 0.01 · values.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void LeakyRelu(Span<float> values)
    {
        ref float v0 = ref MemoryMarshal.GetReference(values);
        int i = 0;
        if (Elementwise.UseAvx2)
        {
            Vector256<float> slope = Vector256.Create(LeakySlope);
            for (; i <= values.Length - Lanes; i += Lanes)
            {
                Vector256<float> v = Vector256.LoadUnsafe(ref v0, (nuint)i);
                Avx.BlendVariable(v * slope, v, Avx.CompareGreaterThan(v, Vector256<float>.Zero)).StoreUnsafe(ref v0, (nuint)i);
            }
        }
        for (; i < values.Length; i++)
        {
            float x = values[i];
            values[i] = x > 0f ? x : LeakySlope * x;
        }
    }

    /// <summary>values = values &gt; 0 ? values : e^values − 1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Elu(Span<float> values)
    {
        ref float v0 = ref MemoryMarshal.GetReference(values);
        int i = 0;
        if (Elementwise.UseAvx2)
        {
            Vector256<float> one = Vector256.Create(1f);
            for (; i <= values.Length - Lanes; i += Lanes)
            {
                Vector256<float> v = Vector256.LoadUnsafe(ref v0, (nuint)i);
                Avx.BlendVariable(VectorMath.Exp(v) - one, v, Avx.CompareGreaterThan(v, Vector256<float>.Zero)).StoreUnsafe(ref v0, (nuint)i);
            }
        }
        for (; i < values.Length; i++)
        {
            float x = values[i];
            values[i] = x > 0f ? x : (float)(Math.Exp(x) - 1.0);
        }
    }

    /// <summary>delta = gradient · (1 − y²) where y = tanh(x); <paramref name="delta"/> may be <paramref name="gradient"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void TanhBackward(ReadOnlySpan<float> outputs, ReadOnlySpan<float> gradient, Span<float> delta)
    {
        outputs = outputs.Slice(0, delta.Length);
        gradient = gradient.Slice(0, delta.Length);
        int i = 0;
        if (Elementwise.UseAvx2)
        {
            Vector256<float> one = Vector256.Create(1f);
            for (; i <= delta.Length - Lanes; i += Lanes)
            {
                Vector256<float> y = Vector256.LoadUnsafe(ref MemoryMarshal.GetReference(outputs), (nuint)i);
                (Vector256.LoadUnsafe(ref MemoryMarshal.GetReference(gradient), (nuint)i) * (one - y * y)).StoreUnsafe(ref MemoryMarshal.GetReference(delta), (nuint)i);
            }
        }
        for (; i < delta.Length; i++)
            delta[i] = gradient[i] * (1f - outputs[i] * outputs[i]);
    }

    /// <summary>delta = gradient · y · (1 − y) where y = σ(x).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void SigmoidBackward(ReadOnlySpan<float> outputs, ReadOnlySpan<float> gradient, Span<float> delta)
    {
        outputs = outputs.Slice(0, delta.Length);
        gradient = gradient.Slice(0, delta.Length);
        int i = 0;
        if (Elementwise.UseAvx2)
        {
            Vector256<float> one = Vector256.Create(1f);
            for (; i <= delta.Length - Lanes; i += Lanes)
            {
                Vector256<float> y = Vector256.LoadUnsafe(ref MemoryMarshal.GetReference(outputs), (nuint)i);
                (Vector256.LoadUnsafe(ref MemoryMarshal.GetReference(gradient), (nuint)i) * y * (one - y)).StoreUnsafe(ref MemoryMarshal.GetReference(delta), (nuint)i);
            }
        }
        for (; i < delta.Length; i++)
            delta[i] = gradient[i] * outputs[i] * (1f - outputs[i]);
    }

    /// <summary>delta = y &gt; 0 ? gradient : 0 where y = relu(x).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void ReluBackward(ReadOnlySpan<float> outputs, ReadOnlySpan<float> gradient, Span<float> delta) =>
        PiecewiseBackward(outputs, gradient, delta, 0f, useOutput: false);

    /// <summary>delta = y &gt; 0 ? gradient : 0.01 · gradient where y = leaky_relu(x) (y has the sign of x).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void LeakyReluBackward(ReadOnlySpan<float> outputs, ReadOnlySpan<float> gradient, Span<float> delta) =>
        PiecewiseBackward(outputs, gradient, delta, LeakySlope, useOutput: false);

    /// <summary>delta = y &gt; 0 ? gradient : gradient · (y + 1) where y = elu(x) (e^x = y + 1 for x ≤ 0).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void EluBackward(ReadOnlySpan<float> outputs, ReadOnlySpan<float> gradient, Span<float> delta) =>
        PiecewiseBackward(outputs, gradient, delta, 1f, useOutput: true);

    /// <summary>delta = y &gt; 0 ? gradient : gradient · (c + y) when <paramref name="useOutput"/>, else gradient · c.</summary>
    private static void PiecewiseBackward(ReadOnlySpan<float> outputs, ReadOnlySpan<float> gradient, Span<float> delta, float c, bool useOutput)
    {
        outputs = outputs.Slice(0, delta.Length);
        gradient = gradient.Slice(0, delta.Length);
        int i = 0;
        if (Elementwise.UseAvx2)
        {
            Vector256<float> constant = Vector256.Create(c);
            for (; i <= delta.Length - Lanes; i += Lanes)
            {
                Vector256<float> y = Vector256.LoadUnsafe(ref MemoryMarshal.GetReference(outputs), (nuint)i);
                Vector256<float> g = Vector256.LoadUnsafe(ref MemoryMarshal.GetReference(gradient), (nuint)i);
                Vector256<float> negative = useOutput ? g * (constant + y) : g * constant;
                Avx.BlendVariable(negative, g, Avx.CompareGreaterThan(y, Vector256<float>.Zero)).StoreUnsafe(ref MemoryMarshal.GetReference(delta), (nuint)i);
            }
        }
        for (; i < delta.Length; i++)
        {
            float y = outputs[i];
            delta[i] = y > 0f ? gradient[i] : gradient[i] * (useOutput ? c + y : c);
        }
    }
}
