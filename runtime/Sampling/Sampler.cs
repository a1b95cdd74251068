using System;
using System.Diagnostics.CodeAnalysis;

namespace RnnGen;

/// <summary>
/// Picks the next token from a model's logits: greedily (<see cref="Argmax"/>), from softmax(logits / temperature)
/// (<see cref="Sample"/>, optionally among the top k), or by nucleus sampling (<see cref="SampleTopP"/>).
/// </summary>
/// <remarks>
/// <para>
/// Seeded and reproducible bit for bit on every machine: randomness comes from <see cref="Xoroshiro128StarStar"/>,
/// and the softmax uses an exponential built from IEEE operations only, not the platform's math library. Every
/// <see cref="Sample"/> and <see cref="SampleTopP"/> call draws exactly one random number.
/// </para>
/// <para>
/// Scratch buffers are sized once, for logits of up to <see cref="Capacity"/> elements; no call allocates. Not
/// thread-safe: use one sampler per thread.
/// </para>
/// <para>
/// A logit of −∞ means the token is never picked (probability 0); NaN and +∞ are rejected. Weights are computed in
/// double; a token whose weight relative to the largest one is below e^−708 counts as probability 0.
/// </para>
/// </remarks>
public sealed class Sampler
{
    private readonly double[] _weights;
    private readonly int[] _indices;
    private readonly ulong[] _keys;
    private readonly Xoroshiro128StarStar _random;

    /// <summary>Creates a sampler for logits of up to <paramref name="capacity"/> elements, seeded with <paramref name="seed"/>.</summary>
    /// <param name="capacity">The largest number of logits a call takes, usually the model's OutputSize; positive.</param>
    /// <param name="seed">The seed of the random sequence (see <see cref="Xoroshiro128StarStar.Reseed"/>).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="capacity"/> is not positive.</exception>
    public Sampler(int capacity, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        Capacity = capacity;
        _weights = new double[capacity];
        _indices = new int[capacity];
        _keys = new ulong[capacity];
        _random = new Xoroshiro128StarStar(seed);
    }

    /// <summary>The largest number of logits a call takes.</summary>
    public int Capacity { get; }

    /// <summary>Restarts the random sequence from <paramref name="seed"/>, as a new sampler with that seed would have it.</summary>
    public void Reseed(int seed) => _random.Reseed(seed);

    /// <summary>The random generator's position. Save it and set it back to continue the same sequence of draws.</summary>
    /// <exception cref="ArgumentException">On set: both halves are zero.</exception>
    public (ulong S0, ulong S1) RandomState
    {
        get => _random.State;
        set => _random.State = value;
    }

    /// <summary>The index of the largest logit; the first one if several are equal. Draws no random number.</summary>
    /// <exception cref="ArgumentException"><paramref name="logits"/> is empty or holds a NaN.</exception>
    public static int Argmax(ReadOnlySpan<float> logits)
    {
        if (logits.IsEmpty)
            throw new ArgumentException("logits is empty: give at least one logit.", nameof(logits));
        int best = 0;
        float max = logits[0];
        if (float.IsNaN(max))
            ThrowNaN(0);
        for (int i = 1; i < logits.Length; i++)
        {
            float l = logits[i];
            if (l > max)
            {
                max = l;
                best = i;
            }
            else if (float.IsNaN(l))
            {
                ThrowNaN(i);
            }
        }
        return best;
    }

    /// <summary>
    /// Draws an index from softmax(<paramref name="logits"/> / <paramref name="temperature"/>), computed stably
    /// (the largest logit is subtracted first). With <paramref name="topK"/> &gt; 0, only the <paramref name="topK"/>
    /// largest logits can be drawn (ties at the boundary go to the lower index), renormalized among themselves.
    /// </summary>
    /// <param name="logits">1 to <see cref="Capacity"/> logits; no NaN or +∞.</param>
    /// <param name="temperature">Divides the logits: below 1 sharpens the distribution, above 1 flattens it; finite and positive.</param>
    /// <param name="topK">How many of the largest logits to keep; 0 (or the length) keeps all.</param>
    /// <returns>An index into <paramref name="logits"/>.</returns>
    /// <exception cref="ArgumentException">The logits are empty, longer than <see cref="Capacity"/>, hold NaN or +∞, or are all −∞.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="temperature"/> or <paramref name="topK"/> is outside its range.</exception>
    public int Sample(ReadOnlySpan<float> logits, float temperature = 1f, int topK = 0)
    {
        float max = CheckLogits(logits);
        CheckTemperature(temperature);
        if (topK < 0 || topK > logits.Length)
            throw new ArgumentOutOfRangeException(nameof(topK), topK, $"topK must be in [0, {logits.Length}] (0 keeps every logit).");
        return topK == 0 || topK == logits.Length
            ? SampleAll(logits, max, temperature)
            : SampleTopK(logits, max, temperature, topK);
    }

    /// <summary>
    /// Nucleus sampling: applies the temperature, keeps the smallest set of most probable indices whose probability
    /// adds up to at least <paramref name="topP"/> (ties in probability go to the lower index), and draws from that
    /// set renormalized.
    /// </summary>
    /// <param name="logits">1 to <see cref="Capacity"/> logits; no NaN or +∞.</param>
    /// <param name="temperature">Divides the logits; finite and positive.</param>
    /// <param name="topP">The probability mass to keep, in (0, 1]; 1 keeps every index.</param>
    /// <returns>An index into <paramref name="logits"/>.</returns>
    /// <exception cref="ArgumentException">The logits are empty, longer than <see cref="Capacity"/>, hold NaN or +∞, or are all −∞.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="temperature"/> or <paramref name="topP"/> is outside its range.</exception>
    public int SampleTopP(ReadOnlySpan<float> logits, float temperature, float topP)
    {
        float max = CheckLogits(logits);
        CheckTemperature(temperature);
        if (!(topP > 0f && topP <= 1f))
            throw new ArgumentOutOfRangeException(nameof(topP), topP, "topP must be in (0, 1].");

        int n = logits.Length;
        Span<double> weights = _weights.AsSpan(0, n);
        Span<ulong> keys = _keys.AsSpan(0, n);
        double total = 0;
        for (int i = 0; i < n; i++)
        {
            double w = Weight(logits[i], max, temperature);
            weights[i] = w;
            total += w;
            // Sorting these unique keys ascending orders by logit descending, then index ascending,
            // whatever algorithm the sort uses.
            keys[i] = ((ulong)DescendingKey(logits[i]) << 32) | (uint)i;
        }
        keys.Sort();

        double threshold = topP * total;
        double kept = 0;
        int count = 0;
        while (count < n)
        {
            kept += weights[(int)(uint)keys[count]];
            count++;
            if (kept >= threshold)
                break;
        }

        double u = _random.NextDouble() * kept;
        double cumulative = 0;
        int last = (int)(uint)keys[0];
        for (int j = 0; j < count; j++)
        {
            int index = (int)(uint)keys[j];
            double w = weights[index];
            if (w > 0)
            {
                cumulative += w;
                last = index;
                if (u < cumulative)
                    return index;
            }
        }
        return last;
    }

    private int SampleAll(ReadOnlySpan<float> logits, float max, float temperature)
    {
        Span<double> weights = _weights.AsSpan(0, logits.Length);
        double total = 0;
        for (int i = 0; i < weights.Length; i++)
        {
            double w = Weight(logits[i], max, temperature);
            weights[i] = w;
            total += w;
        }
        return Pick(weights, null, _random.NextDouble() * total);
    }

    private int SampleTopK(ReadOnlySpan<float> logits, float max, float temperature, int k)
    {
        // A heap of the k best indices seen so far, worst at the root: O(n log k), no full sort.
        Span<int> heap = _indices.AsSpan(0, k);
        for (int i = 0; i < k; i++)
        {
            heap[i] = i;
            SiftUp(heap, i, logits);
        }
        for (int i = k; i < logits.Length; i++)
        {
            if (Better(logits, i, heap[0]))
            {
                heap[0] = i;
                SiftDown(heap, logits);
            }
        }
        heap.Sort(); // index order, so the draw does not depend on the heap's internal order

        Span<double> weights = _weights.AsSpan(0, k);
        double total = 0;
        for (int j = 0; j < k; j++)
        {
            double w = Weight(logits[heap[j]], max, temperature);
            weights[j] = w;
            total += w;
        }
        return Pick(weights, _indices, _random.NextDouble() * total);
    }

    /// <summary>The first position whose cumulative weight exceeds <paramref name="u"/>, mapped through <paramref name="indices"/> if given.</summary>
    private static int Pick(ReadOnlySpan<double> weights, int[]? indices, double u)
    {
        double cumulative = 0;
        int last = -1;
        for (int j = 0; j < weights.Length; j++)
        {
            double w = weights[j];
            if (w > 0)
            {
                cumulative += w;
                last = j;
                if (u < cumulative)
                    break;
            }
        }
        // u can round up to the total; then the last index with positive weight is the draw.
        return indices is null ? last : indices[last];
    }

    private static double Weight(float logit, float max, float temperature) =>
        DeterministicMath.ExpNonPositive(((double)logit - max) / temperature);

    /// <summary>Maps a float to a uint whose ascending order is the float's descending order.</summary>
    private static uint DescendingKey(float value)
    {
        uint bits = BitConverter.SingleToUInt32Bits(value);
        uint ascending = (bits & 0x8000_0000u) != 0 ? ~bits : bits | 0x8000_0000u;
        return ~ascending;
    }

    private static bool Better(ReadOnlySpan<float> logits, int a, int b) =>
        logits[a] > logits[b] || (logits[a] == logits[b] && a < b);

    private static void SiftUp(Span<int> heap, int position, ReadOnlySpan<float> logits)
    {
        while (position > 0)
        {
            int parent = (position - 1) >> 1;
            if (!Better(logits, heap[parent], heap[position]))
                break;
            (heap[parent], heap[position]) = (heap[position], heap[parent]);
            position = parent;
        }
    }

    private static void SiftDown(Span<int> heap, ReadOnlySpan<float> logits)
    {
        int position = 0;
        while (true)
        {
            int child = 2 * position + 1;
            if (child >= heap.Length)
                break;
            if (child + 1 < heap.Length && Better(logits, heap[child], heap[child + 1]))
                child++;
            if (!Better(logits, heap[position], heap[child]))
                break;
            (heap[position], heap[child]) = (heap[child], heap[position]);
            position = child;
        }
    }

    private float CheckLogits(ReadOnlySpan<float> logits)
    {
        if (logits.IsEmpty)
            throw new ArgumentException("logits is empty: give at least one logit.", nameof(logits));
        if (logits.Length > Capacity)
            throw new ArgumentException(
                $"logits has {logits.Length} elements; this sampler was created for at most {Capacity}.", nameof(logits));
        float max = float.NegativeInfinity;
        for (int i = 0; i < logits.Length; i++)
        {
            float l = logits[i];
            if (float.IsNaN(l) || float.IsPositiveInfinity(l))
                ThrowLogit(i, l);
            if (l > max)
                max = l;
        }
        if (float.IsNegativeInfinity(max))
            throw new ArgumentException("Every logit is −∞: no index has a positive probability.", nameof(logits));
        return max;
    }

    private static void CheckTemperature(float temperature)
    {
        if (!(temperature > 0f) || float.IsPositiveInfinity(temperature))
            throw new ArgumentOutOfRangeException(nameof(temperature), temperature, "The temperature must be finite and positive.");
    }

    [DoesNotReturn]
    private static void ThrowNaN(int index) =>
        throw new ArgumentException($"logits[{index}] is NaN.", "logits");

    [DoesNotReturn]
    private static void ThrowLogit(int index, float value) =>
        throw new ArgumentException($"logits[{index}] is {value}; logits must be finite or −∞.", "logits");
}
