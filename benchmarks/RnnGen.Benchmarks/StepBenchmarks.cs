using System;
using BenchmarkDotNet.Attributes;
using RnnGen.Benchmarks.Baselines;
using RnnGen.Benchmarks.Roofline;

namespace RnnGen.Benchmarks;

/// <summary>
/// One step of each cell with a 16-class linear head, batch 1, dense input, one thread: the generated kernel against
/// a plain scalar C# step and a plain <c>Vector256</c> step of the same cell, all three with the same weights.
/// FLOPs per step: 2·G·H·(I+H) + 2·O·H with G = 1 (vanilla), 4 (LSTM), 3 (GRU).
/// </summary>
[Config(typeof(SuiteConfig))]
[MemoryDiagnoser]
public class StepBenchmarks
{
    private const int Seed = 20260101;
    private const int CheckedSteps = 5;
    private const float Tolerance = 1e-4f;

    private DenseCase _model = null!;
    private IStepBaseline _scalar = null!;
    private IStepBaseline _vector = null!;
    private float[] _input = [];
    private float[] _logits = [];

    /// <summary>The cell being measured.</summary>
    [Params(CellKind.Rnn, CellKind.Lstm, CellKind.Gru)]
    public CellKind Cell { get; set; }

    /// <summary>The size being measured.</summary>
    [Params(StepShape.I64_H32, StepShape.I64_H128, StepShape.I128_H256, StepShape.I256_H512)]
    public StepShape Shape { get; set; }

    /// <summary>
    /// Creates and initializes the model of <see cref="Cell"/> at <see cref="Shape"/>, copies its weights into the
    /// baselines and checks that all three agree: five steps from a zero state, every logit within 1e-4.
    /// </summary>
    [GlobalSetup]
    public void Setup()
    {
        _model = DenseModels.Create(Cell, Shape);
        IRnnModel model = _model.Model;
        Shapes.CheckSizes(model, Cell, Shapes.InputSize(Shape), Shapes.HiddenSize(Shape), Shapes.DenseOutputSize);
        model.InitializeParameters(Seed);
        (_scalar, _vector) = Cell switch
        {
            CellKind.Rnn => ((IStepBaseline)new ScalarRnn(model), (IStepBaseline)new VectorRnn(model)),
            CellKind.Lstm => (new ScalarLstm(model), new VectorLstm(model)),
            CellKind.Gru => (new ScalarGru(model), new VectorGru(model)),
            _ => throw new InvalidOperationException($"No baseline for {Cell}."),
        };
        _logits = new float[model.OutputSize];
        _input = Shapes.RandomInputs(new Random(Seed), model.InputSize);

        // Several steps from a zero state, so that the recurrent part (and an LSTM's cell state) is exercised too.
        ResetStates();
        var scalarLogits = new float[model.OutputSize];
        var vectorLogits = new float[model.OutputSize];
        for (int t = 0; t < CheckedSteps; t++)
        {
            Generated();
            _scalar.Step(_input, scalarLogits);
            _vector.Step(_input, vectorLogits);
            Check("scalar", scalarLogits, t);
            Check("Vector256", vectorLogits, t);
        }
        ResetStates();
    }

    /// <summary>The generated kernel's step.</summary>
    [Benchmark]
    [KernelWork(KernelOperation.Step, 1)]
    public void Generated() => _model.Step(_input, _logits);

    /// <summary>Plain scalar C#: float[] and loops.</summary>
    [Benchmark(Baseline = true)]
    [KernelWork(KernelOperation.Step, 1)]
    public void Scalar() => _scalar.Step(_input, _logits);

    /// <summary>Plain Vector256 C#: one dot product per row, no register blocking.</summary>
    [Benchmark]
    [KernelWork(KernelOperation.Step, 1)]
    public void Vector256() => _vector.Step(_input, _logits);

    private void ResetStates()
    {
        _model.ResetState();
        _scalar.Reset();
        _vector.Reset();
    }

    private void Check(string baseline, float[] logits, int step)
    {
        for (int k = 0; k < logits.Length; k++)
        {
            float difference = MathF.Abs(logits[k] - _logits[k]);
            if (!(difference <= Tolerance))
            {
                throw new InvalidOperationException(
                    $"{Cell} {Shape}: the {baseline} baseline's logit {k} at step {step} is {logits[k]}, the generated model's is {_logits[k]} (difference {difference}).");
            }
        }
    }
}
