using System;
using System.Runtime.CompilerServices;
using Xunit;

namespace RnnGen.Tests.Training;

/// <summary>Training steps (ComputeGradients + clipping + Adagrad) and sampling allocate nothing after warm-up.</summary>
public class TrainingAllocationTests
{
    [Fact]
    public void TrainingStepsAndSamplingAllocateNothing()
    {
        var (trainer, model, _) = LearningTests.Create(seed: 9);
        var sampler = new TextSampler<LearningModel.State>(model, seed: 3);
        int[] output = new int[1000];

        Measure(trainer, sampler, output); // warm-up
        long allocated = AllocationMeasure.Settled(() => Measure(trainer, sampler, output));
        Assert.Equal(0, allocated);
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static long Measure(CharTrainer<LearningModel.State> trainer, TextSampler<LearningModel.State> sampler, int[] output)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++)
            trainer.TrainStep();
        var state = new LearningModel.State();
        sampler.Generate(ref state, 0, output, temperature: 0.8f, topK: 5);
        sampler.Generate(ref state, 0, output, temperature: 1f);
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }
}
