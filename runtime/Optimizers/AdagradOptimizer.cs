using System;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace RnnGen;

/// <summary>
/// Adagrad, PyTorch's <c>torch.optim.Adagrad</c> (no learning-rate decay, weight decay or initial accumulator) with
/// its defaults:
/// <code>
/// s = s + g²
/// p = p − lr · g / (√s + ε)
/// </code>
/// in float32, in PyTorch's order of operations: the sum is updated with a fused multiply-add, as PyTorch's CPU kernel
/// for <c>addcmul_</c> computes it; the result is the same on every machine. This is min-char-rnn's optimizer, with
/// ε outside the root.
/// </summary>
public sealed class AdagradOptimizer : Optimizer
{

    /// <summary>Creates an Adagrad optimizer for <paramref name="parameterCount"/> parameters, its sums all zero.</summary>
    /// <param name="parameterCount">Number of parameters; positive.</param>
    /// <param name="learningRate">PyTorch's <c>lr</c>; finite, ≥ 0.</param>
    /// <param name="epsilon">Added to the root of the sum, PyTorch's <c>eps</c>; finite, ≥ 0.</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside its range.</exception>
    public AdagradOptimizer(int parameterCount, float learningRate = 0.01f, float epsilon = 1e-10f)
        : base(parameterCount, learningRate, "sum")
    {
        OptimizerArguments.NonNegative(epsilon, nameof(epsilon));
        Epsilon = epsilon;
    }

    /// <summary>Added to the root of the sum (PyTorch's <c>eps</c>).</summary>
    public float Epsilon { get; }

    /// <summary>The sum of the squared gradients so far, PyTorch's <c>sum</c> (state buffer 0).</summary>
    public ReadOnlySpan<float> SquaredGradientSum => StateBuffer(0);

    /// <inheritdoc />
    public override void Step(Span<float> parameters, ReadOnlySpan<float> gradients)
    {
        OptimizerArguments.Spans(parameters.Length, gradients.Length, ParameterCount);
        float negativeLearningRate = -LearningRate;
        float epsilon = Epsilon;
        Span<float> sum = StateBuffer(0);

        int i = 0;
        if (Fma.IsSupported)
        {
            Vector256<float> vRate = Vector256.Create(negativeLearningRate);
            Vector256<float> vEpsilon = Vector256.Create(epsilon);
            for (; i <= ParameterCount - 8; i += 8)
            {
                Vector256<float> g = Vector256.Create(gradients.Slice(i, 8));
                Vector256<float> s = Fma.MultiplyAdd(g, g, Vector256.Create((ReadOnlySpan<float>)sum.Slice(i, 8)));
                Vector256<float> p = Avx.Add(Vector256.Create((ReadOnlySpan<float>)parameters.Slice(i, 8)), Avx.Divide(Avx.Multiply(vRate, g), Avx.Add(Avx.Sqrt(s), vEpsilon)));
                s.CopyTo(sum.Slice(i, 8));
                p.CopyTo(parameters.Slice(i, 8));
            }
        }
        for (; i < ParameterCount; i++)
        {
            float g = gradients[i];
            float s = MathF.FusedMultiplyAdd(g, g, sum[i]);
            sum[i] = s;
            parameters[i] += negativeLearningRate * g / (MathF.Sqrt(s) + epsilon);
        }
        CountStep();
    }
}
