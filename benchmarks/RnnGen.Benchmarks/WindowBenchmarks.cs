using System;
using BenchmarkDotNet.Attributes;
using RnnGen.Benchmarks.Baselines;
using RnnGen.Benchmarks.Roofline;

namespace RnnGen.Benchmarks;

/// <summary>
/// What <see cref="SequenceBenchmarks"/> (dense inputs) and <see cref="TokenBenchmarks"/> (token ids) share: a window
/// of 25 steps, Adam, and the plain scalar and <c>Vector256</c> baselines (<see cref="SequenceBaseline{TArithmetic}"/>)
/// measured next to the generated model's <c>Forward</c> and <c>Train</c>, which each class declares itself. The
/// benchmarks are grouped by operation (the Categories column); Ratio is against the scalar baseline of the same
/// operation.
/// </summary>
/// <typeparam name="TInput"><see cref="float"/> for dense inputs, <see cref="int"/> for token ids.</typeparam>
public abstract class WindowBenchmarks<TInput>
    where TInput : unmanaged
{
    /// <summary>Time steps per window.</summary>
    public const int Window = 25;

    /// <summary>
    /// Adam's learning rate. An Adam step costs the same whatever the rate; a small one keeps hundreds of thousands of
    /// repetitions on one fixed window from training the model into saturation, where gradients could turn denormal
    /// and change the timing as the run goes on.
    /// </summary>
    public const float LearningRate = 1e-6f;

    /// <summary>The category of inference over a window from a zero state.</summary>
    protected const string ForwardCategory = "Forward";

    /// <summary>The category of one training step: zero the gradients, forward, BPTT, Adam.</summary>
    protected const string TrainCategory = "Train";

    private ISequenceBaseline<TInput> _scalar = null!;
    private ISequenceBaseline<TInput> _vector = null!;

    /// <summary>The window's inputs.</summary>
    private protected TInput[] Inputs { get; set; } = [];

    /// <summary>The window's target classes, one per step.</summary>
    private protected int[] Targets { get; set; } = [];

    /// <summary>Where every implementation writes the window's logits.</summary>
    private protected float[] Logits { get; set; } = [];

    /// <summary>The generated model's optimizer.</summary>
    private protected AdamOptimizer Adam { get; private set; } = null!;

    /// <summary>The same inference in plain scalar C#.</summary>
    [Benchmark(Baseline = true)]
    [BenchmarkCategory(ForwardCategory)]
    [KernelWork(KernelOperation.Forward, Window)]
    public void ScalarForward() => _scalar.Forward(Inputs, Logits);

    /// <summary>The same inference in plain Vector256 C#.</summary>
    [Benchmark]
    [BenchmarkCategory(ForwardCategory)]
    [KernelWork(KernelOperation.Forward, Window)]
    public void Vector256Forward() => _vector.Forward(Inputs, Logits);

    /// <summary>The same training step in plain scalar C#.</summary>
    [Benchmark(Baseline = true)]
    [BenchmarkCategory(TrainCategory)]
    [KernelWork(KernelOperation.Train, Window)]
    public float ScalarTrain() => _scalar.Train(Inputs, Targets);

    /// <summary>The same training step in plain Vector256 C#.</summary>
    [Benchmark]
    [BenchmarkCategory(TrainCategory)]
    [KernelWork(KernelOperation.Train, Window)]
    public float Vector256Train() => _vector.Train(Inputs, Targets);

    /// <summary>
    /// Creates <see cref="Adam"/> for <paramref name="model"/> and both baselines with a copy of its parameters, then
    /// checks the baselines against the generated model's <paramref name="forward"/> and <paramref name="train"/> on
    /// <see cref="Inputs"/> and <see cref="Targets"/> (<see cref="SequenceCheck"/>).
    /// </summary>
    private protected void SetUpBaselines(string name, IRnnModel model, Action forward, Func<float> train)
    {
        Adam = new AdamOptimizer(model.ParameterCount, LearningRate);
        _scalar = SequenceBaselines.Create<ScalarArithmetic, TInput>(model, Adam);
        _vector = SequenceBaselines.Create<VectorArithmetic, TInput>(model, Adam);
        SequenceCheck.Run(name, model, Adam, forward, Logits, train, Inputs, Targets, _scalar, _vector);
    }
}
