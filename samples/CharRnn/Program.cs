using System;
using System.Globalization;
using RnnGen;

namespace CharRnn;

/// <summary>
/// Trains a character-level RNN (min-char-rnn: 100 tanh units, 25-character windows, Adagrad 0.1, clip ±5) and
/// prints progress and samples. With no arguments it trains on its own embedded C# sources.
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
        if (text.Length < CharModel.SequenceLength + 1)
        {
            Console.Error.WriteLine($"error: the corpus has {text.Length} characters; at least {CharModel.SequenceLength + 1} are needed");
            return ExitUsage;
        }

        CharVocabulary vocabulary = CharVocabulary.Build(text, CharModel.Vocabulary);
        Console.WriteLine($"corpus: {(options.CorpusPath ?? "embedded RnnGen sources")}, {text.Length:N0} characters, {vocabulary.Count + vocabulary.UnmappedCharacterCount} distinct");
        if (vocabulary.HasUnknown)
        {
            Console.WriteLine($"vocabulary: the model holds {CharModel.Vocabulary} symbols, so the {vocabulary.UnmappedCharacterCount} rarest characters " +
                              $"({vocabulary.UnmappedOccurrenceCount:N0} occurrences) share one unknown symbol, shown as '{CharVocabulary.UnknownCharacter}'");
        }
        Console.WriteLine($"model: {CharModel.ParameterCount:N0} parameters, vanilla RNN (tanh) {CharModel.Vocabulary} → {CharModel.HiddenSize} → {CharModel.Vocabulary}, " +
                          $"{CharModel.ActiveKernelPath} kernels; Adagrad lr {options.LearningRate.ToString(CultureInfo.InvariantCulture)}, clip ±5, seed {options.Seed}");

        var model = new CharModel();
        model.InitializeParameters(options.Seed);
        int[] tokens = vocabulary.Encode(text);
        var optimizer = new AdagradOptimizer(CharModel.ParameterCount, options.LearningRate, epsilon: 1e-8f);
        var sampler = new TextSampler<CharModel.State>(model, options.Seed);
        int[] sampled = new int[options.SampleLength];

        void PrintSample(string title)
        {
            var state = new CharModel.State();
            sampler.Generate(ref state, tokens[0], sampled, options.Temperature, tokenCount: vocabulary.Count);
            Console.WriteLine($"----- {title} -----");
            Console.WriteLine(vocabulary.Decode(sampled));
            Console.WriteLine("-----");
        }

        var trainer = new CharTrainer<CharModel.State>(model, tokens, optimizer, new CharTrainerOptions
        {
            ClipValue = 5f,
            ReportEvery = options.ReportEvery,
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
        Console.WriteLine($"done: {trainer.StepCount:N0} steps, smoothed loss {trainer.SmoothedLoss:F3} nats/char (uniform guess: {MathF.Log(CharModel.Vocabulary):F3})");
        PrintSample("final sample");
        return 0;
    }
}
