using System;

namespace RnnGen.Benchmarks.Baselines;

/// <summary>
/// What a person writes to generate text from a token model, compared with <see cref="TextSampler{TState}"/>: from a
/// zero state, feed a token to a hand-written step (<see cref="ITokenStepBaseline"/>), draw the next from its logits
/// with a hand-written top-k sampler (<see cref="SampleBaseline"/>), feed it back.
/// </summary>
public sealed class TokenGenerator
{
    private readonly ITokenStepBaseline _model;
    private readonly float[] _logits;

    /// <summary>Generates with <paramref name="model"/> (of <paramref name="outputSize"/> logits) and <paramref name="sampler"/>.</summary>
    public TokenGenerator(ITokenStepBaseline model, SampleBaseline sampler, int outputSize)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(sampler);
        _model = model;
        Sampler = sampler;
        _logits = new float[outputSize];
    }

    /// <summary>The token step.</summary>
    public ITokenStepBaseline Model => _model;

    /// <summary>The sampler; reseed it to reproduce a sequence.</summary>
    public SampleBaseline Sampler { get; }

    /// <summary>
    /// From a zero state, feeds <paramref name="first"/>, then fills <paramref name="output"/> with drawn tokens
    /// (softmax(logits / <paramref name="temperature"/>) among the <paramref name="topK"/> largest), each fed back.
    /// </summary>
    public void Generate(int first, Span<int> output, float temperature, int topK)
    {
        _model.Reset();
        int token = first;
        for (int i = 0; i < output.Length; i++)
        {
            _model.Step(token, _logits);
            token = Sampler.Sample(_logits, temperature, topK);
            output[i] = token;
        }
    }
}
