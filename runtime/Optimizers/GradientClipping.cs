using System;

namespace RnnGen;

/// <summary>
/// Gradient clipping before an optimizer step, as PyTorch's <c>torch.nn.utils.clip_grad_value_</c> and
/// <c>clip_grad_norm_</c> do it. Works in place; does not allocate.
/// </summary>
public static class GradientClipping
{
    /// <summary>
    /// Clamps every gradient to [−<paramref name="limit"/>, <paramref name="limit"/>] (<c>clip_grad_value_</c>,
    /// <c>np.clip</c>). A NaN gradient stays NaN, as it does in both.
    /// </summary>
    /// <param name="gradients">The gradients, clamped in place.</param>
    /// <param name="limit">The largest magnitude kept; finite and positive.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="limit"/> is not finite and positive.</exception>
    public static void ClipByValue(Span<float> gradients, float limit)
    {
        if (!(limit > 0f) || float.IsPositiveInfinity(limit))
            throw new ArgumentOutOfRangeException(nameof(limit), limit, "The limit must be finite and positive.");
        float low = -limit;
        for (int i = 0; i < gradients.Length; i++)
        {
            float g = gradients[i];
            if (g > limit)
                gradients[i] = limit;
            else if (g < low)
                gradients[i] = low;
        }
    }

    /// <summary>
    /// Scales the gradients so that their L2 norm is at most about <paramref name="maxNorm"/>, as
    /// <c>clip_grad_norm_</c> does: with n the norm, the coefficient is <c>maxNorm / (n + 1e-6)</c> and the
    /// gradients are multiplied by it only when it is below 1. Returns n, the norm before clipping.
    /// </summary>
    /// <remarks>
    /// The sum of squares is accumulated in double, in a fixed order, so the result is the same on every machine.
    /// If the norm is infinite or NaN the gradients are left unchanged (PyTorch would scale them by 0 or NaN):
    /// check the returned norm with <see cref="float.IsFinite"/> to skip such a step.
    /// </remarks>
    /// <param name="gradients">The gradients, scaled in place.</param>
    /// <param name="maxNorm">The norm to clip to; finite and positive.</param>
    /// <returns>The L2 norm of <paramref name="gradients"/> before clipping.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxNorm"/> is not finite and positive.</exception>
    public static float ClipByGlobalNorm(Span<float> gradients, float maxNorm)
    {
        if (!(maxNorm > 0f) || float.IsPositiveInfinity(maxNorm))
            throw new ArgumentOutOfRangeException(nameof(maxNorm), maxNorm, "The maximum norm must be finite and positive.");
        float norm = (float)Math.Sqrt(SumOfSquares(gradients));
        if (!float.IsFinite(norm))
            return norm;
        float coefficient = maxNorm / (norm + 1e-6f);
        if (coefficient < 1f)
        {
            for (int i = 0; i < gradients.Length; i++)
                gradients[i] *= coefficient;
        }
        return norm;
    }

    /// <summary>The L2 norm of <paramref name="values"/>, accumulated in double in a fixed order.</summary>
    public static float GlobalNorm(ReadOnlySpan<float> values) => (float)Math.Sqrt(SumOfSquares(values));

    private static double SumOfSquares(ReadOnlySpan<float> values)
    {
        // Four independent accumulators for instruction-level parallelism; the order is fixed, not hardware-dependent.
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int i = 0;
        for (; i <= values.Length - 4; i += 4)
        {
            double a = values[i], b = values[i + 1], c = values[i + 2], d = values[i + 3];
            s0 += a * a;
            s1 += b * b;
            s2 += c * c;
            s3 += d * d;
        }
        for (; i < values.Length; i++)
        {
            double a = values[i];
            s0 += a * a;
        }
        return (s0 + s1) + (s2 + s3);
    }
}
