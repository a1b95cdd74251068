using System;

namespace RnnGen.Benchmarks.Baselines;

/// <summary>
/// One parameter tensor of a sequence baseline, in PyTorch's layout: its values, the gradient of the last training
/// window and Adam's two moments, each in an array of its own.
/// </summary>
public sealed class BaselineTensor
{
    private readonly float[] _values;
    private readonly float[] _gradient;
    private readonly float[] _firstMoment;
    private readonly float[] _secondMoment;

    /// <summary>Copies <paramref name="values"/>; the gradient and the moments start at zero.</summary>
    public BaselineTensor(string name, ReadOnlySpan<float> values)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        Name = name;
        _values = values.ToArray();
        _gradient = new float[values.Length];
        _firstMoment = new float[values.Length];
        _secondMoment = new float[values.Length];
    }

    /// <summary>PyTorch's name for the tensor.</summary>
    public string Name { get; }

    /// <summary>The parameters.</summary>
    public Span<float> Values => _values;

    /// <summary>dL/d(parameters) of the last training window.</summary>
    public Span<float> Gradient => _gradient;

    /// <summary>Adam's running average of the gradients.</summary>
    public Span<float> FirstMoment => _firstMoment;

    /// <summary>Adam's running average of the squared gradients.</summary>
    public Span<float> SecondMoment => _secondMoment;
}
