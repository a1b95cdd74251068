using System;
using System.Collections.Generic;

namespace RnnGen;

/// <summary>
/// What every generated model offers, whatever its cell and shape: its sizes, its parameters and gradients
/// as contiguous buffers with a PyTorch-named layout, and initialization. Optimizers, clipping, trainers and
/// checkpoints work against this contract.
/// </summary>
public interface IRnnModel
{
    /// <summary>The recurrent cell (of a layer stack: its first recurrent layer's).</summary>
    CellKind Cell { get; }

    /// <summary>How inputs are given.</summary>
    InputKind Input { get; }

    /// <summary>The output layer and its loss.</summary>
    HeadKind Head { get; }

    /// <summary>Whether the head runs at every step or once after the last.</summary>
    OutputKind Output { get; }

    /// <summary>Whether each layer also runs backwards in time (of a layer stack: whether any recurrent layer does, so that every window starts from zero).</summary>
    bool Bidirectional { get; }

    /// <summary>Vocabulary size (token input) or feature count (dense input).</summary>
    int InputSize { get; }

    /// <summary>Width of the hidden state (of a layer stack: its first recurrent layer's).</summary>
    int HiddenSize { get; }

    /// <summary>Number of outputs of the head (of a layer stack: its last layer's width).</summary>
    int OutputSize { get; }

    /// <summary>Number of stacked recurrent layers (of a layer stack: those of all its recurrent layers, the layers the state's <c>H(layer)</c> counts).</summary>
    int Layers { get; }

    /// <summary>The longest window <c>ComputeGradients</c> accepts.</summary>
    int SequenceLength { get; }

    /// <summary>Number of floats in <see cref="Parameters"/>.</summary>
    int ParameterCount { get; }

    /// <summary>All parameters, one contiguous buffer, laid out as <see cref="Layout"/> says.</summary>
    Span<float> Parameters { get; }

    /// <summary>Gradients of the loss, same layout as <see cref="Parameters"/>; <c>ComputeGradients</c> adds into it.</summary>
    Span<float> Gradients { get; }

    /// <summary>The named tensors of <see cref="Parameters"/>, in buffer order.</summary>
    IReadOnlyList<ParameterInfo> Layout { get; }

    /// <summary>The part of <see cref="Parameters"/> that holds the tensor PyTorch calls <paramref name="name"/>.</summary>
    /// <exception cref="ArgumentException">No tensor has that name.</exception>
    Span<float> Parameter(string name);

    /// <summary>
    /// The layers in order, from input to output. A model declared in the first form has two: its recurrent layer and
    /// the dense layer named <c>head</c>.
    /// </summary>
    IReadOnlyList<LayerInfo> Architecture { get; }

    /// <summary>Whether the first OutputSize input features are added to the output at every step.</summary>
    bool InputSkip { get; }

    /// <summary>The pre-emphasis coefficient of an <see cref="HeadKind.ErrorToSignalRatio"/> head (0 = none).</summary>
    float PreEmphasis { get; }

    /// <summary>
    /// The state of the generator behind the dropout masks of <c>ComputeGradients</c>: set it to reproduce a run, save
    /// it to resume one. <see cref="InitializeParameters"/> sets it from the seed. A model without dropout keeps it but
    /// never draws from it.
    /// </summary>
    ulong DropoutState { get; set; }

    /// <summary>Sets every gradient to zero.</summary>
    void ZeroGradients();

    /// <summary>
    /// Fills the parameters as PyTorch initializes each module by default (recurrent layers uniform in ±1/sqrt(hidden
    /// size), dense and convolution layers in ±1/sqrt(fan-in), embeddings normal(0, 1); the first form draws every
    /// parameter, the head's included, in ±1/sqrt(HiddenSize)), from a seed, and sets <see cref="DropoutState"/> from it.
    /// </summary>
    void InitializeParameters(int seed);
}

/// <summary>The hidden state of a model: a value type with fixed-size buffers, owned by the caller.</summary>
public interface IRnnState
{
    /// <summary>Number of floats in the whole state (every layer, direction and memory cell).</summary>
    int Length { get; }

    /// <summary>Sets the state to zero.</summary>
    void Reset();

    /// <summary>Copies the whole state into <paramref name="destination"/> (exactly <see cref="Length"/> floats).</summary>
    void CopyTo(Span<float> destination);

    /// <summary>Sets the whole state from <paramref name="source"/> (exactly <see cref="Length"/> floats).</summary>
    void CopyFrom(ReadOnlySpan<float> source);
}

/// <summary>
/// What every generated model offers for sequences, whatever its shape: a forward pass and a training pass.
/// </summary>
/// <typeparam name="TState">The model's generated state type.</typeparam>
/// <typeparam name="TInput"><see cref="int"/> for token ids (one per step), <see cref="float"/> for dense inputs (InputSize per step).</typeparam>
/// <typeparam name="TTarget"><see cref="int"/> class ids for a softmax head, <see cref="float"/> values for a linear head.</typeparam>
public interface IRnnModel<TState, TInput, TTarget> : IRnnModel
    where TState : struct, IRnnState
    where TInput : unmanaged
    where TTarget : unmanaged
{
    /// <summary>
    /// Runs the inputs through the model from <paramref name="state"/> and writes the head's outputs: T × OutputSize
    /// for <see cref="OutputKind.EveryStep"/>, OutputSize for <see cref="OutputKind.LastStep"/>. A unidirectional model
    /// takes sequences of any length and leaves the state after the last step; a bidirectional one starts both
    /// directions from zero, takes at most SequenceLength steps and leaves the final states in <paramref name="state"/>.
    /// </summary>
    void Forward(ReadOnlySpan<TInput> inputs, ref TState state, Span<float> outputs);

    /// <summary>
    /// Forward over a window of 1..SequenceLength steps, then backpropagation through time. Adds the gradients of the
    /// loss into <see cref="IRnnModel.Gradients"/>, leaves the state at the window's end and returns the loss: mean
    /// cross-entropy over the scored steps (softmax head; one target per step, or one for the last step) or mean squared
    /// error over all output elements (linear head; T × OutputSize targets, or OutputSize for the last step).
    /// </summary>
    float ComputeGradients(ReadOnlySpan<TInput> inputs, ReadOnlySpan<TTarget> targets, ref TState state);
}

/// <summary>A unidirectional model whose inputs are token ids and whose head is softmax cross-entropy at every step (a language model).</summary>
/// <typeparam name="TState">The model's generated state type.</typeparam>
public interface ITokenRnnModel<TState> : IRnnModel<TState, int, int> where TState : struct, IRnnState
{
    /// <summary>Advances <paramref name="state"/> by one token and writes the OutputSize logits that follow it.</summary>
    void Step(int token, ref TState state, Span<float> logits);
}

/// <summary>A unidirectional model whose inputs are dense float vectors and whose head is softmax cross-entropy at every step.</summary>
/// <typeparam name="TState">The model's generated state type.</typeparam>
public interface IDenseRnnModel<TState> : IRnnModel<TState, float, int> where TState : struct, IRnnState
{
    /// <summary>Advances <paramref name="state"/> by one InputSize-wide input and writes the OutputSize logits that follow it.</summary>
    void Step(ReadOnlySpan<float> input, ref TState state, Span<float> logits);
}
