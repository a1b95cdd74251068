using System;
using System.Globalization;

namespace CharRnn;

/// <summary>Command-line options.</summary>
internal sealed class Options
{
    public const string Usage = """
        CharRnn: train a character-level model with RnnGen and sample from it.

        usage: dotnet run -c Release --project samples/CharRnn -- [options]

          --cell lstm|rnn        a 2-layer LSTM with 128 units (Adam 2e-3, clip norm 5; default) or
                                 min-char-rnn's vanilla RNN with 100 units (Adagrad 0.1, clip ±5)
          --corpus FILE          UTF-8 text to train on (default: RnnGen's own C# sources, embedded)
          --steps N              optimizer steps of 25 characters each (default 10000)
          --seed N               seed for initialization and sampling (default 42)
          --learning-rate X      learning rate (default 2e-3 for the LSTM, 0.1 for the RNN)
          --temperature X        sampling temperature, 0 = greedy (default 0.8)
          --sample-length N      characters per sample (default 300)
          --report-every N       steps between progress lines (default 1000)
          --sample-every N       steps between samples (default 2500)
          -h, --help             this text

        exit codes: 0 done, 1 training diverged, 2 bad arguments or unusable corpus
        """;

    public string? CorpusPath { get; private set; }
    public int Steps { get; private set; } = 10_000;
    public int Seed { get; private set; } = 42;
    public float? LearningRate { get; private set; }
    public string Cell { get; private set; } = "lstm";
    public float Temperature { get; private set; } = 0.8f;
    public int SampleLength { get; private set; } = 300;
    public int ReportEvery { get; private set; } = 1000;
    public int SampleEvery { get; private set; } = 2500;
    public bool Help { get; private set; }

    public static Options Parse(string[] args)
    {
        var options = new Options();
        for (int i = 0; i < args.Length; i++)
        {
            string arg = args[i];
            string Value() => i + 1 < args.Length ? args[++i] : throw new FormatException($"{arg} needs a value");
            switch (arg)
            {
                case "-h" or "--help": options.Help = true; break;
                case "--corpus": options.CorpusPath = Value(); break;
                case "--cell":
                    options.Cell = Value();
                    if (options.Cell is not ("lstm" or "rnn"))
                        throw new FormatException($"--cell takes lstm or rnn, not '{options.Cell}'");
                    break;
                case "--steps": options.Steps = Int(arg, Value(), 0); break;
                case "--seed": options.Seed = Int(arg, Value(), int.MinValue); break;
                case "--learning-rate": options.LearningRate = Float(arg, Value(), positive: true); break;
                case "--temperature": options.Temperature = Float(arg, Value(), positive: false); break;
                case "--sample-length": options.SampleLength = Int(arg, Value(), 1); break;
                case "--report-every": options.ReportEvery = Int(arg, Value(), 1); break;
                case "--sample-every": options.SampleEvery = Int(arg, Value(), 1); break;
                default: throw new FormatException($"unknown option '{arg}'");
            }
        }
        return options;
    }

    private static int Int(string name, string text, int min)
    {
        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) || value < min)
            throw new FormatException($"{name} takes a whole number ≥ {min}, not '{text}'");
        return value;
    }

    private static float Float(string name, string text, bool positive)
    {
        if (!float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out float value) || !float.IsFinite(value) || value < 0 || (positive && value == 0))
            throw new FormatException($"{name} takes a {(positive ? "positive" : "non-negative")} number, not '{text}'");
        return value;
    }
}
