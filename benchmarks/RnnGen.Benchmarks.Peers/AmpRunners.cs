using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RnnGen.Benchmarks.Peers;

/// <summary>The five amp-model shapes (<c>AmpModels.cs</c>; <c>AMP_MODELS</c> in make_onnx_models.py).</summary>
public enum AmpShape
{
    /// <summary>LSTM 1→40 + Dense 40→1 (<see cref="AmpLstm40"/>).</summary>
    Lstm40,

    /// <summary>LSTM 1→12 + Dense 12→1 (<see cref="AmpLstm12"/>).</summary>
    Lstm12,

    /// <summary>GRU 1→64 + Dense 64→1 (<see cref="AmpGru64"/>).</summary>
    Gru64,

    /// <summary>Dense 1→8 tanh → LSTM 8 → Dense 8→1 (<see cref="AmpDenseLstm8"/>).</summary>
    DenseLstm8,

    /// <summary>4 × LSTM 8 + Dense 8→1 (<see cref="AmpLstm8x4"/>).</summary>
    Lstm8x4,
}

/// <summary>
/// One library's amp model run one sample at a time (batch 1, sequence length 1), the state carried from sample to
/// sample and from call to call.
/// </summary>
public interface IAmpRunner : IDisposable
{
    /// <summary>Each sample through one step in turn, from the current state; one output per sample.</summary>
    void Run(ReadOnlySpan<float> samples, Span<float> outputs);

    /// <summary>Sets the state to zero.</summary>
    void Reset();

    /// <summary>The state: h of every recurrent layer in order, then c of every LSTM layer (RnnGen's and PyTorch's order).</summary>
    float[] State();
}

/// <summary>RnnGen's amp runner, which also lends its weights and layers to the peers.</summary>
public abstract class RnnGenAmp : IAmpRunner
{
    /// <summary>The generated model, weights loaded from its file.</summary>
    public abstract IRnnModel Model { get; }

    /// <summary>The model's file name in models/ (its class name).</summary>
    public string Name => Model.GetType().Name;

    /// <summary>RnnGen's model of <paramref name="shape"/>, its weights loaded from the model file.</summary>
    public static RnnGenAmp Create(AmpShape shape) => shape switch
    {
        AmpShape.Lstm40 => new RnnGenAmpLstm40(),
        AmpShape.Lstm12 => new RnnGenAmpLstm12(),
        AmpShape.Gru64 => new RnnGenAmpGru64(),
        AmpShape.DenseLstm8 => new RnnGenAmpDenseLstm8(),
        AmpShape.Lstm8x4 => new RnnGenAmpLstm8x4(),
        _ => throw new ArgumentOutOfRangeException(nameof(shape), shape, null),
    };

    /// <inheritdoc/>
    public abstract void Run(ReadOnlySpan<float> samples, Span<float> outputs);

    /// <inheritdoc/>
    public abstract void Reset();

    /// <inheritdoc/>
    public abstract float[] State();

    /// <inheritdoc/>
    public void Dispose() => GC.SuppressFinalize(this);
}

/// <summary>
/// RnnGen: the generated <c>Step</c> on each sample, a direct call on the concrete model and state type. No runtime
/// interface has <c>Step</c> for a linear-head dense model, so each model has its own small subclass for the loop.
/// </summary>
public abstract class RnnGenAmp<TModel, TState> : RnnGenAmp
    where TModel : class, IRnnModel<TState, float, float>, new()
    where TState : struct, IRnnState
{
    /// <summary>The generated model.</summary>
    protected readonly TModel _model = new();

    /// <summary>The state, carried from call to call.</summary>
    protected TState _state;

    /// <summary>Loads the model's weights from its file.</summary>
    protected RnnGenAmp() => ModelFiles.LoadWeights(typeof(TModel).Name, _model);

    /// <inheritdoc/>
    public override IRnnModel Model => _model;

    /// <inheritdoc/>
    public override void Reset() => _state.Reset();

    /// <inheritdoc/>
    public override float[] State()
    {
        var values = new float[_state.Length];
        _state.CopyTo(values);
        return values;
    }
}

/// <summary>RnnGen: <see cref="AmpLstm40"/>.</summary>
public sealed class RnnGenAmpLstm40 : RnnGenAmp<AmpLstm40, AmpLstm40.State>
{
    /// <inheritdoc/>
    public override void Run(ReadOnlySpan<float> samples, Span<float> outputs)
    {
        for (int t = 0; t < samples.Length; t++)
            _model.Step(samples.Slice(t, 1), ref _state, outputs.Slice(t, 1));
    }
}

/// <summary>RnnGen: <see cref="AmpLstm12"/>.</summary>
public sealed class RnnGenAmpLstm12 : RnnGenAmp<AmpLstm12, AmpLstm12.State>
{
    /// <inheritdoc/>
    public override void Run(ReadOnlySpan<float> samples, Span<float> outputs)
    {
        for (int t = 0; t < samples.Length; t++)
            _model.Step(samples.Slice(t, 1), ref _state, outputs.Slice(t, 1));
    }
}

/// <summary>RnnGen: <see cref="AmpGru64"/>.</summary>
public sealed class RnnGenAmpGru64 : RnnGenAmp<AmpGru64, AmpGru64.State>
{
    /// <inheritdoc/>
    public override void Run(ReadOnlySpan<float> samples, Span<float> outputs)
    {
        for (int t = 0; t < samples.Length; t++)
            _model.Step(samples.Slice(t, 1), ref _state, outputs.Slice(t, 1));
    }
}

/// <summary>RnnGen: <see cref="AmpDenseLstm8"/>.</summary>
public sealed class RnnGenAmpDenseLstm8 : RnnGenAmp<AmpDenseLstm8, AmpDenseLstm8.State>
{
    /// <inheritdoc/>
    public override void Run(ReadOnlySpan<float> samples, Span<float> outputs)
    {
        for (int t = 0; t < samples.Length; t++)
            _model.Step(samples.Slice(t, 1), ref _state, outputs.Slice(t, 1));
    }
}

/// <summary>RnnGen: <see cref="AmpLstm8x4"/>.</summary>
public sealed class RnnGenAmpLstm8x4 : RnnGenAmp<AmpLstm8x4, AmpLstm8x4.State>
{
    /// <inheritdoc/>
    public override void Run(ReadOnlySpan<float> samples, Span<float> outputs)
    {
        for (int t = 0; t < samples.Length; t++)
            _model.Step(samples.Slice(t, 1), ref _state, outputs.Slice(t, 1));
    }
}

/// <summary>
/// The recurrent part of an amp model as its peers build it: every recurrent layer of the stack has the same cell and
/// width (true of the five shapes), <see cref="IRnnModel.Layers"/> of them in all.
/// </summary>
internal readonly record struct AmpRecurrence(CellKind Cell, int Layers, int Hidden)
{
    public bool Lstm => Cell == CellKind.Lstm;

    public static AmpRecurrence Of(IRnnModel model)
    {
        LayerInfo[] recurrent = model.Architecture.Where(layer => layer.Kind == LayerKind.Recurrent).ToArray();
        if (recurrent.Length != 1 || recurrent[0].Bidirectional || recurrent[0].Cell is not (CellKind.Lstm or CellKind.Gru))
            throw new InvalidOperationException($"The peers run amp models with one unidirectional [Recurrent] LSTM or GRU layer; this one is {string.Join(" ", model.Architecture)}.");
        return new AmpRecurrence(recurrent[0].Cell, recurrent[0].Layers, recurrent[0].HiddenSize);
    }
}

/// <summary>
/// ONNX Runtime: the amp model's graph (make_onnx_models.py), one sample per <c>RunWithBinding</c> on preallocated
/// OrtValues. Each recurrent layer's state ping-pongs between two buffers (two bindings), so feeding h (and c) back
/// costs no copy; the sample is written into the bound input buffer and the output read from the bound output buffer.
/// </summary>
public sealed class OrtAmp : IAmpRunner
{
    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions = new();
    private readonly OrtIoBinding[] _bindings = new OrtIoBinding[2];
    private readonly List<OrtValue> _values = [];
    private readonly float[] _input = new float[1];
    private readonly float[] _output = new float[1];
    private readonly float[][][] _h; // [layer][buffer set]
    private readonly float[][][] _c; // [layer][buffer set]; empty for a GRU
    private int _current; // which buffer set holds the current state

    /// <summary>Opens <paramref name="name"/>.onnx with one thread and binds every input and output.</summary>
    public OrtAmp(string name, IRnnModel model)
    {
        AmpRecurrence recurrence = AmpRecurrence.Of(model);
        _session = new InferenceSession(ModelFiles.Onnx(name), Ort.Options());
        long[] state = [1, 1, recurrence.Hidden];
        _h = NewBuffers(recurrence.Layers, recurrence.Hidden);
        _c = recurrence.Lstm ? NewBuffers(recurrence.Layers, recurrence.Hidden) : [];
        OrtValue x = Value(_input, [1, 1, 1]);
        OrtValue y = Value(_output, [1, 1, 1]);
        OrtValue[][] h = _h.Select(pair => pair.Select(buffer => Value(buffer, state)).ToArray()).ToArray();
        OrtValue[][] c = _c.Select(pair => pair.Select(buffer => Value(buffer, state)).ToArray()).ToArray();
        for (int k = 0; k < 2; k++)
        {
            OrtIoBinding binding = _session.CreateIoBinding();
            binding.BindInput("x", x);
            binding.BindOutput("y", y);
            for (int layer = 0; layer < recurrence.Layers; layer++)
            {
                binding.BindInput($"h0_{layer}", h[layer][k]);
                binding.BindOutput($"h_{layer}", h[layer][1 - k]);
                if (recurrence.Lstm)
                {
                    binding.BindInput($"c0_{layer}", c[layer][k]);
                    binding.BindOutput($"c_{layer}", c[layer][1 - k]);
                }
            }
            _bindings[k] = binding;
        }
    }

    /// <inheritdoc/>
    public void Run(ReadOnlySpan<float> samples, Span<float> outputs)
    {
        for (int t = 0; t < samples.Length; t++)
        {
            _input[0] = samples[t];
            _session.RunWithBinding(_runOptions, _bindings[_current]);
            _current ^= 1;
            outputs[t] = _output[0];
        }
    }

    /// <inheritdoc/>
    public void Reset()
    {
        _current = 0;
        foreach (float[] buffer in _h.Concat(_c).SelectMany(pair => pair))
            Array.Clear(buffer);
    }

    /// <inheritdoc/>
    public float[] State() => [.. _h.SelectMany(pair => pair[_current]), .. _c.SelectMany(pair => pair[_current])];

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (OrtIoBinding binding in _bindings)
            binding?.Dispose();
        foreach (OrtValue value in _values)
            value.Dispose();
        _runOptions.Dispose();
        _session.Dispose();
    }

    private static float[][][] NewBuffers(int layers, int hidden) =>
        Enumerable.Range(0, layers).Select(_ => new[] { new float[hidden], new float[hidden] }).ToArray();

    private OrtValue Value(float[] buffer, long[] shape)
    {
        OrtValue value = OrtValue.CreateTensorValueFromMemory(buffer, shape);
        _values.Add(value);
        return value;
    }
}

/// <summary>
/// TorchSharp (LibTorch): the amp model as PyTorch code would write it — an optional <c>nn.Linear</c> + tanh, then
/// <c>nn.LSTM</c>/<c>nn.GRU</c>(num_layers), then <c>nn.Linear</c> on its output — one sample per forward call,
/// one thread, in inference mode. The [1, 1, 1] input tensor is allocated once and each sample written into its
/// memory; each step's returned state tensors replace (and dispose) the previous ones; the output is read from the
/// head's result tensor's memory.
/// </summary>
public sealed class TorchAmp : IAmpRunner
{
    private readonly Linear? _dense;
    private readonly LSTM? _lstm;
    private readonly GRU? _gru;
    private readonly Linear _head;
    private readonly Tensor _x;
    private readonly AmpRecurrence _recurrence;
    private Tensor _h;
    private Tensor? _c;

    /// <summary>Builds the modules of <paramref name="weights"/>' layers and copies its parameters into them.</summary>
    public TorchAmp(IRnnModel weights)
    {
        TorchSetup.OneThread();
        _recurrence = AmpRecurrence.Of(weights);
        IReadOnlyList<LayerInfo> layers = weights.Architecture;
        int index = 0;
        if (layers[index] is { Kind: LayerKind.Dense } first)
        {
            if (first.Activation != Activation.Tanh || !first.Bias)
                throw new InvalidOperationException($"TorchAmp builds a leading dense layer with tanh and bias only; this one is {first}.");
            _dense = nn.Linear(first.InputSize, first.OutputSize);
            TorchSetup.CopyParameters(_dense, weights, first.Name + ".");
            _dense.eval();
            index++;
        }
        LayerInfo recurrent = layers[index++];
        nn.Module module = _recurrence.Lstm
            ? _lstm = nn.LSTM(recurrent.InputSize, recurrent.HiddenSize, numLayers: recurrent.Layers)
            : _gru = nn.GRU(recurrent.InputSize, recurrent.HiddenSize, numLayers: recurrent.Layers);
        TorchSetup.CopyParameters(module, weights, recurrent.Name + ".");
        module.eval();
        LayerInfo head = layers[index++];
        if (head.Kind != LayerKind.Dense || head.Activation != Activation.None || !head.Bias || index != layers.Count)
            throw new InvalidOperationException($"TorchAmp builds [Dense(…, Tanh)] Recurrent Dense; this model is {string.Join(" ", layers)}.");
        _head = nn.Linear(head.InputSize, head.OutputSize);
        TorchSetup.CopyParameters(_head, weights, head.Name + ".");
        _head.eval();
        _x = zeros(1, 1, 1);
        _h = zeros(_recurrence.Layers, 1, _recurrence.Hidden);
        _c = _recurrence.Lstm ? zeros(_recurrence.Layers, 1, _recurrence.Hidden) : null;
    }

    /// <inheritdoc/>
    public void Run(ReadOnlySpan<float> samples, Span<float> outputs)
    {
        using (inference_mode())
        {
            for (int t = 0; t < samples.Length; t++)
            {
                MemoryMarshal.Cast<byte, float>(_x.bytes)[0] = samples[t];
                Tensor? dense = null;
                if (_dense is not null)
                {
                    dense = _dense.forward(_x);
                    dense.tanh_();
                }
                Tensor input = dense ?? _x;
                Tensor y, h;
                if (_lstm is not null)
                {
                    (y, h, Tensor c) = _lstm.forward(input, (_h, _c!));
                    _c!.Dispose();
                    _c = c;
                }
                else
                {
                    (y, h) = _gru!.forward(input, _h);
                }
                dense?.Dispose();
                _h.Dispose();
                _h = h;
                using Tensor output = _head.forward(y);
                y.Dispose();
                outputs[t] = MemoryMarshal.Cast<byte, float>(output.bytes)[0];
            }
        }
    }

    /// <inheritdoc/>
    public void Reset()
    {
        _h.Dispose();
        _h = zeros(_recurrence.Layers, 1, _recurrence.Hidden);
        if (_c is not null)
        {
            _c.Dispose();
            _c = zeros(_recurrence.Layers, 1, _recurrence.Hidden);
        }
    }

    /// <inheritdoc/>
    public float[] State() => _c is null ? _h.data<float>().ToArray() : [.. _h.data<float>().ToArray(), .. _c.data<float>().ToArray()];

    /// <inheritdoc/>
    public void Dispose()
    {
        _x.Dispose();
        _h.Dispose();
        _c?.Dispose();
        _dense?.Dispose();
        _lstm?.Dispose();
        _gru?.Dispose();
        _head.Dispose();
    }
}
