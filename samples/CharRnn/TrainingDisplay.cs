using System;
using System.Globalization;
using Spectre.Console;

namespace CharRnn;

/// <summary>Where a training run stands, for the progress display.</summary>
/// <param name="Step">Optimizer steps taken.</param>
/// <param name="TotalSteps">Steps the run will take in all (<c>--steps</c>).</param>
/// <param name="Loss">Mean training loss of the windows since the previous report, nats per character (NaN before the first report).</param>
/// <param name="SmoothedLoss">min-char-rnn's moving average of the training loss (0.999 / 0.001, starting at ln 96).</param>
/// <param name="ValidationLoss">The last validation loss, when there is a held-out part.</param>
/// <param name="CharactersPerSecond">Training throughput of this run so far (validation and sampling time left out).</param>
/// <param name="Remaining">Estimated time to the last step.</param>
internal readonly record struct TrainingStatus(long Step, long TotalSteps, float Loss, float SmoothedLoss, float? ValidationLoss, double CharactersPerSecond, TimeSpan Remaining)
{
    /// <summary>"step  1,000/10,000  loss 1.234 (smoothed 1.456)  val 1.500  23,456 chars/s  ETA 1:20".</summary>
    public string Line()
    {
        int width = TotalSteps.ToString("N0", CultureInfo.InvariantCulture).Length;
        string validation = ValidationLoss is { } v ? string.Create(CultureInfo.InvariantCulture, $"  val {v:F3}") : "";
        return string.Create(CultureInfo.InvariantCulture,
            $"step {Step.ToString("N0", CultureInfo.InvariantCulture).PadLeft(width)}/{TotalSteps:N0}  loss {Loss:F3} (smoothed {SmoothedLoss:F3}){validation}  {CharactersPerSecond,9:N0} chars/s  ETA {Eta(Remaining)}");
    }

    public static string Eta(TimeSpan remaining) =>
        remaining.TotalHours >= 1 ? $"{(int)remaining.TotalHours}:{remaining.Minutes:00}:{remaining.Seconds:00}" : $"{remaining.Minutes}:{remaining.Seconds:00}";
}

/// <summary>How a training run shows its progress: a live bar on a terminal, plain lines otherwise (logs, CI, pipes).</summary>
internal abstract class TrainingDisplay
{
    /// <summary>Steps between <see cref="Update"/> calls the display wants (the trainer runs in stretches no longer than this).</summary>
    public abstract int UpdateEvery { get; }

    /// <summary>Called every <see cref="UpdateEvery"/> steps.</summary>
    public abstract void Update(TrainingStatus status);

    /// <summary>Called every <c>--report-every</c> steps and after the last: one line that stays in the output.</summary>
    public abstract void Report(TrainingStatus status);

    /// <summary>Writes a line of text (samples, saves) to standard output.</summary>
    public abstract void WriteLine(string text);

    /// <summary>Writes a line to standard error (after the bar is gone, on a terminal).</summary>
    public abstract void Error(string text);

    /// <summary>
    /// Runs <paramref name="training"/> with the display <paramref name="mode"/> asks for: "bar", "plain", or "auto"
    /// (a bar when standard output is an interactive terminal that understands ANSI escapes).
    /// </summary>
    public static int Run(string mode, long totalSteps, Func<TrainingDisplay, int> training)
    {
        bool bar = mode switch
        {
            "bar" => true,
            "plain" => false,
            _ => !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive && AnsiConsole.Profile.Capabilities.Ansi,
        };
        return bar ? BarDisplay.Run(totalSteps, training) : training(new PlainDisplay());
    }

    private sealed class PlainDisplay : TrainingDisplay
    {
        public override int UpdateEvery => int.MaxValue;

        public override void Update(TrainingStatus status) { }

        public override void Report(TrainingStatus status) => Console.WriteLine(status.Line());

        public override void WriteLine(string text) => Console.WriteLine(text);

        public override void Error(string text) => Console.Error.WriteLine(text);
    }

    /// <summary>Spectre.Console's live progress bar: loss, validation loss and speed in the description, percentage and time left.</summary>
    private sealed class BarDisplay(ProgressTask task) : TrainingDisplay
    {
        private const int StepsPerUpdate = 10;
        private static readonly TimeSpan s_refreshRate = TimeSpan.FromMilliseconds(250);
        private string? _error;

        public override int UpdateEvery => StepsPerUpdate;

        public static int Run(long totalSteps, Func<TrainingDisplay, int> training)
        {
            BarDisplay? display = null;
            Progress progress = AnsiConsole.Progress();
            progress.RefreshRate = s_refreshRate; // redrawing costs the training loop's core; a few times a second is enough to read
            int code = progress
                .AutoClear(false)
                .HideCompleted(false)
                .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
                .Start(context =>
                {
                    ProgressTask task = context.AddTask("training", maxValue: Math.Max(1, totalSteps));
                    display = new BarDisplay(task);
                    return training(display);
                });
            if (display?._error is { } error)
                Console.Error.WriteLine(error);
            return code;
        }

        public override void Update(TrainingStatus status)
        {
            string validation = status.ValidationLoss is { } v ? string.Create(CultureInfo.InvariantCulture, $"  val {v:F3}") : "";
            task.Description = string.Create(CultureInfo.InvariantCulture, $"step {status.Step:N0}  smoothed loss {status.SmoothedLoss:F3}{validation}  {status.CharactersPerSecond:N0} chars/s");
            task.Value = status.Step;
        }

        public override void Report(TrainingStatus status)
        {
            Update(status);
            AnsiConsole.WriteLine(status.Line());
        }

        public override void WriteLine(string text) => AnsiConsole.WriteLine(text);

        public override void Error(string text) => _error = _error is null ? text : _error + Environment.NewLine + text;
    }
}
