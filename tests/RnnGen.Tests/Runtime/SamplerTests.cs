using System;
using RnnGen;
using Xunit;

namespace RnnGen.Tests.Runtime;

public sealed class SamplerTests
{
    private const int Draws = 200_000;

    // ln 1, ln 2, ln 3, ln 4: softmax gives 0.1, 0.2, 0.3, 0.4 by hand.
    private static readonly float[] Ladder = { 0f, MathF.Log(2f), MathF.Log(3f), MathF.Log(4f) };

    /// <summary>
    /// Checks draw counts against probabilities worked out by hand. Two bounds, both far from what a correct sampler
    /// produces with this fixed seed: Pearson's chi-square below the 0.999 quantile for its degrees of freedom, and
    /// every frequency within 5 standard deviations (5·√(p(1 − p)/N), at most 0.0056 for N = 200,000).
    /// </summary>
    private static void AssertFrequencies(int[] counts, double[] probabilities)
    {
        // 0.999 quantiles of chi-square with 1..5 degrees of freedom.
        double[] critical = { 10.828, 13.816, 16.266, 18.467, 20.515 };
        double chiSquare = 0;
        int cells = 0;
        for (int i = 0; i < counts.Length; i++)
        {
            double p = probabilities[i];
            if (p == 0)
            {
                Assert.True(counts[i] == 0, $"index {i} has probability 0 but was drawn {counts[i]} times");
                continue;
            }
            double expected = p * Draws;
            chiSquare += (counts[i] - expected) * (counts[i] - expected) / expected;
            cells++;
            double frequency = (double)counts[i] / Draws;
            double bound = 5 * Math.Sqrt(p * (1 - p) / Draws);
            Assert.True(Math.Abs(frequency - p) <= bound, $"index {i}: frequency {frequency:F5}, probability {p:F5}, bound {bound:F5}");
        }
        if (cells > 1)
            Assert.True(chiSquare < critical[cells - 2], $"chi-square {chiSquare:F2} with {cells - 1} degrees of freedom");
    }

    private static int[] Count(Func<Sampler, int> draw, int size, int seed = 1234)
    {
        var sampler = new Sampler(size, seed);
        var counts = new int[size];
        for (int i = 0; i < Draws; i++)
            counts[draw(sampler)]++;
        return counts;
    }

    [Fact]
    public void FrequenciesMatchSoftmax()
    {
        AssertFrequencies(Count(s => s.Sample(Ladder), 4), new[] { 0.1, 0.2, 0.3, 0.4 });
    }

    [Fact]
    public void FrequenciesMatchSoftmaxOfUnevenLogits()
    {
        // An independent softmax, in double with Math.Exp.
        float[] logits = { 1.5f, -0.25f, 0.75f, 2.0f, -3.0f, 0.0f };
        double max = 2.0, total = 0;
        var p = new double[logits.Length];
        for (int i = 0; i < p.Length; i++)
            total += p[i] = Math.Exp(logits[i] - max);
        for (int i = 0; i < p.Length; i++)
            p[i] /= total;
        AssertFrequencies(Count(s => s.Sample(logits), logits.Length, seed: 99), p);
    }

    [Fact]
    public void TemperatureScalesTheLogits()
    {
        // softmax(l / 0.5) ∝ k²: 1, 4, 9, 16 over 30. softmax(l / 2) ∝ √k.
        AssertFrequencies(Count(s => s.Sample(Ladder, 0.5f), 4), new[] { 1 / 30.0, 4 / 30.0, 9 / 30.0, 16 / 30.0 });
        double root = 1 + Math.Sqrt(2) + Math.Sqrt(3) + 2;
        AssertFrequencies(Count(s => s.Sample(Ladder, 2f), 4), new[] { 1 / root, Math.Sqrt(2) / root, Math.Sqrt(3) / root, 2 / root });
    }

    [Fact]
    public void VeryLowTemperatureIsGreedy()
    {
        var sampler = new Sampler(3, 1);
        for (int i = 0; i < 1000; i++)
            Assert.Equal(1, sampler.Sample(new[] { 1f, 1.1f, 0.9f }, 1e-3f));
    }

    [Fact]
    public void TopKRenormalizesOverTheLargest()
    {
        // Top 2 of 0.1, 0.2, 0.3, 0.4: 3/7 and 4/7.
        AssertFrequencies(Count(s => s.Sample(Ladder, 1f, topK: 2), 4), new[] { 0, 0, 3 / 7.0, 4 / 7.0 });
        AssertFrequencies(Count(s => s.Sample(Ladder, 1f, topK: 1), 4), new[] { 0, 0, 0, 1.0 });
    }

    [Fact]
    public void TopKNeverLeavesTheTopK()
    {
        var random = new Random(3);
        var sampler = new Sampler(64, 5);
        var logits = new float[64];
        for (int trial = 0; trial < 50; trial++)
        {
            for (int i = 0; i < logits.Length; i++)
                logits[i] = (float)(random.NextDouble() * 4 - 2);
            int k = 1 + trial % 10;
            float[] sorted = (float[])logits.Clone();
            Array.Sort(sorted);
            float kth = sorted[^k]; // logits are distinct with overwhelming probability
            for (int draw = 0; draw < 200; draw++)
            {
                int index = sampler.Sample(logits, 1.5f, k);
                Assert.True(logits[index] >= kth, $"trial {trial}: drew index {index} (logit {logits[index]}) outside the top {k} (threshold {kth})");
            }
        }
    }

    [Fact]
    public void TopKBreaksTiesAtTheBoundaryTowardTheLowerIndex()
    {
        // Top 2 of { 1, 2, 2, 2, 0 } is indices 1 and 2: index 3 ties with them but comes later.
        float[] logits = { 1f, 2f, 2f, 2f, 0f };
        AssertFrequencies(Count(s => s.Sample(logits, 1f, topK: 2), 5), new[] { 0, 0.5, 0.5, 0, 0 });
    }

    [Fact]
    public void TopKOfAllIsPlainSampling()
    {
        var a = new Sampler(4, 77);
        var b = new Sampler(4, 77);
        for (int i = 0; i < 1000; i++)
            Assert.Equal(a.Sample(Ladder, 0.8f), b.Sample(Ladder, 0.8f, topK: 4));
    }

    [Fact]
    public void TopPKeepsTheSmallestSetWithEnoughMass()
    {
        // Sorted: 0.4 (index 3), 0.3, 0.2, 0.1.
        AssertFrequencies(Count(s => s.SampleTopP(Ladder, 1f, 0.35f), 4), new[] { 0, 0, 0, 1.0 });
        AssertFrequencies(Count(s => s.SampleTopP(Ladder, 1f, 0.5f), 4), new[] { 0, 0, 3 / 7.0, 4 / 7.0 });
        AssertFrequencies(Count(s => s.SampleTopP(Ladder, 1f, 0.75f), 4), new[] { 0, 2 / 9.0, 3 / 9.0, 4 / 9.0 });
        AssertFrequencies(Count(s => s.SampleTopP(Ladder, 1f, 1f), 4), new[] { 0.1, 0.2, 0.3, 0.4 });
    }

    [Fact]
    public void TopPAppliesTheTemperatureFirst()
    {
        // At T = 0.5: 1/30, 4/30, 9/30, 16/30. Mass 0.6 needs 16/30 + 9/30 = 25/30; renormalized 9/25, 16/25.
        AssertFrequencies(Count(s => s.SampleTopP(Ladder, 0.5f, 0.6f), 4), new[] { 0, 0, 9 / 25.0, 16 / 25.0 });
    }

    [Fact]
    public void NegativeInfinityIsNeverDrawn()
    {
        float[] logits = { float.NegativeInfinity, 0f, float.NegativeInfinity, 0f };
        AssertFrequencies(Count(s => s.Sample(logits), 4), new[] { 0, 0.5, 0, 0.5 });
        AssertFrequencies(Count(s => s.SampleTopP(logits, 1f, 1f), 4), new[] { 0, 0.5, 0, 0.5 });
        AssertFrequencies(Count(s => s.Sample(logits, 1f, topK: 3), 4), new[] { 0, 0.5, 0, 0.5 });
    }

    [Fact]
    public void ExtremeLogitsAreStable()
    {
        var sampler = new Sampler(3, 2);
        for (int i = 0; i < 1000; i++)
        {
            Assert.Equal(0, sampler.Sample(new[] { 3e38f, -3e38f, 0f }));
            Assert.Equal(2, sampler.Sample(new[] { -1000f, -1100f, -900f }));
        }
    }

    [Fact]
    public void SameSeedSameSequenceDifferentSeedDifferentSequence()
    {
        int[] a = Sequence(42), b = Sequence(42), c = Sequence(43);
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);

        static int[] Sequence(int seed)
        {
            var sampler = new Sampler(8, seed);
            float[] logits = { 0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f, 0.7f, 0.8f };
            var draws = new int[300];
            for (int i = 0; i < draws.Length; i += 3)
            {
                draws[i] = sampler.Sample(logits);
                draws[i + 1] = sampler.Sample(logits, 0.7f, 3);
                draws[i + 2] = sampler.SampleTopP(logits, 1.2f, 0.8f);
            }
            return draws;
        }
    }

    [Fact]
    public void ReseedAndRandomStateRepeatTheSequence()
    {
        var sampler = new Sampler(4, 10);
        var draws = new int[50];
        for (int i = 0; i < draws.Length; i++)
            draws[i] = sampler.Sample(Ladder);
        sampler.Reseed(10);
        for (int i = 0; i < draws.Length; i++)
            Assert.Equal(draws[i], sampler.Sample(Ladder));

        var saved = sampler.RandomState;
        for (int i = 0; i < draws.Length; i++)
            draws[i] = sampler.SampleTopP(Ladder, 1f, 0.9f);
        sampler.RandomState = saved;
        for (int i = 0; i < draws.Length; i++)
            Assert.Equal(draws[i], sampler.SampleTopP(Ladder, 1f, 0.9f));
    }

    [Fact]
    public void ArgmaxTakesTheFirstOfEqualMaxima()
    {
        Assert.Equal(1, Sampler.Argmax(new[] { 1f, 3f, 3f, 2f }));
        Assert.Equal(0, Sampler.Argmax(new[] { 5f }));
        Assert.Equal(2, Sampler.Argmax(new[] { float.NegativeInfinity, float.NegativeInfinity, -1e30f }));
        Assert.Equal(0, Sampler.Argmax(new[] { float.NegativeInfinity, float.NegativeInfinity }));
        Assert.Equal(3, Sampler.Argmax(new[] { -2f, -1f, 0f, 0.5f }));
        Assert.Throws<ArgumentException>("logits", () => Sampler.Argmax(ReadOnlySpan<float>.Empty));
        Assert.Throws<ArgumentException>("logits", () => Sampler.Argmax(new[] { 1f, float.NaN }));
        Assert.Throws<ArgumentException>("logits", () => Sampler.Argmax(new[] { float.NaN, 1f }));
    }

    [Fact]
    public void BadArgumentsThrow()
    {
        var sampler = new Sampler(4, 0);
        Assert.Throws<ArgumentOutOfRangeException>("capacity", () => new Sampler(0, 0));
        Assert.Throws<ArgumentException>("logits", () => sampler.Sample(ReadOnlySpan<float>.Empty));
        var tooLong = Assert.Throws<ArgumentException>("logits", () => sampler.Sample(new float[5]));
        Assert.Contains("at most 4", tooLong.Message);
        Assert.Throws<ArgumentException>("logits", () => sampler.Sample(new[] { 0f, float.NaN }));
        Assert.Throws<ArgumentException>("logits", () => sampler.Sample(new[] { 0f, float.PositiveInfinity }));
        Assert.Throws<ArgumentException>("logits", () => sampler.Sample(new[] { float.NegativeInfinity, float.NegativeInfinity }));
        foreach (float t in new[] { 0f, -1f, float.NaN, float.PositiveInfinity })
        {
            Assert.Throws<ArgumentOutOfRangeException>("temperature", () => sampler.Sample(Ladder, t));
            Assert.Throws<ArgumentOutOfRangeException>("temperature", () => sampler.SampleTopP(Ladder, t, 0.9f));
        }
        Assert.Throws<ArgumentOutOfRangeException>("topK", () => sampler.Sample(Ladder, 1f, -1));
        Assert.Throws<ArgumentOutOfRangeException>("topK", () => sampler.Sample(Ladder, 1f, 5));
        foreach (float p in new[] { 0f, -0.5f, 1.01f, float.NaN })
            Assert.Throws<ArgumentOutOfRangeException>("topP", () => sampler.SampleTopP(Ladder, 1f, p));
        Assert.Throws<ArgumentException>("value", () => sampler.RandomState = (0UL, 0UL));
    }
}
