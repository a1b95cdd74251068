using System;

namespace RnnGen.Tests;

/// <summary>
/// Measuring "allocates nothing" on a tiered JIT: the code under test can be recompiled at tier 1 in the middle of a
/// measured run (the JIT waits 100 ms before it compiles hot methods), and that one-time switch can allocate a few
/// bytes on the calling thread. A measurement is therefore repeated up to three times and the first run that allocates
/// nothing counts; an allocation in the code itself shows in every run and still fails the test.
/// </summary>
internal static class AllocationMeasure
{
    private const int Attempts = 3;

    /// <summary>The bytes reported by the first of up to three runs of <paramref name="measure"/> that allocates nothing, or by the last run.</summary>
    public static long Settled(Func<long> measure)
    {
        long allocated = measure();
        for (int attempt = 1; attempt < Attempts && allocated != 0; attempt++)
            allocated = measure();
        return allocated;
    }

    /// <summary>Bytes allocated on this thread while <paramref name="action"/> runs, settled as <see cref="Settled"/> says.</summary>
    public static long Settled(Action action) => Settled(() =>
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        action();
        return GC.GetAllocatedBytesForCurrentThread() - before;
    });
}
