using System;

namespace RnnGen;

/// <summary>Seeded parameter initialization, reproducible bit for bit.</summary>
public static class ParameterInitializer
{
    /// <summary>Fills <paramref name="values"/> with uniform samples in [−<paramref name="bound"/>, <paramref name="bound"/>).</summary>
    public static void Uniform(Span<float> values, float bound, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        if (!(bound >= 0) || float.IsInfinity(bound))
            throw new ArgumentOutOfRangeException(nameof(bound), bound, "The bound must be finite and non-negative.");
        for (int i = 0; i < values.Length; i++)
            values[i] = (float)((random.NextDouble() * 2.0 - 1.0) * bound);
    }

    /// <summary>
    /// Fills <paramref name="values"/> with normal samples of mean 0 and the given standard deviation (Box–Muller on
    /// <paramref name="random"/>'s doubles, two values per pair of draws), PyTorch's default for <c>nn.Embedding</c>.
    /// </summary>
    public static void Normal(Span<float> values, float standardDeviation, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        if (!(standardDeviation >= 0) || float.IsInfinity(standardDeviation))
            throw new ArgumentOutOfRangeException(nameof(standardDeviation), standardDeviation, "The standard deviation must be finite and non-negative.");
        for (int i = 0; i < values.Length; i += 2)
        {
            double radius = Math.Sqrt(-2.0 * Math.Log(1.0 - random.NextDouble()));
            double angle = 2.0 * Math.PI * random.NextDouble();
            values[i] = (float)(radius * Math.Cos(angle) * standardDeviation);
            if (i + 1 < values.Length)
                values[i + 1] = (float)(radius * Math.Sin(angle) * standardDeviation);
        }
    }

    /// <summary>
    /// PyTorch's default for <c>nn.RNN</c>/<c>nn.LSTM</c>/<c>nn.GRU</c> and <c>nn.Linear</c> fed by the hidden state:
    /// every parameter uniform in ±1/sqrt(<paramref name="hiddenSize"/>), drawn from <c>new Random(seed)</c> in buffer order.
    /// </summary>
    public static void PyTorchDefault(Span<float> parameters, int hiddenSize, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(hiddenSize);
        Uniform(parameters, 1f / MathF.Sqrt(hiddenSize), new Random(seed));
    }
}
