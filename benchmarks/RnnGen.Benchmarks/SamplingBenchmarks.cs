using System;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using RnnGen.Benchmarks.Baselines;
using RnnGen.Benchmarks.Roofline;

namespace RnnGen.Benchmarks;

/// <summary>
/// Sampling, one thread: <see cref="Sampler.Sample"/> over 65 logits with a temperature and top-k, and
/// <see cref="TextSampler{TState}.Generate"/> of 100 tokens from the character LSTM (one-hot 65 → LSTM 128 → 65),
/// which is 100 single token steps plus 100 draws; each next to a plain scalar and a plain <c>Vector256</c> baseline
/// (<see cref="ScalarSampler"/> and <see cref="VectorSampler"/>; for Generate with the token steps of
/// <see cref="ScalarLstm"/> and <see cref="VectorLstm"/>, in <see cref="TokenGenerator"/>). The benchmarks are grouped
/// by operation (the Categories column); Ratio is against the scalar baseline of the same operation.
/// </summary>
[Config(typeof(SuiteConfig))]
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class SamplingBenchmarks
{
    /// <summary>Softmax temperature of both benchmarks.</summary>
    public const float Temperature = 0.8f;

    /// <summary>Top-k of both benchmarks.</summary>
    public const int TopK = 10;

    /// <summary>Tokens <see cref="Generate"/> produces.</summary>
    public const int GeneratedTokens = 100;

    private const string SampleCategory = "Sample";
    private const string GenerateCategory = "Generate";
    private const int Seed = 20260101;

    private readonly TokenLstm128 _model = new();
    private readonly float[] _logits = new float[TokenLstm128.OutputSize];
    private readonly int[] _output = new int[GeneratedTokens];
    private TokenLstm128.State _state;
    private Sampler _sampler = null!;
    private TextSampler<TokenLstm128.State> _text = null!;
    private ScalarSampler _scalarSampler = null!;
    private VectorSampler _vectorSampler = null!;
    private TokenGenerator _scalarGenerator = null!;
    private TokenGenerator _vectorGenerator = null!;

    /// <summary>
    /// Initializes the model, takes the logits after a few tokens, creates the samplers and the baselines, and checks
    /// that the baselines draw what the runtime draws (<see cref="SamplingCheck"/>).
    /// </summary>
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
        _scalarSampler = new ScalarSampler(_logits.Length, Seed);
        _vectorSampler = new VectorSampler(_logits.Length, Seed);
        _scalarGenerator = new TokenGenerator(new ScalarLstm(_model), new ScalarSampler(_logits.Length, Seed), TokenLstm128.OutputSize);
        _vectorGenerator = new TokenGenerator(new VectorLstm(_model), new VectorSampler(_logits.Length, Seed), TokenLstm128.OutputSize);

        SamplingCheck.Sample(_logits, Temperature, TopK, Seed, _scalarSampler, _vectorSampler);
        SamplingCheck.Generate(_model, _text, 0, GeneratedTokens, Temperature, TopK, Seed, _scalarGenerator, _vectorGenerator);

        // The first calls initialize a few statics, which allocate once; make them here.
        Sample();
        Generate();
        ScalarSample();
        Vector256Sample();
        ScalarGenerate();
        Vector256Generate();
        _sampler.Reseed(Seed);
        _text.Sampler.Reseed(Seed);
        _scalarSampler.Reseed(Seed);
        _vectorSampler.Reseed(Seed);
        _scalarGenerator.Sampler.Reseed(Seed);
        _vectorGenerator.Sampler.Reseed(Seed);
        _state.Reset();
    }

    /// <summary>One draw from softmax(logits / 0.8) among the 10 largest of 65 logits.</summary>
    [Benchmark]
    [BenchmarkCategory(SampleCategory)]
    public int Sample() => _sampler.Sample(_logits, Temperature, TopK);

    /// <summary>The same draw in plain scalar C#: a partial selection sort, MathF.Exp, a cumulative draw.</summary>
    [Benchmark(Baseline = true)]
    [BenchmarkCategory(SampleCategory)]
    public int ScalarSample() => _scalarSampler.Sample(_logits, Temperature, TopK);

    /// <summary>The same draw with the max and the exponentials in plain Vector256 C#.</summary>
    [Benchmark]
    [BenchmarkCategory(SampleCategory)]
    public int Vector256Sample() => _vectorSampler.Sample(_logits, Temperature, TopK);

    /// <summary>100 tokens from a zero state: each a token step of the LSTM and one draw (temperature 0.8, top-10).</summary>
    [Benchmark]
    [BenchmarkCategory(GenerateCategory)]
    public int Generate()
    {
        _state.Reset();
        _text.Generate(ref _state, 0, _output, Temperature, TopK);
        return _output[^1];
    }

    /// <summary>The same 100 tokens in plain scalar C#: <see cref="ScalarLstm"/>'s token step and <see cref="ScalarSampler"/>.</summary>
    [Benchmark(Baseline = true)]
    [BenchmarkCategory(GenerateCategory)]
    public int ScalarGenerate()
    {
        _scalarGenerator.Generate(0, _output, Temperature, TopK);
        return _output[^1];
    }

    /// <summary>The same 100 tokens in plain Vector256 C#: <see cref="VectorLstm"/>'s token step and <see cref="VectorSampler"/>.</summary>
    [Benchmark]
    [BenchmarkCategory(GenerateCategory)]
    public int Vector256Generate()
    {
        _vectorGenerator.Generate(0, _output, Temperature, TopK);
        return _output[^1];
    }
}
