using System;

namespace RnnGen;

/// <summary>
/// A recurrent layer in a layer stack: exactly PyTorch's <c>nn.RNN</c>, <c>nn.LSTM</c> or <c>nn.GRU</c>(in,
/// hiddenSize, num_layers = <see cref="Layers"/>, bias = <see cref="Bias"/>, bidirectional = <see cref="Bidirectional"/>).
/// Its output at each step is the top layer's hidden state (both directions side by side when bidirectional); its
/// tensors are <c>layers.{i}.weight_ih_l0</c>, <c>layers.{i}.weight_hh_l0</c>, <c>layers.{i}.bias_ih_l0</c>, … with
/// <c>_reverse</c> for the backward direction, i being the layer's position among the layer attributes (or <see cref="Name"/>).
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class RecurrentAttribute : Attribute
{
    /// <summary>Declares a recurrent layer.</summary>
    /// <param name="cell">The recurrent cell.</param>
    /// <param name="hiddenSize">Width of the hidden state.</param>
    public RecurrentAttribute(CellKind cell, int hiddenSize)
    {
        Cell = cell;
        HiddenSize = hiddenSize;
    }

    /// <summary>The recurrent cell.</summary>
    public CellKind Cell { get; }

    /// <summary>Width of the hidden state of each layer and direction.</summary>
    public int HiddenSize { get; }

    /// <summary>Number of stacked recurrent layers inside this one (PyTorch's <c>num_layers</c>). Default 1.</summary>
    public int Layers { get; set; } = 1;

    /// <summary>Whether each layer also runs backwards in time. Default false.</summary>
    public bool Bidirectional { get; set; }

    /// <summary>Whether the layer has the bias vectors <c>bias_ih</c> and <c>bias_hh</c>. Default true.</summary>
    public bool Bias { get; set; } = true;

    /// <summary>
    /// The prefix of the layer's tensor names in place of <c>layers.{i}</c>, e.g. <c>"rec"</c> for <c>rec.weight_ih_l0</c>;
    /// letters, digits, '_' and '.' between names. Empty gives bare names (<c>weight_ih_l0</c>).
    /// </summary>
    public string? Name { get; set; }
}
