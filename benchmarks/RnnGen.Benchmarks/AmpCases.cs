using System;
using System.Linq;

namespace RnnGen.Benchmarks;

/// <summary>The five amp-model shapes <see cref="AmpBenchmarks"/> measures (declared in <c>AmpModels.cs</c>).</summary>
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

    /// <summary>4 × LSTM 8 (one [Recurrent] with Layers = 4) + Dense 8→1 (<see cref="AmpLstm8x4"/>).</summary>
    Lstm8x4,
}

/// <summary>
/// One amp model with its own state. As in <c>Cases.cs</c>, a benchmark reaches its model through one virtual call
/// per block of samples; inside, every sample is a direct call of the generated <c>Step</c> on the concrete class and
/// state type. (No runtime interface has <c>Step</c> for a linear-head dense model, so each model needs its own
/// subclass for that loop; <c>Forward</c> is on <see cref="IRnnModel{TState, TInput, TTarget}"/>.)
/// </summary>
internal abstract class AmpCase
{
    /// <summary>The model, for its parameters and sizes.</summary>
    public abstract IRnnModel Model { get; }

    /// <summary>Sets the state to zero.</summary>
    public abstract void ResetState();

    /// <summary>A copy of the state (every layer's h, then every LSTM layer's c).</summary>
    public abstract float[] State();

    /// <summary>Each sample through <c>Step</c> in turn, from the current state: one output per sample.</summary>
    public abstract void Step(ReadOnlySpan<float> samples, Span<float> outputs);

    /// <summary>The samples through <c>Forward</c> as one block, from the current state: one output per sample.</summary>
    public abstract void Forward(ReadOnlySpan<float> samples, Span<float> outputs);

    /// <summary>The model of <paramref name="shape"/>, parameters still zero, state zero.</summary>
    public static AmpCase Create(AmpShape shape) => shape switch
    {
        AmpShape.Lstm40 => new AmpLstm40Case(),
        AmpShape.Lstm12 => new AmpLstm12Case(),
        AmpShape.Gru64 => new AmpGru64Case(),
        AmpShape.DenseLstm8 => new AmpDenseLstm8Case(),
        AmpShape.Lstm8x4 => new AmpLstm8x4Case(),
        _ => throw new ArgumentOutOfRangeException(nameof(shape), shape, null),
    };

    /// <summary>The layers of <paramref name="shape"/>, as <see cref="LayerInfo.ToString"/> prints them.</summary>
    public static string Architecture(AmpShape shape) => shape switch
    {
        AmpShape.Lstm40 => "Lstm(1→40) Dense(40→1)",
        AmpShape.Lstm12 => "Lstm(1→12) Dense(12→1)",
        AmpShape.Gru64 => "Gru(1→64) Dense(64→1)",
        AmpShape.DenseLstm8 => "Dense(1→8, Tanh) Lstm(8→8) Dense(8→1)",
        AmpShape.Lstm8x4 => "Lstm(1→8, Layers=4) Dense(8→1)",
        _ => throw new ArgumentOutOfRangeException(nameof(shape), shape, null),
    };

    /// <summary>
    /// Throws unless the model is what <paramref name="shape"/> says — one dense input feature, the layers of
    /// <see cref="Architecture"/>, a linear head at every step — so that an edit of <c>AmpModels.cs</c> cannot
    /// silently measure another model under the same name.
    /// </summary>
    public static void CheckArchitecture(IRnnModel model, AmpShape shape)
    {
        ArgumentNullException.ThrowIfNull(model);
        string expected = Architecture(shape);
        string actual = string.Join(" ", model.Architecture.Select(layer => layer.ToString()));
        if (model.Input != InputKind.Dense || model.InputSize != 1 || model.Head != HeadKind.Linear || model.Output != OutputKind.EveryStep
            || model.InputSkip || actual != expected)
        {
            throw new InvalidOperationException(
                $"{shape}: the model is {model.Input} input {model.InputSize} → {actual}, head {model.Head} ({model.Output}, input skip {model.InputSkip}); "
                + $"the benchmark expects dense input 1 → {expected}, a linear head at every step, no input skip.");
        }
    }
}

/// <summary>What every amp case shares: the model, its state, <c>Forward</c> and the state accessors.</summary>
internal abstract class AmpCase<TModel, TState> : AmpCase
    where TModel : class, IRnnModel<TState, float, float>, new()
    where TState : struct, IRnnState
{
    /// <summary>The generated model.</summary>
    protected readonly TModel _model = new();

    /// <summary>The state, carried from call to call.</summary>
    protected TState _state;

    public override IRnnModel Model => _model;

    public override void ResetState() => _state.Reset();

    public override float[] State()
    {
        var values = new float[_state.Length];
        _state.CopyTo(values);
        return values;
    }

    public override void Forward(ReadOnlySpan<float> samples, Span<float> outputs) => _model.Forward(samples, ref _state, outputs);
}

internal sealed class AmpLstm40Case : AmpCase<AmpLstm40, AmpLstm40.State>
{
    public override void Step(ReadOnlySpan<float> samples, Span<float> outputs)
    {
        for (int t = 0; t < samples.Length; t++)
            _model.Step(samples.Slice(t, 1), ref _state, outputs.Slice(t, 1));
    }
}

internal sealed class AmpLstm12Case : AmpCase<AmpLstm12, AmpLstm12.State>
{
    public override void Step(ReadOnlySpan<float> samples, Span<float> outputs)
    {
        for (int t = 0; t < samples.Length; t++)
            _model.Step(samples.Slice(t, 1), ref _state, outputs.Slice(t, 1));
    }
}

internal sealed class AmpGru64Case : AmpCase<AmpGru64, AmpGru64.State>
{
    public override void Step(ReadOnlySpan<float> samples, Span<float> outputs)
    {
        for (int t = 0; t < samples.Length; t++)
            _model.Step(samples.Slice(t, 1), ref _state, outputs.Slice(t, 1));
    }
}

internal sealed class AmpDenseLstm8Case : AmpCase<AmpDenseLstm8, AmpDenseLstm8.State>
{
    public override void Step(ReadOnlySpan<float> samples, Span<float> outputs)
    {
        for (int t = 0; t < samples.Length; t++)
            _model.Step(samples.Slice(t, 1), ref _state, outputs.Slice(t, 1));
    }
}

internal sealed class AmpLstm8x4Case : AmpCase<AmpLstm8x4, AmpLstm8x4.State>
{
    public override void Step(ReadOnlySpan<float> samples, Span<float> outputs)
    {
        for (int t = 0; t < samples.Length; t++)
            _model.Step(samples.Slice(t, 1), ref _state, outputs.Slice(t, 1));
    }
}
