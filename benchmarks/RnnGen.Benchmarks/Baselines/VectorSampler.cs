using System;
using System.Runtime.Intrinsics;

namespace RnnGen.Benchmarks.Baselines;

/// <summary>
/// The top-k draw of <see cref="SampleBaseline"/> with <see cref="Vector256{T}"/>: the max of the logits and
/// e^{(logit − max)/temperature} of every logit eight lanes at a time (<see cref="Vector256.Exp(Vector256{float})"/>,
/// scalar tails), then the selection, and the sum of the k selected weights.
/// </summary>
public sealed class VectorSampler(int capacity, int seed) : SampleBaseline(capacity, seed)
{
    private readonly float[] _exp = new float[capacity];

    /// <inheritdoc />
    protected override float Weigh(ReadOnlySpan<float> logits, float temperature, int topK)
    {
        int width = Vector256<float>.Count;
        int i = 0;
        float max = float.NegativeInfinity;
        if (logits.Length >= width)
        {
            Vector256<float> maxes = Vector256.Create(logits);
            for (i = width; i <= logits.Length - width; i += width)
                maxes = Vector256.Max(maxes, Vector256.Create(logits.Slice(i)));
            for (int lane = 0; lane < width; lane++)
                max = MathF.Max(max, maxes[lane]);
        }
        for (; i < logits.Length; i++)
            max = MathF.Max(max, logits[i]);

        float scale = 1f / temperature;
        Vector256<float> maxVector = Vector256.Create(max);
        Vector256<float> scaleVector = Vector256.Create(scale);
        for (i = 0; i <= logits.Length - width; i += width)
            Vector256.Exp((Vector256.Create(logits.Slice(i)) - maxVector) * scaleVector).CopyTo(_exp.AsSpan(i));
        for (; i < logits.Length; i++)
            _exp[i] = MathF.Exp((logits[i] - max) * scale);

        Select(logits, topK);
        float total = 0f;
        for (int j = 0; j < topK; j++)
        {
            float weight = _exp[Indices[j]];
            Weights[j] = weight;
            total += weight;
        }
        return total;
    }
}
