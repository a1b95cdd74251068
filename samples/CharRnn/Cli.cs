using System;
using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Linq;

namespace CharRnn;

/// <summary>The command line: <c>train</c> (the default), <c>sample</c>, <c>eval</c> and <c>visualize</c>, parsed by System.CommandLine.</summary>
internal static class Cli
{
    private static readonly string[] s_cells = { "lstm", "rnn" };

    /// <summary>The commands, in the order --help lists them.</summary>
    public static readonly string[] Commands = { "train", "sample", "eval", "visualize" };

    public static RootCommand Build()
    {
        var root = new RootCommand(
            "CharRnn: train a character-level language model with RnnGen, sample from it, evaluate it and look inside it.\n" +
            "With no command it trains (the same as `train`) on its own embedded C# sources.\n" + ExitCodes.Help);
        root.Add(Train());
        root.Add(Sample());
        root.Add(Eval());
        root.Add(Visualize());
        return root;
    }

    /// <summary>
    /// The arguments with <c>train</c> put first when none of the commands is named: no arguments, or options only
    /// (<c>--steps 300</c>), train. <c>--help</c> and <c>--version</c> alone stay with the root command.
    /// </summary>
    public static string[] WithDefaultCommand(string[] args)
    {
        if (args.Length > 0 && (Commands.Contains(args[0]) || args[0] is "-h" or "--help" or "-?" or "--version" || !args[0].StartsWith('-')))
            return args;
        return ["train", .. args];
    }

    private static Command Train()
    {
        var cell = CellOption("the model: a 2-layer LSTM with 128 units (Adam 2e-3, clip norm 5) or min-char-rnn's vanilla RNN with 100 units (Adagrad 0.1, clip ±5)");
        cell.DefaultValueFactory = _ => "lstm";
        var corpus = new Option<string?>("--corpus") { Description = "UTF-8 text to train on (default: RnnGen's own C# sources, embedded)", HelpName = "FILE" };
        var steps = Int("--steps", "optimizer steps of 25 characters each", 10_000, 0);
        var seed = Int("--seed", "seed for initialization and sampling", 42, int.MinValue);
        var learningRate = new Option<float?>("--learning-rate") { Description = "learning rate (default 2e-3 for the LSTM, 0.1 for the RNN)", HelpName = "X", CustomParser = r => Float(r, positive: true) };
        var temperature = Temperature();
        var sampleLength = Int("--sample-length", "characters per sample", 300, 1);
        var reportEvery = Int("--report-every", "steps between progress lines (each with the validation loss)", 1000, 1);
        var sampleEvery = Int("--sample-every", "steps between samples", 2500, 1);
        var save = Path("--save", "save a checkpoint at the end and every --save-every steps, atomically: PATH holds the model " +
                                  "(safetensors with PyTorch names and the vocabulary; loads into PyTorch), PATH's .training.safetensors " +
                                  "twin also holds the optimizer, trainer and sampler state for --resume");
        var saveEvery = Int("--save-every", "steps between checkpoints", 1000, 1);
        var resume = Path("--resume", "go on from the checkpoint --save PATH wrote (its training file), up to --steps steps in all; " +
                                      "same corpus and --cell, bit for bit as if never stopped");
        var holdout = new Option<double>("--holdout")
        {
            Description = "fraction of the corpus, at its end, kept out of training for the validation loss (0 for none)",
            HelpName = "F",
            DefaultValueFactory = _ => 0.05,
            CustomParser = r => Fraction(r),
        };
        var validationChars = Int("--validation-chars", "held-out characters the validation loss reads", 10_000, 2);
        var plot = Path("--plot", "write the training and validation loss curve to this SVG file at the end (or when stopped)");
        plot.Validators.Add(r =>
        {
            if (r.Tokens.Count == 1 && !r.Tokens[0].Value.EndsWith(".svg", StringComparison.OrdinalIgnoreCase))
                r.AddError($"--plot writes an SVG image; give a path ending in .svg, not '{r.Tokens[0].Value}'");
        });
        var progress = new Option<string>("--progress")
        {
            Description = "bar: a live progress bar; plain: one line per report (for logs); auto: a bar on an interactive terminal, plain lines otherwise",
            DefaultValueFactory = _ => "auto",
        };
        progress.AcceptOnlyFromAmong("auto", "bar", "plain");

        var command = new Command("train", "Train a model on a corpus and print progress, samples and the validation loss (the default command).\n" + ExitCodes.Help)
        {
            cell, corpus, steps, seed, learningRate, temperature, sampleLength, reportEvery, sampleEvery, save, saveEvery, resume,
            holdout, validationChars, plot, progress,
        };
        command.SetAction(p => TrainCommand.Run(new TrainSettings
        {
            Cell = p.GetValue(cell)!,
            CorpusPath = p.GetValue(corpus),
            Steps = p.GetValue(steps),
            Seed = p.GetValue(seed),
            LearningRate = p.GetValue(learningRate),
            Temperature = p.GetValue(temperature),
            SampleLength = p.GetValue(sampleLength),
            ReportEvery = p.GetValue(reportEvery),
            SampleEvery = p.GetValue(sampleEvery),
            SavePath = p.GetValue(save),
            SaveEvery = p.GetValue(saveEvery),
            ResumePath = p.GetValue(resume),
            Holdout = p.GetValue(holdout),
            ValidationCharacters = p.GetValue(validationChars),
            PlotPath = p.GetValue(plot),
            Progress = p.GetValue(progress)!,
        }));
        return command;
    }

    private static Command Sample()
    {
        var checkpoint = Checkpoint("a checkpoint written by train --save (PATH or its training file)");
        var cell = CellOption("the model the checkpoint must hold (default: whichever it holds)");
        var length = Int("--length", "characters to generate", 300, 1, max: 10_000_000);
        var temperature = Temperature();
        var topK = Int("--top-k", "sample among the k most likely characters only (0: all)", 0, 0);
        var seed = Int("--seed", "seed for sampling", 42, int.MinValue);
        var prime = new Option<string>("--prime") { Description = "text to start from (default: a newline)", HelpName = "TEXT", DefaultValueFactory = _ => "\n" };
        prime.Validators.Add(r =>
        {
            if (r.Tokens.Count == 1 && r.Tokens[0].Value.Length == 0)
                r.AddError("--prime takes at least one character");
        });
        var command = new Command("sample", "Generate text from a saved checkpoint (the model and the vocabulary come from the file)")
        {
            checkpoint, cell, length, temperature, topK, seed, prime,
        };
        command.SetAction(p => SampleCommand.Run(new SampleSettings(p.GetValue(checkpoint)!, p.GetValue(cell), p.GetValue(length), p.GetValue(temperature),
            p.GetValue(topK), p.GetValue(seed), p.GetValue(prime)!)));
        return command;
    }

    private static Command Eval()
    {
        var checkpoint = Checkpoint("the checkpoint to evaluate");
        var cell = CellOption("the model the checkpoint must hold (default: whichever it holds)");
        var file = Path("--file", "the held-out UTF-8 text to score");
        file.Required = true;
        var command = new Command("eval", "Score a checkpoint on a held-out text: loss in nats and bits per character, and perplexity")
        {
            checkpoint, cell, file,
        };
        command.SetAction(p => EvalCommand.Run(new EvalSettings(p.GetValue(checkpoint)!, p.GetValue(cell), p.GetValue(file)!)));
        return command;
    }

    private static Command Visualize()
    {
        var checkpoint = Checkpoint("the checkpoint whose units to show");
        var cell = CellOption("the model the checkpoint must hold (default: whichever it holds)");
        var text = Path("--text", "UTF-8 text to read (default: the end of the embedded corpus, the part train holds out)");
        text.HelpName = "FILE";
        var length = Int("--length", "characters of the text to show", 2000, 1, max: 100_000);
        var layer = new Option<int?>("--layer") { Description = "the layer to show, 1 = the first (default: the last)", HelpName = "N" };
        var signal = new Option<string?>("--signal") { Description = "cell: tanh of the LSTM's memory cell c (default for the LSTM); hidden: the hidden state h (default for the RNN)" };
        signal.AcceptOnlyFromAmong("cell", "hidden");
        var unit = new Option<int?>("--unit") { Description = "the unit the main text shows first, 0-based (default: the one that tracks a property of the text best)", HelpName = "N" };
        var grid = Int("--grid", "units in the grid of the most interpretable ones", 12, 1);
        var output = Path("--output", "the HTML page to write");
        output.DefaultValueFactory = _ => "activations.html";
        var command = new Command("visualize", "Write a self-contained HTML page that colours a text by hidden units' activations, with a grid of the most interpretable units")
        {
            checkpoint, cell, text, length, layer, signal, unit, grid, output,
        };
        command.SetAction(p => VisualizeCommand.Run(new VisualizeSettings(p.GetValue(checkpoint)!, p.GetValue(cell), p.GetValue(text), p.GetValue(length),
            p.GetValue(layer), p.GetValue(signal), p.GetValue(unit), p.GetValue(grid), p.GetValue(output)!)));
        return command;
    }

    private static Option<string?> CellOption(string description)
    {
        var option = new Option<string?>("--cell") { Description = description };
        option.AcceptOnlyFromAmong(s_cells);
        return option;
    }

    private static Option<string?> Checkpoint(string description)
    {
        var option = Path("--checkpoint", description);
        option.Required = true;
        return option;
    }

    private static Option<string?> Path(string name, string description)
    {
        var option = new Option<string?>(name) { Description = description, HelpName = "PATH" };
        option.Validators.Add(r =>
        {
            if (r.Tokens.Count == 1 && r.Tokens[0].Value.Length == 0)
                r.AddError($"{name} takes a file path, not an empty string");
        });
        return option;
    }

    private static Option<float> Temperature() => new("--temperature")
    {
        Description = "sampling temperature, 0 = greedy",
        HelpName = "X",
        DefaultValueFactory = _ => 0.8f,
        CustomParser = r => Float(r, positive: false),
    };

    private static Option<int> Int(string name, string description, int defaultValue, int min, int max = int.MaxValue) => new(name)
    {
        Description = description,
        HelpName = "N",
        DefaultValueFactory = _ => defaultValue,
        CustomParser = r =>
        {
            string text = r.Tokens.Count == 1 ? r.Tokens[0].Value : "";
            if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) || value < min || value > max)
            {
                r.AddError(max == int.MaxValue
                    ? $"{name} takes a whole number ≥ {min.ToString(CultureInfo.InvariantCulture)}, not '{text}'"
                    : $"{name} takes a whole number from {min.ToString(CultureInfo.InvariantCulture)} to {max.ToString("N0", CultureInfo.InvariantCulture)}, not '{text}'");
                return defaultValue;
            }
            return value;
        },
    };

    private static float Float(ArgumentResult r, bool positive)
    {
        string text = r.Tokens.Count == 1 ? r.Tokens[0].Value : "";
        if (!float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out float value) || !float.IsFinite(value) || value < 0 || (positive && value == 0))
        {
            r.AddError($"{OptionName(r)} takes a {(positive ? "positive" : "non-negative")} number, not '{text}'");
            return 0;
        }
        return value;
    }

    private static double Fraction(ArgumentResult r)
    {
        string text = r.Tokens.Count == 1 ? r.Tokens[0].Value : "";
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || !(value >= 0 && value < 1))
        {
            r.AddError($"{OptionName(r)} takes a fraction in [0, 1), not '{text}'");
            return 0;
        }
        return value;
    }

    private static string OptionName(ArgumentResult r) => r.Parent is OptionResult option ? option.Option.Name : r.Argument.Name;
}
