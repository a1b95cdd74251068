using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using Xunit;

namespace RnnGen.Tests.Stacks;

/// <summary>
/// Streaming: for every unidirectional every-step stack, Step sample by sample gives PyTorch's outputs and final state,
/// and Forward over several windows (a convolution's history and every recurrent state carried across them) equals
/// Step over the same samples.
/// </summary>
public class StackStreamingTests
{
    public static IEnumerable<object[]> StreamingCases() =>
        StackCase.All.Values.Where(c => c.Streaming).Select(c => c.Name).OrderBy(n => n, StringComparer.Ordinal).Select(n => new object[] { n });

    [Theory]
    [MemberData(nameof(StreamingCases))]
    public void StepMatchesPyTorch(string caseName)
    {
        StackCase c = StackCase.All[caseName];
        Type model = ModelType(c.Model);
        typeof(StackStreamingTests).GetMethod(nameof(StepCase), BindingFlags.NonPublic | BindingFlags.Static)!
            .MakeGenericMethod(model, model.GetNestedType("State")!).Invoke(null, new object[] { c });
    }

    [Fact]
    public void EveryStreamingModelHasStepAndTheOthersDoNot()
    {
        foreach (StackCase c in StackCase.All.Values.GroupBy(c => c.Model).Select(g => g.First()))
            Assert.Equal(c.Streaming, ModelType(c.Model).GetMethod("Step") is not null);
    }

    [Theory]
    [InlineData(typeof(StreamingConvolutions), 17)]
    [InlineData(typeof(FdDenseConvLstm), 31)]
    [InlineData(typeof(FdSkipEsr), 26)]
    [InlineData(typeof(FdOneHotConvRnn), 29)]
    [InlineData(typeof(TokenDropoutLstm), 23)]
    public void ForwardOverSeveralWindowsEqualsStep(Type model, int length)
    {
        typeof(StackStreamingTests).GetMethod(nameof(ForwardEqualsSteps), BindingFlags.NonPublic | BindingFlags.Static)!
            .MakeGenericMethod(model, model.GetNestedType("State")!).Invoke(null, new object[] { length });
    }

    private static Type ModelType(string name) => typeof(StackStreamingTests).Assembly.GetType("RnnGen.Tests.Stacks." + name)!;

    private static void StepCase<TModel, TState>(StackCase c) where TModel : IRnnModel, new() where TState : struct, IRnnState
    {
        Stepper<TModel, TState> step = Steppers.Create<TModel, TState>();
        StackRunner.RunSteps<TModel, TState>(c, (model, t, state, outputs) =>
            step(model, c.Tokens is null ? default : c.Tokens.AsSpan(t, 1), c.Inputs is null ? default : c.Inputs.AsSpan(t * c.InputSize, c.InputSize), ref state[0], outputs));
    }

    private static void ForwardEqualsSteps<TModel, TState>(int length) where TModel : IRnnModel, new() where TState : struct, IRnnState
    {
        var model = new TModel();
        model.InitializeParameters(7);
        Assert.True(length > 2 * model.SequenceLength, "the sequence must span several windows");
        var random = new Random(length);
        bool token = model.Input == InputKind.Token;
        int[] tokens = Enumerable.Range(0, length).Select(_ => random.Next(model.InputSize)).ToArray();
        float[] inputs = Enumerable.Range(0, length * model.InputSize).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        float[] initial = StackData.State<TState>(model, random);

        var state = new TState();
        state.CopyFrom(initial);
        float[] forward = new float[length * model.OutputSize];
        MethodInfo forwardMethod = typeof(TModel).GetMethod("Forward")!;
        if (token)
            Forwarder<TModel, TState, int>.Create(forwardMethod)(model, tokens, ref state, forward);
        else
            Forwarder<TModel, TState, float>.Create(forwardMethod)(model, inputs, ref state, forward);
        float[] forwardState = new float[state.Length];
        state.CopyTo(forwardState);

        Stepper<TModel, TState> step = Steppers.Create<TModel, TState>();
        var stepped = new TState();
        stepped.CopyFrom(initial);
        float[] steps = new float[length * model.OutputSize];
        for (int t = 0; t < length; t++)
        {
            Span<float> output = steps.AsSpan(t * model.OutputSize, model.OutputSize);
            step(model, tokens.AsSpan(t, 1), inputs.AsSpan(t * model.InputSize, model.InputSize), ref stepped, output);
        }
        float[] steppedState = new float[stepped.Length];
        stepped.CopyTo(steppedState);
        for (int i = 0; i < forward.Length; i++)
            Assert.True(Math.Abs(forward[i] - steps[i]) <= 1e-5f + 1e-5f * Math.Abs(forward[i]), $"output {i} (step {i / model.OutputSize}): Forward {forward[i]}, Step {steps[i]}");
        for (int i = 0; i < forwardState.Length; i++)
            Assert.True(Math.Abs(forwardState[i] - steppedState[i]) <= 1e-5f + 1e-5f * Math.Abs(forwardState[i]), $"state {i}: Forward {forwardState[i]}, Step {steppedState[i]}");
    }

    private delegate void ForwardMethod<TModel, TState, TInput>(TModel model, ReadOnlySpan<TInput> inputs, ref TState state, Span<float> outputs);

    private static class Forwarder<TModel, TState, TInput>
    {
        public static ForwardMethod<TModel, TState, TInput> Create(MethodInfo method) =>
            (ForwardMethod<TModel, TState, TInput>)Delegate.CreateDelegate(typeof(ForwardMethod<TModel, TState, TInput>), method);
    }
}

/// <summary>A model's Step, token or dense, behind one delegate: a token model reads the first id of the span it is given, a dense model the floats.</summary>
internal delegate void Stepper<TModel, TState>(TModel model, ReadOnlySpan<int> token, ReadOnlySpan<float> input, ref TState state, Span<float> outputs);

internal static class Steppers
{
    private delegate void DenseStep<TModel, TState>(TModel model, ReadOnlySpan<float> input, ref TState state, Span<float> outputs);

    private delegate void TokenStep<TModel, TState>(TModel model, int token, ref TState state, Span<float> outputs);

    public static Stepper<TModel, TState> Create<TModel, TState>()
    {
        MethodInfo method = typeof(TModel).GetMethod("Step") ?? throw new InvalidOperationException(typeof(TModel).Name + " has no Step");
        if (method.GetParameters()[0].ParameterType == typeof(int))
        {
            var token = (TokenStep<TModel, TState>)Delegate.CreateDelegate(typeof(TokenStep<TModel, TState>), method);
            return (TModel model, ReadOnlySpan<int> id, ReadOnlySpan<float> _, ref TState state, Span<float> outputs) => token(model, id[0], ref state, outputs);
        }
        var dense = (DenseStep<TModel, TState>)Delegate.CreateDelegate(typeof(DenseStep<TModel, TState>), method);
        return (TModel model, ReadOnlySpan<int> _, ReadOnlySpan<float> input, ref TState state, Span<float> outputs) => dense(model, input, ref state, outputs);
    }
}
