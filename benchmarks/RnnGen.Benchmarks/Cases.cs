using System;

namespace RnnGen.Benchmarks;

// One small class per generated model, so that every benchmark reaches its model through exactly one virtual call
// (as the baselines are reached through one interface call) and then calls the generated methods directly, on the
// concrete class and state type. Only the model a benchmark case measures is created.

/// <summary>A dense-input model of <see cref="DenseModels"/> with its own state.</summary>
internal abstract class DenseCase
{
    /// <summary>The model, for its parameters and sizes.</summary>
    public abstract IRnnModel Model { get; }

    /// <summary>Sets the state to zero.</summary>
    public abstract void ResetState();

    /// <summary>One step from the current state: InputSize floats in, OutputSize logits out.</summary>
    public abstract void Step(ReadOnlySpan<float> input, Span<float> logits);

    /// <summary>Forward over T × InputSize floats from the current state, T × OutputSize logits out.</summary>
    public abstract void Forward(ReadOnlySpan<float> inputs, Span<float> logits);

    /// <summary>Forward and backpropagation through time over one window from the current state; returns the loss.</summary>
    public abstract float ComputeGradients(ReadOnlySpan<float> inputs, ReadOnlySpan<int> targets);
}

/// <summary>A token-input model of <see cref="TokenModels"/> with its own state.</summary>
internal abstract class TokenCase
{
    /// <summary>The model, for its parameters and sizes.</summary>
    public abstract IRnnModel Model { get; }

    /// <summary>Sets the state to zero.</summary>
    public abstract void ResetState();

    /// <summary>Forward over T tokens from the current state, T × OutputSize logits out.</summary>
    public abstract void Forward(ReadOnlySpan<int> inputs, Span<float> logits);

    /// <summary>Forward and backpropagation through time over one window from the current state; returns the loss.</summary>
    public abstract float ComputeGradients(ReadOnlySpan<int> inputs, ReadOnlySpan<int> targets);
}

/// <summary>Creates the case of one dense model.</summary>
internal static class DenseModels
{
    /// <summary>The model of <paramref name="cell"/> at <paramref name="shape"/>, parameters still zero.</summary>
    public static DenseCase Create(CellKind cell, StepShape shape) => (cell, shape) switch
    {
        (CellKind.Rnn, StepShape.I64_H32) => new DenseRnn64x32Case(),
        (CellKind.Rnn, StepShape.I64_H128) => new DenseRnn64x128Case(),
        (CellKind.Rnn, StepShape.I128_H256) => new DenseRnn128x256Case(),
        (CellKind.Rnn, StepShape.I256_H512) => new DenseRnn256x512Case(),
        (CellKind.Lstm, StepShape.I64_H32) => new DenseLstm64x32Case(),
        (CellKind.Lstm, StepShape.I64_H128) => new DenseLstm64x128Case(),
        (CellKind.Lstm, StepShape.I128_H256) => new DenseLstm128x256Case(),
        (CellKind.Lstm, StepShape.I256_H512) => new DenseLstm256x512Case(),
        (CellKind.Gru, StepShape.I64_H32) => new DenseGru64x32Case(),
        (CellKind.Gru, StepShape.I64_H128) => new DenseGru64x128Case(),
        (CellKind.Gru, StepShape.I128_H256) => new DenseGru128x256Case(),
        (CellKind.Gru, StepShape.I256_H512) => new DenseGru256x512Case(),
        _ => throw new ArgumentOutOfRangeException(nameof(cell), cell, "No dense " + cell + " model is declared at " + shape + "."),
    };
}

/// <summary>Creates the case of one token model.</summary>
internal static class TokenModels
{
    /// <summary>The character model of <paramref name="cell"/> with <paramref name="hidden"/> units, parameters still zero.</summary>
    public static TokenCase Create(CellKind cell, int hidden) => (cell, hidden) switch
    {
        (CellKind.Rnn, 128) => new TokenRnn128Case(),
        (CellKind.Rnn, 512) => new TokenRnn512Case(),
        (CellKind.Lstm, 128) => new TokenLstm128Case(),
        (CellKind.Lstm, 512) => new TokenLstm512Case(),
        (CellKind.Gru, 128) => new TokenGru128Case(),
        (CellKind.Gru, 512) => new TokenGru512Case(),
        _ => throw new ArgumentOutOfRangeException(nameof(hidden), hidden, "No token " + cell + " model is declared with " + hidden + " hidden units."),
    };
}

internal sealed class DenseRnn64x32Case : DenseCase
{
    private readonly DenseRnn64x32 _model = new();
    private DenseRnn64x32.State _state;

    public override IRnnModel Model => _model;

    public override void ResetState() => _state.Reset();

    public override void Step(ReadOnlySpan<float> input, Span<float> logits) => _model.Step(input, ref _state, logits);

    public override void Forward(ReadOnlySpan<float> inputs, Span<float> logits) => _model.Forward(inputs, ref _state, logits);

    public override float ComputeGradients(ReadOnlySpan<float> inputs, ReadOnlySpan<int> targets) => _model.ComputeGradients(inputs, targets, ref _state);
}

internal sealed class DenseRnn64x128Case : DenseCase
{
    private readonly DenseRnn64x128 _model = new();
    private DenseRnn64x128.State _state;

    public override IRnnModel Model => _model;

    public override void ResetState() => _state.Reset();

    public override void Step(ReadOnlySpan<float> input, Span<float> logits) => _model.Step(input, ref _state, logits);

    public override void Forward(ReadOnlySpan<float> inputs, Span<float> logits) => _model.Forward(inputs, ref _state, logits);

    public override float ComputeGradients(ReadOnlySpan<float> inputs, ReadOnlySpan<int> targets) => _model.ComputeGradients(inputs, targets, ref _state);
}

internal sealed class DenseRnn128x256Case : DenseCase
{
    private readonly DenseRnn128x256 _model = new();
    private DenseRnn128x256.State _state;

    public override IRnnModel Model => _model;

    public override void ResetState() => _state.Reset();

    public override void Step(ReadOnlySpan<float> input, Span<float> logits) => _model.Step(input, ref _state, logits);

    public override void Forward(ReadOnlySpan<float> inputs, Span<float> logits) => _model.Forward(inputs, ref _state, logits);

    public override float ComputeGradients(ReadOnlySpan<float> inputs, ReadOnlySpan<int> targets) => _model.ComputeGradients(inputs, targets, ref _state);
}

internal sealed class DenseRnn256x512Case : DenseCase
{
    private readonly DenseRnn256x512 _model = new();
    private DenseRnn256x512.State _state;

    public override IRnnModel Model => _model;

    public override void ResetState() => _state.Reset();

    public override void Step(ReadOnlySpan<float> input, Span<float> logits) => _model.Step(input, ref _state, logits);

    public override void Forward(ReadOnlySpan<float> inputs, Span<float> logits) => _model.Forward(inputs, ref _state, logits);

    public override float ComputeGradients(ReadOnlySpan<float> inputs, ReadOnlySpan<int> targets) => _model.ComputeGradients(inputs, targets, ref _state);
}

internal sealed class DenseLstm64x32Case : DenseCase
{
    private readonly DenseLstm64x32 _model = new();
    private DenseLstm64x32.State _state;

    public override IRnnModel Model => _model;

    public override void ResetState() => _state.Reset();

    public override void Step(ReadOnlySpan<float> input, Span<float> logits) => _model.Step(input, ref _state, logits);

    public override void Forward(ReadOnlySpan<float> inputs, Span<float> logits) => _model.Forward(inputs, ref _state, logits);

    public override float ComputeGradients(ReadOnlySpan<float> inputs, ReadOnlySpan<int> targets) => _model.ComputeGradients(inputs, targets, ref _state);
}

internal sealed class DenseLstm64x128Case : DenseCase
{
    private readonly DenseLstm64x128 _model = new();
    private DenseLstm64x128.State _state;

    public override IRnnModel Model => _model;

    public override void ResetState() => _state.Reset();

    public override void Step(ReadOnlySpan<float> input, Span<float> logits) => _model.Step(input, ref _state, logits);

    public override void Forward(ReadOnlySpan<float> inputs, Span<float> logits) => _model.Forward(inputs, ref _state, logits);

    public override float ComputeGradients(ReadOnlySpan<float> inputs, ReadOnlySpan<int> targets) => _model.ComputeGradients(inputs, targets, ref _state);
}

internal sealed class DenseLstm128x256Case : DenseCase
{
    private readonly DenseLstm128x256 _model = new();
    private DenseLstm128x256.State _state;

    public override IRnnModel Model => _model;

    public override void ResetState() => _state.Reset();

    public override void Step(ReadOnlySpan<float> input, Span<float> logits) => _model.Step(input, ref _state, logits);

    public override void Forward(ReadOnlySpan<float> inputs, Span<float> logits) => _model.Forward(inputs, ref _state, logits);

    public override float ComputeGradients(ReadOnlySpan<float> inputs, ReadOnlySpan<int> targets) => _model.ComputeGradients(inputs, targets, ref _state);
}

internal sealed class DenseLstm256x512Case : DenseCase
{
    private readonly DenseLstm256x512 _model = new();
    private DenseLstm256x512.State _state;

    public override IRnnModel Model => _model;

    public override void ResetState() => _state.Reset();

    public override void Step(ReadOnlySpan<float> input, Span<float> logits) => _model.Step(input, ref _state, logits);

    public override void Forward(ReadOnlySpan<float> inputs, Span<float> logits) => _model.Forward(inputs, ref _state, logits);

    public override float ComputeGradients(ReadOnlySpan<float> inputs, ReadOnlySpan<int> targets) => _model.ComputeGradients(inputs, targets, ref _state);
}

internal sealed class DenseGru64x32Case : DenseCase
{
    private readonly DenseGru64x32 _model = new();
    private DenseGru64x32.State _state;

    public override IRnnModel Model => _model;

    public override void ResetState() => _state.Reset();

    public override void Step(ReadOnlySpan<float> input, Span<float> logits) => _model.Step(input, ref _state, logits);

    public override void Forward(ReadOnlySpan<float> inputs, Span<float> logits) => _model.Forward(inputs, ref _state, logits);

    public override float ComputeGradients(ReadOnlySpan<float> inputs, ReadOnlySpan<int> targets) => _model.ComputeGradients(inputs, targets, ref _state);
}

internal sealed class DenseGru64x128Case : DenseCase
{
    private readonly DenseGru64x128 _model = new();
    private DenseGru64x128.State _state;

    public override IRnnModel Model => _model;

    public override void ResetState() => _state.Reset();

    public override void Step(ReadOnlySpan<float> input, Span<float> logits) => _model.Step(input, ref _state, logits);

    public override void Forward(ReadOnlySpan<float> inputs, Span<float> logits) => _model.Forward(inputs, ref _state, logits);

    public override float ComputeGradients(ReadOnlySpan<float> inputs, ReadOnlySpan<int> targets) => _model.ComputeGradients(inputs, targets, ref _state);
}

internal sealed class DenseGru128x256Case : DenseCase
{
    private readonly DenseGru128x256 _model = new();
    private DenseGru128x256.State _state;

    public override IRnnModel Model => _model;

    public override void ResetState() => _state.Reset();

    public override void Step(ReadOnlySpan<float> input, Span<float> logits) => _model.Step(input, ref _state, logits);

    public override void Forward(ReadOnlySpan<float> inputs, Span<float> logits) => _model.Forward(inputs, ref _state, logits);

    public override float ComputeGradients(ReadOnlySpan<float> inputs, ReadOnlySpan<int> targets) => _model.ComputeGradients(inputs, targets, ref _state);
}

internal sealed class DenseGru256x512Case : DenseCase
{
    private readonly DenseGru256x512 _model = new();
    private DenseGru256x512.State _state;

    public override IRnnModel Model => _model;

    public override void ResetState() => _state.Reset();

    public override void Step(ReadOnlySpan<float> input, Span<float> logits) => _model.Step(input, ref _state, logits);

    public override void Forward(ReadOnlySpan<float> inputs, Span<float> logits) => _model.Forward(inputs, ref _state, logits);

    public override float ComputeGradients(ReadOnlySpan<float> inputs, ReadOnlySpan<int> targets) => _model.ComputeGradients(inputs, targets, ref _state);
}

internal sealed class TokenRnn128Case : TokenCase
{
    private readonly TokenRnn128 _model = new();
    private TokenRnn128.State _state;

    public override IRnnModel Model => _model;

    public override void ResetState() => _state.Reset();

    public override void Forward(ReadOnlySpan<int> inputs, Span<float> logits) => _model.Forward(inputs, ref _state, logits);

    public override float ComputeGradients(ReadOnlySpan<int> inputs, ReadOnlySpan<int> targets) => _model.ComputeGradients(inputs, targets, ref _state);
}

internal sealed class TokenRnn512Case : TokenCase
{
    private readonly TokenRnn512 _model = new();
    private TokenRnn512.State _state;

    public override IRnnModel Model => _model;

    public override void ResetState() => _state.Reset();

    public override void Forward(ReadOnlySpan<int> inputs, Span<float> logits) => _model.Forward(inputs, ref _state, logits);

    public override float ComputeGradients(ReadOnlySpan<int> inputs, ReadOnlySpan<int> targets) => _model.ComputeGradients(inputs, targets, ref _state);
}

internal sealed class TokenLstm128Case : TokenCase
{
    private readonly TokenLstm128 _model = new();
    private TokenLstm128.State _state;

    public override IRnnModel Model => _model;

    public override void ResetState() => _state.Reset();

    public override void Forward(ReadOnlySpan<int> inputs, Span<float> logits) => _model.Forward(inputs, ref _state, logits);

    public override float ComputeGradients(ReadOnlySpan<int> inputs, ReadOnlySpan<int> targets) => _model.ComputeGradients(inputs, targets, ref _state);
}

internal sealed class TokenLstm512Case : TokenCase
{
    private readonly TokenLstm512 _model = new();
    private TokenLstm512.State _state;

    public override IRnnModel Model => _model;

    public override void ResetState() => _state.Reset();

    public override void Forward(ReadOnlySpan<int> inputs, Span<float> logits) => _model.Forward(inputs, ref _state, logits);

    public override float ComputeGradients(ReadOnlySpan<int> inputs, ReadOnlySpan<int> targets) => _model.ComputeGradients(inputs, targets, ref _state);
}

internal sealed class TokenGru128Case : TokenCase
{
    private readonly TokenGru128 _model = new();
    private TokenGru128.State _state;

    public override IRnnModel Model => _model;

    public override void ResetState() => _state.Reset();

    public override void Forward(ReadOnlySpan<int> inputs, Span<float> logits) => _model.Forward(inputs, ref _state, logits);

    public override float ComputeGradients(ReadOnlySpan<int> inputs, ReadOnlySpan<int> targets) => _model.ComputeGradients(inputs, targets, ref _state);
}

internal sealed class TokenGru512Case : TokenCase
{
    private readonly TokenGru512 _model = new();
    private TokenGru512.State _state;

    public override IRnnModel Model => _model;

    public override void ResetState() => _state.Reset();

    public override void Forward(ReadOnlySpan<int> inputs, Span<float> logits) => _model.Forward(inputs, ref _state, logits);

    public override float ComputeGradients(ReadOnlySpan<int> inputs, ReadOnlySpan<int> targets) => _model.ComputeGradients(inputs, targets, ref _state);
}
