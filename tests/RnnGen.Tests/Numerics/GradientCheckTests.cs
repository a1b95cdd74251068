using System;
using Xunit;

namespace RnnGen.Tests.Numerics;

/// <summary>
/// Every analytic gradient of ComputeGradients against central finite differences of the loss,
/// (L(p + ε) − L(p − ε)) / 2ε with ε = 1e-2 (tanh) or 2e-3 (ReLU, to cross fewer kinks), for window lengths 1 and SequenceLength.
/// Tolerance (float32 loss, so the differences carry ~1e-5 of rounding noise):
/// per element |fd − g| ≤ 2e-4 + 1e-2·|g|, and over all checked elements ‖fd − g‖ / ‖g‖ ≤ 5e-3.
/// ReLU is not differentiable at 0: where a perturbation flips the sign of any pre-activation in the window the
/// finite difference measures a kink, not the gradient, so such elements are detected (by rerunning the window step
/// by step) and left out; at most half of a model's elements may be left out that way.
/// </summary>
public class GradientCheckTests
{
    private const float TanhEpsilon = 1e-2f, ReluEpsilon = 2e-3f;
    private const double ElementAbsolute = 2e-4, ElementRelative = 1e-2, NormRelative = 5e-3, MaxKinkFraction = 0.5;

    [Theory]
    [InlineData(1)]
    [InlineData(TanhToken.SequenceLength)]
    public void TanhToken_(int length) => CheckToken<TanhToken, TanhToken.State>(length, seed: 11, maxChecked: int.MaxValue);

    [Theory]
    [InlineData(1)]
    [InlineData(ReluToken.SequenceLength)]
    public void ReluToken_(int length) => CheckToken<ReluToken, ReluToken.State>(length, seed: 12, maxChecked: int.MaxValue);

    [Theory]
    [InlineData(1)]
    [InlineData(TanhDense.SequenceLength)]
    public void TanhDense_(int length) => CheckDense<TanhDense, TanhDense.State>(length, seed: 13, maxChecked: int.MaxValue);

    [Theory]
    [InlineData(1)]
    [InlineData(ReluDense.SequenceLength)]
    public void ReluDense_(int length) => CheckDense<ReluDense, ReluDense.State>(length, seed: 14, maxChecked: int.MaxValue);

    [Theory]
    [InlineData(1)]
    [InlineData(TinyToken.SequenceLength)]
    public void TinyToken_(int length) => CheckToken<TinyToken, TinyToken.State>(length, seed: 17, maxChecked: int.MaxValue);

    [Theory]
    [InlineData(1)]
    [InlineData(CharModel.SequenceLength)]
    public void CharModel_(int length) => CheckToken<CharModel, CharModel.State>(length, seed: 15, maxChecked: 600);

    [Theory]
    [InlineData(1)]
    [InlineData(WideDense.SequenceLength)]
    public void WideDense_(int length) => CheckDense<WideDense, WideDense.State>(length, seed: 16, maxChecked: 600);

    private static void CheckToken<TModel, TState>(int length, int seed, int maxChecked)
        where TModel : ITokenRnnModel<TState>, new()
        where TState : struct, IRnnState
    {
        var model = new TModel();
        var random = new Random(seed);
        model.InitializeParameters(seed);
        int[] inputs = new int[length];
        int[] targets = new int[length];
        for (int t = 0; t < length; t++)
        {
            inputs[t] = random.Next(model.InputSize);
            targets[t] = random.Next(model.OutputSize);
        }
        float[] h0 = RandomState<TState>(random);
        float[] logits = new float[model.OutputSize];
        Check(model, random, maxChecked, () =>
        {
            var state = new TState();
            state.CopyFrom(h0);
            return model.ComputeGradients(inputs, targets, ref state);
        }, pattern =>
        {
            var state = new TState();
            state.CopyFrom(h0);
            for (int t = 0; t < length; t++)
            {
                model.Step(inputs[t], ref state, logits);
                state.CopyTo(pattern.Slice(t * state.Length, state.Length));
            }
        }, length);
    }

    private static void CheckDense<TModel, TState>(int length, int seed, int maxChecked)
        where TModel : IDenseRnnModel<TState>, new()
        where TState : struct, IRnnState
    {
        var model = new TModel();
        var random = new Random(seed);
        model.InitializeParameters(seed);
        float[] inputs = new float[length * model.InputSize];
        for (int i = 0; i < inputs.Length; i++)
            inputs[i] = (float)(random.NextDouble() * 2 - 1);
        int[] targets = new int[length];
        for (int t = 0; t < length; t++)
            targets[t] = random.Next(model.OutputSize);
        float[] h0 = RandomState<TState>(random);
        float[] logits = new float[model.OutputSize];
        Check(model, random, maxChecked, () =>
        {
            var state = new TState();
            state.CopyFrom(h0);
            return model.ComputeGradients(inputs, targets, ref state);
        }, pattern =>
        {
            var state = new TState();
            state.CopyFrom(h0);
            for (int t = 0; t < length; t++)
            {
                model.Step(inputs.AsSpan(t * model.InputSize, model.InputSize), ref state, logits);
                state.CopyTo(pattern.Slice(t * state.Length, state.Length));
            }
        }, length);
    }

    private static float[] RandomState<TState>(Random random) where TState : struct, IRnnState
    {
        float[] h0 = new float[new TState().Length];
        for (int i = 0; i < h0.Length; i++)
            h0[i] = (float)(random.NextDouble() - 0.5);
        return h0;
    }

    /// <summary>Compares analytic and numeric gradients on every parameter, or on a seeded sample of at most maxChecked per tensor.</summary>
    private delegate void HiddenStates(Span<float> statesByStep);

    private static void Check(IRnnModel model, Random random, int maxChecked, Func<float> lossAndGradients, HiddenStates hiddenStates, int length)
    {
        bool relu = model.Cell == CellKind.RnnRelu;
        float[] baseStates = new float[length * model.HiddenSize * model.Layers];
        float[] perturbedStates = new float[baseStates.Length];
        hiddenStates(baseStates);
        int kinks = 0;
        float epsilon = relu ? ReluEpsilon : TanhEpsilon;
        model.ZeroGradients();
        lossAndGradients();
        float[] analytic = model.Gradients.ToArray();
        Span<float> parameters = model.Parameters;
        double differenceSquares = 0, gradientSquares = 0;
        int checkedCount = 0;
        foreach (ParameterInfo info in model.Layout)
        {
            int count = Math.Min(info.Length, maxChecked);
            for (int k = 0; k < count; k++)
            {
                int index = info.Offset + (count == info.Length ? k : random.Next(info.Length));
                float original = parameters[index];
                parameters[index] = original + epsilon;
                double plus = lossAndGradients();
                bool kink = relu && FlipsSign(hiddenStates, baseStates, perturbedStates);
                parameters[index] = original - epsilon;
                double minus = lossAndGradients();
                kink = kink || (relu && FlipsSign(hiddenStates, baseStates, perturbedStates));
                parameters[index] = original;
                if (kink)
                {
                    kinks++;
                    continue;
                }
                double numeric = (plus - minus) / (2 * epsilon);
                double g = analytic[index];
                double error = Math.Abs(numeric - g);
                Assert.True(error <= ElementAbsolute + ElementRelative * Math.Abs(g),
                    $"d{info.Name}[{index - info.Offset}]: analytic {g:E4}, finite difference {numeric:E4} (error {error:E2})");
                differenceSquares += error * error;
                gradientSquares += g * g;
                checkedCount++;
            }
        }
        Assert.True(kinks <= MaxKinkFraction * (checkedCount + kinks), $"{kinks} of {checkedCount + kinks} elements crossed a ReLU kink");
        Assert.True(checkedCount > 0);
        Assert.True(gradientSquares > 0, "every gradient is zero: the check would prove nothing");
        double relative = Math.Sqrt(differenceSquares / gradientSquares);
        Assert.True(relative <= NormRelative, $"‖fd − g‖/‖g‖ = {relative:E2} over {checkedCount} parameters");
    }

    /// <summary>True when, with the current parameters, some unit's ReLU output switches between zero and positive.</summary>
    private static bool FlipsSign(HiddenStates hiddenStates, float[] baseStates, float[] perturbedStates)
    {
        hiddenStates(perturbedStates);
        for (int i = 0; i < baseStates.Length; i++)
        {
            if ((baseStates[i] > 0) != (perturbedStates[i] > 0))
                return true;
        }
        return false;
    }
}
