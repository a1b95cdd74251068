using System;
using System.Runtime.CompilerServices;
using Xunit;

namespace RnnGen.Tests.Numerics;

/// <summary>LSTM and GRU models, stacked and bidirectional: Forward, Step and ComputeGradients allocate nothing after warm-up.</summary>
public class CellAllocationTests
{
    [Fact]
    public void StackedBidirectionalLstm() => AssertNoAllocation<LstmStackedBi, LstmStackedBi.State, int, int>(new int[20], new int[20]);

    [Fact]
    public void DeepGruLastStepLinear() => AssertNoAllocation<GruDeepDenseLast, GruDeepDenseLast.State, float, float>(new float[20 * 6], new float[3]);

    [Fact]
    public void BidirectionalGruLastStep() => AssertNoAllocation<GruBiTokenLast, GruBiTokenLast.State, int, int>(new int[20], new int[1]);

    [Fact]
    public void TwoLayerCharLstmStep()
    {
        var model = new CharLstm();
        model.InitializeParameters(3);
        var state = new CharLstm.State();
        float[] logits = new float[CharLstm.OutputSize];
        StepMany(model, ref state, logits);
        var settledState = state;
        Assert.Equal(0, AllocationMeasure.Settled(() => StepMany(model, ref settledState, logits)));
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void StepMany(CharLstm model, ref CharLstm.State state, float[] logits)
    {
        for (int i = 0; i < 10_000; i++)
            model.Step(i % CharLstm.InputSize, ref state, logits);
    }

    private static void AssertNoAllocation<TModel, TState, TInput, TTarget>(TInput[] inputs, TTarget[] targets)
        where TModel : IRnnModel<TState, TInput, TTarget>, new()
        where TState : struct, IRnnState
        where TInput : unmanaged
        where TTarget : unmanaged
    {
        var model = new TModel();
        model.InitializeParameters(5);
        float[] outputs = new float[model.Output == OutputKind.EveryStep ? 20 * model.OutputSize : model.OutputSize];
        Run<TModel, TState, TInput, TTarget>(model, inputs, targets, outputs);
        Assert.Equal(0, AllocationMeasure.Settled(() => Run<TModel, TState, TInput, TTarget>(model, inputs, targets, outputs)));
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void Run<TModel, TState, TInput, TTarget>(TModel model, TInput[] inputs, TTarget[] targets, float[] outputs)
        where TModel : IRnnModel<TState, TInput, TTarget>, new()
        where TState : struct, IRnnState
        where TInput : unmanaged
        where TTarget : unmanaged
    {
        var state = new TState();
        for (int i = 0; i < 200; i++)
        {
            model.Forward(inputs, ref state, outputs);
            model.ZeroGradients();
            model.ComputeGradients(inputs, targets, ref state);
        }
    }
}
