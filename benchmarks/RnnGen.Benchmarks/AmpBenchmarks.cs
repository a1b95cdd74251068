using System;
using BenchmarkDotNet.Attributes;
using RnnGen.Benchmarks.Roofline;

namespace RnnGen.Benchmarks;

/// <summary>
/// Streaming inference of the five amp-model shapes audio developers compare against RTNeural (<c>AmpModels.cs</c>):
/// one dense input feature, a linear head of one value at every step, one thread, batch 1. Each shape is measured
/// two ways on the same 2048-sample block of a real signal (a sine with a little noise): <see cref="Step"/>, 2048
/// consecutive calls of the generated <c>Step</c> (one sample each, what an audio callback does sample by sample),
/// and <see cref="Forward"/>, one call of <c>Forward</c> over the whole block. Both report the time per sample
/// (<c>OperationsPerInvoke</c> = 2048); Ratio is Forward's time per sample over Step's.
/// </summary>
/// <remarks>
/// The state is carried from invocation to invocation, as in a plugin: resetting it in an iteration setup would add
/// a setup call to every iteration and distort the timing of such short operations. The signal keeps the state
/// bounded (and the block holds exactly <see cref="Periods"/> periods, so repeating it is a continuous signal).
/// No roofline columns: <see cref="KernelWork"/> describes one recurrent layer with a head (cell, I, H, O), which
/// cannot express a dense layer before the LSTM or four stacked layers of different input widths, and at these sizes
/// (all weights in L1) the time per sample is fixed per-call and per-element work that its matrix-vector FLOP count
/// does not see (benchmarks/README.md).
/// </remarks>
[Config(typeof(SuiteConfig))]
[MemoryDiagnoser]
public class AmpBenchmarks
{
    /// <summary>Samples per invocation: one block.</summary>
    public const int Samples = 2048;

    /// <summary>Samples of the setup's check of Step against Forward.</summary>
    public const int CheckedSamples = 64;

    /// <summary>Largest difference the check accepts between Step and Forward, outputs and state.</summary>
    public const float Tolerance = 1e-5f;

    /// <summary>Whole periods of the sine in one block: 19 × 48,000 / 2048 ≈ 445 Hz at 48 kHz.</summary>
    public const int Periods = 19;

    private const int Seed = 20260101;

    private AmpCase _case = null!;
    private float[] _signal = [];
    private float[] _outputs = [];

    /// <summary>The model being measured.</summary>
    [ParamsAllValues]
    public AmpShape Shape { get; set; }

    /// <summary>
    /// Creates the model, initializes its parameters from a seed, makes the signal, and checks that Step over the
    /// first <see cref="CheckedSamples"/> samples equals Forward over them (outputs and final state within
    /// <see cref="Tolerance"/>, from a zero state). Timing starts from a zero state.
    /// </summary>
    [GlobalSetup]
    public void Setup()
    {
        _case = AmpCase.Create(Shape);
        IRnnModel model = _case.Model;
        AmpCase.CheckArchitecture(model, Shape);
        if (model.SequenceLength != Samples)
            throw new InvalidOperationException($"{Shape}: the model's windows hold {model.SequenceLength} steps; the benchmark's blocks are {Samples}.");
        model.InitializeParameters(Seed);
        _signal = Signal(Samples, Seed);
        _outputs = new float[Samples];
        Check();
        _case.ResetState();
    }

    /// <summary>2048 samples, each through the generated <c>Step</c>: reported per sample.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = Samples)]
    public void Step() => _case.Step(_signal, _outputs);

    /// <summary>One 2048-sample block through <c>Forward</c>: reported per sample.</summary>
    [Benchmark(OperationsPerInvoke = Samples)]
    public void Forward() => _case.Forward(_signal, _outputs);

    /// <summary>
    /// A sine of <see cref="Periods"/> whole periods per <paramref name="length"/> samples, amplitude 0.5, plus uniform
    /// noise in ±0.01 drawn from <paramref name="seed"/>: a guitar-like level, never silent, never clipping.
    /// </summary>
    public static float[] Signal(int length, int seed)
    {
        var random = new Random(seed);
        var samples = new float[length];
        for (int t = 0; t < length; t++)
            samples[t] = (float)(0.5 * Math.Sin(2.0 * Math.PI * Periods * t / length) + 0.01 * (random.NextDouble() * 2.0 - 1.0));
        return samples;
    }

    private void Check()
    {
        ReadOnlySpan<float> samples = _signal.AsSpan(0, CheckedSamples);
        var stepped = new float[CheckedSamples];
        var forwarded = new float[CheckedSamples];

        _case.ResetState();
        _case.Step(samples, stepped);
        float[] stepState = _case.State();
        _case.ResetState();
        _case.Forward(samples, forwarded);
        float[] forwardState = _case.State();

        float outputError = MaxAbsDifference(stepped, forwarded);
        float stateError = MaxAbsDifference(stepState, forwardState);
        Console.WriteLine(FormattableString.Invariant(
            $"// check {Shape}: Step vs Forward over the first {CheckedSamples} samples from zero, max |error|: outputs {outputError:E2}, state {stateError:E2} (tolerance {Tolerance:E0})"));
        if (!(outputError <= Tolerance && stateError <= Tolerance))
        {
            throw new InvalidOperationException(FormattableString.Invariant(
                $"{Shape}: Step and Forward differ over the first {CheckedSamples} samples: outputs by {outputError:E3}, state by {stateError:E3} (> {Tolerance:E0})."));
        }
        Shapes.CheckFinite(stepped, $"{Shape} outputs");
    }

    private static float MaxAbsDifference(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        if (a.Length != b.Length)
            throw new ArgumentException($"Lengths differ: {a.Length} and {b.Length}.");
        float max = 0f;
        for (int i = 0; i < a.Length; i++)
        {
            float d = MathF.Abs(a[i] - b[i]);
            if (!(d <= max))
                max = float.IsNaN(d) ? float.PositiveInfinity : d;
        }
        return max;
    }
}
