using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;

namespace RnnGen.Kernels;

/// <summary>The losses of generated models: each returns the loss and writes its gradient with respect to the outputs.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class Losses
{
    /// <summary>The ε of the error-to-signal ratio's denominator, per value (CoreAudioML's <c>ESRLoss</c>: mean(y²) + 10⁻⁵).</summary>
    public const double SignalEpsilon = 1e-5;

    /// <summary>
    /// Returns −log softmax(logits)[target] and writes its gradient with respect to the logits,
    /// (softmax − onehot(target)) · <paramref name="scale"/>, to <paramref name="gradient"/> (which may be <paramref name="logits"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float SoftmaxCrossEntropy(ReadOnlySpan<float> logits, int target, float scale, Span<float> gradient)
    {
        int count = logits.Length;
        gradient = gradient.Slice(0, count);
        float max = logits[0];
        for (int k = 1; k < count; k++)
            max = MathF.Max(max, logits[k]);
        float targetLogit = logits[target] - max;
        float sum = 0f;
        for (int k = 0; k < count; k++)
        {
            float e = MathF.Exp(logits[k] - max);
            gradient[k] = e;
            sum += e;
        }
        float normalizer = scale / sum;
        for (int k = 0; k < count; k++)
            gradient[k] *= normalizer;
        gradient[target] -= scale;
        return MathF.Log(sum) - targetLogit;
    }

    /// <summary>Mean squared error over every value (PyTorch's MSELoss); writes 2·(output − target)/N to <paramref name="gradient"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float MeanSquaredError(ReadOnlySpan<float> outputs, ReadOnlySpan<float> targets, Span<float> gradient)
    {
        int count = outputs.Length;
        targets = targets.Slice(0, count);
        gradient = gradient.Slice(0, count);
        float scale = 2f / count;
        double sum = 0;
        for (int i = 0; i < count; i++)
        {
            float error = outputs[i] - targets[i];
            sum += (double)error * error;
            gradient[i] = scale * error;
        }
        return (float)(sum / count);
    }

    /// <summary>
    /// The error-to-signal ratio of <paramref name="steps"/> × <paramref name="width"/> outputs against their targets:
    /// Σ(y − ŷ)² / (Σy² + ε·N) after the pre-emphasis y[t] − a·y[t−1] (a = <paramref name="preEmphasis"/>; when a ≠ 0
    /// the first step, which has no predecessor, drops out), summed in double precision. Writes dL/d(outputs).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float ErrorToSignalRatio(ReadOnlySpan<float> outputs, ReadOnlySpan<float> targets, int steps, int width, float preEmphasis, Span<float> gradient)
    {
        int count = steps * width;
        outputs = outputs.Slice(0, count);
        targets = targets.Slice(0, count);
        gradient = gradient.Slice(0, count);
        double a = preEmphasis;
        int first = preEmphasis != 0f ? 1 : 0;
        double errors = 0, energy = 0;
        for (int i = first * width; i < count; i++)
        {
            double error = Filtered(outputs, i, width, a) - Filtered(targets, i, width, a);
            double target = Filtered(targets, i, width, a);
            errors += error * error;
            energy += target * target;
        }
        int terms = count - first * width;
        if (terms == 0)
        {
            gradient.Clear();
            return 0f;
        }
        double denominator = energy + SignalEpsilon * terms;
        // dL/dŷ[t] = g[t] − a·g[t+1], where g[t] = 2·e[t]/denominator is the gradient of the filtered output of step t.
        for (int i = count - 1; i >= 0; i--)
        {
            double own = i >= first * width ? 2.0 * (Filtered(outputs, i, width, a) - Filtered(targets, i, width, a)) / denominator : 0.0;
            double next = first == 1 && i + width < count ? 2.0 * (Filtered(outputs, i + width, width, a) - Filtered(targets, i + width, width, a)) / denominator : 0.0;
            gradient[i] = (float)(own - a * next);
        }
        return (float)(errors / denominator);
    }

    /// <summary>v[i] − a·v[i − width] (the value one step earlier), or v[i] on the first step.</summary>
    private static double Filtered(ReadOnlySpan<float> values, int i, int width, double a) =>
        i >= width ? values[i] - a * values[i - width] : values[i];
}
