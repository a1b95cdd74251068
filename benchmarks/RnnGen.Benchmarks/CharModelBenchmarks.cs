using System;
using BenchmarkDotNet.Attributes;
using RnnGen.Benchmarks.Roofline;

namespace RnnGen.Benchmarks;

/// <summary>
/// Karpathy's min-char-rnn shape (one-hot 65 → tanh RNN 100 → 65 logits, 25-character windows), one thread:
/// inference over a window, one training window (forward + BPTT, gradients only; no optimizer step), and one step.
/// </summary>
[Config(typeof(SuiteConfig))]
[MemoryDiagnoser]
public class CharModelBenchmarks
{
    private const int Seed = 20260101;
    private const int Window = MinCharRnn.SequenceLength;

    private readonly MinCharRnn _model = new();
    private readonly int[] _inputs = new int[Window];
    private readonly int[] _targets = new int[Window];
    private readonly float[] _logits = new float[Window * MinCharRnn.OutputSize];
    private MinCharRnn.State _state;

    /// <summary>Initializes the parameters, draws a fixed 26-character text to read, and makes the first calls.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _model.InitializeParameters(Seed);
        var random = new Random(Seed);
        int previous = random.Next(MinCharRnn.InputSize);
        for (int t = 0; t < Window; t++)
        {
            int next = random.Next(MinCharRnn.InputSize);
            _inputs[t] = previous;
            _targets[t] = next;
            previous = next;
        }

        // The first calls initialize a few statics, which allocate once; make them here so that even a dry run's
        // allocation column shows the steady state.
        Forward();
        ComputeGradients();
        _state.Reset();
    }

    /// <summary>Inference over 25 characters from a zero state, writing 25 × 65 logits.</summary>
    [Benchmark]
    [KernelWork(KernelOperation.Forward, Window, Cell = CellKind.Rnn, InputSize = MinCharRnn.InputSize, HiddenSize = MinCharRnn.HiddenSize, OutputSize = MinCharRnn.OutputSize, TokenInput = true)]
    public void Forward()
    {
        _state.Reset();
        _model.Forward(_inputs, ref _state, _logits);
    }

    /// <summary>One 25-character training window: zero the gradients, forward, BPTT; returns the loss.</summary>
    [Benchmark]
    [KernelWork(KernelOperation.Gradients, Window, Cell = CellKind.Rnn, InputSize = MinCharRnn.InputSize, HiddenSize = MinCharRnn.HiddenSize, OutputSize = MinCharRnn.OutputSize, TokenInput = true)]
    public float ComputeGradients()
    {
        _state.Reset();
        _model.ZeroGradients();
        return _model.ComputeGradients(_inputs, _targets, ref _state);
    }

    /// <summary>One character: advance the state and write 65 logits.</summary>
    [Benchmark]
    [KernelWork(KernelOperation.Step, 1, Cell = CellKind.Rnn, InputSize = MinCharRnn.InputSize, HiddenSize = MinCharRnn.HiddenSize, OutputSize = MinCharRnn.OutputSize, TokenInput = true)]
    public void Step() => _model.Step(_inputs[0], ref _state, _logits.AsSpan(0, MinCharRnn.OutputSize));
}
