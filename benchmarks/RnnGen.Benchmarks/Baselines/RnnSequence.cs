using System;

namespace RnnGen.Benchmarks.Baselines;

/// <summary>
/// A vanilla tanh RNN with a softmax head over a window (see <see cref="SequenceBaseline{TArithmetic}"/>):
/// h_t = tanh(W_ih·x_t + b_ih + W_hh·h_{t−1} + b_hh), logits_t = W_o·h_t + b_o. Backward: δ = dL/dh_t · (1 − h_t²),
/// the same for both sides.
/// </summary>
/// <typeparam name="TArithmetic"><see cref="ScalarArithmetic"/> or <see cref="VectorArithmetic"/>.</typeparam>
public sealed class RnnSequence<TArithmetic> : SequenceBaseline<TArithmetic>
    where TArithmetic : struct, IBaselineArithmetic
{
    private const int Gates = 1;

    /// <summary>Copies the weights of <paramref name="model"/> (a one-layer vanilla RNN with a softmax head); Adam as <paramref name="adam"/>.</summary>
    public RnnSequence(IRnnModel model, AdamOptimizer adam)
        : base(model, CellKind.Rnn, Gates, adam)
    {
    }

    /// <inheritdoc />
    protected override void ForwardCell(int t, ReadOnlySpan<float> inputGates, ReadOnlySpan<float> recurrentGates, ReadOnlySpan<float> previous, Span<float> hidden)
    {
        for (int j = 0; j < hidden.Length; j++)
            hidden[j] = inputGates[j] + recurrentGates[j];
        TArithmetic.Tanh(hidden);
    }

    /// <inheritdoc />
    protected override void BackwardCell(int t, ReadOnlySpan<float> previous, ReadOnlySpan<float> hidden, ReadOnlySpan<float> hiddenDelta,
        Span<float> inputDelta, Span<float> recurrentDelta, Span<float> previousHiddenDelta)
    {
        for (int j = 0; j < hidden.Length; j++)
            inputDelta[j] = hiddenDelta[j] * (1f - hidden[j] * hidden[j]);
        inputDelta.CopyTo(recurrentDelta);
        previousHiddenDelta.Clear();
    }
}
