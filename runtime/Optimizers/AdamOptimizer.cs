using System;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace RnnGen;

/// <summary>
/// Adam with bias correction, PyTorch's <c>torch.optim.Adam</c> (no weight decay, no AMSGrad) with its defaults:
/// <code>
/// m = β1·m + (1 − β1)·g
/// v = β2·v + (1 − β2)·g²
/// p = p − (lr / (1 − β1^t)) · m / (√v / √(1 − β2^t) + ε)
/// </code>
/// in float32, in PyTorch's order of operations; the scalar factors are computed in double, as PyTorch computes them
/// in Python. As in PyTorch's CPU kernels, the two moment updates are fused multiply-adds
/// (<c>add_(g, alpha=1 − β1)</c> and <c>addcmul_(g, g, value=1 − β2)</c>); the result is the same on every machine.
/// </summary>
public sealed class AdamOptimizer : Optimizer
{
    private readonly double _beta1;
    private readonly double _beta2;
    private readonly float _beta1Single;
    private readonly float _beta2Single;
    private readonly float _oneMinusBeta1;
    private readonly float _oneMinusBeta2;
    private double _learningRateDouble;

    /// <summary>Creates an Adam optimizer for <paramref name="parameterCount"/> parameters, its state all zero.</summary>
    /// <param name="parameterCount">Number of parameters; positive.</param>
    /// <param name="learningRate">PyTorch's <c>lr</c>; finite, ≥ 0.</param>
    /// <param name="beta1">Decay of the first moment, PyTorch's <c>betas[0]</c>; in [0, 1).</param>
    /// <param name="beta2">Decay of the second moment, PyTorch's <c>betas[1]</c>; in [0, 1).</param>
    /// <param name="epsilon">Added to the denominator, PyTorch's <c>eps</c>; finite, ≥ 0.</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside its range.</exception>
    public AdamOptimizer(int parameterCount, float learningRate = 1e-3f, float beta1 = 0.9f, float beta2 = 0.999f, float epsilon = 1e-8f)
        : base(parameterCount, learningRate, "exp_avg", "exp_avg_sq")
    {
        OptimizerArguments.UnitInterval(beta1, nameof(beta1));
        OptimizerArguments.UnitInterval(beta2, nameof(beta2));
        OptimizerArguments.NonNegative(epsilon, nameof(epsilon));
        _learningRateDouble = OptimizerArguments.Widen(learningRate);
        Beta1 = beta1;
        Beta2 = beta2;
        Epsilon = epsilon;
        _beta1 = OptimizerArguments.Widen(beta1);
        _beta2 = OptimizerArguments.Widen(beta2);
        _beta1Single = (float)_beta1;
        _beta2Single = (float)_beta2;
        _oneMinusBeta1 = (float)(1.0 - _beta1);
        _oneMinusBeta2 = (float)(1.0 - _beta2);
    }

    /// <summary>PyTorch holds the learning rate as a Python float: keep its double for the step size.</summary>
    private protected override void OnLearningRateChanged() => _learningRateDouble = OptimizerArguments.Widen(LearningRate);

    /// <summary>Decay of the first moment (PyTorch's <c>betas[0]</c>).</summary>
    public float Beta1 { get; }

    /// <summary>Decay of the second moment (PyTorch's <c>betas[1]</c>).</summary>
    public float Beta2 { get; }

    /// <summary>Added to the denominator (PyTorch's <c>eps</c>).</summary>
    public float Epsilon { get; }

    /// <summary>The running average of the gradients, PyTorch's <c>exp_avg</c> (state buffer 0).</summary>
    public ReadOnlySpan<float> FirstMoment => StateBuffer(0);

    /// <summary>The running average of the squared gradients, PyTorch's <c>exp_avg_sq</c> (state buffer 1).</summary>
    public ReadOnlySpan<float> SecondMoment => StateBuffer(1);

    /// <inheritdoc />
    public override void Step(Span<float> parameters, ReadOnlySpan<float> gradients)
    {
        OptimizerArguments.Spans(parameters.Length, gradients.Length, ParameterCount);
        long step = StepCount + 1;
        double biasCorrection1 = 1.0 - DeterministicMath.Pow(_beta1, step);
        double biasCorrection2 = 1.0 - DeterministicMath.Pow(_beta2, step);
        float negativeStepSize = (float)-(_learningRateDouble / biasCorrection1);
        float biasCorrection2Sqrt = (float)Math.Sqrt(biasCorrection2);
        float beta1 = _beta1Single, beta2 = _beta2Single, oneMinusBeta1 = _oneMinusBeta1, oneMinusBeta2 = _oneMinusBeta2;
        float epsilon = Epsilon;
        Span<float> m = StateBuffer(0);
        Span<float> v = StateBuffer(1);

        int i = 0;
        if (Fma.IsSupported)
        {
            Vector256<float> vBeta1 = Vector256.Create(beta1);
            Vector256<float> vBeta2 = Vector256.Create(beta2);
            Vector256<float> vOneMinusBeta1 = Vector256.Create(oneMinusBeta1);
            Vector256<float> vOneMinusBeta2 = Vector256.Create(oneMinusBeta2);
            Vector256<float> vStep = Vector256.Create(negativeStepSize);
            Vector256<float> vCorrection = Vector256.Create(biasCorrection2Sqrt);
            Vector256<float> vEpsilon = Vector256.Create(epsilon);
            for (; i <= ParameterCount - 8; i += 8)
            {
                Vector256<float> g = Vector256.Create(gradients.Slice(i, 8));
                Vector256<float> mi = Fma.MultiplyAdd(g, vOneMinusBeta1, Avx.Multiply(Vector256.Create((ReadOnlySpan<float>)m.Slice(i, 8)), vBeta1));
                Vector256<float> vi = Fma.MultiplyAdd(Avx.Multiply(vOneMinusBeta2, g), g, Avx.Multiply(Vector256.Create((ReadOnlySpan<float>)v.Slice(i, 8)), vBeta2));
                Vector256<float> denominator = Avx.Add(Avx.Divide(Avx.Sqrt(vi), vCorrection), vEpsilon);
                Vector256<float> p = Avx.Add(Vector256.Create((ReadOnlySpan<float>)parameters.Slice(i, 8)), Avx.Divide(Avx.Multiply(vStep, mi), denominator));
                mi.CopyTo(m.Slice(i, 8));
                vi.CopyTo(v.Slice(i, 8));
                p.CopyTo(parameters.Slice(i, 8));
            }
        }
        for (; i < ParameterCount; i++)
        {
            float g = gradients[i];
            float mi = MathF.FusedMultiplyAdd(g, oneMinusBeta1, m[i] * beta1);
            float vi = MathF.FusedMultiplyAdd(oneMinusBeta2 * g, g, v[i] * beta2);
            float denominator = MathF.Sqrt(vi) / biasCorrection2Sqrt + epsilon;
            m[i] = mi;
            v[i] = vi;
            parameters[i] += negativeStepSize * mi / denominator;
        }
        CountStep();
    }
}
