using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Xunit;

namespace RnnGen.Tests.Cli;

/// <summary>
/// The CharRnn command line as a user meets it, in child processes: help for every command, bad arguments answered
/// with one line and exit code 2, plain progress lines without a terminal and a live bar on one (a pty from
/// <c>script</c>), the loss curve, evaluation against numbers worked out by hand, and Ctrl+C saving before it stops.
/// </summary>
public sealed class CliTests : IDisposable
{
    private static readonly string[] s_shortRun = { "--steps", "60", "--report-every", "20", "--sample-every", "1000", "--sample-length", "10", "--validation-chars", "300" };
    private readonly string _folder = Directory.CreateTempSubdirectory("rnngen-cli-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private (int Code, string Out, string Error) Run(params string[] args) => CharRnnProcess.Run(_folder, args);

    [Fact]
    public void HelpListsTheCommandsAndTheExitCodes()
    {
        var help = Run("--help");
        Assert.Equal(0, help.Code);
        foreach (string command in new[] { "train", "sample", "eval", "visualize" })
            Assert.Matches(new Regex($@"^\s+{command}\s+\S", RegexOptions.Multiline), help.Out);
        Assert.Contains("exit codes: 0 done; 1 training diverged", help.Out, StringComparison.Ordinal);
        Assert.Contains("130 interrupted", help.Out, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("train", "--plot <PATH>", "--progress <auto|bar|plain>", "--holdout <F>", "--resume <PATH>")]
    [InlineData("sample", "--checkpoint <PATH>", "--top-k <N>", "--prime <TEXT>", "--temperature <X>")]
    [InlineData("eval", "--checkpoint <PATH>", "--file <PATH>", "--cell <lstm|rnn>", "(REQUIRED)")]
    [InlineData("visualize", "--unit <N>", "--signal <cell|hidden>", "--layer <N>", "--output <PATH>")]
    public void EveryCommandHasHelp(string command, params string[] options)
    {
        var help = Run(command, "--help");
        Assert.Equal(0, help.Code);
        Assert.Contains($"CharRnn {command} [options]", help.Out, StringComparison.Ordinal);
        foreach (string option in options)
            Assert.Contains(option, help.Out, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("error: --steps takes a whole number ≥ 0, not 'abc' (see --help)", "--steps", "abc")]
    [InlineData("error: --holdout takes a fraction in [0, 1), not '1.5' (see --help)", "train", "--holdout", "1.5")]
    [InlineData("error: --learning-rate takes a positive number, not '0' (see --help)", "--learning-rate", "0")]
    [InlineData("error: --plot writes an SVG image; give a path ending in .svg, not 'loss.png' (see --help)", "--plot", "loss.png")]
    [InlineData("error: Option '--file' is required. (see --help)", "eval", "--checkpoint", "m.safetensors")]
    [InlineData("error: unknown command 'frobnicate'; the commands are train, sample, eval, visualize (see --help)", "frobnicate")]
    [InlineData("error: --plot: the folder '/nonexistent' does not exist", "--plot", "/nonexistent/loss.svg")]
    [InlineData("error: --save: '/tmp/' is a folder; give the path of a file", "--save", "/tmp/")]
    [InlineData("error: Argument 'gru' not recognized. Must be one of: 'lstm' 'rnn' (see --help)", "--cell", "gru")]
    [InlineData("error: --length takes a whole number from 1 to 10,000,000, not '20000000' (see --help)", "sample", "--checkpoint", "m.safetensors", "--length", "20000000")]
    public void BadArgumentsExitWithCode2AndOneLine(string expected, params string[] args)
    {
        var run = Run(args);
        Assert.Equal(2, run.Code);
        Assert.Equal(expected, run.Error.TrimEnd());
        Assert.Equal("", run.Out);
    }

    [Fact]
    public void WithoutATerminalTrainPrintsPlainProgressLines()
    {
        var run = Run(s_shortRun);
        Assert.True(run.Code == 0, run.Error);
        string[] lines = run.Out.Split('\n').Where(l => l.StartsWith("step ", StringComparison.Ordinal)).ToArray();
        Assert.Equal(3, lines.Length);
        for (int i = 0; i < lines.Length; i++)
            Assert.Matches($@"^step {20 * (i + 1)}/60  loss \d\.\d{{3}} \(smoothed \d\.\d{{3}}\)  val \d\.\d{{3}} +[\d,]+ chars/s  ETA \d+:\d\d$", lines[i]);
        Assert.DoesNotContain('\u001b', run.Out);
        Assert.Contains("validation: the last 5 % of the corpus", run.Out, StringComparison.Ordinal);
        Assert.Matches(@"done: 60 steps, smoothed loss \d\.\d{3} nats/char, validation \d\.\d{3} \(perplexity \d+\.\d\d\)", run.Out);
    }

    [Fact]
    public void OnATerminalTrainShowsALiveProgressBar()
    {
        // script(1) runs the program on a pseudo-terminal and copies what it writes there to its own output.
        string command = $"'{CharRnnProcess.Host}' '{CharRnnProcess.Program}' " + string.Join(" ", s_shortRun);
        var start = new ProcessStartInfo("script", new[] { "-qec", command, "/dev/null" })
        {
            WorkingDirectory = _folder,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment.Remove("CI"); // Spectre.Console turns the bar off on CI servers, as it should
        start.Environment["TERM"] = "xterm-256color";
        using Process process = Process.Start(start)!;
        process.StandardInput.Close();
        string output = process.StandardOutput.ReadToEnd(); // script(1) writes the pty's output, errors included, here
        string error = process.StandardError.ReadToEnd();
        Assert.True(process.WaitForExit(120_000), "CharRnn on a pty ran for more than two minutes");
        Assert.True(process.ExitCode == 0, output + error);

        Assert.Contains("\u001b[", output, StringComparison.Ordinal); // ANSI colours and cursor movement
        Assert.Contains("━", output, StringComparison.Ordinal);       // the bar
        Assert.Matches(@"100%", output);
        Assert.Matches(@"step \d+  smoothed loss \d\.\d{3}  val \d\.\d{3}  [\d,]+ chars/s", output); // the bar's live description
        Assert.Contains("step 60/60  loss", output, StringComparison.Ordinal);               // the report lines stay
    }

    [Fact]
    public void PlotDrawsTheTrainingAndValidationLossOfEveryReport()
    {
        var run = Run(s_shortRun.Concat(new[] { "--plot", "loss.svg" }).ToArray());
        Assert.True(run.Code == 0, run.Error);
        Assert.Contains("wrote the loss curve (3 points) to 'loss.svg'", run.Out, StringComparison.Ordinal);

        XDocument svg = XDocument.Load(Path.Combine(_folder, "loss.svg"));
        XNamespace ns = "http://www.w3.org/2000/svg";
        (double X, double Y)[] Curve(string id) => svg.Descendants(ns + "polyline").Single(p => (string?)p.Attribute("id") == id)
            .Attribute("points")!.Value.Split(' ').Select(p => p.Split(',')).Select(p => (double.Parse(p[0], CultureInfo.InvariantCulture), double.Parse(p[1], CultureInfo.InvariantCulture))).ToArray();
        var training = Curve("training");
        var validation = Curve("validation");
        Assert.Equal(3, training.Length);
        Assert.Equal(3, validation.Length);
        Assert.Equal(training.Select(p => p.X), validation.Select(p => p.X));
        Assert.True(training[0].X < training[1].X && training[1].X < training[2].X);

        // A higher loss is drawn higher up (a smaller y), for the losses the report lines printed.
        var reports = Regex.Matches(run.Out, @"^step \d+/60  loss (\d\.\d{3}) \(smoothed \d\.\d{3}\)  val (\d\.\d{3})", RegexOptions.Multiline);
        float[] losses = reports.Select(m => float.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture))
            .Concat(reports.Select(m => float.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture))).ToArray();
        double[] ys = training.Concat(validation).Select(p => p.Y).ToArray();
        for (int i = 0; i < losses.Length; i++)
        {
            for (int j = 0; j < losses.Length; j++)
            {
                if (losses[i] > losses[j] + 0.002f)
                    Assert.True(ys[i] < ys[j], $"loss {losses[i]} is drawn at y {ys[i]}, below loss {losses[j]} at y {ys[j]}");
            }
        }
    }

    [Fact]
    public void EvalOfAModelWithZeroWeightsIsTheUniformGuess()
    {
        // All logits are 0, so every next character has probability 1/96: ln 96 = 4.5643 nats, log2 96 = 6.5850 bits,
        // perplexity 96, whatever the text.
        var model = new global::CharRnn.CharLstm();
        model.Parameters.Clear();
        string text = "int x = 1;\nint y = 2;\n";
        Checkpoint.Save(model, Path.Combine(_folder, "zero.safetensors"), new CheckpointMetadata { Vocabulary = CharVocabulary.Build(text, 96) });
        File.WriteAllText(Path.Combine(_folder, "held.txt"), text);

        var run = Run("eval", "--checkpoint", "zero.safetensors", "--file", "held.txt");
        Assert.True(run.Code == 0, run.Error);
        Assert.Equal($"held.txt: loss 4.5643 nats/char, 6.5850 bits/char, perplexity 96.000 over {text.Length - 1} predicted characters", run.Out.TrimEnd());
    }

    [Theory]
    [InlineData("rnn")]
    [InlineData("lstm")] // two layers: the state of both is carried from one window of the evaluation to the next
    public void EvalIsTheMeanCrossEntropyOfEachNextCharacter(string cell)
    {
        string text = string.Concat(Enumerable.Repeat("public static void Main() { return; }\n", 5)); // 190 characters: 8 windows
        CharVocabulary vocabulary = CharVocabulary.Build(text, 96);
        double loss = cell == "rnn"
            ? SaveAndScore(new global::CharRnn.CharVanilla(), new global::CharRnn.CharVanilla.State(), vocabulary, text)
            : SaveAndScore(new global::CharRnn.CharLstm(), new global::CharRnn.CharLstm.State(), vocabulary, text);
        File.WriteAllText(Path.Combine(_folder, "held.txt"), "é" + text + "ü"); // two characters the vocabulary lacks

        var run = Run("eval", "--checkpoint", "m.safetensors", "--file", "held.txt");
        Assert.True(run.Code == 0, run.Error);
        Match m = Regex.Match(run.Out, @"loss (\d+\.\d{4}) nats/char, (\d+\.\d{4}) bits/char, perplexity (\d+\.\d{3}) over ([\d,]+) predicted characters \(2 characters the model's vocabulary lacks were left out, e\.g\. 'é' U\+00E9\)");
        Assert.True(m.Success, run.Out);
        Assert.Equal(loss, double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), 4);
        Assert.Equal(loss / Math.Log(2), double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture), 3);
        Assert.Equal(Math.Exp(loss), double.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture), 2);
        Assert.Equal(text.Length - 1, int.Parse(m.Groups[4].Value, NumberStyles.AllowThousands, CultureInfo.InvariantCulture));
    }

    /// <summary>
    /// Saves <paramref name="model"/> (seeded weights) as m.safetensors and returns the reference: one token at a time
    /// through Step from a zero state, log-softmax in double precision, averaged over every next character.
    /// </summary>
    private double SaveAndScore<TState>(ITokenRnnModel<TState> model, TState state, CharVocabulary vocabulary, string text) where TState : struct, IRnnState
    {
        model.InitializeParameters(11);
        Checkpoint.Save(model, Path.Combine(_folder, "m.safetensors"), new CheckpointMetadata { Vocabulary = vocabulary });
        float[] logits = new float[model.OutputSize];
        double total = 0;
        for (int t = 0; t + 1 < text.Length; t++)
        {
            model.Step(vocabulary.Encode(text[t]), ref state, logits);
            double max = logits.Max();
            double sum = logits.Sum(l => Math.Exp(l - max));
            total += Math.Log(sum) - (logits[vocabulary.Encode(text[t + 1])] - max);
        }
        return total / (text.Length - 1);
    }

    [Theory]
    [InlineData("-INT")]  // Ctrl+C
    [InlineData("-TERM")] // a CI timeout, docker stop
    public void AnInterruptStopsBetweenStepsSavesAndExitsWith130(string signal)
    {
        using Process process = CharRnnProcess.Start(_folder, new[] { "--steps", "1000000", "--report-every", "10", "--save", "i.safetensors", "--save-every", "100000", "--holdout", "0" });
        string? line;
        while ((line = process.StandardOutput.ReadLine()) is not null && !line.StartsWith("step ", StringComparison.Ordinal))
        {
        }
        Assert.NotNull(line);
        using (Process kill = Process.Start("kill", new[] { signal, process.Id.ToString(CultureInfo.InvariantCulture) })!)
            kill.WaitForExit();
        string rest = process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(60_000), "CharRnn did not stop after SIGINT");
        Assert.True(process.ExitCode == 130, $"exit code {process.ExitCode}: {process.StandardError.ReadToEnd()}");

        Match interrupted = Regex.Match(rest, @"interrupted at step ([\d,]+)");
        Assert.True(interrupted.Success, rest);
        long step = long.Parse(interrupted.Groups[1].Value, NumberStyles.AllowThousands, CultureInfo.InvariantCulture);
        Assert.Contains($"saved step {step.ToString("N0", CultureInfo.InvariantCulture)} to 'i.safetensors'", rest, StringComparison.Ordinal);
        Assert.Equal(step, Checkpoint.ReadMetadata(Path.Combine(_folder, "i.safetensors")).Step);
        Assert.Equal(step, Checkpoint.ReadMetadata(Path.Combine(_folder, "i.training.safetensors")).Step);
    }

    [Fact]
    public void NumbersPrintTheSameInEveryLocale()
    {
        // The program runs with invariant globalization: a German locale does not turn 1,234.5 into 1.234,5.
        var german = new System.Collections.Generic.Dictionary<string, string> { ["LANG"] = "de_DE.UTF-8", ["LC_ALL"] = "de_DE.UTF-8" };
        using Process process = CharRnnProcess.Start(_folder, s_shortRun, german);
        string output = process.StandardOutput.ReadToEnd();
        string error = process.StandardError.ReadToEnd();
        Assert.True(process.WaitForExit(120_000));
        Assert.True(process.ExitCode == 0, error);
        Assert.Matches(@"corpus: embedded RnnGen sources, \d{3},\d{3} characters", output);
        Assert.Matches(@"done: 60 steps, smoothed loss \d\.\d{3} nats/char, validation \d\.\d{3} \(perplexity \d+\.\d\d\) \(uniform guess over the vocabulary: \d\.\d{3}\)", output);
    }

    [Fact]
    public void OutputsThatCannotBeWrittenAreRefusedBeforeTrainingAndLeaveNothingBehind()
    {
        Directory.CreateDirectory(Path.Combine(_folder, "plot.svg"));
        var plot = Run("--steps", "5", "--plot", "plot.svg");
        Assert.Equal(2, plot.Code);
        Assert.Equal("error: --plot: 'plot.svg' is a folder; give the path of a file", plot.Error.TrimEnd());
        Assert.Equal("", plot.Out);

        var save = Run("--steps", "5", "--save", "dir/");
        Assert.Equal(2, save.Code);
        Assert.Equal(new[] { "plot.svg" }, Directory.GetFileSystemEntries(_folder).Select(Path.GetFileName));
    }

    [Fact]
    public void SampleRefusesATopKBeyondTheVocabularyAndTopOneIsGreedy()
    {
        var model = new global::CharRnn.CharVanilla();
        model.InitializeParameters(5);
        string text = "abcdefgh ijklmnop\n";
        Checkpoint.Save(model, Path.Combine(_folder, "s.safetensors"), new CheckpointMetadata { Vocabulary = CharVocabulary.Build(text, 96) });

        var tooMany = Run("sample", "--checkpoint", "s.safetensors", "--top-k", "19");
        Assert.Equal(2, tooMany.Code);
        Assert.Equal("error: --top-k takes 0 to 18 for this checkpoint (its vocabulary has 18 characters), not 19", tooMany.Error.TrimEnd());

        // Only the most likely character can be drawn with k = 1, whatever the seed: the same text as temperature 0 (argmax).
        var greedy = Run("sample", "--checkpoint", "s.safetensors", "--temperature", "0", "--length", "40", "--prime", "a");
        var topOne = Run("sample", "--checkpoint", "s.safetensors", "--top-k", "1", "--seed", "9", "--length", "40", "--prime", "a");
        Assert.True(greedy.Code == 0 && topOne.Code == 0, greedy.Error + topOne.Error);
        Assert.Equal(greedy.Out, topOne.Out);
        Assert.Equal(41, greedy.Out.TrimEnd('\n').Length);

        var prime = Run("sample", "--checkpoint", "s.safetensors", "--prime", "aé");
        Assert.Equal(2, prime.Code);
        Assert.Equal("error: --prime: 'é' (U+00E9) is not in the checkpoint's vocabulary", prime.Error.TrimEnd());
    }
}
