using System;
using System.Runtime.CompilerServices;
using Xunit;

namespace RnnGen.Tests.Numerics;

/// <summary>After construction and warm-up, the hot paths allocate nothing: GC.GetAllocatedBytesForCurrentThread does not move.</summary>
public class AllocationTests
{
    [Fact]
    public void StepForwardAndComputeGradientsAllocateNothing_Token()
    {
        var model = new CharModel();
        model.InitializeParameters(1);
        var state = new CharModel.State();
        float[] logits = new float[CharModel.OutputSize];
        float[] sequenceLogits = new float[CharModel.SequenceLength * CharModel.OutputSize];
        int[] inputs = new int[CharModel.SequenceLength];
        int[] targets = new int[CharModel.SequenceLength];
        for (int t = 0; t < inputs.Length; t++)
        {
            inputs[t] = t * 7 % CharModel.InputSize;
            targets[t] = (t * 7 + 1) % CharModel.OutputSize;
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        void Run()
        {
            for (int i = 0; i < 10_000; i++)
                model.Step(i % CharModel.InputSize, ref state, logits);
            for (int i = 0; i < 100; i++)
            {
                model.Forward(inputs, ref state, sequenceLogits);
                model.ZeroGradients();
                model.ComputeGradients(inputs, targets, ref state);
            }
        }

        Run(); // warm-up: tiering, static initialization
        Assert.Equal(0, AllocationMeasure.Settled(Run));
    }

    [Fact]
    public void StepForwardAndComputeGradientsAllocateNothing_Dense()
    {
        var model = new WideDense();
        model.InitializeParameters(2);
        var state = new WideDense.State();
        float[] input = new float[WideDense.InputSize];
        float[] inputs = new float[WideDense.SequenceLength * WideDense.InputSize];
        for (int i = 0; i < inputs.Length; i++)
            inputs[i] = MathF.Sin(i);
        float[] logits = new float[WideDense.OutputSize];
        float[] sequenceLogits = new float[WideDense.SequenceLength * WideDense.OutputSize];
        int[] targets = new int[WideDense.SequenceLength];

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        void Run()
        {
            for (int i = 0; i < 10_000; i++)
                model.Step(input, ref state, logits);
            for (int i = 0; i < 100; i++)
            {
                model.Forward(inputs, ref state, sequenceLogits);
                model.ZeroGradients();
                model.ComputeGradients(inputs, targets, ref state);
            }
        }

        Run();
        Assert.Equal(0, AllocationMeasure.Settled(Run));
    }
}
