using System;

namespace RnnGen.Benchmarks.Baselines;

/// <summary>
/// The factors of Adam's update number t, as <see cref="AdamOptimizer"/> (PyTorch's <c>torch.optim.Adam</c>) applies
/// them to every parameter p with gradient g:
/// <code>
/// m = β1·m + (1 − β1)·g
/// v = β2·v + (1 − β2)·g²
/// p = p − StepSize · m / (√v / SecondMomentCorrection + ε)
/// </code>
/// with StepSize = lr / (1 − β1^t) and SecondMomentCorrection = √(1 − β2^t).
/// </summary>
/// <param name="Beta1">Decay of the first moment.</param>
/// <param name="Beta2">Decay of the second moment.</param>
/// <param name="Epsilon">Added to the denominator, after the bias correction.</param>
/// <param name="StepSize">lr / (1 − β1^t).</param>
/// <param name="SecondMomentCorrection">√(1 − β2^t).</param>
public readonly record struct AdamStep(float Beta1, float Beta2, float Epsilon, float StepSize, float SecondMomentCorrection)
{
    /// <summary>The factors of update number <paramref name="step"/> (1 for the first) with the hyper-parameters of <paramref name="settings"/>.</summary>
    public static AdamStep Create(AdamOptimizer settings, long step)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(step);
        double firstMomentCorrection = 1.0 - Math.Pow(settings.Beta1, step);
        double secondMomentCorrection = 1.0 - Math.Pow(settings.Beta2, step);
        return new AdamStep(settings.Beta1, settings.Beta2, settings.Epsilon,
            (float)(settings.LearningRate / firstMomentCorrection), (float)Math.Sqrt(secondMomentCorrection));
    }
}
