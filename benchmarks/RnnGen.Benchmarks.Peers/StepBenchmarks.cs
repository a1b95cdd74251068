using System;
using BenchmarkDotNet.Attributes;

namespace RnnGen.Benchmarks.Peers;

/// <summary>
/// One step, batch 1, dense input, one thread, with a 16-output linear head: RnnGen's generated <c>Step</c> against
/// ONNX Runtime and TorchSharp on the same weights. Each benchmark's own process checks its peer against RnnGen
/// (five steps from a zero state, logits and state) before timing it.
/// </summary>
[MemoryDiagnoser]
public class StepBenchmarks
{
    private const int CheckSteps = 5;

    private IRnnGenStep _rnnGen = null!;
    private IStepRunner? _peer;
    private float[][] _inputs = [];

    /// <summary>The recurrent cell.</summary>
    [ParamsAllValues]
    public PeerCell Cell { get; set; }

    /// <summary>Input features → hidden width.</summary>
    [ParamsAllValues]
    public StepShape Shape { get; set; }

    private string Name => Shapes.ModelName(Cell, Shape);

    /// <summary>RnnGen alone.</summary>
    [GlobalSetup(Target = nameof(RnnGen))]
    public void SetupRnnGen() => CreateRnnGen();

    /// <summary>RnnGen and ONNX Runtime, checked against each other.</summary>
    [GlobalSetup(Target = nameof(OnnxRuntime))]
    public void SetupOnnxRuntime()
    {
        CreateRnnGen();
        (int input, int hidden) = Shapes.Of(Shape);
        _peer = new OrtStep(Name, Cell, input, hidden, Shapes.HeadOutputs);
        Check("ONNX Runtime");
    }

    /// <summary>RnnGen and TorchSharp, checked against each other.</summary>
    [GlobalSetup(Target = nameof(TorchSharp))]
    public void SetupTorchSharp()
    {
        CreateRnnGen();
        _peer = new TorchStep(Cell, _rnnGen.Model);
        Check("TorchSharp");
    }

    /// <summary>Frees the peer's native resources.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _peer?.Dispose();
        _rnnGen.Dispose();
    }

    /// <summary>RnnGen's generated step.</summary>
    [Benchmark(Baseline = true)]
    public void RnnGen() => _rnnGen.Step();

    /// <summary>ONNX Runtime: <c>RunWithBinding</c> on preallocated OrtValues.</summary>
    [Benchmark]
    public void OnnxRuntime() => _peer!.Step();

    /// <summary>TorchSharp: module forward calls in inference mode.</summary>
    [Benchmark]
    public void TorchSharp() => _peer!.Step();

    private void CreateRnnGen()
    {
        _rnnGen = StepRunners.RnnGen(Cell, Shape);
        var random = new Random(Shapes.Seed);
        _inputs = new float[CheckSteps][];
        for (int t = 0; t < CheckSteps; t++)
            _inputs[t] = Shapes.RandomVector(random, _rnnGen.Model.InputSize);
        _rnnGen.SetInput(_inputs[0]);
    }

    private void Check(string peerName)
    {
        IStepRunner peer = _peer!;
        _rnnGen.Reset();
        peer.Reset();
        float logitError = 0f, stateError = 0f;
        for (int t = 0; t < CheckSteps; t++)
        {
            _rnnGen.SetInput(_inputs[t]);
            peer.SetInput(_inputs[t]);
            _rnnGen.Step();
            peer.Step();
            logitError = MathF.Max(logitError, Shapes.MaxAbsDifference(peer.Logits(), _rnnGen.Logits()));
            stateError = MathF.Max(stateError, Shapes.MaxAbsDifference(peer.State(), _rnnGen.State()));
        }
        Shapes.Report($"{Cell} {Shape}", peerName, MathF.Max(logitError, stateError),
            $"{CheckSteps} steps from zero: logits {logitError:E2}, state {stateError:E2}");

        // Timing starts from a zero state on the first input, for every library alike.
        _rnnGen.SetInput(_inputs[0]);
        peer.SetInput(_inputs[0]);
        _rnnGen.Reset();
        peer.Reset();
    }
}
