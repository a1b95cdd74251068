using System;

namespace RnnGen;

/// <summary>
/// Updates a parameter buffer from its gradients, one step at a time, with the update rule of a PyTorch
/// <c>torch.optim</c> optimizer. State (moments, sums, momentum) is sized once, at construction, for
/// <see cref="ParameterCount"/> parameters; <see cref="Step"/> does not allocate.
/// </summary>
/// <remarks>
/// For checkpoints, the state is a number of per-parameter buffers (<see cref="StateBufferCount"/>, named as PyTorch
/// names them in <c>optimizer.state</c>) plus <see cref="StepCount"/>: save each <see cref="GetStateBuffer"/> and
/// the step count, and give them back to <see cref="LoadState"/>.
/// </remarks>
public interface IOptimizer
{
    /// <summary>Number of parameters the optimizer updates; both spans given to <see cref="Step"/> have this length.</summary>
    int ParameterCount { get; }

    /// <summary>Number of steps taken since construction or the last <see cref="Reset"/>.</summary>
    long StepCount { get; }

    /// <summary>The learning rate (PyTorch's <c>lr</c>). It may be changed between steps, e.g. by a schedule.</summary>
    /// <exception cref="ArgumentOutOfRangeException">On set: the value is negative, infinite or NaN.</exception>
    float LearningRate { get; set; }

    /// <summary>Updates <paramref name="parameters"/> in place from <paramref name="gradients"/>.</summary>
    /// <param name="parameters">The parameters, <see cref="ParameterCount"/> floats.</param>
    /// <param name="gradients">Their gradients, <see cref="ParameterCount"/> floats; not modified.</param>
    /// <exception cref="ArgumentException">A span's length is not <see cref="ParameterCount"/>.</exception>
    void Step(Span<float> parameters, ReadOnlySpan<float> gradients);

    /// <summary>Zeroes the state buffers and <see cref="StepCount"/>; the hyperparameters, learning rate included, stay as they are.</summary>
    void Reset();

    /// <summary>Number of per-parameter state buffers, each <see cref="ParameterCount"/> floats long.</summary>
    int StateBufferCount { get; }

    /// <summary>PyTorch's name for state buffer <paramref name="index"/> (e.g. <c>exp_avg</c>).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is not in [0, <see cref="StateBufferCount"/>).</exception>
    string GetStateBufferName(int index);

    /// <summary>A read-only view of state buffer <paramref name="index"/>; it changes as steps are taken.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is not in [0, <see cref="StateBufferCount"/>).</exception>
    ReadOnlySpan<float> GetStateBuffer(int index);

    /// <summary>
    /// Restores saved state: the step count and every state buffer, one after the other in index order
    /// (<see cref="StateBufferCount"/> × <see cref="ParameterCount"/> floats).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="stepCount"/> is negative.</exception>
    /// <exception cref="ArgumentException"><paramref name="stateBuffers"/> has the wrong length.</exception>
    void LoadState(long stepCount, ReadOnlySpan<float> stateBuffers);
}
