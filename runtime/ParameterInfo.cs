using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;

namespace RnnGen;

/// <summary>
/// One named parameter tensor of a model: its PyTorch name, where it starts in the model's contiguous
/// <see cref="IRnnModel.Parameters"/> buffer, and its shape (row-major, as PyTorch stores it).
/// </summary>
public sealed class ParameterInfo
{
    private readonly int[] _shape;
    private readonly ReadOnlyCollection<int> _readOnlyShape;

    /// <summary>Describes a parameter tensor.</summary>
    /// <param name="name">PyTorch's parameter name, e.g. <c>weight_hh_l0</c> or <c>head.weight</c>.</param>
    /// <param name="offset">Index of its first element in the parameter buffer.</param>
    /// <param name="shape">Its dimensions, outermost first.</param>
    public ParameterInfo(string name, int offset, params int[] shape)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentNullException.ThrowIfNull(shape);
        if (shape.Length == 0)
            throw new ArgumentException("A parameter has at least one dimension.", nameof(shape));
        long length = 1;
        foreach (int d in shape)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(d, nameof(shape));
            length *= d;
        }
        if (length > int.MaxValue)
            throw new ArgumentException("The parameter has more than int.MaxValue elements.", nameof(shape));
        Name = name;
        Offset = offset;
        _shape = (int[])shape.Clone();
        _readOnlyShape = Array.AsReadOnly(_shape);
        Length = (int)length;
    }

    /// <summary>PyTorch's name for the tensor.</summary>
    public string Name { get; }

    /// <summary>Index of the tensor's first element in the model's parameter (and gradient) buffer.</summary>
    public int Offset { get; }

    /// <summary>Number of elements.</summary>
    public int Length { get; }

    /// <summary>Dimensions, outermost first.</summary>
    public IReadOnlyList<int> Shape => _readOnlyShape;

    /// <inheritdoc />
    public override string ToString() => $"{Name} [{string.Join(", ", _shape)}] @ {Offset}";
}
