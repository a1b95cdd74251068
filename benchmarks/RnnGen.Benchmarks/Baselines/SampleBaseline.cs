using System;

namespace RnnGen.Benchmarks.Baselines;

/// <summary>
/// What a person writes to draw a token from softmax(logits / temperature) among the top k logits, compared with the
/// runtime's <see cref="Sampler"/>: pick the k largest logits by a partial selection sort (k passes over the logits,
/// each taking the largest one not taken yet; a tie goes to the lower index, as in <see cref="Sampler"/>), weigh them
/// e^{(logit − max)/temperature} in float (<see cref="Weigh"/>, the part the two flavours do differently), then draw
/// with one uniform float from a seeded <see cref="Random"/>: the first of the k (in selection order) whose
/// cumulative weight exceeds u · Σ weights. Each token then has probability weight / Σ weights, as with
/// <see cref="Sampler"/>, though not the same draws (another generator, another order). Buffers are sized once, for
/// up to <c>capacity</c> logits; a draw allocates nothing. No argument checks: the logits are finite.
/// </summary>
public abstract class SampleBaseline
{
    private readonly bool[] _taken;
    private Random _random;

    /// <summary>Creates the buffers for up to <paramref name="capacity"/> logits and seeds the generator with <paramref name="seed"/>.</summary>
    protected SampleBaseline(int capacity, int seed)
    {
        _taken = new bool[capacity];
        Indices = new int[capacity];
        Weights = new float[capacity];
        _random = new Random(seed);
    }

    /// <summary>The selected indices, largest logit first (the first k are valid after <see cref="Select"/>).</summary>
    protected int[] Indices { get; }

    /// <summary>The weight of each selected index, in the order of <see cref="Indices"/>.</summary>
    protected float[] Weights { get; }

    /// <summary>Restarts the random sequence from <paramref name="seed"/> (allocates a new generator: not for a measured call).</summary>
    public void Reseed(int seed) => _random = new Random(seed);

    /// <summary>One draw from softmax(<paramref name="logits"/> / <paramref name="temperature"/>) among the <paramref name="topK"/> largest.</summary>
    public int Sample(ReadOnlySpan<float> logits, float temperature, int topK)
    {
        float u = _random.NextSingle() * Weigh(logits, temperature, topK);
        float cumulative = 0f;
        for (int j = 0; j < topK; j++)
        {
            cumulative += Weights[j];
            if (u < cumulative)
                return Indices[j];
        }
        return Indices[topK - 1]; // u rounded up to the total
    }

    /// <summary>
    /// The probability <see cref="Sample"/> gives each of the logits (0 outside the top k), computed by the same
    /// <see cref="Weigh"/>: for the check, not measured.
    /// </summary>
    public void Probabilities(ReadOnlySpan<float> logits, float temperature, int topK, Span<double> probabilities)
    {
        float total = Weigh(logits, temperature, topK);
        probabilities.Clear();
        for (int j = 0; j < topK; j++)
            probabilities[Indices[j]] = Weights[j] / total;
    }

    /// <summary>
    /// Selects the <paramref name="topK"/> largest logits into <see cref="Indices"/>, writes their weights
    /// e^{(logit − max)/temperature} to <see cref="Weights"/> and returns the sum of the weights.
    /// </summary>
    protected abstract float Weigh(ReadOnlySpan<float> logits, float temperature, int topK);

    /// <summary>
    /// The partial selection sort: <see cref="Indices"/>[0..k) are the indices of the k largest logits, largest first;
    /// of equal logits the lower index comes first.
    /// </summary>
    protected void Select(ReadOnlySpan<float> logits, int topK)
    {
        Span<bool> taken = _taken.AsSpan(0, logits.Length);
        taken.Clear();
        for (int j = 0; j < topK; j++)
        {
            int best = -1;
            for (int i = 0; i < logits.Length; i++)
            {
                if (!taken[i] && (best < 0 || logits[i] > logits[best]))
                    best = i;
            }
            taken[best] = true;
            Indices[j] = best;
        }
    }
}
