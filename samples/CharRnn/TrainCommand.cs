using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Runtime.InteropServices;
using System.Threading;
using RnnGen;

namespace CharRnn;

/// <summary>What <c>train</c> was asked to do.</summary>
internal sealed record TrainSettings
{
    public string Cell { get; init; } = "lstm";
    public string? CorpusPath { get; init; }
    public int Steps { get; init; } = 10_000;
    public int Seed { get; init; } = 42;
    public float? LearningRate { get; init; }
    public float Temperature { get; init; } = 0.8f;
    public int SampleLength { get; init; } = 300;
    public int ReportEvery { get; init; } = 1000;
    public int SampleEvery { get; init; } = 2500;
    public string? SavePath { get; init; }
    public int SaveEvery { get; init; } = 1000;
    public string? ResumePath { get; init; }
    public double Holdout { get; init; } = 0.05;
    public int ValidationCharacters { get; init; } = 10_000;
    public string? PlotPath { get; init; }
    public string Progress { get; init; } = "auto";
}

/// <summary>
/// <c>train</c>: trains a character model on a corpus in 25-character windows of truncated BPTT, holding out the end
/// of the corpus for a validation loss; reports progress, samples, checkpoints and the loss curve.
/// </summary>
internal static class TrainCommand
{
    public static int Run(TrainSettings settings)
    {
        if (settings.PlotPath is { } plot)
            OutputPaths.Check(plot, "--plot");
        if (settings.SavePath is { } save)
        {
            OutputPaths.Check(CheckpointPaths.ModelPath(save), "--save");
            OutputPaths.Check(CheckpointPaths.TrainingPath(save), "--save");
        }

        string text = settings.CorpusPath is null ? Corpus.Embedded() : Corpus.FromFile(settings.CorpusPath);
        CharVocabulary vocabulary = CharVocabulary.Build(text, Vocabulary.Size);
        Console.WriteLine($"corpus: {settings.CorpusPath ?? "embedded RnnGen sources"}, {text.Length:N0} characters, {vocabulary.Count + vocabulary.UnmappedCharacterCount} distinct");
        if (vocabulary.HasUnknown)
        {
            Console.WriteLine($"vocabulary: the model holds {Vocabulary.Size} symbols, so the {vocabulary.UnmappedCharacterCount} rarest characters " +
                              $"({vocabulary.UnmappedOccurrenceCount:N0} occurrences) share one unknown symbol, shown as '{CharVocabulary.UnknownCharacter}'");
        }
        int[] tokens = vocabulary.Encode(text);

        // The last --holdout of the corpus is never trained on; its first --validation-chars give the validation loss.
        int heldOut = (int)(tokens.Length * settings.Holdout);
        if (heldOut < 2)
            heldOut = 0;
        int[] training = tokens[..^heldOut];
        int[] validation = tokens[^heldOut..][..Math.Min(heldOut, settings.ValidationCharacters)];
        if (training.Length < CharLstm.SequenceLength + 1)
            throw new UsageException($"the corpus leaves {training.Length} characters to train on after holding out {heldOut:N0}; at least {CharLstm.SequenceLength + 1} are needed");
        Console.WriteLine(heldOut == 0
            ? settings.Holdout == 0 ? "validation: none (--holdout 0)" : $"validation: none (--holdout {settings.Holdout.ToString(CultureInfo.InvariantCulture)} of this corpus is under 2 characters)"
            : $"validation: the last {settings.Holdout.ToString("P0", CultureInfo.InvariantCulture)} of the corpus ({heldOut:N0} characters) is held out; the loss is measured on the first {validation.Length:N0} of them");

        return settings.Cell == "rnn"
            ? Train(new CharVanilla(), training, validation, vocabulary, settings, "vanilla RNN (tanh) 96 → 100 → 96",
                new AdagradOptimizer(CharVanilla.ParameterCount, settings.LearningRate ?? 0.1f, epsilon: 1e-8f), clipValue: 5f, clipNorm: 0f)
            : Train(new CharLstm(), training, validation, vocabulary, settings, "2-layer LSTM 96 → 128 → 128 → 96",
                new AdamOptimizer(CharLstm.ParameterCount, settings.LearningRate ?? 2e-3f), clipValue: 0f, clipNorm: 5f);
    }

    private static int Train<TState>(ITokenRnnModel<TState> model, int[] tokens, int[] validation, CharVocabulary vocabulary, TrainSettings settings,
                                     string description, IOptimizer optimizer, float clipValue, float clipNorm)
        where TState : struct, IRnnState
    {
        string clipping = clipNorm > 0 ? $"clip norm {clipNorm}" : $"clip ±{clipValue}";
        Console.WriteLine($"model: {description}, {model.ParameterCount:N0} parameters, {optimizer.GetType().Name.Replace("Optimizer", "", StringComparison.Ordinal)} " +
                          $"lr {optimizer.LearningRate.ToString(CultureInfo.InvariantCulture)}, {clipping}, seed {settings.Seed}");
        model.InitializeParameters(settings.Seed);
        var losses = new IntervalLoss();
        var trainer = new CharTrainer<TState>(model, tokens, optimizer, new CharTrainerOptions
        {
            ClipValue = clipValue,
            ClipNorm = clipNorm,
            ReportEvery = 1,
            Progress = p => losses.Add(p.Loss),
        });
        var sampler = new TextSampler<TState>(model, settings.Seed);
        RunHistory history = settings.ResumePath is { } resume
            ? Resume(trainer, sampler.Sampler, vocabulary, model.GetType().Name, resume)
            : new RunHistory();
        losses.Restore(history.IntervalSum, history.IntervalCount);

        var run = new TrainingRun<TState>(trainer, sampler, vocabulary, settings, validation.Length >= 2 ? new Evaluator<TState>(model) : null, validation, tokens[0], losses, history.Curve);
        // Ctrl+C (SIGINT) and SIGTERM stop training between two steps; the run saves and exits with ExitCodes.Interrupted.
        using var interrupt = new CancellationTokenSource();
        void Stop(PosixSignalContext context)
        {
            context.Cancel = true;
            try
            {
                interrupt.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // the run has already ended
            }
        }
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
        return TrainingDisplay.Run(settings.Progress, settings.Steps, display => run.Execute(display, interrupt.Token));
    }

    /// <summary>Restores a run from the training file of <paramref name="path"/>; returns the loss history saved with it.</summary>
    private static RunHistory Resume<TState>(CharTrainer<TState> trainer, Sampler sampler, CharVocabulary vocabulary, string modelName, string path)
        where TState : struct, IRnnState
    {
        string training = CheckpointPaths.TrainingPath(path);
        RunHistory? history;
        try
        {
            CheckpointMetadata metadata = Checkpoint.ReadMetadata(training);
            history = RunHistory.Read(metadata.Entries);
            if (metadata.ModelName != modelName)
                throw new UsageException($"'{training}' holds a {metadata.ModelName ?? "model of unknown kind"}{ModelFile.CellOption(metadata.ModelName)}; this run trains a {modelName}{ModelFile.CellOption(modelName)}");
            if (metadata.Vocabulary?.Characters != vocabulary.Characters)
                throw new UsageException($"'{training}' was trained on a corpus with another vocabulary; resume with the same --corpus");
            TrainingCheckpoint.Load(trainer, training, sampler);
        }
        catch (CheckpointException e)
        {
            throw new UsageException(e.Message.Contains("corpus", StringComparison.Ordinal)
                ? e.Message + " (a run resumes on the same --corpus and --holdout it started with)"
                : e.Message);
        }
        Console.WriteLine($"resumed from '{training}' at step {trainer.StepCount:N0}, smoothed loss {trainer.SmoothedLoss:F3}");
        if (history is null)
            Console.WriteLine($"note: '{training}' holds no loss history this program can read; the loss curve starts at step {trainer.StepCount:N0}");
        return history ?? new RunHistory();
    }

    /// <summary>One training run: the loop, its reports, samples, checkpoints and loss curve.</summary>
    private sealed class TrainingRun<TState>(CharTrainer<TState> trainer, TextSampler<TState> sampler, CharVocabulary vocabulary, TrainSettings settings,
                                     Evaluator<TState>? evaluator, int[] validation, int firstToken, IntervalLoss losses, List<LossPoint> curve)
        where TState : struct, IRnnState
    {
        private readonly List<LossPoint> _curve = curve; // a resumed run goes on with the curve its checkpoint holds
        private readonly int[] _sampled = new int[settings.SampleLength];
        private readonly Stopwatch _wall = Stopwatch.StartNew();
        private readonly long _firstStep = trainer.StepCount;
        private TimeSpan _trainingTime;
        private long _lastSaved = -1;
        private float? _validationLoss;
        private float _intervalLoss = float.NaN;
        private int _failure = ExitCodes.Usage;
        private LossPoint? _finalPoint;

        public int Execute(TrainingDisplay display, CancellationToken interrupt)
        {
            // Train in stretches that end at every report, sample and checkpoint step, so a resumed run samples and
            // saves at the same steps, from the same random position, as a run that never stopped.
            long target = settings.Steps;
            while (trainer.StepCount < target)
            {
                long step = trainer.StepCount;
                long next = Math.Min(target, Math.Min(NextMultiple(step, settings.SampleEvery), NextMultiple(step, settings.ReportEvery)));
                if (settings.SavePath is not null)
                    next = Math.Min(next, NextMultiple(step, settings.SaveEvery));
                if (display.UpdateEvery != int.MaxValue)
                    next = Math.Min(next, NextMultiple(step, display.UpdateEvery));
                long started = Stopwatch.GetTimestamp();
                try
                {
                    trainer.Train((int)(next - step), interrupt);
                }
                catch (TrainingDivergedException e)
                {
                    display.Error($"error: {e.Message} Stopped; {Kept()}.");
                    WritePlot(display, final: false);
                    return ExitCodes.Diverged;
                }
                catch (OperationCanceledException)
                {
                    return Interrupted(display);
                }
                finally
                {
                    _trainingTime += Stopwatch.GetElapsedTime(started);
                }

                long now = trainer.StepCount;
                bool onGrid = now % settings.ReportEvery == 0;
                if (onGrid || now == target)
                {
                    if (evaluator is not null)
                        _validationLoss = (float)evaluator.Evaluate(validation).Loss;
                    // Points on the --report-every grid are the run's history (saved with a checkpoint, so a resumed run
                    // reports and draws what a straight one does); a last step off the grid is drawn but not kept.
                    _intervalLoss = onGrid ? losses.TakeMean() : losses.PeekMean();
                    var point = new LossPoint(now, _intervalLoss, _validationLoss);
                    if (onGrid)
                        _curve.Add(point);
                    else
                        _finalPoint = point;
                    display.Report(Status());
                }
                else
                {
                    display.Update(Status());
                }
                if (now % settings.SampleEvery == 0 && now < target)
                    PrintSample(display, $"sample at step {now:N0}");
                if (settings.SavePath is { } path && (now % settings.SaveEvery == 0 || now == target) && !SaveChecked(display, path))
                    return _failure;
            }
            if (settings.SavePath is { } final && _lastSaved != trainer.StepCount && !Save(display, final))
                return ExitCodes.Usage; // resumed at or past --steps: the checkpoint still ends up where --save says

            string validationNote = _validationLoss is { } v
                ? string.Create(CultureInfo.InvariantCulture, $", validation {v:F3} (perplexity {Math.Exp(v):F2})")
                : "";
            display.WriteLine($"done: {trainer.StepCount:N0} steps, smoothed loss {trainer.SmoothedLoss:F3} nats/char{validationNote} " +
                              $"(uniform guess over the vocabulary: {MathF.Log(vocabulary.Count):F3})");
            bool plotted = WritePlot(display, final: true);
            PrintSample(display, "final sample");
            return plotted ? ExitCodes.Ok : ExitCodes.Usage;
        }

        private TrainingStatus Status()
        {
            long done = trainer.StepCount - _firstStep;
            double seconds = _trainingTime.TotalSeconds;
            double charactersPerSecond = seconds > 0 ? done * trainer.WindowLength / seconds : 0;
            double wallPerStep = done > 0 ? _wall.Elapsed.TotalSeconds / done : 0;
            var remaining = TimeSpan.FromSeconds(wallPerStep * Math.Max(0, settings.Steps - trainer.StepCount));
            return new TrainingStatus(trainer.StepCount, settings.Steps, _intervalLoss, trainer.SmoothedLoss, _validationLoss, charactersPerSecond, remaining);
        }

        private int Interrupted(TrainingDisplay display)
        {
            display.WriteLine($"interrupted at step {trainer.StepCount:N0}");
            if (settings.SavePath is { } path && _lastSaved != trainer.StepCount && trainer.StepCount > 0 && !SaveChecked(display, path))
                return _failure;
            WritePlot(display, final: false);
            return ExitCodes.Interrupted;
        }

        /// <summary>Saves unless the parameters overflowed; false (and <see cref="_failure"/> set) when it did not save.</summary>
        private bool SaveChecked(TrainingDisplay display, string path)
        {
            // The trainer stops when a loss or gradient is not finite; an update can still overflow the parameters.
            if (!AllFinite(trainer.Model.Parameters))
            {
                display.Error($"error: Training diverged: the parameters after step {trainer.StepCount:N0} hold NaN or infinite values; " +
                              $"lower the learning rate or clip the gradients. Stopped; {Kept()}.");
                WritePlot(display, final: false);
                _failure = ExitCodes.Diverged;
                return false;
            }
            _failure = ExitCodes.Usage;
            return Save(display, path);
        }

        /// <summary>Saves the training file, then the model checkpoint, each atomically.</summary>
        private bool Save(TrainingDisplay display, string path)
        {
            var metadata = new CheckpointMetadata { Step = trainer.StepCount, Vocabulary = vocabulary };
            var trainingMetadata = new CheckpointMetadata
            {
                Step = trainer.StepCount,
                Vocabulary = vocabulary,
                Entries = new RunHistory { Curve = _curve, IntervalSum = losses.Sum, IntervalCount = losses.Count }.Entries(),
            };
            try
            {
                TrainingCheckpoint.Save(trainer, CheckpointPaths.TrainingPath(path), sampler.Sampler, trainingMetadata);
                Checkpoint.Save(trainer.Model, CheckpointPaths.ModelPath(path), metadata);
            }
            catch (CheckpointException e)
            {
                display.Error("error: " + e.Message);
                return false;
            }
            display.WriteLine($"saved step {trainer.StepCount:N0} to '{CheckpointPaths.ModelPath(path)}' (and '{CheckpointPaths.TrainingPath(path)}')");
            _lastSaved = trainer.StepCount;
            return true;
        }

        /// <summary>Writes the loss curve when --plot asks for one; false if it could not be written.</summary>
        private bool WritePlot(TrainingDisplay display, bool final)
        {
            if (settings.PlotPath is not { } path)
                return true;
            var points = new List<LossPoint>(_curve);
            if (_finalPoint is { } last && (points.Count == 0 || points[^1].Step < last.Step))
                points.Add(last);
            if (points.Count == 0)
            {
                display.WriteLine($"no loss curve written to '{path}': this run reported no step{(final && trainer.StepCount >= settings.Steps ? $" (it started at step {trainer.StepCount:N0}, at or past --steps)" : "")}");
                return true;
            }
            string model = settings.Cell == "rnn" ? "vanilla RNN 100" : "2-layer LSTM 128";
            try
            {
                LossPlot.Write(path, points, $"CharRnn {model}: loss per character, {settings.CorpusPath ?? "embedded RnnGen sources"}");
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                display.Error($"error: cannot write the loss curve to '{path}': {e.Message}");
                return false;
            }
            display.WriteLine($"wrote the loss curve ({points.Count} points) to '{path}'");
            return true;
        }

        private void PrintSample(TrainingDisplay display, string title)
        {
            var state = new TState();
            sampler.Generate(ref state, firstToken, _sampled, settings.Temperature, tokenCount: vocabulary.Count);
            display.WriteLine($"----- {title} -----");
            display.WriteLine(vocabulary.Decode(_sampled));
            display.WriteLine("-----");
        }

        private string Kept() =>
            settings.SavePath is not { } path ? "no checkpoint was being saved (--save)"
            : _lastSaved < 0 ? "no checkpoint was saved in this run"
            : $"the last good checkpoint, '{CheckpointPaths.ModelPath(path)}' (step {_lastSaved:N0}), is kept";
    }

    private static bool AllFinite(ReadOnlySpan<float> values)
    {
        foreach (float value in values)
        {
            if (!float.IsFinite(value))
                return false;
        }
        return true;
    }

    private static long NextMultiple(long step, int every) => (step / every + 1) * every;
}
