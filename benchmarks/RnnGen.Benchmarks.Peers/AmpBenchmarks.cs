using System;
using BenchmarkDotNet.Attributes;

namespace RnnGen.Benchmarks.Peers;

/// <summary>
/// The five amp-model shapes (<c>AmpModels.cs</c>) streamed one sample at a time — batch 1, sequence length 1, the
/// state carried — by RnnGen's generated <c>Step</c>, ONNX Runtime and TorchSharp on the same weights, one thread.
/// Each invocation runs one block of <see cref="Samples"/> consecutive samples of a real signal (the sine with noise
/// of RnnGen.Benchmarks' AmpBenchmarks), and the time is reported per sample (<c>OperationsPerInvoke</c>). The state
/// is carried from invocation to invocation, never reset between iterations. Each peer's process checks it against
/// RnnGen's <c>Step</c> on the first <see cref="CheckedSamples"/> samples before timing it.
/// </summary>
[MemoryDiagnoser]
public class AmpBenchmarks
{
    /// <summary>Samples per invocation.</summary>
    public const int Samples = 2048;

    /// <summary>Samples of the setup's check of a peer against RnnGen.</summary>
    public const int CheckedSamples = 64;

    /// <summary>Whole periods of the sine in one block (as RnnGen.Benchmarks' AmpBenchmarks).</summary>
    public const int Periods = 19;

    private RnnGenAmp _rnnGen = null!;
    private IAmpRunner? _peer;
    private float[] _signal = [];
    private float[] _outputs = [];

    /// <summary>The model.</summary>
    [ParamsAllValues]
    public AmpShape Shape { get; set; }

    /// <summary>RnnGen alone.</summary>
    [GlobalSetup(Target = nameof(RnnGen))]
    public void SetupRnnGen() => CreateRnnGen();

    /// <summary>RnnGen and ONNX Runtime, checked against each other.</summary>
    [GlobalSetup(Target = nameof(OnnxRuntime))]
    public void SetupOnnxRuntime()
    {
        CreateRnnGen();
        _peer = new OrtAmp(_rnnGen.Name, _rnnGen.Model);
        Check("ONNX Runtime");
    }

    /// <summary>RnnGen and TorchSharp, checked against each other.</summary>
    [GlobalSetup(Target = nameof(TorchSharp))]
    public void SetupTorchSharp()
    {
        CreateRnnGen();
        _peer = new TorchAmp(_rnnGen.Model);
        Check("TorchSharp");
    }

    /// <summary>Frees the peer's native resources.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _peer?.Dispose();
        _rnnGen.Dispose();
    }

    /// <summary>RnnGen: the generated <c>Step</c>, once per sample.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = Samples)]
    public void RnnGen() => _rnnGen.Run(_signal, _outputs);

    /// <summary>ONNX Runtime: one <c>RunWithBinding</c> per sample on preallocated OrtValues.</summary>
    [Benchmark(OperationsPerInvoke = Samples)]
    public void OnnxRuntime() => _peer!.Run(_signal, _outputs);

    /// <summary>TorchSharp: one pass through the modules per sample, in inference mode.</summary>
    [Benchmark(OperationsPerInvoke = Samples)]
    public void TorchSharp() => _peer!.Run(_signal, _outputs);

    /// <summary>
    /// A sine of <see cref="Periods"/> whole periods per <paramref name="length"/> samples, amplitude 0.5, plus uniform
    /// noise in ±0.01 from <paramref name="seed"/> (the signal of RnnGen.Benchmarks' AmpBenchmarks).
    /// </summary>
    public static float[] Signal(int length, int seed)
    {
        var random = new Random(seed);
        var samples = new float[length];
        for (int t = 0; t < length; t++)
            samples[t] = (float)(0.5 * Math.Sin(2.0 * Math.PI * Periods * t / length) + 0.01 * (random.NextDouble() * 2.0 - 1.0));
        return samples;
    }

    private void CreateRnnGen()
    {
        _rnnGen = RnnGenAmp.Create(Shape);
        _signal = Signal(Samples, Shapes.Seed);
        _outputs = new float[Samples];
    }

    /// <summary>
    /// From a zero state, the first <see cref="CheckedSamples"/> samples one at a time through RnnGen and the peer:
    /// each output and the state after each sample must agree within <see cref="Shapes.Tolerance"/>. Timing then
    /// starts from a zero state for every library alike.
    /// </summary>
    private void Check(string peerName)
    {
        IAmpRunner peer = _peer!;
        _rnnGen.Reset();
        peer.Reset();
        var expected = new float[1];
        var actual = new float[1];
        float outputError = 0f, stateError = 0f;
        for (int t = 0; t < CheckedSamples; t++)
        {
            ReadOnlySpan<float> sample = _signal.AsSpan(t, 1);
            _rnnGen.Run(sample, expected);
            peer.Run(sample, actual);
            outputError = MathF.Max(outputError, Shapes.MaxAbsDifference(actual, expected));
            stateError = MathF.Max(stateError, Shapes.MaxAbsDifference(peer.State(), _rnnGen.State()));
        }
        Shapes.Report($"amp {Shape} ({_rnnGen.Name}: {string.Join(" ", _rnnGen.Model.Architecture)})", peerName, MathF.Max(outputError, stateError),
            $"{CheckedSamples} samples one at a time from zero: outputs {outputError:E2}, state {stateError:E2}");
        _rnnGen.Reset();
        peer.Reset();
    }
}
