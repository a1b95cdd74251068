using System;

namespace RnnGen.Benchmarks.Baselines;

/// <summary>
/// What a person writes without SIMD: plain loops over the elements, sigmoid and tanh from <see cref="MathF"/>.
/// </summary>
public readonly struct ScalarArithmetic : IBaselineArithmetic
{
    /// <inheritdoc />
    public static float Dot(ReadOnlySpan<float> x, ReadOnlySpan<float> y)
    {
        float sum = 0f;
        for (int i = 0; i < x.Length; i++)
            sum += x[i] * y[i];
        return sum;
    }

    /// <inheritdoc />
    public static void AddScaled(float a, ReadOnlySpan<float> x, Span<float> y)
    {
        for (int i = 0; i < x.Length; i++)
            y[i] += a * x[i];
    }

    /// <inheritdoc />
    public static void Sigmoid(Span<float> values)
    {
        for (int i = 0; i < values.Length; i++)
            values[i] = 1f / (1f + MathF.Exp(-values[i]));
    }

    /// <inheritdoc />
    public static void Tanh(Span<float> values)
    {
        for (int i = 0; i < values.Length; i++)
            values[i] = MathF.Tanh(values[i]);
    }

    /// <inheritdoc />
    public static void Adam(Span<float> parameters, ReadOnlySpan<float> gradients, Span<float> firstMoment, Span<float> secondMoment, in AdamStep step)
    {
        for (int i = 0; i < parameters.Length; i++)
            AdamUpdate(ref parameters[i], gradients[i], ref firstMoment[i], ref secondMoment[i], step);
    }

    /// <summary>Adam's update of one parameter.</summary>
    internal static void AdamUpdate(ref float parameter, float gradient, ref float firstMoment, ref float secondMoment, in AdamStep step)
    {
        firstMoment = step.Beta1 * firstMoment + (1f - step.Beta1) * gradient;
        secondMoment = step.Beta2 * secondMoment + (1f - step.Beta2) * gradient * gradient;
        parameter -= step.StepSize * firstMoment / (MathF.Sqrt(secondMoment) / step.SecondMomentCorrection + step.Epsilon);
    }
}
