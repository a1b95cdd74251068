using System;

namespace RnnGen.Benchmarks.Baselines;

/// <summary>
/// The arithmetic a sequence baseline (<see cref="SequenceBaseline{TArithmetic}"/>) leaves to its flavour: the dot
/// product and the axpy every matrix product is made of, sigmoid and tanh over a block of units, and Adam's update.
/// Implemented by value types, so that the JIT compiles each baseline for its flavour with direct calls.
/// </summary>
public interface IBaselineArithmetic
{
    /// <summary>Σ x[i]·y[i] over <paramref name="x"/>.</summary>
    static abstract float Dot(ReadOnlySpan<float> x, ReadOnlySpan<float> y);

    /// <summary>y[i] += a·x[i] over <paramref name="x"/>.</summary>
    static abstract void AddScaled(float a, ReadOnlySpan<float> x, Span<float> y);

    /// <summary>σ(v) = 1/(1 + e^{−v}) of every value, in place.</summary>
    static abstract void Sigmoid(Span<float> values);

    /// <summary>tanh of every value, in place.</summary>
    static abstract void Tanh(Span<float> values);

    /// <summary>One Adam update of every element of one tensor (see <see cref="AdamStep"/>).</summary>
    static abstract void Adam(Span<float> parameters, ReadOnlySpan<float> gradients, Span<float> firstMoment, Span<float> secondMoment, in AdamStep step);
}
