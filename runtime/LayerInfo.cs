using System;
using System.Globalization;

namespace RnnGen;

/// <summary>The kinds of layer a model is made of.</summary>
public enum LayerKind
{
    /// <summary>A fully connected layer and its activation (<see cref="DenseAttribute"/>; the first form's head).</summary>
    Dense = 0,

    /// <summary>A recurrent layer (<see cref="RecurrentAttribute"/>; the first form's recurrent stack).</summary>
    Recurrent = 1,

    /// <summary>A causal convolution over time (<see cref="Conv1DAttribute"/>).</summary>
    Conv1D = 2,

    /// <summary>A learned embedding of token ids (<see cref="EmbeddingAttribute"/>).</summary>
    Embedding = 3,

    /// <summary>Inverted dropout during training (<see cref="DropoutAttribute"/>).</summary>
    Dropout = 4,
}

/// <summary>
/// One layer of a model as declared, with its input and output widths: what a model's
/// <see cref="IRnnModel.Architecture"/> lists. A model declared in the first form,
/// <c>[RnnModel(cell, inputSize, hiddenSize, outputSize)]</c>, has two: its recurrent layer (bare tensor names) and a
/// dense layer named <c>head</c>.
/// </summary>
public sealed class LayerInfo
{
    /// <summary>Describes a layer.</summary>
    /// <param name="kind">The kind of layer.</param>
    /// <param name="name">The prefix of its tensor names (<c>layers.2</c>, a declared Name, or empty for bare names).</param>
    /// <param name="inputSize">Floats per step it reads (a token model's first layer: the vocabulary size).</param>
    /// <param name="outputSize">Floats per step it writes (a bidirectional recurrent layer: both directions).</param>
    public LayerInfo(LayerKind kind, string name, int inputSize, int outputSize)
    {
        ArgumentNullException.ThrowIfNull(name);
        Kind = kind;
        Name = name;
        InputSize = inputSize;
        OutputSize = outputSize;
    }

    /// <summary>The kind of layer.</summary>
    public LayerKind Kind { get; }

    /// <summary>The prefix of its tensor names: <c>layers.{i}</c>, the declared Name, or empty for bare names.</summary>
    public string Name { get; }

    /// <summary>Floats per step the layer reads.</summary>
    public int InputSize { get; }

    /// <summary>Floats per step the layer writes.</summary>
    public int OutputSize { get; }

    /// <summary>Dense and Conv1D: the function applied to the outputs.</summary>
    public Activation Activation { get; init; }

    /// <summary>Recurrent: the cell.</summary>
    public CellKind Cell { get; init; }

    /// <summary>Recurrent: the width of each direction's hidden state.</summary>
    public int HiddenSize { get; init; }

    /// <summary>Recurrent: the number of stacked layers inside it (PyTorch's num_layers); 1 otherwise.</summary>
    public int Layers { get; init; } = 1;

    /// <summary>Recurrent: whether it also runs backwards in time.</summary>
    public bool Bidirectional { get; init; }

    /// <summary>Whether the layer has bias tensors.</summary>
    public bool Bias { get; init; }

    /// <summary>Conv1D: the number of taps.</summary>
    public int KernelSize { get; init; }

    /// <summary>Conv1D: the spacing of the taps in steps.</summary>
    public int Dilation { get; init; }

    /// <summary>Dropout: the probability that a value is zeroed during training.</summary>
    public float Probability { get; init; }

    /// <summary>A compact description such as <c>Dense(1→8, Tanh)</c>, <c>Lstm(8→8, Layers=2)</c> or <c>Conv1D(1→4, k=3, d=2)</c>.</summary>
    public override string ToString()
    {
        static string I(int value) => value.ToString(CultureInfo.InvariantCulture);
        string sizes = I(InputSize) + "→" + I(OutputSize);
        string text = Kind switch
        {
            LayerKind.Recurrent => Cell + "(" + I(InputSize) + "→" + I(HiddenSize)
                + (Layers != 1 ? ", Layers=" + I(Layers) : "") + (Bidirectional ? ", Bidirectional" : "") + (Bias ? "" : ", no bias") + ")",
            LayerKind.Conv1D => "Conv1D(" + sizes + ", k=" + I(KernelSize) + (Dilation != 1 ? ", d=" + I(Dilation) : "")
                + (Activation != Activation.None ? ", " + Activation : "") + (Bias ? "" : ", no bias") + ")",
            LayerKind.Dense => "Dense(" + sizes + (Activation != Activation.None ? ", " + Activation : "") + (Bias ? "" : ", no bias") + ")",
            LayerKind.Embedding => "Embedding(" + sizes + ")",
            _ => "Dropout(" + Probability.ToString("R", CultureInfo.InvariantCulture) + ")",
        };
        return Name.StartsWith("layers.", StringComparison.Ordinal) ? text : text + " \"" + Name + "\"";
    }
}
