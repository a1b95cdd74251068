using System;
using System.Collections.Generic;
using System.Text;
using RnnGen;

namespace CharRnn;

/// <summary>How well a model predicts a text: the mean cross-entropy of each next character.</summary>
/// <param name="Loss">Mean negative log-likelihood, nats per predicted character.</param>
/// <param name="Predicted">Characters predicted (one fewer than those read).</param>
internal readonly record struct EvaluationResult(double Loss, int Predicted)
{
    /// <summary>Bits per character.</summary>
    public double BitsPerCharacter => Loss / Math.Log(2);

    /// <summary>e to the loss: the number of equally likely characters the model is as unsure as.</summary>
    public double Perplexity => Math.Exp(Loss);
}

/// <summary>Cross-entropy of a model over a text, in windows, from a zero state.</summary>
internal sealed class Evaluator<TState> where TState : struct, IRnnState
{
    private readonly ITokenRnnModel<TState> _model;
    private readonly float[] _logits;

    public Evaluator(ITokenRnnModel<TState> model)
    {
        _model = model;
        _logits = new float[model.SequenceLength * model.OutputSize];
    }

    /// <summary>
    /// Reads <paramref name="tokens"/> from a zero state, <see cref="IRnnModel.SequenceLength"/> at a time, and scores
    /// each prediction of the next token. Needs at least two tokens.
    /// </summary>
    public EvaluationResult Evaluate(ReadOnlySpan<int> tokens)
    {
        if (tokens.Length < 2)
            throw new ArgumentException("Evaluation needs at least two characters: one to read and one to predict.", nameof(tokens));
        var state = new TState();
        int window = _model.SequenceLength;
        int classes = _model.OutputSize;
        double total = 0;
        int predicted = tokens.Length - 1;
        for (int start = 0; start < predicted; start += window)
        {
            int steps = Math.Min(window, predicted - start);
            Span<float> logits = _logits.AsSpan(0, steps * classes);
            _model.Forward(tokens.Slice(start, steps), ref state, logits);
            for (int t = 0; t < steps; t++)
                total += CrossEntropy(logits.Slice(t * classes, classes), tokens[start + t + 1]);
        }
        return new EvaluationResult(total / predicted, predicted);
    }

    /// <summary>−log softmax(logits)[target], in double precision.</summary>
    private static double CrossEntropy(ReadOnlySpan<float> logits, int target)
    {
        float max = float.NegativeInfinity;
        foreach (float logit in logits)
            max = Math.Max(max, logit);
        double sum = 0;
        foreach (float logit in logits)
            sum += Math.Exp(logit - max);
        return Math.Log(sum) - (logits[target] - max);
    }
}

/// <summary>Turns a text into the ids of a model's vocabulary.</summary>
internal static class TextEncoding
{
    /// <summary>
    /// The ids of <paramref name="text"/>'s characters. Characters the vocabulary lacks map to its unknown symbol when
    /// it has one and are left out otherwise; <paramref name="skipped"/> counts those left out and
    /// <paramref name="kept"/> holds the text that remains.
    /// </summary>
    public static int[] Encode(CharVocabulary vocabulary, string text, out int skipped, out string kept)
    {
        var ids = new List<int>(text.Length);
        var remaining = new StringBuilder(text.Length);
        skipped = 0;
        foreach (char c in text)
        {
            if (!vocabulary.Contains(c) && !vocabulary.HasUnknown)
            {
                skipped++;
                continue;
            }
            ids.Add(vocabulary.Encode(c));
            remaining.Append(c);
        }
        kept = remaining.ToString();
        return ids.ToArray();
    }

    /// <summary>"" or " (N characters the model's vocabulary lacks were left out, e.g. 'é')".</summary>
    public static string SkippedNote(int skipped, string text, CharVocabulary vocabulary)
    {
        if (skipped == 0)
            return "";
        foreach (char c in text)
        {
            if (!vocabulary.Contains(c))
                return $" ({skipped:N0} character{(skipped == 1 ? "" : "s")} the model's vocabulary lacks {(skipped == 1 ? "was" : "were")} left out, e.g. '{c}' U+{(int)c:X4})";
        }
        return "";
    }
}
