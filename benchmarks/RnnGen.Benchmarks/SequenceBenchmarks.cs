using System;
using BenchmarkDotNet.Attributes;
using RnnGen.Benchmarks.Roofline;

namespace RnnGen.Benchmarks;

/// <summary>
/// Windows of 25 dense inputs through each cell at each size (the models of <see cref="StepBenchmarks"/>), one
/// thread: inference (<c>Forward</c> from a zero state) and one training step (<c>ZeroGradients</c>,
/// <c>ComputeGradients</c> — forward and backpropagation through time — and one Adam step over every parameter).
/// </summary>
[Config(typeof(SuiteConfig))]
[MemoryDiagnoser]
public class SequenceBenchmarks
{
    /// <summary>Time steps per window.</summary>
    public const int Window = 25;

    /// <summary>
    /// Adam's learning rate. An Adam step costs the same whatever the rate; a small one keeps hundreds of thousands of
    /// repetitions on one fixed window from training the model into saturation, where gradients could turn denormal
    /// and change the timing as the run goes on.
    /// </summary>
    public const float LearningRate = 1e-6f;

    private const int Seed = 20260101;

    private DenseCase _model = null!;
    private AdamOptimizer _adam = null!;
    private float[] _inputs = [];
    private int[] _targets = [];
    private float[] _logits = [];

    /// <summary>The cell being measured.</summary>
    [Params(CellKind.Rnn, CellKind.Lstm, CellKind.Gru)]
    public CellKind Cell { get; set; }

    /// <summary>The size being measured.</summary>
    [Params(StepShape.I64_H32, StepShape.I64_H128, StepShape.I128_H256, StepShape.I256_H512)]
    public StepShape Shape { get; set; }

    /// <summary>Creates and initializes the model, draws a fixed window of inputs and targets, and runs both operations once.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _model = DenseModels.Create(Cell, Shape);
        IRnnModel model = _model.Model;
        Shapes.CheckSizes(model, Cell, Shapes.InputSize(Shape), Shapes.HiddenSize(Shape), Shapes.DenseOutputSize);
        if (model.SequenceLength < Window)
            throw new InvalidOperationException($"The model's windows hold {model.SequenceLength} steps; the benchmark needs {Window}.");
        model.InitializeParameters(Seed);
        _adam = new AdamOptimizer(model.ParameterCount, LearningRate);
        var random = new Random(Seed);
        _inputs = Shapes.RandomInputs(random, Window * model.InputSize);
        _targets = Shapes.RandomClasses(random, Window, model.OutputSize);
        _logits = new float[Window * model.OutputSize];

        Forward();
        Shapes.CheckFinite(_logits, $"{Cell} {Shape} Forward's logits");
        float loss = Train();
        if (!float.IsFinite(loss) || loss <= 0)
            throw new InvalidOperationException($"{Cell} {Shape}: the training step's loss is {loss}.");
    }

    /// <summary>Checks that the parameters are still finite after every repetition of <see cref="Train"/>.</summary>
    [GlobalCleanup]
    public void Cleanup() => Shapes.CheckFinite(_model.Model.Parameters, $"{Cell} {Shape} parameters after the run");

    /// <summary>Inference over 25 inputs from a zero state, writing 25 × 16 logits.</summary>
    [Benchmark]
    [KernelWork(KernelOperation.Forward, Window)]
    public void Forward()
    {
        _model.ResetState();
        _model.Forward(_inputs, _logits);
    }

    /// <summary>One training step on a 25-step window from a zero state: zero the gradients, forward, BPTT, Adam; returns the loss.</summary>
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
