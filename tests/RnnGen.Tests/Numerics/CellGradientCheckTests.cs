using System;
using Xunit;

namespace RnnGen.Tests.Numerics;

/// <summary>
/// Finite-difference checks for LSTM, GRU, stacked and bidirectional models, every head and output kind:
/// every parameter's analytic gradient against (L(p + ε) − L(p − ε)) / 2ε, ε = 1e-2, windows 1 and SequenceLength,
/// non-zero initial states for unidirectional models. Tolerances as in <see cref="GradientCheckTests"/>:
/// per element |fd − g| ≤ 2e-4 + 1e-2·|g|, over the model ‖fd − g‖/‖g‖ ≤ 5e-3.
/// </summary>
public class CellGradientCheckTests
{
    private const float Epsilon = 1e-2f;
    private const double ElementAbsolute = 2e-4, ElementRelative = 1e-2, NormRelative = 5e-3;

    [Theory]
    [InlineData(1)]
    [InlineData(20)]
    public void LstmStackedBidirectional(int length) => Check<LstmStackedBi, LstmStackedBi.State, int, int>(length, 21);

    [Theory]
    [InlineData(1)]
    [InlineData(20)]
    public void GruThreeLayersDenseLinearLastStep(int length) => Check<GruDeepDenseLast, GruDeepDenseLast.State, float, float>(length, 22);

    [Theory]
    [InlineData(1)]
    [InlineData(20)]
    public void LstmDenseLinearEveryStep(int length) => Check<LstmDenseLinear, LstmDenseLinear.State, float, float>(length, 23);

    [Theory]
    [InlineData(1)]
    [InlineData(20)]
    public void GruBidirectionalTokenLastStep(int length) => Check<GruBiTokenLast, GruBiTokenLast.State, int, int>(length, 24);

    [Theory]
    [InlineData(1)]
    [InlineData(20)]
    public void RnnStackedBidirectionalDense(int length) => Check<RnnStackedBi, RnnStackedBi.State, float, int>(length, 25);

    private static void Check<TModel, TState, TInput, TTarget>(int length, int seed)
        where TModel : IRnnModel<TState, TInput, TTarget>, new()
        where TState : struct, IRnnState
        where TInput : unmanaged
        where TTarget : unmanaged
    {
        var model = new TModel();
        var random = new Random(seed);
        model.InitializeParameters(seed);
        TInput[] inputs = new TInput[model.Input == InputKind.Token ? length : length * model.InputSize];
        for (int i = 0; i < inputs.Length; i++)
            inputs[i] = typeof(TInput) == typeof(int) ? (TInput)(object)random.Next(model.InputSize) : (TInput)(object)(float)(random.NextDouble() * 2 - 1);
        int targetCount = model.Head == HeadKind.Softmax
            ? (model.Output == OutputKind.EveryStep ? length : 1)
            : (model.Output == OutputKind.EveryStep ? length * model.OutputSize : model.OutputSize);
        TTarget[] targets = new TTarget[targetCount];
        for (int i = 0; i < targets.Length; i++)
            targets[i] = typeof(TTarget) == typeof(int) ? (TTarget)(object)random.Next(model.OutputSize) : (TTarget)(object)(float)(random.NextDouble() * 2 - 1);
        float[] initial = new float[new TState().Length];
        if (!model.Bidirectional)
        {
            for (int i = 0; i < initial.Length; i++)
                initial[i] = (float)(random.NextDouble() - 0.5);
        }

        float Loss()
        {
            var state = new TState();
            state.CopyFrom(initial);
            return model.ComputeGradients(inputs, targets, ref state);
        }

        model.ZeroGradients();
        Loss();
        float[] analytic = model.Gradients.ToArray();
        Span<float> parameters = model.Parameters;
        double differenceSquares = 0, gradientSquares = 0;
        foreach (ParameterInfo info in model.Layout)
        {
            for (int index = info.Offset; index < info.Offset + info.Length; index++)
            {
                float original = parameters[index];
                parameters[index] = original + Epsilon;
                double plus = Loss();
                parameters[index] = original - Epsilon;
                double minus = Loss();
                parameters[index] = original;
                double numeric = (plus - minus) / (2 * Epsilon);
                double g = analytic[index];
                double error = Math.Abs(numeric - g);
                Assert.True(error <= ElementAbsolute + ElementRelative * Math.Abs(g),
                    $"d{info.Name}[{index - info.Offset}]: analytic {g:E4}, finite difference {numeric:E4} (error {error:E2})");
                differenceSquares += error * error;
                gradientSquares += g * g;
            }
        }
        Assert.True(gradientSquares > 0, "every gradient is zero: the check would prove nothing");
        double relative = Math.Sqrt(differenceSquares / gradientSquares);
        Assert.True(relative <= NormRelative, $"‖fd − g‖/‖g‖ = {relative:E2}");
    }
}
