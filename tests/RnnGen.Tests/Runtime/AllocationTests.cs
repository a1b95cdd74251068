using System;
using System.Runtime.CompilerServices;
using RnnGen;
using Xunit;

namespace RnnGen.Tests.Runtime;

/// <summary>
/// Hot paths allocate nothing: after a warm-up (which lets the JIT and the sort helpers initialize), the bytes
/// allocated on this thread do not change across thousands of calls.
/// </summary>
/// <remarks>
/// The measuring loops are compiled fully optimized up front (<see cref="MethodImplOptions.AggressiveOptimization"/>):
/// a tier-0 loop in the test itself is replaced mid-run by on-stack replacement, and that transition can allocate a
/// few bytes on this thread, which would be counted against the code under test. The code under test is tiered
/// too, and its tier-1 version can be installed during a measured run (the JIT waits 100 ms before it compiles it);
/// that one-time switch can allocate as well, so each measurement is settled (<see cref="AllocationMeasure.Settled(System.Func{long})"/>):
/// an allocation in the hot path itself shows in every run.
/// </remarks>
public sealed class AllocationTests
{
    private const int ParameterCount = 1001; // vectors plus a scalar tail

    [Fact]
    public void OptimizerStepsDoNotAllocate()
    {
        IOptimizer[] optimizers =
        {
            new SgdOptimizer(ParameterCount, 0.01f),
            new SgdOptimizer(ParameterCount, 0.01f, 0.9f),
            new AdagradOptimizer(ParameterCount),
            new RmsPropOptimizer(ParameterCount),
            new AdamOptimizer(ParameterCount),
        };
        var parameters = new float[ParameterCount];
        var gradients = new float[ParameterCount];
        for (int i = 0; i < gradients.Length; i++)
            gradients[i] = (i % 7 - 3) * 0.01f;

        foreach (IOptimizer optimizer in optimizers)
        {
            Steps(optimizer, parameters, gradients, 200);
            long allocated = AllocationMeasure.Settled(() => Steps(optimizer, parameters, gradients, 10_000));
            Assert.True(allocated == 0, $"{optimizer.GetType().Name} allocated {allocated} bytes in 10,000 steps");
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    private static long Steps(IOptimizer optimizer, float[] parameters, float[] gradients, int count)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < count; i++)
            optimizer.Step(parameters, gradients);
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    [Fact]
    public void ClippingDoesNotAllocate()
    {
        var gradients = new float[ParameterCount];
        Clip(gradients, 200);
        Assert.Equal(0, AllocationMeasure.Settled(() => Clip(gradients, 10_000)));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    private static long Clip(float[] gradients, int count)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < count; i++)
        {
            gradients.AsSpan().Fill(3f);
            GradientClipping.ClipByGlobalNorm(gradients, 1f);
            GradientClipping.ClipByValue(gradients, 0.01f);
        }
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    [Fact]
    public void SamplingDoesNotAllocate()
    {
        var logits = new float[65];
        for (int i = 0; i < logits.Length; i++)
            logits[i] = MathF.Sin(i * 0.7f) * 3f;
        var sampler = new Sampler(logits.Length, 1);
        Draw(sampler, logits, 200, out _);
        int sink = 0;
        long allocated = AllocationMeasure.Settled(() => Draw(sampler, logits, 1_000, out sink));
        Assert.True(allocated == 0, $"sampling allocated {allocated} bytes");
        Assert.True(sink > 0);
    }

    /// <summary>Each iteration: one plain sample, one top-k sample, one top-p sample and an argmax.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    private static long Draw(Sampler sampler, float[] logits, int count, out int sink)
    {
        sink = 0;
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < count; i++)
        {
            sink += sampler.Sample(logits);
            sink += sampler.Sample(logits, 0.8f, topK: 1 + i % 10);
            sink += sampler.SampleTopP(logits, 1.1f, 0.9f);
            sink += Sampler.Argmax(logits);
        }
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    [Fact]
    public void SpanEncodingAndDecodingDoNotAllocate()
    {
        const string text = "To be, or not to be, that is the question: ¿qué?";
        var vocabulary = CharVocabulary.Build(text, 40);
        var ids = new int[text.Length];
        var chars = new char[text.Length];
        RoundTrips(vocabulary, text, ids, chars, 100);
        Assert.Equal(0, AllocationMeasure.Settled(() => RoundTrips(vocabulary, text, ids, chars, 1_000)));
        Assert.Equal(text, new string(chars));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    private static long RoundTrips(CharVocabulary vocabulary, string text, int[] ids, char[] chars, int count)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < count; i++)
        {
            vocabulary.Encode(text, ids);
            vocabulary.Decode(ids, chars);
        }
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }
}
