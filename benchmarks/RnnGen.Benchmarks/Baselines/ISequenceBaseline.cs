using System;

namespace RnnGen.Benchmarks.Baselines;

/// <summary>
/// A hand-written implementation of one cell with a softmax head over a window of steps, compared with the generated
/// model's <c>Forward</c> and training step. It holds its own copy of the parameters, under PyTorch's names.
/// </summary>
/// <typeparam name="TInput"><see cref="float"/> for dense inputs (InputSize per step), <see cref="int"/> for token ids (one per step).</typeparam>
public interface ISequenceBaseline<TInput>
    where TInput : unmanaged
{
    /// <summary>Runs a window of 1 to SequenceLength steps from a zero state and writes T × OutputSize logits.</summary>
    void Forward(ReadOnlySpan<TInput> inputs, Span<float> logits);

    /// <summary>
    /// One training step on a window of 1 to SequenceLength steps from a zero state: zeroes the gradients, runs
    /// forward, backpropagates the mean softmax cross-entropy over the steps (one target class per step) through
    /// time, and takes one Adam step over every parameter. Returns the loss.
    /// </summary>
    float Train(ReadOnlySpan<TInput> inputs, ReadOnlySpan<int> targets);

    /// <summary>The tensor PyTorch calls <paramref name="name"/> (<c>weight_ih_l0</c>, …, <c>head.bias</c>).</summary>
    /// <exception cref="ArgumentException">No tensor has that name.</exception>
    BaselineTensor Tensor(string name);
}
