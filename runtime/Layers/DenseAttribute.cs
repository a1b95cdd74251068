using System;

namespace RnnGen;

/// <summary>
/// A fully connected layer in a layer stack: <c>y = activation(W·x + b)</c> at every step, PyTorch's
/// <c>nn.Linear(in, size)</c> followed by the activation. Its tensors are <c>layers.{i}.weight</c> [size, in] and
/// <c>layers.{i}.bias</c> [size], i being the layer's position among the layer attributes (or <see cref="Name"/>).
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class DenseAttribute : Attribute
{
    /// <summary>Declares a dense layer of <paramref name="size"/> outputs.</summary>
    /// <param name="size">Number of outputs.</param>
    /// <param name="activation">The function applied to every output. Default <see cref="Activation.None"/>.</param>
    public DenseAttribute(int size, Activation activation = Activation.None)
    {
        Size = size;
        Activation = activation;
    }

    /// <summary>Number of outputs.</summary>
    public int Size { get; }

    /// <summary>The function applied to every output.</summary>
    public Activation Activation { get; }

    /// <summary>Whether the layer adds a bias (PyTorch's <c>bias=True</c>). Default true.</summary>
    public bool Bias { get; set; } = true;

    /// <summary>
    /// The prefix of the layer's tensor names in place of <c>layers.{i}</c>, e.g. <c>"lin"</c> for <c>lin.weight</c>;
    /// letters, digits, '_' and '.' between names. Empty gives bare names (<c>weight</c>).
    /// </summary>
    public string? Name { get; set; }
}
