using System;
using Xunit.Sdk;

namespace RnnGen.Tests.Numerics;

/// <summary>|actual − expected| ≤ absolute + relative·|expected|, element by element, with a message that says where it failed.</summary>
public static class Tolerance
{
    /// <summary>Outputs (logits, loss, states) against PyTorch's float64 reference.</summary>
    public const double OutputRelative = 1e-5, OutputAbsolute = 1e-6;

    /// <summary>Gradients against PyTorch's float64 reference.</summary>
    public const double GradientRelative = 1e-4, GradientAbsolute = 1e-6;

    public static void Close(ReadOnlySpan<double> expected, ReadOnlySpan<float> actual, double relative, double absolute, string what)
    {
        if (expected.Length != actual.Length)
            throw new XunitException($"{what}: expected {expected.Length} values, got {actual.Length}.");
        for (int i = 0; i < expected.Length; i++)
        {
            double error = Math.Abs(actual[i] - expected[i]);
            if (!(error <= absolute + relative * Math.Abs(expected[i])))
                throw new XunitException($"{what}[{i}]: expected {expected[i]:R}, got {actual[i]:R} (error {error:E2}; allowed {absolute:E0} + {relative:E0}·|expected|).");
        }
    }

    public static void Close(double expected, double actual, double relative, double absolute, string what)
    {
        double error = Math.Abs(actual - expected);
        if (!(error <= absolute + relative * Math.Abs(expected)))
            throw new XunitException($"{what}: expected {expected:R}, got {actual:R} (error {error:E2}).");
    }
}
