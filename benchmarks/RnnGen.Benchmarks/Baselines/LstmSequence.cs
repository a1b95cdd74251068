using System;

namespace RnnGen.Benchmarks.Baselines;

/// <summary>
/// PyTorch's LSTM with a softmax head over a window (see <see cref="SequenceBaseline{TArithmetic}"/>), gate rows
/// i, f, g, o: gates = W_ih·x_t + b_ih + W_hh·h_{t−1} + b_hh; i, f, o = σ(·), g = tanh(·); c_t = f·c_{t−1} + i·g;
/// h_t = o·tanh(c_t). It keeps every step's gates, c_t and tanh(c_t) for the backward pass, which carries dL/dc
/// from step to step; both sides get the same δ.
/// </summary>
/// <typeparam name="TArithmetic"><see cref="ScalarArithmetic"/> or <see cref="VectorArithmetic"/>.</typeparam>
public sealed class LstmSequence<TArithmetic> : SequenceBaseline<TArithmetic>
    where TArithmetic : struct, IBaselineArithmetic
{
    private const int Gates = 4;

    private readonly float[] _gates;     // i, f, g, o of every step: [SequenceLength × 4H]
    private readonly float[] _cells;     // c_0 = 0, then c after every step: [(SequenceLength + 1) × H]
    private readonly float[] _cellTanh;  // tanh(c) of every step: [SequenceLength × H]
    private readonly float[] _cellDelta; // dL/dc flowing back in time

    /// <summary>Copies the weights of <paramref name="model"/> (a one-layer LSTM with a softmax head); Adam as <paramref name="adam"/>.</summary>
    public LstmSequence(IRnnModel model, AdamOptimizer adam)
        : base(model, CellKind.Lstm, Gates, adam)
    {
        _gates = new float[SequenceLength * Gates * HiddenSize];
        _cells = new float[(SequenceLength + 1) * HiddenSize];
        _cellTanh = new float[SequenceLength * HiddenSize];
        _cellDelta = new float[HiddenSize];
    }

    /// <inheritdoc />
    protected override void ForwardCell(int t, ReadOnlySpan<float> inputGates, ReadOnlySpan<float> recurrentGates, ReadOnlySpan<float> previous, Span<float> hidden)
    {
        int h = HiddenSize;
        Span<float> gates = _gates.AsSpan(t * Gates * h, Gates * h);
        for (int r = 0; r < gates.Length; r++)
            gates[r] = inputGates[r] + recurrentGates[r];
        TArithmetic.Sigmoid(gates.Slice(0, 2 * h)); // i, f
        TArithmetic.Tanh(gates.Slice(2 * h, h));    // g
        TArithmetic.Sigmoid(gates.Slice(3 * h, h)); // o

        ReadOnlySpan<float> cell = _cells.AsSpan(t * h, h);
        Span<float> next = _cells.AsSpan((t + 1) * h, h);
        Span<float> cellTanh = _cellTanh.AsSpan(t * h, h);
        for (int j = 0; j < h; j++)
            next[j] = gates[h + j] * cell[j] + gates[j] * gates[2 * h + j];
        next.CopyTo(cellTanh);
        TArithmetic.Tanh(cellTanh);
        for (int j = 0; j < h; j++)
            hidden[j] = gates[3 * h + j] * cellTanh[j];
    }

    /// <inheritdoc />
    protected override void BackwardCell(int t, ReadOnlySpan<float> previous, ReadOnlySpan<float> hidden, ReadOnlySpan<float> hiddenDelta,
        Span<float> inputDelta, Span<float> recurrentDelta, Span<float> previousHiddenDelta)
    {
        int h = HiddenSize;
        ReadOnlySpan<float> gates = _gates.AsSpan(t * Gates * h, Gates * h);
        ReadOnlySpan<float> cell = _cells.AsSpan(t * h, h);
        ReadOnlySpan<float> cellTanh = _cellTanh.AsSpan(t * h, h);
        for (int j = 0; j < h; j++)
        {
            float i = gates[j], f = gates[h + j], g = gates[2 * h + j], o = gates[3 * h + j];
            float dc = _cellDelta[j] + hiddenDelta[j] * o * (1f - cellTanh[j] * cellTanh[j]);
            inputDelta[j] = dc * g * i * (1f - i);
            inputDelta[h + j] = dc * cell[j] * f * (1f - f);
            inputDelta[2 * h + j] = dc * i * (1f - g * g);
            inputDelta[3 * h + j] = hiddenDelta[j] * cellTanh[j] * o * (1f - o);
            _cellDelta[j] = dc * f;
        }
        inputDelta.CopyTo(recurrentDelta);
        previousHiddenDelta.Clear();
    }

    /// <inheritdoc />
    protected override void BeginBackward() => Array.Clear(_cellDelta);
}
