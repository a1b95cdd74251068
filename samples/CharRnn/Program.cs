using System;
using System.Globalization;
using RnnGen;

namespace CharRnn;

/// <summary>
/// Trains a character-level model and prints progress and samples: by default a 2-layer LSTM (Adam), or with
/// <c>--cell rnn</c> Karpathy's min-char-rnn (100 tanh units, Adagrad 0.1, clip ±5). With no arguments it trains on
/// its own embedded C# sources. <c>--save</c> writes checkpoints, <c>--resume</c> goes on from one, and the
/// <c>sample</c> mode generates text from one.
/// </summary>
internal static class Program
{
    private const int ExitDiverged = 1;
    private const int ExitUsage = 2;

    private static int Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "sample")
            return Sample(args.AsSpan(1));

        Options options;
        try
        {
            options = Options.Parse(args);
        }
        catch (FormatException e)
        {
            return Error(e.Message + " (see --help)");
        }
        if (options.Help)
        {
            Console.WriteLine(Options.Usage);
            return 0;
        }

        string text;
        try
        {
            text = options.CorpusPath is null ? Corpus.Embedded() : Corpus.FromFile(options.CorpusPath);
        }
        catch (CorpusException e)
        {
            return Error(e.Message);
        }
        if (text.Length < CharLstm.SequenceLength + 1)
            return Error($"the corpus has {text.Length} characters; at least {CharLstm.SequenceLength + 1} are needed");

        CharVocabulary vocabulary = CharVocabulary.Build(text, Vocabulary.Size);
        Console.WriteLine($"corpus: {(options.CorpusPath ?? "embedded RnnGen sources")}, {text.Length:N0} characters, {vocabulary.Count + vocabulary.UnmappedCharacterCount} distinct");
        if (vocabulary.HasUnknown)
        {
            Console.WriteLine($"vocabulary: the model holds {Vocabulary.Size} symbols, so the {vocabulary.UnmappedCharacterCount} rarest characters " +
                              $"({vocabulary.UnmappedOccurrenceCount:N0} occurrences) share one unknown symbol, shown as '{CharVocabulary.UnknownCharacter}'");
        }
        int[] tokens = vocabulary.Encode(text);
        return options.Cell == "rnn"
            ? Train(new CharVanilla(), tokens, vocabulary, options, "vanilla RNN (tanh) 96 → 100 → 96",
                new AdagradOptimizer(CharVanilla.ParameterCount, options.LearningRate ?? 0.1f, epsilon: 1e-8f), new CharTrainerOptions { ClipValue = 5f, ReportEvery = options.ReportEvery })
            : Train(new CharLstm(), tokens, vocabulary, options, "2-layer LSTM 96 → 128 → 128 → 96",
                new AdamOptimizer(CharLstm.ParameterCount, options.LearningRate ?? 2e-3f), new CharTrainerOptions { ClipValue = 0f, ClipNorm = 5f, ReportEvery = options.ReportEvery });
    }

    private static int Train<TState>(ITokenRnnModel<TState> model, int[] tokens, CharVocabulary vocabulary, Options options, string description, IOptimizer optimizer, CharTrainerOptions trainerOptions)
        where TState : struct, IRnnState
    {
        string clipping = trainerOptions.ClipNorm > 0 ? $"clip norm {trainerOptions.ClipNorm}" : $"clip ±{trainerOptions.ClipValue}";
        Console.WriteLine($"model: {description}, {model.ParameterCount:N0} parameters, {optimizer.GetType().Name.Replace("Optimizer", "", StringComparison.Ordinal)} " +
                          $"lr {optimizer.LearningRate.ToString(CultureInfo.InvariantCulture)}, {clipping}, seed {options.Seed}");
        model.InitializeParameters(options.Seed);
        var sampler = new TextSampler<TState>(model, options.Seed);
        int[] sampled = new int[options.SampleLength];

        void PrintSample(string title)
        {
            var state = new TState();
            sampler.Generate(ref state, tokens[0], sampled, options.Temperature, tokenCount: vocabulary.Count);
            Console.WriteLine($"----- {title} -----");
            Console.WriteLine(vocabulary.Decode(sampled));
            Console.WriteLine("-----");
        }

        var trainer = new CharTrainer<TState>(model, tokens, optimizer, new CharTrainerOptions
        {
            ClipValue = trainerOptions.ClipValue,
            ClipNorm = trainerOptions.ClipNorm,
            ReportEvery = trainerOptions.ReportEvery,
            Progress = p => Console.WriteLine($"step {p.Step,7:N0}  loss {p.SmoothedLoss:F3} (last {p.Loss:F3})  {p.CharactersPerSecond,9:N0} chars/s  {p.Elapsed.TotalSeconds,6:F1} s"),
        });

        string modelName = model.GetType().Name;
        if (options.ResumePath is { } resume && Resume(trainer, sampler.Sampler, vocabulary, modelName, resume) is { } problem)
            return Error(problem);

        // Train in stretches that end at every sample and checkpoint step, so a resumed run samples and saves at the
        // same steps, from the same random position, as a run that never stopped.
        long target = options.Steps;
        long lastSaved = -1;
        while (trainer.StepCount < target)
        {
            long step = trainer.StepCount;
            long next = Math.Min(target, NextMultiple(step, options.SampleEvery));
            if (options.SavePath is not null)
                next = Math.Min(next, NextMultiple(step, options.SaveEvery));
            try
            {
                trainer.Train((int)(next - step));
            }
            catch (TrainingDivergedException e)
            {
                Console.Error.WriteLine($"error: {e.Message} Stopped; {Kept(options.SavePath, lastSaved)}.");
                return ExitDiverged;
            }
            if (trainer.StepCount % options.SampleEvery == 0 && trainer.StepCount < target)
                PrintSample($"sample at step {trainer.StepCount:N0}");
            if (options.SavePath is { } path && (trainer.StepCount % options.SaveEvery == 0 || trainer.StepCount == target))
            {
                // The trainer stops when a loss or gradient is not finite; an update can still overflow the parameters.
                if (!AllFinite(model.Parameters))
                {
                    Console.Error.WriteLine($"error: Training diverged: the parameters after step {trainer.StepCount:N0} hold NaN or infinite values; " +
                                            $"lower the learning rate or clip the gradients. Stopped; {Kept(options.SavePath, lastSaved)}.");
                    return ExitDiverged;
                }
                if (Save(trainer, sampler.Sampler, vocabulary, path) is { } failure)
                    return Error(failure);
                lastSaved = trainer.StepCount;
            }
        }
        if (options.SavePath is { } final && lastSaved != trainer.StepCount && Save(trainer, sampler.Sampler, vocabulary, final) is { } error)
            return Error(error); // resumed at or past --steps: the checkpoint still ends up where --save says

        Console.WriteLine($"done: {trainer.StepCount:N0} steps, smoothed loss {trainer.SmoothedLoss:F3} nats/char (uniform guess over the vocabulary: {MathF.Log(vocabulary.Count):F3})");
        PrintSample("final sample");
        return 0;
    }

    private static string Kept(string? path, long lastSaved) =>
        path is null ? "no checkpoint was being saved (--save)"
        : lastSaved < 0 ? "no checkpoint was saved in this run"
        : $"the last good checkpoint, '{Options.ModelPath(path)}' (step {lastSaved:N0}), is kept";

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

    /// <summary>Restores a run from the training file of <paramref name="path"/>; returns a one-line problem, or null.</summary>
    private static string? Resume<TState>(CharTrainer<TState> trainer, Sampler sampler, CharVocabulary vocabulary, string modelName, string path)
        where TState : struct, IRnnState
    {
        string training = Options.TrainingPath(path);
        try
        {
            CheckpointMetadata metadata = Checkpoint.ReadMetadata(training);
            if (metadata.ModelName != modelName)
                return $"'{training}' holds a {metadata.ModelName ?? "model of unknown kind"}{CellOption(metadata.ModelName)}; this run trains a {modelName}{CellOption(modelName)}";
            if (metadata.Vocabulary?.Characters != vocabulary.Characters)
                return $"'{training}' was trained on a corpus with another vocabulary; resume with the same --corpus";
            TrainingCheckpoint.Load(trainer, training, sampler);
        }
        catch (CheckpointException e)
        {
            return e.Message;
        }
        Console.WriteLine($"resumed from '{training}' at step {trainer.StepCount:N0}, smoothed loss {trainer.SmoothedLoss:F3}");
        return null;
    }

    /// <summary>Saves the training file, then the model checkpoint, each atomically; returns a one-line problem, or null.</summary>
    private static string? Save<TState>(CharTrainer<TState> trainer, Sampler sampler, CharVocabulary vocabulary, string path)
        where TState : struct, IRnnState
    {
        var metadata = new CheckpointMetadata { Step = trainer.StepCount, Vocabulary = vocabulary };
        try
        {
            TrainingCheckpoint.Save(trainer, Options.TrainingPath(path), sampler, metadata);
            Checkpoint.Save(trainer.Model, Options.ModelPath(path), metadata);
        }
        catch (CheckpointException e)
        {
            return e.Message;
        }
        Console.WriteLine($"saved step {trainer.StepCount:N0} to '{Options.ModelPath(path)}' (and '{Options.TrainingPath(path)}')");
        return null;
    }

    private static string CellOption(string? modelName) => modelName switch
    {
        nameof(CharLstm) => " (--cell lstm)",
        nameof(CharVanilla) => " (--cell rnn)",
        _ => "",
    };

    private static int Sample(ReadOnlySpan<string> args)
    {
        SampleOptions options;
        try
        {
            options = SampleOptions.Parse(args);
        }
        catch (FormatException e)
        {
            return Error(e.Message + " (see --help)");
        }
        if (options.Help)
        {
            Console.WriteLine(Options.Usage);
            return 0;
        }

        CheckpointMetadata metadata;
        try
        {
            metadata = Checkpoint.ReadMetadata(options.CheckpointPath);
        }
        catch (CheckpointException e)
        {
            return Error(e.Message);
        }
        string? wanted = options.Cell switch { "lstm" => nameof(CharLstm), "rnn" => nameof(CharVanilla), _ => null };
        string? held = metadata.ModelName is nameof(CharLstm) or nameof(CharVanilla) ? metadata.ModelName : null;
        if (wanted is not null && held is not null && wanted != held)
            return Error($"'{options.CheckpointPath}' holds a {held}{CellOption(held)}, not a {wanted}{CellOption(wanted)}");
        if (held is null && wanted is null)
            return Error($"'{options.CheckpointPath}' holds a {metadata.ModelName ?? "model of unknown kind"}; this program knows CharLstm and CharVanilla (give --cell for a file without a model name)");
        if (metadata.Vocabulary is null)
            return Error($"'{options.CheckpointPath}' has no vocabulary in its metadata; sampling needs one to turn ids into characters");
        return (held ?? wanted) == nameof(CharVanilla)
            ? Generate<CharVanilla.State>(new CharVanilla(), metadata.Vocabulary, options)
            : Generate<CharLstm.State>(new CharLstm(), metadata.Vocabulary, options);
    }

    private static int Generate<TState>(ITokenRnnModel<TState> model, CharVocabulary vocabulary, SampleOptions options)
        where TState : struct, IRnnState
    {
        try
        {
            // A training file holds the model's tensors too, beside the optimizer's and the trainer's.
            Checkpoint.Load(model, options.CheckpointPath, new CheckpointLoadOptions { AllowExtraTensors = true });
        }
        catch (CheckpointException e)
        {
            return Error(e.Message);
        }
        vocabulary = CharVocabulary.FromCharacters(vocabulary.Characters, model.InputSize, vocabulary.HasUnknown);
        string primeText = options.Prime == "\n" && !vocabulary.Contains('\n') ? vocabulary.Characters[..1] : options.Prime;
        int[] prime;
        try
        {
            prime = vocabulary.Encode(primeText);
        }
        catch (ArgumentException e)
        {
            return Error($"--prime: {e.Message}");
        }
        var state = new TState();
        float[] logits = new float[model.OutputSize];
        for (int i = 0; i < prime.Length - 1; i++)
            model.Step(prime[i], ref state, logits);
        var sampler = new TextSampler<TState>(model, options.Seed);
        int[] output = new int[options.Length];
        sampler.Generate(ref state, prime[^1], output, options.Temperature, tokenCount: vocabulary.Count);
        Console.WriteLine(primeText + vocabulary.Decode(output));
        return 0;
    }

    private static int Error(string message)
    {
        Console.Error.WriteLine("error: " + message);
        return ExitUsage;
    }
}
