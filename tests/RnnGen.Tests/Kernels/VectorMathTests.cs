using System;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using RnnGen.Kernels;
using Xunit;
using Xunit.Abstractions;

namespace RnnGen.Tests.Kernels;

/// <summary>A test of the AVX2 functions: skipped, with the reason, on a processor without AVX2 and FMA.</summary>
public sealed class Avx2FactAttribute : FactAttribute
{
    public Avx2FactAttribute()
    {
        if (!Avx2.IsSupported || !Fma.IsSupported)
            Skip = "VectorMath needs AVX2 and FMA, which this processor (or DOTNET_EnableAVX2=0) does not offer.";
    }
}

/// <summary>
/// The accuracy of the SIMD tanh, sigmoid and exp the generated AVX2 kernels use, against double precision
/// (<see cref="Math.Tanh"/>, <see cref="Math.Exp"/>), over every 251st float of the whole range, both signs
/// (about 17 million inputs, every exponent). Errors are in units in the last place (ulp) of the float nearest to the
/// exact result, for results that are normal floats; the absolute error is checked everywhere. The limits asserted
/// here are the ones README states; the measured maxima are printed.
/// </summary>
public class VectorMathTests(ITestOutputHelper output)
{
    private const int Stride = 251;
    private const float SmallestNormal = 1.17549435e-38f;

    [Avx2Fact]
    public void TanhIsWithinTwoUlpsOfTheExactValue()
    {
        Accuracy a = Measure(VectorMath.Tanh, Math.Tanh, float.NegativeInfinity, float.PositiveInfinity);
        output.WriteLine($"tanh: {a}");
        Assert.True(a.MaxUlps <= 2, $"tanh: {a}");
        Assert.True(a.MaxAbsolute <= 1.2e-7, $"tanh: {a}");
    }

    [Avx2Fact]
    public void SigmoidIsWithinFourUlpsOfTheExactValue()
    {
        Accuracy a = Measure(VectorMath.Sigmoid, x => 1 / (1 + Math.Exp(-x)), float.NegativeInfinity, float.PositiveInfinity);
        output.WriteLine($"sigmoid: {a}");
        Assert.True(a.MaxUlps <= 4, $"sigmoid: {a}");
        Assert.True(a.MaxAbsolute <= 1.2e-7, $"sigmoid: {a}");
    }

    [Avx2Fact]
    public void ExpIsWithinTwoUlpsWhereItsResultIsANormalFloat()
    {
        // e^x is a normal float for x in [ln(2^-126), ln(float.MaxValue)] ≈ [-87.34, 88.72]; Exp clamps at ±88.376.
        Accuracy a = Measure(VectorMath.Exp, Math.Exp, -87.33f, 88.37f);
        output.WriteLine($"exp on [-87.33, 88.37]: {a}");
        Assert.True(a.MaxUlps <= 2, $"exp: {a}");
    }

    [Avx2Fact]
    public void SpecialValuesGiveTheLimitsAndNaNStaysNaN()
    {
        Vector256<float> x = Vector256.Create(float.NaN, float.PositiveInfinity, float.NegativeInfinity, 0f, 100f, -100f, 1e-40f, -1e-40f);
        Vector256<float> tanh = VectorMath.Tanh(x);
        Vector256<float> sigmoid = VectorMath.Sigmoid(x);
        Assert.True(float.IsNaN(tanh[0]));
        Assert.True(float.IsNaN(sigmoid[0]));
        Assert.Equal([1f, -1f, 0f, 1f, -1f, 1e-40f, -1e-40f], [tanh[1], tanh[2], tanh[3], tanh[4], tanh[5], tanh[6], tanh[7]]);
        Assert.Equal([1f, 0.5f, 1f, 0.5f, 0.5f], [sigmoid[1], sigmoid[3], sigmoid[4], sigmoid[6], sigmoid[7]]);
        Assert.InRange(sigmoid[2], 0f, 1e-38f); // σ(−∞) = 0; the clamp at −88.38 leaves at most e^−88.38 ≈ 4·10⁻³⁹
        Assert.InRange(sigmoid[5], 0f, 1e-38f); // σ(−100) ≈ 3.7·10⁻⁴⁴
    }

    /// <summary>The state floor (<see cref="VectorMath.StateFloor"/>) on eight lanes, bit for bit the scalar one, at its edges and on special values.</summary>
    [Avx2Fact]
    public void TheEightLaneStateFloorGivesTheScalarFloorsBits()
    {
        float below = BitConverter.Int32BitsToSingle(BitConverter.SingleToInt32Bits(VectorMath.StateFloor) - 1);
        float[] values =
        [
            0f, -0f, float.PositiveInfinity, float.NegativeInfinity, float.NaN, BitConverter.Int32BitsToSingle(unchecked((int)0xFFC00001)),
            VectorMath.StateFloor, -VectorMath.StateFloor, below, -below, 1e-40f, -1e-45f, float.MaxValue, -float.MaxValue, 0.5f, -3f,
        ];
        for (int i = 0; i < values.Length; i += 8)
        {
            var floored = VectorMath.FloorState(Vector256.Create(values, i));
            for (int k = 0; k < 8; k++)
            {
                float expected = VectorMath.FloorState(values[i + k]);
                Assert.True(BitConverter.SingleToInt32Bits(expected) == BitConverter.SingleToInt32Bits(floored[k]) || (float.IsNaN(expected) && float.IsNaN(floored[k])),
                    $"{values[i + k]:R}: scalar {expected:R}, vector {floored[k]:R}");
            }
        }
        Assert.Equal(0f, VectorMath.FloorState(below));
        Assert.True(float.IsNaN(VectorMath.FloorState(Vector256.Create(float.NaN))[3]));
        Assert.Equal(float.NegativeInfinity, VectorMath.FloorState(Vector256.Create(float.NegativeInfinity))[0]);
    }

    private readonly record struct Accuracy(long Inputs, double MaxUlps, float WorstUlpInput, double MaxAbsolute, float WorstAbsoluteInput)
    {
        public override string ToString() =>
            $"{Inputs:N0} inputs, max {MaxUlps:F2} ulp (at x = {WorstUlpInput:R}), max absolute error {MaxAbsolute:E2} (at x = {WorstAbsoluteInput:R})";
    }

    private static Accuracy Measure(Func<Vector256<float>, Vector256<float>> function, Func<double, double> exact, float low, float high)
    {
        const int Lanes = 8;
        Span<float> inputs = stackalloc float[Lanes];
        long count = 0;
        double maxUlps = 0, maxAbsolute = 0;
        float worstUlp = 0, worstAbsolute = 0;
        for (long bits = 0; bits <= uint.MaxValue; bits += (long)Stride * Lanes)
        {
            for (int k = 0; k < Lanes; k++)
                inputs[k] = BitConverter.UInt32BitsToSingle((uint)(bits + (long)k * Stride));
            Vector256<float> results = function(Vector256.Create<float>(inputs));
            for (int k = 0; k < Lanes; k++)
            {
                float x = inputs[k];
                if (float.IsNaN(x) || x < low || x > high)
                    continue;
                count++;
                double reference = exact(x);
                double error = Math.Abs(results[k] - reference);
                if (!(error <= maxAbsolute)) // NaN counts as the worst
                {
                    maxAbsolute = error;
                    worstAbsolute = x;
                }
                if (Math.Abs(reference) >= SmallestNormal)
                {
                    double ulps = error / Ulp(reference);
                    if (!(ulps <= maxUlps))
                    {
                        maxUlps = ulps;
                        worstUlp = x;
                    }
                }
            }
        }
        return new Accuracy(count, maxUlps, worstUlp, maxAbsolute, worstAbsolute);
    }

    /// <summary>The spacing of floats at the float nearest to <paramref name="exact"/> (a normal float).</summary>
    private static double Ulp(double exact) => Math.ScaleB(1.0, Math.ILogB((float)Math.Abs(exact)) - 23);
}
