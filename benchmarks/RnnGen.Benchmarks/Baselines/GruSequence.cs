using System;

namespace RnnGen.Benchmarks.Baselines;

/// <summary>
/// PyTorch's GRU with a softmax head over a window (see <see cref="SequenceBaseline{TArithmetic}"/>), gate rows
/// r, z, n: r = σ(W_ir x + b_ir + W_hr h + b_hr), z = σ(W_iz x + b_iz + W_hz h + b_hz),
/// n = tanh(W_in x + b_in + r·(W_hn h + b_hn)), h' = (1 − z)·n + z·h. It keeps every step's r, z, n and W_hn h + b_hn
/// for the backward pass, where the two sides' δ differ in the n rows (the recurrent side is seen through r) and
/// dL/dh' · z flows to h directly.
/// </summary>
/// <typeparam name="TArithmetic"><see cref="ScalarArithmetic"/> or <see cref="VectorArithmetic"/>.</typeparam>
public sealed class GruSequence<TArithmetic> : SequenceBaseline<TArithmetic>
    where TArithmetic : struct, IBaselineArithmetic
{
    private const int Gates = 3;

    private readonly float[] _gates;      // r, z, n of every step: [SequenceLength × 3H]
    private readonly float[] _candidates; // W_hn·h + b_hn of every step: [SequenceLength × H]

    /// <summary>Copies the weights of <paramref name="model"/> (a one-layer GRU with a softmax head); Adam as <paramref name="adam"/>.</summary>
    public GruSequence(IRnnModel model, AdamOptimizer adam)
        : base(model, CellKind.Gru, Gates, adam)
    {
        _gates = new float[SequenceLength * Gates * HiddenSize];
        _candidates = new float[SequenceLength * HiddenSize];
    }

    /// <inheritdoc />
    protected override void ForwardCell(int t, ReadOnlySpan<float> inputGates, ReadOnlySpan<float> recurrentGates, ReadOnlySpan<float> previous, Span<float> hidden)
    {
        int h = HiddenSize;
        Span<float> gates = _gates.AsSpan(t * Gates * h, Gates * h);
        for (int r = 0; r < 2 * h; r++)
            gates[r] = inputGates[r] + recurrentGates[r];
        TArithmetic.Sigmoid(gates.Slice(0, 2 * h)); // r, z

        Span<float> candidate = _candidates.AsSpan(t * h, h);
        recurrentGates.Slice(2 * h, h).CopyTo(candidate);
        Span<float> n = gates.Slice(2 * h, h);
        for (int j = 0; j < h; j++)
            n[j] = inputGates[2 * h + j] + gates[j] * candidate[j];
        TArithmetic.Tanh(n);
        for (int j = 0; j < h; j++)
        {
            float z = gates[h + j];
            hidden[j] = (1f - z) * n[j] + z * previous[j];
        }
    }

    /// <inheritdoc />
    protected override void BackwardCell(int t, ReadOnlySpan<float> previous, ReadOnlySpan<float> hidden, ReadOnlySpan<float> hiddenDelta,
        Span<float> inputDelta, Span<float> recurrentDelta, Span<float> previousHiddenDelta)
    {
        int h = HiddenSize;
        ReadOnlySpan<float> gates = _gates.AsSpan(t * Gates * h, Gates * h);
        ReadOnlySpan<float> candidate = _candidates.AsSpan(t * h, h);
        for (int j = 0; j < h; j++)
        {
            float r = gates[j], z = gates[h + j], n = gates[2 * h + j];
            float d = hiddenDelta[j];
            float dn = d * (1f - z) * (1f - n * n);
            float dr = dn * candidate[j] * r * (1f - r);
            float dz = d * (previous[j] - n) * z * (1f - z);
            inputDelta[j] = recurrentDelta[j] = dr;
            inputDelta[h + j] = recurrentDelta[h + j] = dz;
            inputDelta[2 * h + j] = dn;
            recurrentDelta[2 * h + j] = dn * r;
            previousHiddenDelta[j] = d * z;
        }
    }
}
