using System;

namespace AmpSample;

/// <summary>
/// The "amp" the network learns to imitate: a small, fully known drive circuit, so that the held-out error can be
/// measured exactly. Per sample, at <see cref="SampleRate"/> Hz, in double precision:
/// <list type="number">
/// <item>a one-pole high-pass at <see cref="HighPassHz"/> Hz (the input coupling capacitor of a drive pedal; it
/// removes the lows before the clipper, so low notes clip less than high ones and the circuit has memory);</item>
/// <item>a gain of <see cref="Gain"/> (+22 dB) into an asymmetric tanh, <c>tanh(g·x + b) − tanh(b)</c> with bias
/// b = <see cref="Bias"/>: a biased stage clips one half-wave before the other, which adds even harmonics, and the
/// subtraction keeps silence silent;</item>
/// <item>a one-pole low-pass at <see cref="LowPassHz"/> Hz (the tone control / speaker roll-off that tames the
/// clipper's fizz), then an output level of <see cref="Level"/>.</item>
/// </list>
/// Both filters are the RC circuits discretized by backward Euler: high-pass y[n] = α·(y[n−1] + x[n] − x[n−1]) with
/// α = RC/(RC + T), low-pass y[n] = y[n−1] + β·(x[n] − y[n−1]) with β = T/(RC + T), RC = 1/(2π·f), T = 1/SampleRate.
/// Every run starts from rest (all filter states zero).
/// </summary>
public static class SyntheticAmp
{
    /// <summary>Samples per second.</summary>
    public const int SampleRate = 44_100;

    /// <summary>Corner of the input high-pass.</summary>
    public const double HighPassHz = 200;

    /// <summary>Gain in front of the clipper.</summary>
    public const double Gain = 12;

    /// <summary>Bias of the clipper (its asymmetry).</summary>
    public const double Bias = 0.4;

    /// <summary>Corner of the output low-pass.</summary>
    public const double LowPassHz = 4_000;

    /// <summary>Output level.</summary>
    public const double Level = 0.5;

    /// <summary>Runs <paramref name="input"/> through the amp from rest into <paramref name="output"/> (same length).</summary>
    public static void Process(ReadOnlySpan<float> input, Span<float> output)
    {
        if (output.Length != input.Length)
            throw new ArgumentException($"output holds {output.Length} samples; the input has {input.Length}.", nameof(output));
        double period = 1.0 / SampleRate;
        double highPassRc = 1.0 / (2 * Math.PI * HighPassHz);
        double lowPassRc = 1.0 / (2 * Math.PI * LowPassHz);
        double alpha = highPassRc / (highPassRc + period);
        double beta = period / (lowPassRc + period);
        double offset = Math.Tanh(Bias);
        double previousInput = 0, highPassed = 0, lowPassed = 0;
        for (int n = 0; n < input.Length; n++)
        {
            double x = input[n];
            highPassed = alpha * (highPassed + x - previousInput);
            previousInput = x;
            double clipped = Math.Tanh(Gain * highPassed + Bias) - offset;
            lowPassed += beta * (clipped - lowPassed);
            output[n] = (float)(Level * lowPassed);
        }
    }

    /// <summary>The amp's output for <paramref name="input"/>, from rest.</summary>
    public static float[] Process(ReadOnlySpan<float> input)
    {
        float[] output = new float[input.Length];
        Process(input, output);
        return output;
    }
}
