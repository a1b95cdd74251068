using System;

namespace RnnGen;

/// <summary>
/// Declares a recurrent network on a <c>partial class</c>. The RnnGen source generator emits the model's
/// constants, parameter buffers, state type, forward pass and backpropagation through time into that class.
/// </summary>
/// <remarks>
/// Two forms. <see cref="RnnModelAttribute(CellKind, int, int, int)"/> declares one recurrent stack (PyTorch's
/// <c>nn.RNN</c>/<c>nn.LSTM</c>/<c>nn.GRU</c>) followed by a linear head. <see cref="RnnModelAttribute(int)"/> declares
/// a layer stack: the layer attributes that follow it on the class (<see cref="DenseAttribute"/>,
/// <see cref="RecurrentAttribute"/>, <see cref="Conv1DAttribute"/>, <see cref="EmbeddingAttribute"/>,
/// <see cref="DropoutAttribute"/>), in source order, the last one's width being the model's output size.
/// </remarks>
/// <example>
/// <code>
/// [RnnModel(CellKind.Rnn, inputSize: 65, hiddenSize: 100, outputSize: 65, SequenceLength = 25)]
/// public partial class CharModel;
///
/// [RnnModel(inputSize: 1, Input = InputKind.Dense, Head = HeadKind.Linear, SequenceLength = 2048)]
/// [Dense(8, Activation.Tanh)]
/// [Recurrent(CellKind.Gru, 8)]
/// [Dense(8, Activation.Sigmoid)]
/// [Dense(1)]
/// public partial class AmpModel;
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

    /// <summary>
    /// Declares a layer stack: the layer attributes on the class, in source order, map <paramref name="inputSize"/>
    /// inputs to the last layer's width, which is the model's output size.
    /// </summary>
    /// <param name="inputSize">Vocabulary size for <see cref="InputKind.Token"/> inputs, feature count for <see cref="InputKind.Dense"/> inputs.</param>
    public RnnModelAttribute(int inputSize)
    {
        InputSize = inputSize;
    }

    /// <summary>The recurrent cell (the first form only).</summary>
    public CellKind Cell { get; }

    /// <summary>Vocabulary size (token input) or feature count (dense input).</summary>
    public int InputSize { get; }

    /// <summary>Width of the hidden state (the first form only).</summary>
    public int HiddenSize { get; }

    /// <summary>Number of outputs of the head (the first form only; a layer stack's is its last layer's width).</summary>
    public int OutputSize { get; }

    /// <summary>Number of stacked recurrent layers. Default 1. The first form only: a layer stack sets it on <see cref="RecurrentAttribute"/>.</summary>
    public int Layers { get; set; } = 1;

    /// <summary>Whether each layer also runs backwards in time. Default false. The first form only: a layer stack sets it on <see cref="RecurrentAttribute"/>.</summary>
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

    /// <summary>
    /// Adds the first OutputSize input features to the output at every step: <c>y = layers(x) + x[:OutputSize]</c>, as
    /// amp models do (dense input, InputSize ≥ OutputSize, every-step output). A layer stack only. Default false.
    /// </summary>
    public bool InputSkip { get; set; }

    /// <summary>
    /// The coefficient a of the first-order pre-emphasis filter <c>y[t] − a·y[t−1]</c> that
    /// <see cref="HeadKind.ErrorToSignalRatio"/> applies to outputs and targets before comparing them (0.95 is usual
    /// for amp models); 0, the default, compares them unfiltered. Finite, in [−1, 1].
    /// </summary>
    public float PreEmphasis { get; set; }
}
