using System;
using System.Globalization;

namespace CharRnn;

/// <summary>Command-line options.</summary>
internal sealed class Options
{
    public const string Usage = """
        CharRnn: train a character-level model with RnnGen and sample from it.

        usage: dotnet run -c Release --project samples/CharRnn -- [options]
               dotnet run -c Release --project samples/CharRnn -- sample --checkpoint PATH [sample options]

        training (the default):
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
          --save PATH            save a checkpoint at the end and every --save-every steps, each atomically:
                                 PATH holds the model (safetensors, loads into PyTorch; with the vocabulary),
                                 PATH with .training before .safetensors (PATH.training.safetensors otherwise)
                                 also holds the optimizer, trainer and sampler state for --resume
          --save-every N         steps between checkpoints (default 1000)
          --resume PATH          go on from the checkpoint --save PATH wrote (its training file), up to --steps
                                 steps in all; same corpus and --cell, bit for bit as if never stopped
          -h, --help             this text

        sample: generate text from a saved checkpoint (the model and vocabulary come from the file)
          --checkpoint PATH      a checkpoint written by --save (PATH or its training file)
          --cell lstm|rnn        the model the checkpoint must hold (default: whichever it holds)
          --length N             characters to generate (default 300)
          --temperature X        sampling temperature, 0 = greedy (default 0.8)
          --seed N               seed for sampling (default 42)
          --prime TEXT           text to start from (default: a newline)

        exit codes: 0 done, 1 training diverged (the last checkpoint is kept), 2 bad arguments, unusable
        corpus, or a checkpoint that cannot be read, is of the other model or cannot be written
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
    public string? SavePath { get; private set; }
    public int SaveEvery { get; private set; } = 1000;
    public string? ResumePath { get; private set; }

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
                case "--save": options.SavePath = PathArgument(arg, Value()); break;
                case "--save-every": options.SaveEvery = Int(arg, Value(), 1); break;
                case "--resume": options.ResumePath = PathArgument(arg, Value()); break;
                default: throw new FormatException($"unknown option '{arg}'{(arg == "sample" ? " (sample is a mode: put it first)" : "")}");
            }
        }
        return options;
    }

    /// <summary>The training file that goes with a model checkpoint: model.safetensors → model.training.safetensors.</summary>
    public static string TrainingPath(string path) =>
        path.EndsWith(".training.safetensors", StringComparison.Ordinal) ? path
        : path.EndsWith(".safetensors", StringComparison.Ordinal) ? path[..^".safetensors".Length] + ".training.safetensors"
        : path + ".training.safetensors";

    /// <summary>The model checkpoint that goes with a training file (the inverse of <see cref="TrainingPath"/>).</summary>
    public static string ModelPath(string path) =>
        path.EndsWith(".training.safetensors", StringComparison.Ordinal) ? path[..^".training.safetensors".Length] + ".safetensors" : path;

    internal static string PathArgument(string name, string text) =>
        text.Length > 0 ? text : throw new FormatException($"{name} takes a file path, not an empty string");

    internal static int Int(string name, string text, int min)
    {
        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) || value < min)
            throw new FormatException($"{name} takes a whole number ≥ {min}, not '{text}'");
        return value;
    }

    internal static float Float(string name, string text, bool positive)
    {
        if (!float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out float value) || !float.IsFinite(value) || value < 0 || (positive && value == 0))
            throw new FormatException($"{name} takes a {(positive ? "positive" : "non-negative")} number, not '{text}'");
        return value;
    }
}

/// <summary>Options of the sample mode: <c>sample --checkpoint PATH ...</c>.</summary>
internal sealed class SampleOptions
{
    public string CheckpointPath { get; private set; } = "";
    public string? Cell { get; private set; }
    public int Length { get; private set; } = 300;
    public float Temperature { get; private set; } = 0.8f;
    public int Seed { get; private set; } = 42;
    public string Prime { get; private set; } = "\n";
    public bool Help { get; private set; }

    /// <summary>Parses the arguments after "sample".</summary>
    public static SampleOptions Parse(ReadOnlySpan<string> args)
    {
        var options = new SampleOptions();
        string? checkpoint = null;
        for (int i = 0; i < args.Length; i++)
        {
            string arg = args[i];
            if (arg is "-h" or "--help")
            {
                options.Help = true;
                continue;
            }
            if (i + 1 >= args.Length)
                throw new FormatException(arg.StartsWith("--", StringComparison.Ordinal) ? $"{arg} needs a value" : $"unknown sample option '{arg}'");
            string value = args[++i];
            switch (arg)
            {
                case "--checkpoint": checkpoint = Options.PathArgument(arg, value); break;
                case "--cell":
                    if (value is not ("lstm" or "rnn"))
                        throw new FormatException($"--cell takes lstm or rnn, not '{value}'");
                    options.Cell = value;
                    break;
                case "--length": options.Length = Options.Int(arg, value, 1); break;
                case "--temperature": options.Temperature = Options.Float(arg, value, positive: false); break;
                case "--seed": options.Seed = Options.Int(arg, value, int.MinValue); break;
                case "--prime":
                    if (value.Length == 0)
                        throw new FormatException("--prime takes at least one character");
                    options.Prime = value;
                    break;
                default: throw new FormatException($"unknown sample option '{arg}'");
            }
        }
        if (checkpoint is null && !options.Help)
            throw new FormatException("sample needs --checkpoint PATH");
        options.CheckpointPath = checkpoint ?? "";
        return options;
    }
}
