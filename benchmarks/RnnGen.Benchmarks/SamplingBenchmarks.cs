using System;
using BenchmarkDotNet.Attributes;
using RnnGen.Benchmarks.Roofline;

namespace RnnGen.Benchmarks;

/// <summary>
/// Sampling, one thread: <see cref="Sampler.Sample"/> over 65 logits with a temperature and top-k, and
/// <see cref="TextSampler{TState}.Generate"/> of 100 tokens from the character LSTM (one-hot 65 → LSTM 128 → 65),
/// which is 100 single token steps plus 100 draws.
/// </summary>
[Config(typeof(SuiteConfig))]
[MemoryDiagnoser]
public class SamplingBenchmarks
{
    /// <summary>Softmax temperature of both benchmarks.</summary>
    public const float Temperature = 0.8f;

    /// <summary>Top-k of both benchmarks.</summary>
    public const int TopK = 10;

    /// <summary>Tokens <see cref="Generate"/> produces.</summary>
    public const int GeneratedTokens = 100;

    private const int Seed = 20260101;

    private readonly TokenLstm128 _model = new();
    private readonly float[] _logits = new float[TokenLstm128.OutputSize];
    private readonly int[] _output = new int[GeneratedTokens];
    private TokenLstm128.State _state;
    private Sampler _sampler = null!;
    private TextSampler<TokenLstm128.State> _text = null!;

    /// <summary>Initializes the model, takes the logits after a few tokens, and creates both samplers.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _model.InitializeParameters(Seed);
        // Untrained logits are nearly flat; scale them to the spread of a trained model's so top-k and the
        // temperature matter.
        _state.Reset();
        foreach (int token in new[] { 7, 30, 12, 44, 3 })
            _model.Step(token, ref _state, _logits);
        for (int k = 0; k < _logits.Length; k++)
            _logits[k] *= 20f;
        Shapes.CheckFinite(_logits, "the sampled logits");
        _sampler = new Sampler(_logits.Length, Seed);
        _text = new TextSampler<TokenLstm128.State>(_model, Seed);

        // The first calls initialize a few statics, which allocate once; make them here.
        Sample();
        Generate();
        _sampler.Reseed(Seed);
        _text.Sampler.Reseed(Seed);
        _state.Reset();
    }

    /// <summary>One draw from softmax(logits / 0.8) among the 10 largest of 65 logits.</summary>
    [Benchmark]
    public int Sample() => _sampler.Sample(_logits, Temperature, TopK);

    /// <summary>100 tokens from a zero state: each a token step of the LSTM and one draw (temperature 0.8, top-10).</summary>
    [Benchmark]
    public int Generate()
    {
        _state.Reset();
        _text.Generate(ref _state, 0, _output, Temperature, TopK);
        return _output[^1];
    }
}
