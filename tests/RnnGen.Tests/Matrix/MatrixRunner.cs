using System;
using System.Linq;
using System.Runtime.InteropServices;
using RnnGen.Tests.Numerics;
using Xunit;

namespace RnnGen.Tests.Matrix;

/// <summary>Runs one matrix case through its generated model: Forward, then ComputeGradients, each against PyTorch.</summary>
public static class MatrixRunner
{
    public static void Run<TModel, TState, TInput, TTarget>(MatrixCase c)
        where TModel : IRnnModel<TState, TInput, TTarget>, new()
        where TState : struct, IRnnState
        where TInput : unmanaged
        where TTarget : unmanaged
    {
        var model = new TModel();
        AssertDeclarationMatches(model, c);

        MatrixParameters.Fill(model.Parameters, c.ParameterSeed, c.HiddenSize);
        for (int i = 0; i < c.CheckIndices.Length; i++)
            Assert.Equal(BitConverter.SingleToInt32Bits(c.CheckValues[i]), BitConverter.SingleToInt32Bits(model.Parameters[c.CheckIndices[i]]));

        ReadOnlySpan<TInput> inputs = c.Tokens is not null
            ? MemoryMarshal.Cast<int, TInput>(c.Tokens)
            : MemoryMarshal.Cast<float, TInput>(c.Inputs!);
        ReadOnlySpan<TTarget> targets = c.ClassTargets is not null
            ? MemoryMarshal.Cast<int, TTarget>(c.ClassTargets)
            : MemoryMarshal.Cast<float, TTarget>(c.ValueTargets!);
        float[] initial = c.C0 is null ? c.H0 : c.H0.Concat(c.C0).ToArray();
        double[] final = c.CFinal is null ? c.HFinal : c.HFinal.Concat(c.CFinal).ToArray();

        // Forward. A bidirectional model must ignore whatever the state holds: fill it with noise first.
        TState state = InitialState<TState>(c, initial);
        float[] outputs = new float[c.Output == "every" ? c.Length * c.OutputSize : c.OutputSize];
        model.Forward(inputs, ref state, outputs);
        Tolerance.Close(c.Outputs, outputs, Tolerance.OutputRelative, Tolerance.OutputAbsolute, c.Name + " outputs");
        AssertState(c, state, final);

        // Training pass.
        state = InitialState<TState>(c, initial);
        model.ZeroGradients();
        float loss = model.ComputeGradients(inputs, targets, ref state);
        Tolerance.Close(c.Loss, loss, Tolerance.OutputRelative, Tolerance.OutputAbsolute, c.Name + " loss");
        AssertState(c, state, final);
        Span<float> gradients = model.Gradients;
        Assert.Equal(c.Gradients.Count, model.Layout.Count);
        foreach (ParameterInfo info in model.Layout)
        {
            Tolerance.Close(c.Gradients[info.Name], gradients.Slice(info.Offset, info.Length),
                Tolerance.GradientRelative, Tolerance.GradientAbsolute, c.Name + " d" + info.Name);
        }
    }

    private static TState InitialState<TState>(MatrixCase c, float[] initial) where TState : struct, IRnnState
    {
        var state = new TState();
        if (c.Bidirectional)
        {
            float[] noise = new float[state.Length];
            Array.Fill(noise, 0.75f);
            state.CopyFrom(noise);
        }
        else
        {
            state.CopyFrom(initial);
        }
        return state;
    }

    private static void AssertState<TState>(MatrixCase c, TState state, double[] expected) where TState : struct, IRnnState
    {
        float[] actual = new float[state.Length];
        state.CopyTo(actual);
        Tolerance.Close(expected, actual, Tolerance.OutputRelative, Tolerance.OutputAbsolute, c.Name + " final state");
    }

    private static void AssertDeclarationMatches(IRnnModel model, MatrixCase c)
    {
        CellKind cell = c.Cell switch { "rnn_tanh" => CellKind.Rnn, "rnn_relu" => CellKind.RnnRelu, "lstm" => CellKind.Lstm, "gru" => CellKind.Gru, _ => throw new InvalidOperationException(c.Cell) };
        Assert.Equal(cell, model.Cell);
        Assert.Equal(c.Layers, model.Layers);
        Assert.Equal(c.Bidirectional, model.Bidirectional);
        Assert.Equal(c.Input == "token" ? InputKind.Token : InputKind.Dense, model.Input);
        Assert.Equal(c.Head == "softmax" ? HeadKind.Softmax : HeadKind.Linear, model.Head);
        Assert.Equal(c.Output == "every" ? OutputKind.EveryStep : OutputKind.LastStep, model.Output);
        Assert.Equal((c.InputSize, c.HiddenSize, c.OutputSize, c.SequenceLength), (model.InputSize, model.HiddenSize, model.OutputSize, model.SequenceLength));
    }
}
