using System;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using RnnGen.Benchmarks.Roofline;

namespace RnnGen.Benchmarks;

/// <summary>
/// Windows of 25 dense inputs through each cell at each size (the models of <see cref="StepBenchmarks"/>), one
/// thread: inference (<c>Forward</c> from a zero state) and one training step (<c>ZeroGradients</c>,
/// <c>ComputeGradients</c> — forward and backpropagation through time — and one Adam step over every parameter),
/// each by the generated model and by the plain scalar and <c>Vector256</c> baselines of
/// <see cref="WindowBenchmarks{TInput}"/>, all with the same weights.
/// </summary>
[Config(typeof(SuiteConfig))]
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class SequenceBenchmarks : WindowBenchmarks<float>
{
    private const int Seed = 20260101;

    private DenseCase _model = null!;

    /// <summary>The cell being measured.</summary>
    [Params(CellKind.Rnn, CellKind.Lstm, CellKind.Gru)]
    public CellKind Cell { get; set; }

    /// <summary>The size being measured.</summary>
    [Params(StepShape.I64_H32, StepShape.I64_H128, StepShape.I128_H256, StepShape.I256_H512)]
    public StepShape Shape { get; set; }

    /// <summary>
    /// Creates and initializes the model, draws a fixed window of inputs and targets, and sets up the baselines with
    /// the model's weights, checking that they agree with it.
    /// </summary>
    [GlobalSetup]
    public void Setup()
    {
        _model = DenseModels.Create(Cell, Shape);
        IRnnModel model = _model.Model;
        Shapes.CheckSizes(model, Cell, Shapes.InputSize(Shape), Shapes.HiddenSize(Shape), Shapes.DenseOutputSize);
        if (model.SequenceLength < Window)
            throw new InvalidOperationException($"The model's windows hold {model.SequenceLength} steps; the benchmark needs {Window}.");
        model.InitializeParameters(Seed);
        var random = new Random(Seed);
        Inputs = Shapes.RandomInputs(random, Window * model.InputSize);
        Targets = Shapes.RandomClasses(random, Window, model.OutputSize);
        Logits = new float[Window * model.OutputSize];
        SetUpBaselines($"{Cell} {Shape}", model, Forward, Train);
    }

    /// <summary>Checks that the parameters are still finite after every repetition of <see cref="Train"/>.</summary>
    [GlobalCleanup]
    public void Cleanup() => Shapes.CheckFinite(_model.Model.Parameters, $"{Cell} {Shape} parameters after the run");

    /// <summary>The generated model's inference over 25 inputs from a zero state, writing 25 × 16 logits.</summary>
    [Benchmark]
    [BenchmarkCategory(ForwardCategory)]
    [KernelWork(KernelOperation.Forward, Window)]
    public void Forward()
    {
        _model.ResetState();
        _model.Forward(Inputs, Logits);
    }

    /// <summary>
    /// The generated model's training step on a 25-step window from a zero state: zero the gradients, forward, BPTT,
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
