using System;
using System.Runtime.Intrinsics;

namespace RnnGen.Benchmarks.Baselines;

/// <summary>
/// What a person writes with <see cref="Vector256{T}"/> and no further tuning: a dot product with one FMA accumulator,
/// an FMA axpy, sigmoid and tanh from <see cref="Vector256.Exp(Vector256{float})"/> (see <see cref="VectorOps"/>), and
/// Adam eight parameters at a time; each with a scalar tail for lengths that are not a multiple of eight.
/// </summary>
public readonly struct VectorArithmetic : IBaselineArithmetic
{
    /// <inheritdoc />
    public static float Dot(ReadOnlySpan<float> x, ReadOnlySpan<float> y) => VectorOps.Dot(x, y);

    /// <inheritdoc />
    public static void AddScaled(float a, ReadOnlySpan<float> x, Span<float> y) => VectorOps.AddScaled(a, x, y);

    /// <inheritdoc />
    public static void Sigmoid(Span<float> values) => VectorOps.Sigmoid(values);

    /// <inheritdoc />
    public static void Tanh(Span<float> values) => VectorOps.Tanh(values);

    /// <inheritdoc />
    public static void Adam(Span<float> parameters, ReadOnlySpan<float> gradients, Span<float> firstMoment, Span<float> secondMoment, in AdamStep step)
    {
        Vector256<float> beta1 = Vector256.Create(step.Beta1);
        Vector256<float> beta2 = Vector256.Create(step.Beta2);
        Vector256<float> oneMinusBeta1 = Vector256.Create(1f - step.Beta1);
        Vector256<float> oneMinusBeta2 = Vector256.Create(1f - step.Beta2);
        Vector256<float> stepSize = Vector256.Create(step.StepSize);
        Vector256<float> correction = Vector256.Create(step.SecondMomentCorrection);
        Vector256<float> epsilon = Vector256.Create(step.Epsilon);
        int i = 0;
        for (; i <= parameters.Length - Vector256<float>.Count; i += Vector256<float>.Count)
        {
            Vector256<float> g = Vector256.Create(gradients.Slice(i));
            Vector256<float> m = beta1 * Vector256.Create((ReadOnlySpan<float>)firstMoment.Slice(i)) + oneMinusBeta1 * g;
            Vector256<float> v = beta2 * Vector256.Create((ReadOnlySpan<float>)secondMoment.Slice(i)) + oneMinusBeta2 * g * g;
            Vector256<float> p = Vector256.Create((ReadOnlySpan<float>)parameters.Slice(i));
            m.CopyTo(firstMoment.Slice(i));
            v.CopyTo(secondMoment.Slice(i));
            (p - stepSize * m / (Vector256.Sqrt(v) / correction + epsilon)).CopyTo(parameters.Slice(i));
        }
        for (; i < parameters.Length; i++)
            ScalarArithmetic.AdamUpdate(ref parameters[i], gradients[i], ref firstMoment[i], ref secondMoment[i], step);
    }
}
