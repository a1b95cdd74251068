using System;

namespace RnnGen.Benchmarks.Baselines;

/// <summary>Creates the sequence baseline of a model's cell.</summary>
public static class SequenceBaselines
{
    /// <summary>
    /// The baseline of <paramref name="model"/>'s cell in the flavour <typeparamref name="TArithmetic"/>, with a copy of
    /// its parameters and the hyper-parameters of <paramref name="adam"/>, taking <typeparamref name="TInput"/> inputs.
    /// </summary>
    public static ISequenceBaseline<TInput> Create<TArithmetic, TInput>(IRnnModel model, AdamOptimizer adam)
        where TArithmetic : struct, IBaselineArithmetic
        where TInput : unmanaged
    {
        ArgumentNullException.ThrowIfNull(model);
        SequenceBaseline<TArithmetic> baseline = model.Cell switch
        {
            CellKind.Rnn => new RnnSequence<TArithmetic>(model, adam),
            CellKind.Lstm => new LstmSequence<TArithmetic>(model, adam),
            CellKind.Gru => new GruSequence<TArithmetic>(model, adam),
            _ => throw new ArgumentException($"No sequence baseline for {model.Cell}.", nameof(model)),
        };
        return baseline as ISequenceBaseline<TInput>
            ?? throw new NotSupportedException($"A baseline's inputs are float (dense) or int (token ids), not {typeof(TInput).Name}.");
    }
}
