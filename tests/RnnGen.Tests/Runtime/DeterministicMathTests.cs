using System;
using RnnGen;
using Xunit;

namespace RnnGen.Tests.Runtime;

public sealed class DeterministicMathTests
{
    [Fact]
    public void ExpAgreesWithTheLibraryExpToAFewUlps()
    {
        double worst = 0;
        for (int i = 0; i <= 200_000; i++)
        {
            double x = -708.0 * i / 200_000;
            double expected = Math.Exp(x);
            double error = Math.Abs(DeterministicMath.ExpNonPositive(x) - expected) / expected;
            worst = Math.Max(worst, error);
        }
        Assert.True(worst < 1e-15, $"largest relative error {worst:E2}");
    }

    [Fact]
    public void ExpEdges()
    {
        Assert.Equal(1.0, DeterministicMath.ExpNonPositive(0.0));
        Assert.Equal(1.0, DeterministicMath.ExpNonPositive(-0.0));
        Assert.Equal(0.0, DeterministicMath.ExpNonPositive(double.NegativeInfinity));
        Assert.Equal(0.0, DeterministicMath.ExpNonPositive(-709.0));
        Assert.Equal(Math.Exp(-1.0), DeterministicMath.ExpNonPositive(-1.0), 15);
        Assert.True(DeterministicMath.ExpNonPositive(-708.0) > 0);
    }

    [Fact]
    public void PowBySquaringAgreesWithTheLibraryPow()
    {
        foreach (double b in new[] { 0.9, 0.999, 0.99, 0.5, 0.0 })
        {
            foreach (long n in new long[] { 0, 1, 2, 3, 7, 100, 1_000, 123_457, 10_000_000 })
            {
                double expected = Math.Pow(b, n);
                double actual = DeterministicMath.Pow(b, n);
                // Repeated squaring doubles the relative error at each step: about n ulps at most.
                double bound = (n + 1) * 2.3e-16 * expected;
                Assert.True(Math.Abs(actual - expected) <= bound || (expected < 1e-300 && actual < 1e-300),
                    $"{b}^{n}: {actual:R} vs {expected:R}");
            }
        }
    }
}
