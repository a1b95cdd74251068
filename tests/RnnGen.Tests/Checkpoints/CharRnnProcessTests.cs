using System;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using Xunit;

namespace RnnGen.Tests.Checkpoints;

/// <summary>
/// samples/CharRnn run as child processes: a run saved, stopped and resumed in a fresh process ends with the same
/// checkpoint files, byte for byte, as a run that never stopped (Adam on the LSTM, Adagrad on the vanilla RNN);
/// divergence stops with exit code 1 and keeps the last checkpoint; the sample mode generates from a checkpoint and
/// refuses one of the other model with a one-line error and exit code 2.
/// </summary>
public sealed class CharRnnProcessTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("rnngen-charrnn-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private (int Code, string Out, string Error) Run(params string[] args) => Cli.CharRnnProcess.Run(_folder, args);

    [Theory]
    [InlineData("lstm", 60, 30, 20)]   // Adam; the report interval 21–40 spans the restart
    [InlineData("rnn", 300, 120, 50)]  // Adagrad; 101–150 spans it
    public void ARunResumedInAFreshProcessEndsWithTheSameBytesAsARunStraight(string cell, int steps, int stopAt, int reportEvery)
    {
        string[] common = { "--cell", cell, "--report-every", reportEvery.ToString(), "--sample-every", (stopAt + stopAt / 2).ToString(), "--sample-length", "40", "--save-every", stopAt.ToString() };
        var straight = Run(common.Concat(new[] { "--steps", steps.ToString(), "--save", "straight.safetensors", "--plot", "straight.svg" }).ToArray());
        Assert.True(straight.Code == 0, straight.Error);
        var first = Run(common.Concat(new[] { "--steps", stopAt.ToString(), "--save", "resumed.safetensors", "--plot", "resumed.svg" }).ToArray());
        Assert.True(first.Code == 0, first.Error);
        var resumed = Run(common.Concat(new[] { "--steps", steps.ToString(), "--save", "resumed.safetensors", "--resume", "resumed.safetensors", "--plot", "resumed.svg" }).ToArray());
        Assert.True(resumed.Code == 0, resumed.Error);
        Assert.Contains($"resumed from 'resumed.training.safetensors' at step {stopAt}", resumed.Out, StringComparison.Ordinal);

        Assert.Equal(File.ReadAllBytes(Path.Combine(_folder, "straight.safetensors")), File.ReadAllBytes(Path.Combine(_folder, "resumed.safetensors")));
        Assert.Equal(File.ReadAllBytes(Path.Combine(_folder, "straight.training.safetensors")), File.ReadAllBytes(Path.Combine(_folder, "resumed.training.safetensors")));
        // The loss curve goes on from the checkpoint: the resumed run draws the straight run's picture, to the byte,
        // and its report lines after the restart are the straight run's (the unfinished report interval is restored too).
        Assert.Equal(File.ReadAllBytes(Path.Combine(_folder, "straight.svg")), File.ReadAllBytes(Path.Combine(_folder, "resumed.svg")));
        Assert.Equal(ReportsAfter(straight.Out, stopAt), ReportsAfter(resumed.Out, stopAt));
        Assert.NotEmpty(ReportsAfter(resumed.Out, stopAt));
        // The samples drawn after the restart (mid-run and final) are the straight run's too.
        Assert.Equal(Samples(straight.Out), Samples(resumed.Out));
        Assert.Equal(2, Samples(resumed.Out).Length);

        // The model checkpoint is a plain one, with the vocabulary, for the model --cell names.
        CheckpointMetadata metadata = Checkpoint.ReadMetadata(Path.Combine(_folder, "straight.safetensors"));
        Assert.Equal(cell == "lstm" ? "CharLstm" : "CharVanilla", metadata.ModelName);
        Assert.Equal(steps, metadata.Step);
        Assert.NotNull(metadata.Vocabulary);
        IRnnModel model = cell == "lstm" ? new global::CharRnn.CharLstm() : new global::CharRnn.CharVanilla();
        Checkpoint.Load(model, Path.Combine(_folder, "straight.safetensors"));
    }

    /// <summary>The report lines after <paramref name="step"/>, without their speed and time left (those differ between runs).</summary>
    private static string[] ReportsAfter(string output, int step) =>
        Regex.Matches(output, @"^step +([\d,]+)/[\d,]+  (loss .*?)  +[\d,]+ chars/s", RegexOptions.Multiline)
            .Where(m => int.Parse(m.Groups[1].Value, NumberStyles.AllowThousands, CultureInfo.InvariantCulture) > step)
            .Select(m => m.Groups[1].Value + " " + m.Groups[2].Value).ToArray();

    private static string[] Samples(string output) =>
        output.Split("----- ").Skip(1).Select(s => s[..s.IndexOf("\n-----", StringComparison.Ordinal)]).ToArray();

    [Fact]
    public void DivergenceStopsWithExitCode1AndKeepsTheLastGoodCheckpoint()
    {
        // Adam at a learning rate of 1e35 overflows the LSTM after a few steps (the 8th on AVX2 + FMA).
        var run = Run("--steps", "30", "--learning-rate", "1e35", "--save", "d.safetensors", "--save-every", "1", "--report-every", "1000");
        Assert.Equal(1, run.Code);
        Match diverged = Regex.Match(run.Error, @"^error: Training diverged(?: at step (\d+)|: the parameters after step (\d+))");
        Assert.True(diverged.Success, run.Error);
        int step = int.Parse(diverged.Groups[1].Success ? diverged.Groups[1].Value : diverged.Groups[2].Value, CultureInfo.InvariantCulture);
        Assert.True(step >= 2, run.Error);
        Assert.Contains($"Stopped; the last good checkpoint, 'd.safetensors' (step {step - 1}), is kept.", run.Error, StringComparison.Ordinal);
        Assert.Single(run.Error.TrimEnd().Split('\n'));

        Assert.Equal(step - 1, Checkpoint.ReadMetadata(Path.Combine(_folder, "d.safetensors")).Step);
        Checkpoint.Load(new global::CharRnn.CharLstm(), Path.Combine(_folder, "d.safetensors"));
        Assert.Equal(new[] { "d.safetensors", "d.training.safetensors" }, Directory.GetFiles(_folder).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void SampleModeGeneratesFromACheckpointAndRefusesTheOtherModel()
    {
        var train = Run("--cell", "rnn", "--steps", "40", "--save", "v.safetensors", "--report-every", "1000");
        Assert.True(train.Code == 0, train.Error);

        var sample = Run("sample", "--checkpoint", "v.safetensors", "--length", "50", "--seed", "3", "--prime", "public ");
        Assert.True(sample.Code == 0, sample.Error);
        Assert.StartsWith("public ", sample.Out, StringComparison.Ordinal);
        Assert.True(sample.Out.TrimEnd('\n').Length >= 57, sample.Out);
        Assert.Equal(sample.Out, Run("sample", "--checkpoint", "v.training.safetensors", "--length", "50", "--seed", "3", "--prime", "public ").Out);

        var wrongCell = Run("sample", "--checkpoint", "v.safetensors", "--cell", "lstm");
        Assert.Equal(2, wrongCell.Code);
        Assert.Equal("error: 'v.safetensors' holds a CharVanilla (--cell rnn), not a CharLstm (--cell lstm)", wrongCell.Error.TrimEnd());

        var wrongResume = Run("--steps", "50", "--resume", "v.safetensors");
        Assert.Equal(2, wrongResume.Code);
        Assert.Equal("error: 'v.training.safetensors' holds a CharVanilla (--cell rnn); this run trains a CharLstm (--cell lstm)", wrongResume.Error.TrimEnd());

        File.WriteAllBytes(Path.Combine(_folder, "cut.safetensors"), File.ReadAllBytes(Path.Combine(_folder, "v.safetensors"))[..500]);
        var cut = Run("sample", "--checkpoint", "cut.safetensors");
        Assert.Equal(2, cut.Code);
        Assert.Single(cut.Error.TrimEnd().Split('\n'));
        Assert.Contains("truncated", cut.Error, StringComparison.Ordinal);
    }
}
