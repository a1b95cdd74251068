using System;
using BenchmarkDotNet.Attributes;
using RnnGen.Benchmarks.Roofline;

namespace RnnGen.Benchmarks;

/// <summary>
/// Character language models (one-hot 65 → each cell with 128 or 512 units → 65 logits) on windows of 25 tokens,
/// one thread: inference (<c>Forward</c> from a zero state) and one training step (<c>ZeroGradients</c>,
/// <c>ComputeGradients</c> and one Adam step). A token input is a column gather of W_ih, not a product.
/// </summary>
[Config(typeof(SuiteConfig))]
[MemoryDiagnoser]
public class TokenBenchmarks
{
    /// <summary>Vocabulary: the inputs and the head's classes.</summary>
    public const int Vocabulary = 65;

    /// <summary>Tokens per window.</summary>
    public const int Window = 25;

    private const int Seed = 20260101;

    private TokenCase _model = null!;
    private AdamOptimizer _adam = null!;
    private int[] _inputs = [];
    private int[] _targets = [];
    private float[] _logits = [];

    /// <summary>The cell being measured.</summary>
    [Params(CellKind.Rnn, CellKind.Lstm, CellKind.Gru)]
    public CellKind Cell { get; set; }

    /// <summary>Hidden units.</summary>
    [Params(128, 512)]
    public int Hidden { get; set; }

    /// <summary>Creates and initializes the model, draws a fixed 26-token text, and runs both operations once.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _model = TokenModels.Create(Cell, Hidden);
        IRnnModel model = _model.Model;
        Shapes.CheckSizes(model, Cell, Vocabulary, Hidden, Vocabulary);
        if (model.SequenceLength < Window)
            throw new InvalidOperationException($"The model's windows hold {model.SequenceLength} steps; the benchmark needs {Window}.");
        model.InitializeParameters(Seed);
        _adam = new AdamOptimizer(model.ParameterCount, SequenceBenchmarks.LearningRate);
        int[] text = Shapes.RandomClasses(new Random(Seed), Window + 1, Vocabulary);
        _inputs = text[..Window];
        _targets = text[1..];
        _logits = new float[Window * Vocabulary];

        Forward();
        Shapes.CheckFinite(_logits, $"{Cell} {Hidden} Forward's logits");
        float loss = Train();
        if (!float.IsFinite(loss) || loss <= 0)
            throw new InvalidOperationException($"{Cell} {Hidden}: the training step's loss is {loss}.");
    }

    /// <summary>Checks that the parameters are still finite after every repetition of <see cref="Train"/>.</summary>
    [GlobalCleanup]
    public void Cleanup() => Shapes.CheckFinite(_model.Model.Parameters, $"{Cell} {Hidden} parameters after the run");

    /// <summary>Inference over 25 tokens from a zero state, writing 25 × 65 logits.</summary>
    [Benchmark]
    [KernelWork(KernelOperation.Forward, Window)]
    public void Forward()
    {
        _model.ResetState();
        _model.Forward(_inputs, _logits);
    }

    /// <summary>One training step on a 25-token window from a zero state: zero the gradients, forward, BPTT, Adam; returns the loss.</summary>
    [Benchmark]
    [KernelWork(KernelOperation.Train, Window)]
    public float Train()
    {
        IRnnModel model = _model.Model;
        _model.ResetState();
        model.ZeroGradients();
        float loss = _model.ComputeGradients(_inputs, _targets);
        _adam.Step(model.Parameters, model.Gradients);
        return loss;
    }
}
