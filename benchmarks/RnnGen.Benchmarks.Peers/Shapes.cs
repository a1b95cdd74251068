using System;

namespace RnnGen.Benchmarks.Peers;

/// <summary>The recurrent cells compared (PyTorch's nn.RNN with tanh, nn.LSTM, nn.GRU).</summary>
public enum PeerCell
{
    /// <summary>Vanilla tanh RNN.</summary>
    Rnn,

    /// <summary>LSTM, gates i, f, g, o.</summary>
    Lstm,

    /// <summary>GRU, gates r, z, n (reset applied after the recurrent product, as PyTorch does).</summary>
    Gru,
}

/// <summary>Input features → hidden width of the single-step models (all with a 16-output linear head).</summary>
public enum StepShape
{
    /// <summary>64 → 32.</summary>
    I64_H32,

    /// <summary>64 → 128.</summary>
    I64_H128,

    /// <summary>128 → 256.</summary>
    I128_H256,

    /// <summary>256 → 512.</summary>
    I256_H512,
}

/// <summary>Sizes and file names shared by every peer.</summary>
public static class Shapes
{
    /// <summary>Outputs of the single-step models' head.</summary>
    public const int HeadOutputs = 16;

    /// <summary>Characters of the char model.</summary>
    public const int Vocabulary = CharLstm.InputSize;

    /// <summary>Hidden width of the char model.</summary>
    public const int CharHidden = CharLstm.HiddenSize;

    /// <summary>Tokens per sequence / training window.</summary>
    public const int Window = CharLstm.SequenceLength;

    /// <summary>Largest |difference| accepted between a peer and RnnGen before timing.</summary>
    public const float Tolerance = 1e-4f;

    /// <summary>The seed of inputs and token streams (weights come from the model files).</summary>
    public const int Seed = 20260101;

    /// <summary>Input and hidden sizes of a shape.</summary>
    public static (int Input, int Hidden) Of(StepShape shape) => shape switch
    {
        StepShape.I64_H32 => (64, 32),
        StepShape.I64_H128 => (64, 128),
        StepShape.I128_H256 => (128, 256),
        StepShape.I256_H512 => (256, 512),
        _ => throw new ArgumentOutOfRangeException(nameof(shape)),
    };

    /// <summary>The model's file name (without extension) in models/, e.g. <c>Lstm64x128</c>.</summary>
    public static string ModelName(PeerCell cell, StepShape shape)
    {
        (int input, int hidden) = Of(shape);
        return $"{cell}{input}x{hidden}";
    }

    /// <summary>Gates per cell.</summary>
    public static int Gates(PeerCell cell) => cell switch
    {
        PeerCell.Rnn => 1,
        PeerCell.Lstm => 4,
        _ => 3,
    };

    /// <summary>Uniform values in [-1, 1).</summary>
    public static float[] RandomVector(Random random, int length)
    {
        var values = new float[length];
        for (int i = 0; i < length; i++)
            values[i] = (float)(random.NextDouble() * 2.0 - 1.0);
        return values;
    }

    /// <summary>Writes the one-hot rows of <paramref name="tokens"/> (tokens.Length × Vocabulary).</summary>
    public static float[] OneHot(ReadOnlySpan<int> tokens)
    {
        var values = new float[tokens.Length * Vocabulary];
        for (int t = 0; t < tokens.Length; t++)
            values[t * Vocabulary + tokens[t]] = 1f;
        return values;
    }

    /// <summary>Largest |a[i] − b[i]|; NaN anywhere gives +∞.</summary>
    public static float MaxAbsDifference(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        if (a.Length != b.Length)
            throw new ArgumentException($"Lengths differ: {a.Length} and {b.Length}.");
        float max = 0f;
        for (int i = 0; i < a.Length; i++)
        {
            float d = MathF.Abs(a[i] - b[i]);
            if (!(d <= max))
                max = float.IsNaN(d) ? float.PositiveInfinity : d;
        }
        return max;
    }

    /// <summary>Prints the check's result and throws if it exceeds <see cref="Tolerance"/>.</summary>
    public static void Report(string what, string peer, float error, string detail)
    {
        Console.WriteLine($"// check {what}: {peer} vs RnnGen, max |error| = {error:E2} ({detail}); tolerance {Tolerance:E0}");
        if (!(error <= Tolerance))
            throw new InvalidOperationException($"{what}: {peer} differs from RnnGen by {error:E3} (> {Tolerance:E0}) on the same weights and inputs ({detail}).");
    }
}
