using System;
using System.Linq;
using Xunit;

namespace RnnGen.Tests.Stacks;

/// <summary>
/// Every analytic gradient of layer stacks against central finite differences of the float32 loss,
/// (L(p + ε) − L(p − ε)) / 2ε with ε = 1e-2, through every layer kind and activation, windows 1 and 12, the dropout
/// masks held fixed (DropoutState is reset before every evaluation). Per element |fd − g| ≤ 2e-4 + 1e-2·|g|, over the
/// model ‖fd − g‖/‖g‖ ≤ 5e-3. ReLU and leaky ReLU have kinks: an element whose finite differences at ε and ε/4 disagree
/// by more than its tolerance straddles one and is left out (at most 10% of a model's elements).
/// </summary>
public class StackGradientCheckTests
{
    private const float Epsilon = 1e-2f;
    private const double ElementAbsolute = 2e-4, ElementRelative = 1e-2, NormRelative = 5e-3, MaxKinkFraction = 0.1;
    private const ulong Masks = 0x5EED_0F_D20F0E17UL;

    [Theory]
    [InlineData(1)]
    [InlineData(12)]
    public void DenseConvLstmDropoutElu(int length) => Check<FdDenseConvLstm, FdDenseConvLstm.State, float, float>(length, 31);

    [Theory]
    [InlineData(1)]
    [InlineData(12)]
    public void EmbeddingBidirectionalGruRelu(int length) => Check<FdEmbeddingBiGru, FdEmbeddingBiGru.State, int, int>(length, 32);

    [Theory]
    [InlineData(1)]
    [InlineData(12)]
    public void OneHotConvLeakyReluTwoLayerRnn(int length) => Check<FdOneHotConvRnn, FdOneHotConvRnn.State, int, int>(length, 33);

    [Theory]
    [InlineData(2)]
    [InlineData(12)]
    public void SkipAndErrorToSignalRatio(int length) => Check<FdSkipEsr, FdSkipEsr.State, float, float>(length, 34);

    [Theory]
    [InlineData(1)]
    [InlineData(12)]
    public void NoBiasDenseLstmThenGruDropout(int length) => Check<FdNoBiasTwoRecurrent, FdNoBiasTwoRecurrent.State, int, int>(length, 35);

    internal static void Check<TModel, TState, TInput, TTarget>(int length, int seed)
        where TModel : IRnnModel<TState, TInput, TTarget>, new()
        where TState : struct, IRnnState
        where TInput : unmanaged
        where TTarget : unmanaged
    {
        var model = new TModel();
        var random = new Random(seed);
        model.InitializeParameters(seed);
        // Biases and weights of a freshly initialized stack are small; spread them so every activation sees both signs.
        Span<float> p = model.Parameters;
        for (int i = 0; i < p.Length; i++)
            p[i] *= 1.5f;
        TInput[] inputs = StackData.Inputs<TInput>(model, length, random);
        TTarget[] targets = StackData.Targets<TTarget>(model, length, random);
        float[] initial = StackData.State<TState>(model, random);

        float Loss()
        {
            var state = new TState();
            state.CopyFrom(initial);
            model.DropoutState = Masks;
            return model.ComputeGradients(inputs, targets, ref state);
        }

        double Numeric(int index, float epsilon)
        {
            Span<float> parameters = model.Parameters;
            float original = parameters[index];
            parameters[index] = original + epsilon;
            double plus = Loss();
            parameters[index] = original - epsilon;
            double minus = Loss();
            parameters[index] = original;
            return (plus - minus) / (2 * epsilon);
        }

        model.ZeroGradients();
        Loss();
        float[] analytic = model.Gradients.ToArray();
        double differenceSquares = 0, gradientSquares = 0;
        int checkedCount = 0, kinks = 0;
        foreach (ParameterInfo info in model.Layout)
        {
            for (int index = info.Offset; index < info.Offset + info.Length; index++)
            {
                double g = analytic[index];
                double tolerance = ElementAbsolute + ElementRelative * Math.Abs(g);
                double numeric = Numeric(index, Epsilon);
                double error = Math.Abs(numeric - g);
                if (error > tolerance && Math.Abs(Numeric(index, Epsilon / 4) - numeric) > tolerance)
                {
                    kinks++;
                    continue;
                }
                Assert.True(error <= tolerance, $"{typeof(TModel).Name} d{info.Name}[{index - info.Offset}]: analytic {g:E4}, finite difference {numeric:E4} (error {error:E2})");
                differenceSquares += error * error;
                gradientSquares += g * g;
                checkedCount++;
            }
        }
        Assert.True(kinks <= MaxKinkFraction * (checkedCount + kinks), $"{kinks} of {checkedCount + kinks} elements straddle a kink");
        Assert.True(gradientSquares > 0, "every gradient is zero: the check would prove nothing");
        double relative = Math.Sqrt(differenceSquares / gradientSquares);
        Assert.True(relative <= NormRelative, $"‖fd − g‖/‖g‖ = {relative:E2} over {checkedCount} parameters");
        // Every tensor's gradient is exercised (a layer cut off from the loss would show as all zeros).
        foreach (ParameterInfo info in model.Layout)
            Assert.True(analytic.AsSpan(info.Offset, info.Length).ToArray().Any(v => v != 0f) || length == 1 && info.Name.Contains("weight_hh"), $"d{info.Name} is all zero");
    }
}

/// <summary>Seeded inputs, targets and states for any stack.</summary>
internal static class StackData
{
    public static TInput[] Inputs<TInput>(IRnnModel model, int length, Random random) where TInput : unmanaged
    {
        var inputs = new TInput[model.Input == InputKind.Token ? length : length * model.InputSize];
        for (int i = 0; i < inputs.Length; i++)
            inputs[i] = typeof(TInput) == typeof(int) ? (TInput)(object)random.Next(model.InputSize) : (TInput)(object)(float)(random.NextDouble() * 2 - 1);
        return inputs;
    }

    public static TTarget[] Targets<TTarget>(IRnnModel model, int length, Random random) where TTarget : unmanaged
    {
        int count = model.Head == HeadKind.Softmax
            ? (model.Output == OutputKind.EveryStep ? length : 1)
            : (model.Output == OutputKind.EveryStep ? length * model.OutputSize : model.OutputSize);
        var targets = new TTarget[count];
        for (int i = 0; i < targets.Length; i++)
            targets[i] = typeof(TTarget) == typeof(int) ? (TTarget)(object)random.Next(model.OutputSize) : (TTarget)(object)(float)(random.NextDouble() * 2 - 1);
        return targets;
    }

    public static float[] State<TState>(IRnnModel model, Random random) where TState : struct, IRnnState
    {
        float[] initial = new float[new TState().Length];
        if (!model.Bidirectional)
        {
            for (int i = 0; i < initial.Length; i++)
                initial[i] = (float)(random.NextDouble() - 0.5);
        }
        return initial;
    }
}
