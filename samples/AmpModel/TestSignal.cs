using System;

namespace AmpSample;

/// <summary>
/// A deterministic, seeded stand-in for a guitar DI recording, built from back-to-back events of 0.15–0.6 s separated by
/// up to 40 ms of silence: plucked notes and chords (Karplus–Strong strings from E2 to E5, decaying through every level),
/// steady sines (60 Hz–3 kHz), logarithmic sweeps (40 Hz–8 kHz, either way) and bursts of white noise, each at a peak
/// amplitude between 0.01 and 0.9 (−40 to −1 dBFS), log-uniform within one of four level bands taken in turn, over a
/// noise floor at −80 dBFS. The same seed gives the same samples run after run (a seeded System.Random; Math.Sin, Exp
/// and Pow come from the platform's C library, so another OS may differ in the last bits).
/// </summary>
public static class TestSignal
{
    private const double MinAmplitude = 0.01, MaxAmplitude = 0.9, NoiseFloor = 1e-4, Fade = 0.005;
    private const int LevelBands = 4;

    /// <summary>Generates <paramref name="seconds"/> of signal at <see cref="SyntheticAmp.SampleRate"/> from <paramref name="seed"/>.</summary>
    public static float[] Generate(int seed, double seconds)
    {
        if (!(seconds > 0))
            throw new ArgumentOutOfRangeException(nameof(seconds), seconds, "The length must be positive.");
        int rate = SyntheticAmp.SampleRate;
        var random = new Random(seed);
        var signal = new float[(int)Math.Round(seconds * rate)];
        int position = 0, events = 0;
        while (position < signal.Length)
        {
            position += random.Next((int)(0.040 * rate));   // silence
            int length = (int)((0.15 + 0.45 * random.NextDouble()) * rate);
            length = Math.Min(length, signal.Length - position);
            if (length <= 0)
                break;
            Span<float> segment = signal.AsSpan(position, length);
            // Stratified levels: event k draws from the k mod 4-th quarter of the log range, so that even a few seconds
            // hold clean, crunchy and saturated passages (pure chance once gave a 5 s file that never exceeded 0.1).
            double position01 = ((events++ % LevelBands) + random.NextDouble()) / LevelBands;
            double amplitude = MinAmplitude * Math.Pow(MaxAmplitude / MinAmplitude, position01);
            double kind = random.NextDouble();
            if (kind < 0.40)
                Pluck(random, segment, amplitude);
            else if (kind < 0.65)
                Sine(random, segment, amplitude);
            else if (kind < 0.85)
                Sweep(random, segment, amplitude);
            else
                Noise(random, segment, amplitude * 0.5);
            position += length;
        }
        for (int n = 0; n < signal.Length; n++)
            signal[n] += (float)(NoiseFloor * (2 * random.NextDouble() - 1));
        return signal;
    }

    /// <summary>One to three Karplus–Strong strings, E2 (MIDI 40) to E5 (76), scaled to the peak amplitude.</summary>
    private static void Pluck(Random random, Span<float> segment, double amplitude)
    {
        int strings = 1 + random.Next(3);
        double[] sum = new double[segment.Length];
        for (int s = 0; s < strings; s++)
        {
            double frequency = 440 * Math.Pow(2, (40 + random.Next(37) - 69) / 12.0);
            int period = Math.Max(2, (int)Math.Round(SyntheticAmp.SampleRate / frequency));
            double decay = 0.990 + 0.009 * random.NextDouble();   // how fast the string dies away
            double[] line = new double[period];
            for (int i = 0; i < period; i++)
                line[i] = 2 * random.NextDouble() - 1;
            for (int n = 0, i = 0; n < sum.Length; n++, i = (i + 1) % period)
            {
                double next = line[(i + 1) % period];
                sum[n] += line[i];
                line[i] = decay * 0.5 * (line[i] + next);
            }
        }
        Write(segment, sum, amplitude, fadeIn: 0.0005);   // a pluck's attack is sharp
    }

    /// <summary>A steady sine, 60 Hz to 3 kHz (log-uniform), with 5 ms fades.</summary>
    private static void Sine(Random random, Span<float> segment, double amplitude)
    {
        double frequency = 60 * Math.Pow(3000 / 60.0, random.NextDouble());
        double phase = 2 * Math.PI * random.NextDouble();
        double[] values = new double[segment.Length];
        for (int n = 0; n < values.Length; n++)
            values[n] = Math.Sin(phase + 2 * Math.PI * frequency * n / SyntheticAmp.SampleRate);
        Write(segment, values, amplitude);
    }

    /// <summary>A logarithmic sweep between 40 Hz and 8 kHz, up or down.</summary>
    private static void Sweep(Random random, Span<float> segment, double amplitude)
    {
        bool up = random.Next(2) == 0;
        double low = 40, high = 8000;
        double duration = (double)segment.Length / SyntheticAmp.SampleRate;
        double rate = Math.Log(high / low) / duration;
        double[] values = new double[segment.Length];
        double phase = 0;
        for (int n = 0; n < values.Length; n++)
        {
            double t = (double)n / SyntheticAmp.SampleRate;
            double frequency = up ? low * Math.Exp(rate * t) : high * Math.Exp(-rate * t);
            phase += 2 * Math.PI * frequency / SyntheticAmp.SampleRate;
            values[n] = Math.Sin(phase);
        }
        Write(segment, values, amplitude);
    }

    /// <summary>White noise.</summary>
    private static void Noise(Random random, Span<float> segment, double amplitude)
    {
        double[] values = new double[segment.Length];
        for (int n = 0; n < values.Length; n++)
            values[n] = 2 * random.NextDouble() - 1;
        Write(segment, values, amplitude);
    }

    /// <summary>Scales <paramref name="values"/> to the peak amplitude, fades both ends (in over <paramref name="fadeIn"/> seconds, out over 5 ms) and writes them.</summary>
    private static void Write(Span<float> segment, double[] values, double amplitude, double fadeIn = Fade)
    {
        double peak = 0;
        foreach (double v in values)
            peak = Math.Max(peak, Math.Abs(v));
        double scale = peak > 0 ? amplitude / peak : 0;
        double rampIn = Math.Max(1, fadeIn * SyntheticAmp.SampleRate), rampOut = Math.Max(1, Fade * SyntheticAmp.SampleRate);
        for (int n = 0; n < segment.Length; n++)
        {
            double envelope = Math.Min(1.0, Math.Min(n / rampIn, (segment.Length - 1 - n) / rampOut));
            segment[n] = (float)(scale * envelope * values[n]);
        }
    }
}
