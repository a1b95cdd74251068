using System;

namespace RnnGen.Benchmarks.Baselines;

/// <summary>
/// The top-k draw of <see cref="SampleBaseline"/> without SIMD: the selection, then <see cref="MathF.Exp"/> of the k
/// selected logits (the first selected is the largest) and their sum in a plain loop.
/// </summary>
public sealed class ScalarSampler(int capacity, int seed) : SampleBaseline(capacity, seed)
{
    /// <inheritdoc />
    protected override float Weigh(ReadOnlySpan<float> logits, float temperature, int topK)
    {
        Select(logits, topK);
        float max = logits[Indices[0]];
        float total = 0f;
        for (int j = 0; j < topK; j++)
        {
            float weight = MathF.Exp((logits[Indices[j]] - max) / temperature);
            Weights[j] = weight;
            total += weight;
        }
        return total;
    }
}
