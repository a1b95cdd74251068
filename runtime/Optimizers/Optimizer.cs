using System;

namespace RnnGen;

/// <summary>
/// What the optimizers share: the parameter count, the step count, the learning rate, and the per-parameter state
/// buffers — named as PyTorch names them in <c>optimizer.state</c> — that checkpoints save and restore. Each optimizer
/// adds only its update rule.
/// </summary>
public abstract class Optimizer : IOptimizer
{
    private readonly string[] _stateBufferNames;
    private readonly float[] _state;
    private float _learningRate;

    /// <summary>Validates the shared arguments and allocates one zeroed buffer per name, once.</summary>
    private protected Optimizer(int parameterCount, float learningRate, params string[] stateBufferNames)
    {
        OptimizerArguments.ParameterCount(parameterCount, Math.Max(1, stateBufferNames.Length));
        OptimizerArguments.NonNegative(learningRate, nameof(learningRate));
        ParameterCount = parameterCount;
        _stateBufferNames = stateBufferNames;
        _state = new float[stateBufferNames.Length * parameterCount];
        _learningRate = learningRate;
    }

    /// <inheritdoc />
    public int ParameterCount { get; }

    /// <inheritdoc />
    public long StepCount { get; private set; }

    /// <inheritdoc />
    public float LearningRate
    {
        get => _learningRate;
        set
        {
            OptimizerArguments.NonNegative(value, nameof(value));
            _learningRate = value;
            OnLearningRateChanged();
        }
    }

    /// <inheritdoc />
    public int StateBufferCount => _stateBufferNames.Length;

    /// <inheritdoc />
    public string GetStateBufferName(int index)
    {
        OptimizerArguments.Index(index, StateBufferCount);
        return _stateBufferNames[index];
    }

    /// <inheritdoc />
    public ReadOnlySpan<float> GetStateBuffer(int index)
    {
        OptimizerArguments.Index(index, StateBufferCount);
        return StateBuffer(index);
    }

    /// <inheritdoc />
    public void LoadState(long stepCount, ReadOnlySpan<float> stateBuffers)
    {
        OptimizerArguments.State(stepCount, stateBuffers.Length, _state.Length);
        stateBuffers.CopyTo(_state);
        StepCount = stepCount;
    }

    /// <inheritdoc />
    public void Reset()
    {
        Array.Clear(_state);
        StepCount = 0;
    }

    /// <inheritdoc />
    public abstract void Step(Span<float> parameters, ReadOnlySpan<float> gradients);

    /// <summary>State buffer <paramref name="index"/>, <see cref="ParameterCount"/> floats, writable by the update rule.</summary>
    private protected Span<float> StateBuffer(int index) => _state.AsSpan(index * ParameterCount, ParameterCount);

    /// <summary>Called by <see cref="Step"/> implementations once the update is applied.</summary>
    private protected void CountStep() => StepCount++;

    /// <summary>Lets an optimizer cache values derived from the learning rate.</summary>
    private protected virtual void OnLearningRateChanged()
    {
    }
}
