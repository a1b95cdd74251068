using System;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using RnnGen.Benchmarks.Roofline;

namespace RnnGen.Benchmarks;

/// <summary>
/// Character language models (one-hot 65 → each cell with 128 or 512 units → 65 logits) on windows of 25 tokens,
/// one thread: inference (<c>Forward</c> from a zero state) and one training step (<c>ZeroGradients</c>,
/// <c>ComputeGradients</c> and one Adam step), each by the generated model and by the plain scalar and
/// <c>Vector256</c> baselines of <see cref="WindowBenchmarks{TInput}"/>, all with the same weights. A token input is a
/// column gather of W_ih, not a product, in all three.
/// </summary>
[Config(typeof(SuiteConfig))]
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class TokenBenchmarks : WindowBenchmarks<int>
{
    /// <summary>Vocabulary: the inputs and the head's classes.</summary>
    public const int Vocabulary = 65;

    private const int Seed = 20260101;

    private TokenCase _model = null!;

    /// <summary>The cell being measured.</summary>
    [Params(CellKind.Rnn, CellKind.Lstm, CellKind.Gru)]
    public CellKind Cell { get; set; }

    /// <summary>Hidden units.</summary>
    [Params(128, 512)]
    public int Hidden { get; set; }

    /// <summary>
    /// Creates and initializes the model, draws a fixed 26-token text, and sets up the baselines with the model's
    /// weights, checking that they agree with it.
    /// </summary>
    [GlobalSetup]
    public void Setup()
    {
        _model = TokenModels.Create(Cell, Hidden);
        IRnnModel model = _model.Model;
        Shapes.CheckSizes(model, Cell, Vocabulary, Hidden, Vocabulary);
        if (model.SequenceLength < Window)
            throw new InvalidOperationException($"The model's windows hold {model.SequenceLength} steps; the benchmark needs {Window}.");
        model.InitializeParameters(Seed);
        int[] text = Shapes.RandomClasses(new Random(Seed), Window + 1, Vocabulary);
        Inputs = text[..Window];
        Targets = text[1..];
        Logits = new float[Window * Vocabulary];
        SetUpBaselines($"{Cell} {Hidden}", model, Forward, Train);
    }

    /// <summary>Checks that the parameters are still finite after every repetition of <see cref="Train"/>.</summary>
    [GlobalCleanup]
    public void Cleanup() => Shapes.CheckFinite(_model.Model.Parameters, $"{Cell} {Hidden} parameters after the run");

    /// <summary>The generated model's inference over 25 tokens from a zero state, writing 25 × 65 logits.</summary>
    [Benchmark]
    [BenchmarkCategory(ForwardCategory)]
    [KernelWork(KernelOperation.Forward, Window)]
    public void Forward()
    {
        _model.ResetState();
        _model.Forward(Inputs, Logits);
    }

    /// <summary>
    /// The generated model's training step on a 25-token window from a zero state: zero the gradients, forward, BPTT,
    /// Adam; returns the loss.
    /// </summary>
    [Benchmark]
    [BenchmarkCategory(TrainCategory)]
    [KernelWork(KernelOperation.Train, Window)]
    public float Train()
    {
        IRnnModel model = _model.Model;
        _model.ResetState();
        model.ZeroGradients();
        float loss = _model.ComputeGradients(Inputs, Targets);
        Adam.Step(model.Parameters, model.Gradients);
        return loss;
    }
}
