using System;

namespace RnnGen;

/// <summary>
/// Inverted dropout in a layer stack (PyTorch's <c>nn.Dropout(p)</c>): during <c>ComputeGradients</c> each value is
/// zeroed with probability p and the others are scaled by 1/(1 − p); in <c>Forward</c> and <c>Step</c> it is the
/// identity. The masks come from the model's seeded generator (<c>DropoutState</c>), so training reproduces bit for bit.
/// It has no tensors but counts in the layer positions of the others' names.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class DropoutAttribute : Attribute
{
    /// <summary>Declares dropout with probability <paramref name="p"/> in [0, 1).</summary>
    /// <param name="p">The probability that a value is zeroed during training.</param>
    public DropoutAttribute(float p)
    {
        P = p;
    }

    /// <summary>The probability that a value is zeroed during training.</summary>
    public float P { get; }
}
