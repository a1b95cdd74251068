using System;
using RnnGen;

namespace CharRnn;

/// <summary>What <c>sample</c> was asked to do.</summary>
internal sealed record SampleSettings(string CheckpointPath, string? Cell, int Length, float Temperature, int TopK, int Seed, string Prime);

/// <summary><c>sample</c>: generates text from a checkpoint, after reading a priming text.</summary>
internal sealed class SampleCommand(SampleSettings settings) : IModelCommand
{
    public static int Run(SampleSettings settings) => ModelFile.Open(settings.CheckpointPath, settings.Cell, new SampleCommand(settings));

    public int Run<TState>(ITokenRnnModel<TState> model, CharVocabulary vocabulary) where TState : struct, IRnnState
    {
        if (settings.TopK > vocabulary.Count)
            throw new UsageException($"--top-k takes 0 to {vocabulary.Count} for this checkpoint (its vocabulary has {vocabulary.Count} characters), not {settings.TopK}");
        string primeText = settings.Prime == "\n" && !vocabulary.Contains('\n') ? vocabulary.Characters[..1] : settings.Prime;
        foreach (char c in primeText)
        {
            if (!vocabulary.Contains(c) && !vocabulary.HasUnknown)
                throw new UsageException($"--prime: '{c}' (U+{(int)c:X4}) is not in the checkpoint's vocabulary");
        }
        int[] prime = vocabulary.Encode(primeText);
        var state = new TState();
        float[] logits = new float[model.OutputSize];
        for (int i = 0; i < prime.Length - 1; i++)
            model.Step(prime[i], ref state, logits);
        var sampler = new TextSampler<TState>(model, settings.Seed);
        int[] output = new int[settings.Length];
        sampler.Generate(ref state, prime[^1], output, settings.Temperature, settings.TopK, tokenCount: vocabulary.Count);
        Console.WriteLine(primeText + vocabulary.Decode(output));
        return ExitCodes.Ok;
    }
}

/// <summary>What <c>eval</c> was asked to do.</summary>
internal sealed record EvalSettings(string CheckpointPath, string? Cell, string TextPath);

/// <summary><c>eval</c>: the loss, bits per character and perplexity of a checkpoint on a held-out text.</summary>
internal sealed class EvalCommand(EvalSettings settings) : IModelCommand
{
    public static int Run(EvalSettings settings) => ModelFile.Open(settings.CheckpointPath, settings.Cell, new EvalCommand(settings));

    public int Run<TState>(ITokenRnnModel<TState> model, CharVocabulary vocabulary) where TState : struct, IRnnState
    {
        string text = Corpus.FromFile(settings.TextPath, "text file");
        int[] tokens = TextEncoding.Encode(vocabulary, text, out int skipped, out _);
        if (tokens.Length < 2)
            throw new UsageException($"'{settings.TextPath}' has fewer than two characters the model knows; nothing to evaluate");
        EvaluationResult result = new Evaluator<TState>(model).Evaluate(tokens);
        Console.WriteLine(FormattableString.Invariant(
            $"{settings.TextPath}: loss {result.Loss:F4} nats/char, {result.BitsPerCharacter:F4} bits/char, perplexity {result.Perplexity:F3} over {result.Predicted:N0} predicted characters{TextEncoding.SkippedNote(skipped, text, vocabulary)}"));
        return ExitCodes.Ok;
    }
}
