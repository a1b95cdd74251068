using System;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace RnnGen;

/// <summary>
/// RMSprop, PyTorch's <c>torch.optim.RMSprop</c> (not centered, no momentum or weight decay) with its defaults:
/// <code>
/// a = α·a + (1 − α)·g²
/// p = p − lr · g / (√a + ε)
/// </code>
/// in float32, in PyTorch's order of operations, with 1 − α computed in double as PyTorch computes it in Python and
/// the average updated with a fused multiply-add, as PyTorch's CPU kernel for <c>addcmul_</c> computes it; the result
/// is the same on every machine.
/// </summary>
public sealed class RmsPropOptimizer : Optimizer
{
    private readonly float _alphaSingle;
    private readonly float _oneMinusAlpha;

    /// <summary>Creates an RMSprop optimizer for <paramref name="parameterCount"/> parameters, its averages all zero.</summary>
    /// <param name="parameterCount">Number of parameters; positive.</param>
    /// <param name="learningRate">PyTorch's <c>lr</c>; finite, ≥ 0.</param>
    /// <param name="alpha">Decay of the average of squared gradients, PyTorch's <c>alpha</c>; finite, ≥ 0.</param>
    /// <param name="epsilon">Added to the root of the average, PyTorch's <c>eps</c>; finite, ≥ 0.</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside its range.</exception>
    public RmsPropOptimizer(int parameterCount, float learningRate = 0.01f, float alpha = 0.99f, float epsilon = 1e-8f)
        : base(parameterCount, learningRate, "square_avg")
    {
        OptimizerArguments.NonNegative(alpha, nameof(alpha));
        OptimizerArguments.NonNegative(epsilon, nameof(epsilon));
        Alpha = alpha;
        Epsilon = epsilon;
        double wideAlpha = OptimizerArguments.Widen(alpha);
        _alphaSingle = (float)wideAlpha;
        _oneMinusAlpha = (float)(1.0 - wideAlpha);
    }

    /// <summary>Decay of the average of squared gradients (PyTorch's <c>alpha</c>).</summary>
    public float Alpha { get; }

    /// <summary>Added to the root of the average (PyTorch's <c>eps</c>).</summary>
    public float Epsilon { get; }

    /// <summary>The running average of the squared gradients, PyTorch's <c>square_avg</c> (state buffer 0).</summary>
    public ReadOnlySpan<float> SquareAverage => StateBuffer(0);

    /// <inheritdoc />
    public override void Step(Span<float> parameters, ReadOnlySpan<float> gradients)
    {
        OptimizerArguments.Spans(parameters.Length, gradients.Length, ParameterCount);
        float negativeLearningRate = -LearningRate;
        float alpha = _alphaSingle, oneMinusAlpha = _oneMinusAlpha, epsilon = Epsilon;
        Span<float> average = StateBuffer(0);

        int i = 0;
        if (Fma.IsSupported)
        {
            Vector256<float> vRate = Vector256.Create(negativeLearningRate);
            Vector256<float> vAlpha = Vector256.Create(alpha);
            Vector256<float> vOneMinusAlpha = Vector256.Create(oneMinusAlpha);
            Vector256<float> vEpsilon = Vector256.Create(epsilon);
            for (; i <= ParameterCount - 8; i += 8)
            {
                Vector256<float> g = Vector256.Create(gradients.Slice(i, 8));
                Vector256<float> a = Fma.MultiplyAdd(Avx.Multiply(vOneMinusAlpha, g), g, Avx.Multiply(Vector256.Create((ReadOnlySpan<float>)average.Slice(i, 8)), vAlpha));
                Vector256<float> p = Avx.Add(Vector256.Create((ReadOnlySpan<float>)parameters.Slice(i, 8)), Avx.Divide(Avx.Multiply(vRate, g), Avx.Add(Avx.Sqrt(a), vEpsilon)));
                a.CopyTo(average.Slice(i, 8));
                p.CopyTo(parameters.Slice(i, 8));
            }
        }
        for (; i < ParameterCount; i++)
        {
            float g = gradients[i];
            float a = MathF.FusedMultiplyAdd(oneMinusAlpha * g, g, average[i] * alpha);
            average[i] = a;
            parameters[i] += negativeLearningRate * g / (MathF.Sqrt(a) + epsilon);
        }
        CountStep();
    }
}
