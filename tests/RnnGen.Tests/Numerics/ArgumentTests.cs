using System;
using Xunit;

namespace RnnGen.Tests.Numerics;

/// <summary>Wrong span lengths, tokens out of range and over-long windows throw ArgumentExceptions that name the argument and the expected size.</summary>
public class ArgumentTests
{
    private readonly CharModel _model = new();
    private readonly WideDense _dense = new();

    [Fact]
    public void StepRejectsTokenOutOfRange()
    {
        var state = new CharModel.State();
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => _model.Step(65, ref state, new float[65]));
        Assert.Equal("token", e.ParamName);
        Assert.Contains("[0, 65)", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => _model.Step(-1, ref state, new float[65]));
    }

    [Fact]
    public void StepRejectsWrongLogitsLength()
    {
        var state = new CharModel.State();
        var e = Assert.Throws<ArgumentException>(() => _model.Step(3, ref state, new float[64]));
        Assert.Equal("logits", e.ParamName);
        Assert.Contains("expected 65", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ComputeGradientsRejectsBadWindows()
    {
        var state = new CharModel.State();
        var tooLong = Assert.Throws<ArgumentException>(() => _model.ComputeGradients(new int[26], new int[26], ref state));
        Assert.Equal("inputs", tooLong.ParamName);
        Assert.Contains("1 to 25", tooLong.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => _model.ComputeGradients(ReadOnlySpan<int>.Empty, ReadOnlySpan<int>.Empty, ref state));
        var mismatch = Assert.Throws<ArgumentException>(() => _model.ComputeGradients(new int[5], new int[4], ref state));
        Assert.Equal("targets", mismatch.ParamName);
        var target = Assert.Throws<ArgumentOutOfRangeException>(() => _model.ComputeGradients(new int[2], new[] { 0, 70 }, ref state));
        Assert.Equal("targets", target.ParamName);
        Assert.Contains("targets[1] = 70", target.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ForwardRejectsWrongOutputLengthAndEmptyInput()
    {
        var state = new CharModel.State();
        var e = Assert.Throws<ArgumentException>(() => _model.Forward(new int[3], ref state, new float[3 * 65 - 1]));
        Assert.Equal("logits", e.ParamName);
        Assert.Contains("expected 195", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => _model.Forward(ReadOnlySpan<int>.Empty, ref state, Span<float>.Empty));
    }

    [Fact]
    public void DenseEntryPointsCheckInputWidth()
    {
        var state = new WideDense.State();
        var step = Assert.Throws<ArgumentException>(() => _dense.Step(new float[63], ref state, new float[10]));
        Assert.Equal("input", step.ParamName);
        var forward = Assert.Throws<ArgumentException>(() => _dense.Forward(new float[64 * 2 + 1], ref state, new float[20]));
        Assert.Equal("inputs", forward.ParamName);
        var window = Assert.Throws<ArgumentException>(() => _dense.ComputeGradients(new float[64 * 26], new int[26], ref state));
        Assert.Equal("inputs", window.ParamName);
    }

    [Fact]
    public void StateAndParameterLookupsCheckTheirArguments()
    {
        var state = new CharModel.State();
        Assert.Throws<ArgumentOutOfRangeException>(() => state.H(1));
        Assert.Throws<ArgumentException>(() => state.CopyFrom(new float[99]));
        var e = Assert.Throws<ArgumentException>(() => _model.Parameter("weight_ih_l1"));
        Assert.Contains("weight_ih_l0", e.Message, StringComparison.Ordinal);
        Assert.Equal(CharModel.HiddenSize * CharModel.InputSize, _model.Parameter("weight_ih_l0").Length);
    }

    [Fact]
    public void FailedCallsLeaveTheStateAlone()
    {
        var state = new CharModel.State();
        state.H(0).Fill(0.25f);
        Assert.Throws<ArgumentOutOfRangeException>(() => _model.ComputeGradients(new[] { 1, 2, 99 }, new[] { 1, 2, 3 }, ref state));
        Assert.All(state.H(0).ToArray(), v => Assert.Equal(0.25f, v));
    }
}
