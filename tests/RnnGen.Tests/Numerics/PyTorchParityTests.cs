using System;
using System.Collections.Generic;
using System.Linq;
using Xunit;

namespace RnnGen.Tests.Numerics;

/// <summary>
/// Generated models against PyTorch: nn.RNN + nn.Linear + cross-entropy, computed in float64 by
/// tests/fixtures/make_rnn_fixtures.py. Every output, the loss, every parameter gradient and the final state.
/// The same tests run again under DOTNET_EnableAVX2=0 in .ci/run, for the portable path.
/// </summary>
public class PyTorchParityTests
{
    public static IEnumerable<object[]> Cases() => Fixtures.Parity.Keys.OrderBy(k => k, StringComparer.Ordinal).Select(k => new object[] { k });

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesPyTorch(string caseName)
    {
        ParityCase c = Fixtures.Parity[caseName];
        switch (c.Model)
        {
            case nameof(TanhToken): RunToken<TanhToken, TanhToken.State>(c); break;
            case nameof(ReluToken): RunToken<ReluToken, ReluToken.State>(c); break;
            case nameof(CharModel): RunToken<CharModel, CharModel.State>(c); break;
            case nameof(TanhDense): RunDense<TanhDense, TanhDense.State>(c); break;
            case nameof(ReluDense): RunDense<ReluDense, ReluDense.State>(c); break;
            case nameof(WideDense): RunDense<WideDense, WideDense.State>(c); break;
            default: throw new InvalidOperationException("No test model for fixture model " + c.Model);
        }
    }

    [Fact]
    public void EveryFixtureModelIsCovered()
    {
        string[] models = Fixtures.Parity.Values.Select(c => c.Model).Distinct().OrderBy(m => m, StringComparer.Ordinal).ToArray();
        Assert.Equal(new[] { "CharModel", "ReluDense", "ReluToken", "TanhDense", "TanhToken", "WideDense" }, models);
        Assert.Contains(Fixtures.Parity.Values, c => c.Length == 1);
        Assert.Contains(Fixtures.Parity.Values, c => c.Length > 20);
    }

    private static TModel Load<TModel>(ParityCase c) where TModel : IRnnModel, new()
    {
        var model = new TModel();
        Assert.Equal(c.Parameters.Count, model.Layout.Count);
        foreach (ParameterInfo info in model.Layout)
        {
            float[] values = c.Parameters[info.Name];
            Span<float> target = model.Parameter(info.Name);
            Assert.Equal(values.Length, target.Length);
            values.CopyTo(target);
        }
        return model;
    }

    private static void RunToken<TModel, TState>(ParityCase c)
        where TModel : ITokenRnnModel<TState>, new()
        where TState : struct, IRnnState
    {
        TModel model = Load<TModel>(c);
        int[] tokens = c.Tokens!;

        var state = new TState();
        state.CopyFrom(c.H0);
        float[] logits = new float[c.Length * model.OutputSize];
        model.Forward(tokens, ref state, logits);
        Tolerance.Close(c.Logits, logits, Tolerance.OutputRelative, Tolerance.OutputAbsolute, c.Name + " logits");
        AssertState(c, state);

        // Step by step gives what Forward gives, to float rounding (Forward hoists the input and head products out of
        // the recurrence, which sums in another order).
        state.CopyFrom(c.H0);
        float[] stepLogits = new float[model.OutputSize];
        for (int t = 0; t < tokens.Length; t++)
        {
            model.Step(tokens[t], ref state, stepLogits);
            AssertNear(logits.AsSpan(t * model.OutputSize, model.OutputSize), stepLogits);
        }

        state.CopyFrom(c.H0);
        model.ZeroGradients();
        float loss = model.ComputeGradients(tokens, c.Targets, ref state);
        AssertTraining(c, model, loss, state);
    }

    private static void RunDense<TModel, TState>(ParityCase c)
        where TModel : IDenseRnnModel<TState>, new()
        where TState : struct, IRnnState
    {
        TModel model = Load<TModel>(c);
        float[] inputs = c.Inputs!;

        var state = new TState();
        state.CopyFrom(c.H0);
        float[] logits = new float[c.Length * model.OutputSize];
        model.Forward(inputs, ref state, logits);
        Tolerance.Close(c.Logits, logits, Tolerance.OutputRelative, Tolerance.OutputAbsolute, c.Name + " logits");
        AssertState(c, state);

        state.CopyFrom(c.H0);
        float[] stepLogits = new float[model.OutputSize];
        for (int t = 0; t < c.Length; t++)
        {
            model.Step(inputs.AsSpan(t * model.InputSize, model.InputSize), ref state, stepLogits);
            AssertNear(logits.AsSpan(t * model.OutputSize, model.OutputSize), stepLogits);
        }

        state.CopyFrom(c.H0);
        model.ZeroGradients();
        float loss = model.ComputeGradients(inputs, c.Targets, ref state);
        AssertTraining(c, model, loss, state);
    }

    private static void AssertState<TState>(ParityCase c, TState state) where TState : struct, IRnnState
    {
        float[] final = new float[state.Length];
        state.CopyTo(final);
        Tolerance.Close(c.HFinal, final, Tolerance.OutputRelative, Tolerance.OutputAbsolute, c.Name + " final state");
    }

    private static void AssertTraining<TState>(ParityCase c, IRnnModel model, float loss, TState state) where TState : struct, IRnnState
    {
        Tolerance.Close(c.Loss, loss, Tolerance.OutputRelative, Tolerance.OutputAbsolute, c.Name + " loss");
        AssertState(c, state);
        Span<float> gradients = model.Gradients;
        foreach (ParameterInfo info in model.Layout)
        {
            Tolerance.Close(c.Gradients[info.Name], gradients.Slice(info.Offset, info.Length),
                Tolerance.GradientRelative, Tolerance.GradientAbsolute, c.Name + " d" + info.Name);
        }
    }

    private static void AssertNear(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-6 + 1e-5 * Math.Abs(expected[i]), $"[{i}]: Forward {expected[i]:R}, Step {actual[i]:R}");
    }
}
