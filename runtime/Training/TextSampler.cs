using System;

namespace RnnGen;

/// <summary>
/// Generates token sequences from a token model (one-to-many): feed a token, sample the next from the logits,
/// feed it back. Seeded through its <see cref="RnnGen.Sampler"/>, so the same seed gives the same text; allocation-free.
/// </summary>
/// <typeparam name="TState">The model's generated state type.</typeparam>
public sealed class TextSampler<TState> where TState : struct, IRnnState
{
    private readonly ITokenRnnModel<TState> _model;
    private readonly float[] _logits;

    /// <summary>Creates a sampler for <paramref name="model"/> with its own random generator seeded by <paramref name="seed"/>.</summary>
    public TextSampler(ITokenRnnModel<TState> model, int seed)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (model.OutputSize > model.InputSize)
            throw new ArgumentException($"A sampled token is fed back as the next input, so OutputSize ({model.OutputSize}) must not exceed InputSize ({model.InputSize}).", nameof(model));
        _model = model;
        _logits = new float[model.OutputSize];
        Sampler = new Sampler(model.OutputSize, seed);
    }

    /// <summary>The random source; reseed it or save its position to reproduce a sequence.</summary>
    public Sampler Sampler { get; }

    /// <summary>
    /// Feeds <paramref name="first"/> from <paramref name="state"/>, then fills <paramref name="output"/> with sampled tokens,
    /// each fed back as the next input. <paramref name="temperature"/> 0 means argmax (greedy); <paramref name="topK"/> 0 means all tokens.
    /// <paramref name="tokenCount"/> limits sampling to ids [0, tokenCount), e.g. a vocabulary smaller than the model's
    /// OutputSize (0 means OutputSize).
    /// </summary>
    public void Generate(ref TState state, int first, Span<int> output, float temperature = 1f, int topK = 0, int tokenCount = 0)
    {
        if (!(temperature >= 0) || float.IsInfinity(temperature))
            throw new ArgumentOutOfRangeException(nameof(temperature), temperature, "The temperature must be finite and ≥ 0 (0 is greedy).");
        if (tokenCount < 0 || tokenCount > _logits.Length)
            throw new ArgumentOutOfRangeException(nameof(tokenCount), tokenCount, $"tokenCount must be in [0, {_logits.Length}] (0 means OutputSize).");
        ReadOnlySpan<float> scores = _logits.AsSpan(0, tokenCount == 0 ? _logits.Length : tokenCount);
        int token = first;
        for (int i = 0; i < output.Length; i++)
        {
            _model.Step(token, ref state, _logits);
            token = temperature == 0 ? Sampler.Argmax(scores) : Sampler.Sample(scores, temperature, topK);
            output[i] = token;
        }
    }
}
