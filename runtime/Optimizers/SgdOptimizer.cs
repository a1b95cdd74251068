using System;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace RnnGen;

/// <summary>
/// Stochastic gradient descent, PyTorch's <c>torch.optim.SGD</c> (no dampening, Nesterov or weight decay):
/// <code>
/// p = p − lr·g                      (momentum = 0)
/// b = g on the first step, else b = momentum·b + g
/// p = p − lr·b                      (momentum ≠ 0)
/// </code>
/// in float32, in PyTorch's order of operations: the parameter update is a fused multiply-add, as PyTorch's CPU
/// kernel for <c>add_(d, alpha=−lr)</c> computes it; the result is the same on every machine.
/// </summary>
public sealed class SgdOptimizer : Optimizer
{

    /// <summary>Creates an SGD optimizer for <paramref name="parameterCount"/> parameters.</summary>
    /// <param name="parameterCount">Number of parameters; positive.</param>
    /// <param name="learningRate">PyTorch's <c>lr</c> (which has no default); finite, ≥ 0.</param>
    /// <param name="momentum">PyTorch's <c>momentum</c>; finite, ≥ 0. Zero keeps no state.</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside its range.</exception>
    public SgdOptimizer(int parameterCount, float learningRate, float momentum = 0f)
        : base(parameterCount, learningRate, momentum > 0f ? new[] { "momentum_buffer" } : Array.Empty<string>()) // PyTorch keeps no buffer without momentum
    {
        OptimizerArguments.NonNegative(momentum, nameof(momentum));
        Momentum = momentum;
    }

    /// <summary>The momentum factor (PyTorch's <c>momentum</c>); zero for plain gradient descent.</summary>
    public float Momentum { get; }

    /// <summary>
    /// PyTorch's <c>momentum_buffer</c> (state buffer 0 when <see cref="Momentum"/> is not zero; empty otherwise).
    /// Before the first step it holds zeros and is not read: the first step copies the gradients into it.
    /// </summary>
    public ReadOnlySpan<float> MomentumBuffer => StateBufferCount == 0 ? ReadOnlySpan<float>.Empty : StateBuffer(0);

    /// <inheritdoc />
    public override void Step(Span<float> parameters, ReadOnlySpan<float> gradients)
    {
        OptimizerArguments.Spans(parameters.Length, gradients.Length, ParameterCount);
        float negativeLearningRate = -LearningRate;
        ReadOnlySpan<float> direction = gradients;
        if (StateBufferCount != 0)
        {
            UpdateMomentum(gradients);
            direction = StateBuffer(0);
        }

        int i = 0;
        if (Fma.IsSupported)
        {
            Vector256<float> vRate = Vector256.Create(negativeLearningRate);
            for (; i <= ParameterCount - 8; i += 8)
            {
                Vector256<float> p = Fma.MultiplyAdd(Vector256.Create(direction.Slice(i, 8)), vRate, Vector256.Create((ReadOnlySpan<float>)parameters.Slice(i, 8)));
                p.CopyTo(parameters.Slice(i, 8));
            }
        }
        for (; i < ParameterCount; i++)
            parameters[i] = MathF.FusedMultiplyAdd(direction[i], negativeLearningRate, parameters[i]);
        CountStep();
    }

    private void UpdateMomentum(ReadOnlySpan<float> gradients)
    {
        Span<float> buffer = StateBuffer(0);
        if (StepCount == 0)
        {
            gradients.CopyTo(buffer);
            return;
        }
        // PyTorch's mul_(momentum).add_(g): a fused multiply-add by 1, the same as a plain add.
        float momentum = Momentum;
        int i = 0;
        if (Avx.IsSupported)
        {
            Vector256<float> vMomentum = Vector256.Create(momentum);
            for (; i <= ParameterCount - 8; i += 8)
            {
                Vector256<float> b = Avx.Add(Avx.Multiply(Vector256.Create((ReadOnlySpan<float>)buffer.Slice(i, 8)), vMomentum), Vector256.Create(gradients.Slice(i, 8)));
                b.CopyTo(buffer.Slice(i, 8));
            }
        }
        for (; i < ParameterCount; i++)
            buffer[i] = buffer[i] * momentum + gradients[i];
    }
}
