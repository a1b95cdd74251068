using System;
using Microsoft.ML.OnnxRuntime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RnnGen.Benchmarks.Peers;

/// <summary>One library's single step (batch 1, dense input, state carried from call to call) of one model.</summary>
public interface IStepRunner : IDisposable
{
    /// <summary>Advances the state by one step on the current input and computes the head's logits.</summary>
    void Step();

    /// <summary>Sets the input the next steps read.</summary>
    void SetInput(ReadOnlySpan<float> input);

    /// <summary>Sets the state to zero.</summary>
    void Reset();

    /// <summary>The logits of the last step.</summary>
    float[] Logits();

    /// <summary>The state after the last step: h, then c for an LSTM (PyTorch's order).</summary>
    float[] State();
}

/// <summary>RnnGen's runner, which also lends its weights to the peers.</summary>
public interface IRnnGenStep : IStepRunner
{
    /// <summary>The generated model, weights loaded.</summary>
    IRnnModel Model { get; }
}

/// <summary>Creates the runners of a cell and shape.</summary>
public static class StepRunners
{
    /// <summary>RnnGen's generated model, its weights loaded from the model file.</summary>
    public static IRnnGenStep RnnGen(PeerCell cell, StepShape shape) => (cell, shape) switch
    {
        (PeerCell.Rnn, StepShape.I64_H32) => new RnnGenStep<Rnn64x32, Rnn64x32.State>(),
        (PeerCell.Rnn, StepShape.I64_H128) => new RnnGenStep<Rnn64x128, Rnn64x128.State>(),
        (PeerCell.Rnn, StepShape.I128_H256) => new RnnGenStep<Rnn128x256, Rnn128x256.State>(),
        (PeerCell.Rnn, StepShape.I256_H512) => new RnnGenStep<Rnn256x512, Rnn256x512.State>(),
        (PeerCell.Lstm, StepShape.I64_H32) => new RnnGenStep<Lstm64x32, Lstm64x32.State>(),
        (PeerCell.Lstm, StepShape.I64_H128) => new RnnGenStep<Lstm64x128, Lstm64x128.State>(),
        (PeerCell.Lstm, StepShape.I128_H256) => new RnnGenStep<Lstm128x256, Lstm128x256.State>(),
        (PeerCell.Lstm, StepShape.I256_H512) => new RnnGenStep<Lstm256x512, Lstm256x512.State>(),
        (PeerCell.Gru, StepShape.I64_H32) => new RnnGenStep<Gru64x32, Gru64x32.State>(),
        (PeerCell.Gru, StepShape.I64_H128) => new RnnGenStep<Gru64x128, Gru64x128.State>(),
        (PeerCell.Gru, StepShape.I128_H256) => new RnnGenStep<Gru128x256, Gru128x256.State>(),
        _ => new RnnGenStep<Gru256x512, Gru256x512.State>(),
    };
}

/// <summary>RnnGen: the generated <c>Step</c>.</summary>
public sealed class RnnGenStep<TModel, TState> : IRnnGenStep
    where TModel : class, IDenseRnnModel<TState>, new()
    where TState : struct, IRnnState
{
    private readonly TModel _model = new();
    private readonly float[] _input;
    private readonly float[] _logits;
    private TState _state;

    /// <summary>Loads the model's weights from its file.</summary>
    public RnnGenStep()
    {
        ModelFiles.LoadWeights(typeof(TModel).Name, _model);
        _input = new float[_model.InputSize];
        _logits = new float[_model.OutputSize];
    }

    /// <inheritdoc/>
    public IRnnModel Model => _model;

    /// <inheritdoc/>
    public void Step() => _model.Step(_input, ref _state, _logits);

    /// <inheritdoc/>
    public void SetInput(ReadOnlySpan<float> input) => input.CopyTo(_input);

    /// <inheritdoc/>
    public void Reset() => _state.Reset();

    /// <inheritdoc/>
    public float[] Logits() => (float[])_logits.Clone();

    /// <inheritdoc/>
    public float[] State()
    {
        var values = new float[_state.Length];
        _state.CopyTo(values);
        return values;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
    }
}

/// <summary>
/// ONNX Runtime: one RNN/LSTM/GRU op with seq_len 1 plus a Gemm, run with IO binding on preallocated OrtValues. The
/// state ping-pongs between two sets of buffers (two bindings), so feeding h (and c) back costs no copy.
/// </summary>
public sealed class OrtStep : IStepRunner
{
    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions = new();
    private readonly OrtIoBinding[] _bindings = new OrtIoBinding[2];
    private readonly OrtValue[] _values;
    private readonly float[] _input;
    private readonly float[] _logits;
    private readonly float[][] _h;
    private readonly float[][]? _c;
    private int _current; // which buffer set holds the current state

    /// <summary>Opens <paramref name="name"/>.onnx with one thread and binds every input and output.</summary>
    public OrtStep(string name, PeerCell cell, int inputSize, int hiddenSize, int outputs)
    {
        _session = new InferenceSession(ModelFiles.Onnx(name), Ort.Options());
        _input = new float[inputSize];
        _logits = new float[outputs];
        _h = [new float[hiddenSize], new float[hiddenSize]];
        _c = cell == PeerCell.Lstm ? [new float[hiddenSize], new float[hiddenSize]] : null;
        long[] state = [1, 1, hiddenSize];
        OrtValue x = OrtValue.CreateTensorValueFromMemory(_input, [1, 1, inputSize]);
        OrtValue logits = OrtValue.CreateTensorValueFromMemory(_logits, [1, outputs]);
        OrtValue[] h = [OrtValue.CreateTensorValueFromMemory(_h[0], state), OrtValue.CreateTensorValueFromMemory(_h[1], state)];
        OrtValue[]? c = _c is null ? null : [OrtValue.CreateTensorValueFromMemory(_c[0], state), OrtValue.CreateTensorValueFromMemory(_c[1], state)];
        _values = c is null ? [x, logits, h[0], h[1]] : [x, logits, h[0], h[1], c[0], c[1]];
        for (int k = 0; k < 2; k++)
        {
            OrtIoBinding binding = _session.CreateIoBinding();
            binding.BindInput("x", x);
            binding.BindInput("h0", h[k]);
            binding.BindOutput("logits", logits);
            binding.BindOutput("h", h[1 - k]);
            if (c is not null)
            {
                binding.BindInput("c0", c[k]);
                binding.BindOutput("c", c[1 - k]);
            }
            _bindings[k] = binding;
        }
    }

    /// <inheritdoc/>
    public void Step()
    {
        _session.RunWithBinding(_runOptions, _bindings[_current]);
        _current ^= 1;
    }

    /// <inheritdoc/>
    public void SetInput(ReadOnlySpan<float> input) => input.CopyTo(_input);

    /// <inheritdoc/>
    public void Reset()
    {
        _current = 0;
        foreach (float[] buffer in _h)
            Array.Clear(buffer);
        if (_c is not null)
        {
            foreach (float[] buffer in _c)
                Array.Clear(buffer);
        }
    }

    /// <inheritdoc/>
    public float[] Logits() => (float[])_logits.Clone();

    /// <inheritdoc/>
    public float[] State() => _c is null ? (float[])_h[_current].Clone() : [.. _h[_current], .. _c[_current]];

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (OrtIoBinding binding in _bindings)
            binding.Dispose();
        foreach (OrtValue value in _values)
            value.Dispose();
        _runOptions.Dispose();
        _session.Dispose();
    }
}

/// <summary>ONNX Runtime settings shared by every session: one thread, sequential execution, all graph optimizations.</summary>
public static class Ort
{
    /// <summary>New session options: IntraOpNumThreads = InterOpNumThreads = 1, ORT_SEQUENTIAL, ORT_ENABLE_ALL.</summary>
    public static SessionOptions Options() => new()
    {
        IntraOpNumThreads = 1,
        InterOpNumThreads = 1,
        ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
        GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
    };
}

/// <summary>
/// TorchSharp (LibTorch): nn.RNN/LSTM/GRU + nn.Linear, one thread, in inference mode; the input tensor is allocated once,
/// each step's outputs replace (and dispose) the previous state tensors.
/// </summary>
public sealed class TorchStep : IStepRunner
{
    private readonly PeerCell _cell;
    private readonly RNN? _rnn;
    private readonly LSTM? _lstm;
    private readonly GRU? _gru;
    private readonly Linear _head;
    private readonly Tensor _x;
    private readonly int _hiddenSize;
    private Tensor _h;
    private Tensor? _c;
    private Tensor _logits;

    /// <summary>Builds the modules and copies <paramref name="weights"/>' parameters into them.</summary>
    public TorchStep(PeerCell cell, IRnnModel weights)
    {
        TorchSetup.OneThread();
        _cell = cell;
        _hiddenSize = weights.HiddenSize;
        nn.Module recurrent = cell switch
        {
            PeerCell.Rnn => _rnn = nn.RNN(weights.InputSize, weights.HiddenSize), // tanh by default
            PeerCell.Lstm => _lstm = nn.LSTM(weights.InputSize, weights.HiddenSize),
            _ => _gru = nn.GRU(weights.InputSize, weights.HiddenSize),
        };
        _head = nn.Linear(weights.HiddenSize, weights.OutputSize);
        TorchSetup.CopyParameters(recurrent, weights, "");
        TorchSetup.CopyParameters(_head, weights, "head.");
        recurrent.eval();
        _head.eval();
        _x = zeros(1, 1, weights.InputSize);
        _h = zeros(1, 1, _hiddenSize);
        _c = cell == PeerCell.Lstm ? zeros(1, 1, _hiddenSize) : null;
        _logits = zeros(1, 1, weights.OutputSize);
    }

    /// <inheritdoc/>
    public void Step()
    {
        using (inference_mode())
        {
            Tensor y, h;
            switch (_cell)
            {
                case PeerCell.Lstm:
                    (y, h, Tensor c) = _lstm!.forward(_x, (_h, _c!));
                    _c!.Dispose();
                    _c = c;
                    break;
                case PeerCell.Gru:
                    (y, h) = _gru!.forward(_x, _h);
                    break;
                default:
                    (y, h) = _rnn!.forward(_x, _h);
                    break;
            }
            y.Dispose();
            _h.Dispose();
            _h = h;
            _logits.Dispose();
            _logits = _head.forward(h);
        }
    }

    /// <inheritdoc/>
    public void SetInput(ReadOnlySpan<float> input)
    {
        using Tensor source = tensor(input.ToArray(), [1, 1, input.Length]);
        using (no_grad())
            _x.copy_(source);
    }

    /// <inheritdoc/>
    public void Reset()
    {
        _h.Dispose();
        _h = zeros(1, 1, _hiddenSize);
        if (_c is not null)
        {
            _c.Dispose();
            _c = zeros(1, 1, _hiddenSize);
        }
    }

    /// <inheritdoc/>
    public float[] Logits() => _logits.data<float>().ToArray();

    /// <inheritdoc/>
    public float[] State() => _c is null ? _h.data<float>().ToArray() : [.. _h.data<float>().ToArray(), .. _c.data<float>().ToArray()];

    /// <inheritdoc/>
    public void Dispose()
    {
        _x.Dispose();
        _h.Dispose();
        _c?.Dispose();
        _logits.Dispose();
        _rnn?.Dispose();
        _lstm?.Dispose();
        _gru?.Dispose();
        _head.Dispose();
    }
}

/// <summary>TorchSharp process settings and weight copying.</summary>
public static class TorchSetup
{
    private static bool s_done;

    /// <summary>One intra-op and one inter-op thread (LibTorch accepts the inter-op setting once per process).</summary>
    public static void OneThread()
    {
        if (s_done)
            return;
        torch.set_num_threads(1);
        try
        {
            torch.set_num_interop_threads(1);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            Console.WriteLine($"// TorchSharp: set_num_interop_threads(1) refused ({e.Message.Split('\n')[0]})");
        }
        Console.WriteLine($"// TorchSharp: {torch.get_num_threads()} intra-op thread(s), {torch.get_num_interop_threads()} inter-op thread(s)");
        s_done = true;
    }

    /// <summary>Copies the RnnGen model's tensor <c>prefix + name</c> into each of <paramref name="module"/>'s parameters.</summary>
    public static void CopyParameters(nn.Module module, IRnnModel source, string prefix)
    {
        using (no_grad())
        {
            foreach ((string name, Parameter parameter) in module.named_parameters())
            {
                Span<float> values = source.Parameter(prefix + name);
                if (values.Length != parameter.numel())
                    throw new InvalidOperationException($"{prefix}{name}: TorchSharp's tensor has {parameter.numel()} values, RnnGen's {values.Length}.");
                using Tensor copy = tensor(values.ToArray(), parameter.shape);
                parameter.copy_(copy);
            }
        }
    }
}
