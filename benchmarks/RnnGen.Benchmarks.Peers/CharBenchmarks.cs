using System;
using System.Collections.Generic;
using System.Linq;
using BenchmarkDotNet.Attributes;
using Microsoft.ML.OnnxRuntime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RnnGen.Benchmarks.Peers;

/// <summary>
/// The char model's forward pass over a 25-character sequence from a zero state: one-hot 65 → LSTM 128 → Linear 65
/// at every step (25 × 65 logits), batch 1, one thread. RnnGen takes token ids (its one-hot input is a column
/// gather); ONNX Runtime and TorchSharp take the same characters as a one-hot [25, 1, 65] tensor built once in setup.
/// </summary>
[MemoryDiagnoser]
public class CharSequenceBenchmarks
{
    private readonly int[] _tokens = CharData.Tokens(Shapes.Window);
    private readonly float[] _logits = new float[Shapes.Window * Shapes.Vocabulary];
    private CharLstm _model = null!;
    private CharLstm.State _state;

    private InferenceSession? _session;
    private RunOptions? _runOptions;
    private OrtIoBinding? _binding;
    private OrtValue[] _ortValues = [];
    private float[] _ortLogits = [];

    private TorchCharModel? _torch;
    private Tensor? _x;
    private Tensor? _torchLogits;

    /// <summary>RnnGen alone.</summary>
    [GlobalSetup(Target = nameof(RnnGen))]
    public void SetupRnnGen() => CreateRnnGen();

    /// <summary>RnnGen and ONNX Runtime, checked against each other.</summary>
    [GlobalSetup(Target = nameof(OnnxRuntime))]
    public void SetupOnnxRuntime()
    {
        CreateRnnGen();
        _session = new InferenceSession(ModelFiles.Onnx("CharLstm"), Ort.Options());
        _runOptions = new RunOptions();
        _ortLogits = new float[_logits.Length];
        OrtValue x = OrtValue.CreateTensorValueFromMemory(Shapes.OneHot(_tokens), [Shapes.Window, 1, Shapes.Vocabulary]);
        OrtValue logits = OrtValue.CreateTensorValueFromMemory(_ortLogits, [Shapes.Window, Shapes.Vocabulary]);
        _ortValues = [x, logits];
        _binding = _session.CreateIoBinding();
        _binding.BindInput("x", x);
        _binding.BindOutput("logits", logits);
        OnnxRuntime();
        Check("ONNX Runtime", _ortLogits);
    }

    /// <summary>RnnGen and TorchSharp, checked against each other.</summary>
    [GlobalSetup(Target = nameof(TorchSharp))]
    public void SetupTorchSharp()
    {
        CreateRnnGen();
        _torch = new TorchCharModel(_model);
        _x = CharData.OneHotTensor(_tokens);
        TorchSharp();
        Check("TorchSharp", _torchLogits!.data<float>().ToArray());
    }

    /// <summary>Frees the peers' native resources.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _binding?.Dispose();
        foreach (OrtValue value in _ortValues)
            value.Dispose();
        _runOptions?.Dispose();
        _session?.Dispose();
        _torchLogits?.Dispose();
        _x?.Dispose();
        _torch?.Dispose();
    }

    /// <summary>RnnGen: <c>Forward</c> over 25 token ids from a zero state.</summary>
    [Benchmark(Baseline = true)]
    public void RnnGen()
    {
        _state.Reset();
        _model.Forward(_tokens, ref _state, _logits);
    }

    /// <summary>ONNX Runtime: one LSTM op over 25 steps and a Gemm, IO binding on preallocated OrtValues.</summary>
    [Benchmark]
    public void OnnxRuntime() => _session!.RunWithBinding(_runOptions!, _binding!);

    /// <summary>TorchSharp: nn.LSTM over the sequence, then nn.Linear, in inference mode.</summary>
    [Benchmark]
    public void TorchSharp()
    {
        using (inference_mode())
        {
            (Tensor y, Tensor h, Tensor c) = _torch!.Lstm.forward(_x!);
            h.Dispose();
            c.Dispose();
            _torchLogits?.Dispose();
            _torchLogits = _torch.Head.forward(y);
            y.Dispose();
        }
    }

    private void CreateRnnGen()
    {
        _model = new CharLstm();
        ModelFiles.LoadWeights("CharLstm", _model);
    }

    private void Check(string peer, float[] peerLogits)
    {
        RnnGen();
        Shapes.Report("char LSTM forward, 25 tokens", peer, Shapes.MaxAbsDifference(peerLogits, _logits), "25 × 65 logits from a zero state");
    }
}

/// <summary>
/// Training the char model, batch 1: one 25-token window of truncated BPTT (forward, mean cross-entropy, backward;
/// the state carried over from the previous window) and an Adam step (lr 2e-3, betas 0.9/0.999, eps 1e-8, no
/// clipping). Windows walk a fixed stream of random tokens and wrap around, resetting the state, as a trainer does.
/// Tokens per second = 25 / the time per operation.
/// </summary>
[MemoryDiagnoser]
public class TrainingBenchmarks
{
    private const int CheckWindows = 3;
    private const float LearningRate = 2e-3f;

    private readonly int[] _stream = CharData.Tokens(CharData.StreamWindows * Shapes.Window + 1);
    private RnnGenTrainer _rnnGen = null!;
    private TorchTrainer? _torch;

    /// <summary>RnnGen alone.</summary>
    [GlobalSetup(Target = nameof(RnnGen))]
    public void SetupRnnGen() => _rnnGen = new RnnGenTrainer(_stream, LearningRate);

    /// <summary>RnnGen and TorchSharp, checked against each other, then both started afresh.</summary>
    [GlobalSetup(Target = nameof(TorchSharp))]
    public void SetupTorchSharp()
    {
        var rnnGen = new RnnGenTrainer(_stream, LearningRate);
        using (var torchTrainer = new TorchTrainer(rnnGen.Model, _stream, LearningRate))
        {
            // The first window's loss and gradients, before any update.
            float rnnGenLoss = rnnGen.ComputeGradients();
            float torchLoss = torchTrainer.ComputeGradients();
            float gradientError = Shapes.MaxAbsDifference(torchTrainer.Gradients(rnnGen.Model), rnnGen.Model.Gradients);
            float lossError = MathF.Abs(rnnGenLoss - torchLoss);
            rnnGen.UpdateAndAdvance();
            torchTrainer.UpdateAndAdvance();

            // Two more full windows (state carried, Adam), then the parameters.
            for (int w = 1; w < CheckWindows; w++)
                lossError = MathF.Max(lossError, MathF.Abs(rnnGen.TrainStep() - torchTrainer.TrainStep()));
            float parameterError = Shapes.MaxAbsDifference(torchTrainer.Parameters(rnnGen.Model), rnnGen.Model.Parameters);
            Shapes.Report("char LSTM training (25-step BPTT + Adam)", "TorchSharp", MathF.Max(MathF.Max(lossError, gradientError), parameterError),
                $"first window's gradients {gradientError:E2}, losses of {CheckWindows} windows {lossError:E2}, parameters after {CheckWindows} Adam steps {parameterError:E2}");
        }
        _rnnGen = new RnnGenTrainer(_stream, LearningRate);
        _torch = new TorchTrainer(_rnnGen.Model, _stream, LearningRate);
    }

    /// <summary>Frees TorchSharp's tensors and modules.</summary>
    [GlobalCleanup]
    public void Cleanup() => _torch?.Dispose();

    /// <summary>RnnGen: ZeroGradients, ComputeGradients over 25 tokens, AdamOptimizer.Step.</summary>
    [Benchmark(Baseline = true)]
    public float RnnGen() => _rnnGen.TrainStep();

    /// <summary>TorchSharp: zero_grad, nn.LSTM + nn.Linear forward, cross_entropy, backward, optim.Adam step.</summary>
    [Benchmark]
    public float TorchSharp() => _torch!.TrainStep();
}

/// <summary>The token streams of the char benchmarks and the TorchSharp char model.</summary>
public static class CharData
{
    /// <summary>Windows in the training stream before it wraps around.</summary>
    public const int StreamWindows = 64;

    /// <summary>Uniformly random characters, always the same.</summary>
    public static int[] Tokens(int count)
    {
        var random = new Random(Shapes.Seed);
        var tokens = new int[count];
        for (int i = 0; i < count; i++)
            tokens[i] = random.Next(Shapes.Vocabulary);
        return tokens;
    }

    /// <summary>The one-hot [T, 1, 65] tensor of <paramref name="tokens"/>.</summary>
    public static Tensor OneHotTensor(ReadOnlySpan<int> tokens) => tensor(Shapes.OneHot(tokens), [tokens.Length, 1, Shapes.Vocabulary]);
}

/// <summary>TorchSharp's nn.LSTM(65, 128) and nn.Linear(128, 65) with the weights of an RnnGen char model.</summary>
public sealed class TorchCharModel : IDisposable
{
    /// <summary>Copies <paramref name="weights"/> into new modules.</summary>
    public TorchCharModel(IRnnModel weights)
    {
        TorchSetup.OneThread();
        Lstm = nn.LSTM(Shapes.Vocabulary, Shapes.CharHidden);
        Head = nn.Linear(Shapes.CharHidden, Shapes.Vocabulary);
        TorchSetup.CopyParameters(Lstm, weights, "");
        TorchSetup.CopyParameters(Head, weights, "head.");
    }

    /// <summary>The recurrent layer.</summary>
    public LSTM Lstm { get; }

    /// <summary>The head.</summary>
    public Linear Head { get; }

    /// <summary>Every parameter with RnnGen's name for it.</summary>
    public IEnumerable<(string Name, Parameter Parameter)> NamedParameters() =>
        Lstm.named_parameters().Select(p => (p.name, p.parameter))
            .Concat(Head.named_parameters().Select(p => ("head." + p.name, p.parameter)));

    /// <inheritdoc/>
    public void Dispose()
    {
        Lstm.Dispose();
        Head.Dispose();
    }
}

/// <summary>RnnGen's training step on the stream (what <c>CharTrainer</c> does, without clipping).</summary>
public sealed class RnnGenTrainer
{
    private readonly CharLstm _model = new();
    private readonly AdamOptimizer _adam;
    private readonly int[] _stream;
    private CharLstm.State _state;
    private int _position;

    /// <summary>Loads the char model's weights; zero state; fresh Adam.</summary>
    public RnnGenTrainer(int[] stream, float learningRate)
    {
        ModelFiles.LoadWeights("CharLstm", _model);
        _adam = new AdamOptimizer(CharLstm.ParameterCount, learningRate);
        _stream = stream;
    }

    /// <summary>The model being trained.</summary>
    public CharLstm Model => _model;

    /// <summary>One window: gradients, Adam, next window.</summary>
    public float TrainStep()
    {
        float loss = ComputeGradients();
        UpdateAndAdvance();
        return loss;
    }

    /// <summary>Zeroes the gradients and runs forward + BPTT over the current window (the state moves to its end).</summary>
    public float ComputeGradients()
    {
        _model.ZeroGradients();
        return _model.ComputeGradients(_stream.AsSpan(_position, Shapes.Window), _stream.AsSpan(_position + 1, Shapes.Window), ref _state);
    }

    /// <summary>The Adam step, then the next window (wrapping around with a zero state).</summary>
    public void UpdateAndAdvance()
    {
        _adam.Step(_model.Parameters, _model.Gradients);
        _position += Shapes.Window;
        if (_position + Shapes.Window + 1 > _stream.Length)
        {
            _position = 0;
            _state.Reset();
        }
    }
}

/// <summary>TorchSharp's training step on the same stream: one-hot inputs and targets prepared once per window.</summary>
public sealed class TorchTrainer : IDisposable
{
    private readonly TorchCharModel _model;
    private readonly optim.Optimizer _adam;
    private readonly Tensor[] _inputs;
    private readonly Tensor[] _targets;
    private Tensor _h;
    private Tensor _c;
    private int _window;

    /// <summary>Copies <paramref name="weights"/>; zero state; fresh Adam.</summary>
    public TorchTrainer(IRnnModel weights, int[] stream, float learningRate)
    {
        _model = new TorchCharModel(weights);
        _model.Lstm.train();
        _model.Head.train();
        _adam = optim.Adam(_model.NamedParameters().Select(p => p.Parameter), lr: learningRate);
        int windows = (stream.Length - 1) / Shapes.Window;
        _inputs = new Tensor[windows];
        _targets = new Tensor[windows];
        for (int w = 0; w < windows; w++)
        {
            _inputs[w] = CharData.OneHotTensor(stream.AsSpan(w * Shapes.Window, Shapes.Window));
            _targets[w] = tensor(stream.AsSpan(w * Shapes.Window + 1, Shapes.Window).ToArray().Select(t => (long)t).ToArray(), [Shapes.Window]);
        }
        _h = zeros(1, 1, Shapes.CharHidden);
        _c = zeros(1, 1, Shapes.CharHidden);
    }

    /// <summary>One window: gradients, Adam, next window.</summary>
    public float TrainStep()
    {
        float loss = ComputeGradients();
        UpdateAndAdvance();
        return loss;
    }

    /// <summary>zero_grad, forward from the carried (detached) state, cross-entropy, backward.</summary>
    public float ComputeGradients()
    {
        using DisposeScope scope = NewDisposeScope();
        _adam.zero_grad();
        (Tensor y, Tensor h, Tensor c) = _model.Lstm.forward(_inputs[_window], (_h, _c));
        Tensor logits = _model.Head.forward(y.view(Shapes.Window, Shapes.CharHidden));
        Tensor loss = nn.functional.cross_entropy(logits, _targets[_window]);
        loss.backward();
        _h.Dispose();
        _c.Dispose();
        _h = h.detach().MoveToOuterDisposeScope();
        _c = c.detach().MoveToOuterDisposeScope();
        return loss.item<float>();
    }

    /// <summary>The Adam step, then the next window (wrapping around with a zero state).</summary>
    public void UpdateAndAdvance()
    {
        using (NewDisposeScope())
            _adam.step();
        _window++;
        if (_window == _inputs.Length)
        {
            _window = 0;
            _h.Dispose();
            _c.Dispose();
            _h = zeros(1, 1, Shapes.CharHidden);
            _c = zeros(1, 1, Shapes.CharHidden);
        }
    }

    /// <summary>The gradients, in RnnGen's parameter layout.</summary>
    public float[] Gradients(IRnnModel layout) => Gather(layout, p => p.grad!);

    /// <summary>The parameters, in RnnGen's parameter layout.</summary>
    public float[] Parameters(IRnnModel layout) => Gather(layout, p => p);

    private float[] Gather(IRnnModel layout, Func<Parameter, Tensor> select)
    {
        var values = new float[layout.ParameterCount];
        foreach ((string name, Parameter parameter) in _model.NamedParameters())
        {
            ParameterInfo info = layout.Layout.Single(p => p.Name == name);
            select(parameter).data<float>().ToArray().CopyTo(values, info.Offset);
        }
        return values;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (Tensor t in _inputs.Concat(_targets))
            t.Dispose();
        _h.Dispose();
        _c.Dispose();
        _adam.Dispose();
        _model.Dispose();
    }
}
