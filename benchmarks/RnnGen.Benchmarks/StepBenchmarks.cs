using System;
using BenchmarkDotNet.Attributes;
using RnnGen.Benchmarks.Baselines;

namespace RnnGen.Benchmarks;

/// <summary>The sizes <see cref="StepBenchmarks"/> measures: input features → hidden width (the head has 16 outputs).</summary>
public enum StepShape
{
    /// <summary>64 → 32.</summary>
    I64_H32,

    /// <summary>64 → 128.</summary>
    I64_H128,

    /// <summary>128 → 256.</summary>
    I128_H256,

    /// <summary>256 → 512.</summary>
    I256_H512,
}

/// <summary>
/// One step of a vanilla tanh RNN with a 16-class linear head, batch 1, dense input, one thread: the generated kernel
/// against a plain scalar C# step and a plain <c>Vector256</c> step, all three with the same weights.
/// FLOPs per step: 2·H·(I+H) + 2·O·H.
/// </summary>
[MemoryDiagnoser]
public class StepBenchmarks
{
    private const int Seed = 20260101;

    private readonly DenseRnn64x32 _model32 = new();
    private readonly DenseRnn64x128 _model128 = new();
    private readonly DenseRnn128x256 _model256 = new();
    private readonly DenseRnn256x512 _model512 = new();
    private DenseRnn64x32.State _state32;
    private DenseRnn64x128.State _state128;
    private DenseRnn128x256.State _state256;
    private DenseRnn256x512.State _state512;

    private ScalarRnn _scalar = null!;
    private VectorRnn _vector = null!;
    private float[] _input = [];
    private float[] _logits = [];

    /// <summary>The size being measured.</summary>
    [Params(StepShape.I64_H32, StepShape.I64_H128, StepShape.I128_H256, StepShape.I256_H512)]
    public StepShape Shape { get; set; }

    /// <summary>Initializes the model of <see cref="Shape"/>, copies its weights into the baselines and checks that all three agree.</summary>
    [GlobalSetup]
    public void Setup()
    {
        IRnnModel model = Model;
        model.InitializeParameters(Seed);
        _scalar = new ScalarRnn(model);
        _vector = new VectorRnn(model);
        _logits = new float[model.OutputSize];

        var random = new Random(Seed);
        _input = new float[model.InputSize];
        for (int i = 0; i < _input.Length; i++)
            _input[i] = (float)(random.NextDouble() * 2.0 - 1.0);

        // Several steps from a zero state, so the recurrent part is exercised too.
        ResetStates();
        var scalarLogits = new float[model.OutputSize];
        var vectorLogits = new float[model.OutputSize];
        for (int t = 0; t < 5; t++)
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
    public void Generated()
    {
        switch (Shape)
        {
            case StepShape.I64_H32:
                _model32.Step(_input, ref _state32, _logits);
                break;
            case StepShape.I64_H128:
                _model128.Step(_input, ref _state128, _logits);
                break;
            case StepShape.I128_H256:
                _model256.Step(_input, ref _state256, _logits);
                break;
            default:
                _model512.Step(_input, ref _state512, _logits);
                break;
        }
    }

    /// <summary>Plain scalar C#: float[] and loops.</summary>
    [Benchmark(Baseline = true)]
    public void Scalar() => _scalar.Step(_input, _logits);

    /// <summary>Plain Vector256 C#: one dot product per row, no register blocking.</summary>
    [Benchmark]
    public void Vector256() => _vector.Step(_input, _logits);

    private IRnnModel Model => Shape switch
    {
        StepShape.I64_H32 => _model32,
        StepShape.I64_H128 => _model128,
        StepShape.I128_H256 => _model256,
        _ => _model512,
    };

    private void ResetStates()
    {
        _state32.Reset();
        _state128.Reset();
        _state256.Reset();
        _state512.Reset();
        _scalar.Reset();
        _vector.Reset();
    }

    private void Check(string baseline, float[] logits, int step)
    {
        for (int k = 0; k < logits.Length; k++)
        {
            float difference = MathF.Abs(logits[k] - _logits[k]);
            if (!(difference <= 1e-4f))
                throw new InvalidOperationException(
                    $"{Shape}: the {baseline} baseline's logit {k} at step {step} is {logits[k]}, the generated model's is {_logits[k]} (difference {difference}).");
        }
    }
}
