using System;

namespace RnnGen;

/// <summary>
/// Declares a recurrent network on a <c>partial class</c>. The RnnGen source generator emits the model's
/// constants, parameter buffers, state type, forward pass and backpropagation through time into that class.
/// </summary>
/// <example>
/// <code>
/// [RnnModel(CellKind.Rnn, inputSize: 65, hiddenSize: 100, outputSize: 65, SequenceLength = 25)]
/// public partial class CharModel;
/// </code>
/// </example>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class RnnModelAttribute : Attribute
{
    /// <summary>Declares a model with the given cell and sizes.</summary>
    /// <param name="cell">The recurrent cell (PyTorch's <c>nn.RNN</c>, <c>nn.LSTM</c> or <c>nn.GRU</c> equations).</param>
    /// <param name="inputSize">Vocabulary size for <see cref="InputKind.Token"/> inputs, feature count for <see cref="InputKind.Dense"/> inputs.</param>
    /// <param name="hiddenSize">Width of the hidden state of each layer.</param>
    /// <param name="outputSize">Number of outputs of the head (classes for <see cref="HeadKind.Softmax"/>).</param>
    public RnnModelAttribute(CellKind cell, int inputSize, int hiddenSize, int outputSize)
    {
        Cell = cell;
        InputSize = inputSize;
        HiddenSize = hiddenSize;
        OutputSize = outputSize;
    }

    /// <summary>The recurrent cell.</summary>
    public CellKind Cell { get; }

    /// <summary>Vocabulary size (token input) or feature count (dense input).</summary>
    public int InputSize { get; }

    /// <summary>Width of the hidden state.</summary>
    public int HiddenSize { get; }

    /// <summary>Number of outputs of the head.</summary>
    public int OutputSize { get; }

    /// <summary>Number of stacked recurrent layers. Default 1.</summary>
    public int Layers { get; set; } = 1;

    /// <summary>Whether each layer also runs backwards in time. Default false.</summary>
    public bool Bidirectional { get; set; }

    /// <summary>
    /// The longest window <c>ComputeGradients</c> accepts: the activation tape for backpropagation through time
    /// is sized for it once, at construction. Default 25 (min-char-rnn's window).
    /// </summary>
    public int SequenceLength { get; set; } = 25;

    /// <summary>How inputs are given: token ids (one-hot, computed as a column gather) or dense float vectors. Default <see cref="InputKind.Token"/>.</summary>
    public InputKind Input { get; set; } = InputKind.Token;

    /// <summary>The output layer and its loss. Default <see cref="HeadKind.Softmax"/> (cross-entropy).</summary>
    public HeadKind Head { get; set; } = HeadKind.Softmax;

    /// <summary>Whether the head runs at every step or only after the last one. Default <see cref="OutputKind.EveryStep"/>.</summary>
    public OutputKind Output { get; set; } = OutputKind.EveryStep;
}
