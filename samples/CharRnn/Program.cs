using System;
using System.Globalization;
using RnnGen;

namespace CharRnn;

/// <summary>
/// Trains a character-level model and prints progress and samples: by default a 2-layer LSTM (Adam), or with
/// <c>--cell rnn</c> Karpathy's min-char-rnn (100 tanh units, Adagrad 0.1, clip ±5). With no arguments it trains on
/// its own embedded C# sources.
/// </summary>
internal static class Program
{
    private const int ExitUsage = 2;

    private static int Main(string[] args)
    {
        Options options;
        try
        {
            options = Options.Parse(args);
        }
        catch (FormatException e)
        {
            Console.Error.WriteLine("error: " + e.Message + " (see --help)");
            return ExitUsage;
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
            Console.Error.WriteLine("error: " + e.Message);
            return ExitUsage;
        }
        if (text.Length < CharLstm.SequenceLength + 1)
        {
            Console.Error.WriteLine($"error: the corpus has {text.Length} characters; at least {CharLstm.SequenceLength + 1} are needed");
            return ExitUsage;
        }

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
            Progress = p =>
            {
                Console.WriteLine($"step {p.Step,7:N0}  loss {p.SmoothedLoss:F3} (last {p.Loss:F3})  {p.CharactersPerSecond,9:N0} chars/s  {p.Elapsed.TotalSeconds,6:F1} s");
                if (p.Step % options.SampleEvery == 0 && p.Step < options.Steps)
                    PrintSample($"sample at step {p.Step:N0}");
            },
        });

        try
        {
            trainer.Train(options.Steps);
        }
        catch (TrainingDivergedException e)
        {
            Console.Error.WriteLine("error: " + e.Message);
            return 1;
        }
        Console.WriteLine($"done: {trainer.StepCount:N0} steps, smoothed loss {trainer.SmoothedLoss:F3} nats/char (uniform guess over the vocabulary: {MathF.Log(vocabulary.Count):F3})");
        PrintSample("final sample");
        return 0;
    }
}
