using System;
using System.Linq;
using System.Runtime.InteropServices;
using RnnGen.Tests.Matrix;
using RnnGen.Tests.Numerics;
using Xunit;

namespace RnnGen.Tests.Stacks;

/// <summary>
/// Runs one stack case through its generated model against PyTorch: the declaration's layout (names, shapes, order),
/// Forward (dropout off) with its final state, ComputeGradients (dropout masks from the documented generator) with its
/// loss, every gradient, final state and generator state, and for streaming models Step over the same window.
/// </summary>
public static class StackRunner
{
    public static void Run<TModel, TState, TInput, TTarget>(StackCase c)
        where TModel : IRnnModel<TState, TInput, TTarget>, new()
        where TState : struct, IRnnState
        where TInput : unmanaged
        where TTarget : unmanaged
    {
        var model = new TModel();
        Assert.Equal(c.ParameterCount, model.ParameterCount);
        Assert.Equal(c.Tensors.Select(t => t.Name), model.Layout.Select(p => p.Name));
        for (int i = 0; i < c.Tensors.Length; i++)
            Assert.Equal(c.Tensors[i].Shape, model.Layout[i].Shape);
        Assert.Equal((c.InputSize, c.OutputSize, c.SequenceLength), (model.InputSize, model.OutputSize, model.SequenceLength));
        Assert.Equal(c.Input == "token" ? InputKind.Token : InputKind.Dense, model.Input);
        Assert.Equal(c.Output == "every" ? OutputKind.EveryStep : OutputKind.LastStep, model.Output);
        Assert.Equal(c.Head switch { "softmax" => HeadKind.Softmax, "linear" => HeadKind.Linear, _ => HeadKind.ErrorToSignalRatio }, model.Head);

        MatrixParameters.Fill(model.Parameters, c.ParameterSeed, c.BoundSize);
        for (int i = 0; i < c.CheckIndices.Length; i++)
            Assert.Equal(BitConverter.SingleToInt32Bits(c.CheckValues[i]), BitConverter.SingleToInt32Bits(model.Parameters[c.CheckIndices[i]]));

        ReadOnlySpan<TInput> inputs = c.Tokens is not null
            ? MemoryMarshal.Cast<int, TInput>(c.Tokens)
            : MemoryMarshal.Cast<float, TInput>(c.Inputs!);
        ReadOnlySpan<TTarget> targets = c.ClassTargets is not null
            ? MemoryMarshal.Cast<int, TTarget>(c.ClassTargets)
            : MemoryMarshal.Cast<float, TTarget>(c.ValueTargets!);

        // Forward: dropout is the identity. A model with a bidirectional layer must ignore the state it is given.
        TState state = InitialState<TState>(c, model.Bidirectional);
        float[] outputs = new float[c.Outputs.Length];
        model.Forward(inputs, ref state, outputs);
        Tolerance.Close(c.Outputs, outputs, Tolerance.OutputRelative, Tolerance.OutputAbsolute, c.Name + " outputs");
        AssertState(state, c.StateFinal, c.Name + " final state");

        // Training: the masks come from DropoutState, which the pass advances as the script's generator does.
        state = InitialState<TState>(c, model.Bidirectional);
        model.DropoutState = c.DropoutState;
        model.ZeroGradients();
        float loss = model.ComputeGradients(inputs, targets, ref state);
        Tolerance.Close(c.Loss, loss, Tolerance.OutputRelative, Tolerance.OutputAbsolute, c.Name + " loss");
        AssertState(state, c.StateFinalTrain, c.Name + " final state after training");
        Assert.Equal(c.DropoutStateFinal, model.DropoutState);
        Span<float> gradients = model.Gradients;
        Assert.Equal(c.Gradients.Count, model.Layout.Count);
        foreach (ParameterInfo info in model.Layout)
        {
            Tolerance.Close(c.Gradients[info.Name], gradients.Slice(info.Offset, info.Length),
                Tolerance.GradientRelative, Tolerance.GradientAbsolute, c.Name + " d" + info.Name);
        }
    }

    /// <summary>Step over the window, sample by sample, gives PyTorch's outputs and final state (streaming models).</summary>
    public static void RunSteps<TModel, TState>(StackCase c, Action<TModel, int, TState[], float[]> step)
        where TModel : IRnnModel, new()
        where TState : struct, IRnnState
    {
        var model = new TModel();
        MatrixParameters.Fill(model.Parameters, c.ParameterSeed, c.BoundSize);
        var state = new TState[] { InitialState<TState>(c, bidirectional: false) };
        float[] outputs = new float[c.Outputs.Length];
        float[] one = new float[c.OutputSize];
        for (int t = 0; t < c.Length; t++)
        {
            step(model, t, state, one);
            one.CopyTo(outputs, t * c.OutputSize);
        }
        Tolerance.Close(c.Outputs, outputs, Tolerance.OutputRelative, Tolerance.OutputAbsolute, c.Name + " outputs of Step");
        AssertState(state[0], c.StateFinal, c.Name + " final state after Step");
    }

    private static TState InitialState<TState>(StackCase c, bool bidirectional) where TState : struct, IRnnState
    {
        var state = new TState();
        Assert.Equal(c.State0.Length, state.Length);
        if (bidirectional)
        {
            float[] noise = new float[state.Length];
            Array.Fill(noise, 0.75f);
            state.CopyFrom(noise);
        }
        else
        {
            state.CopyFrom(c.State0);
        }
        return state;
    }

    private static void AssertState<TState>(TState state, double[] expected, string what) where TState : struct, IRnnState
    {
        float[] actual = new float[state.Length];
        state.CopyTo(actual);
        Tolerance.Close(expected, actual, Tolerance.OutputRelative, Tolerance.OutputAbsolute, what);
    }
}
