using System;
using System.Runtime.Intrinsics;

namespace RnnGen.Benchmarks.Baselines;

/// <summary>
/// What a person would write with <see cref="Vector256{T}"/> and no further tuning: the same step as
/// <see cref="ScalarRnn"/>, each output a dot product of one weight row with the input, eight lanes at a time,
/// one accumulator per row (no register blocking), sizes known only at run time. tanh is computed eight lanes at a
/// time as 1 − 2/(e^{2x} + 1) with <see cref="Vector256.Exp(Vector256{float})"/>.
/// </summary>
public sealed class VectorRnn : IStepBaseline
{
    private readonly int _inputSize;
    private readonly int _hiddenSize;
    private readonly int _outputSize;
    private readonly float[] _inputWeights;     // [H, I]
    private readonly float[] _recurrentWeights; // [H, H]
    private readonly float[] _bias;             // [H], b_ih + b_hh
    private readonly float[] _headWeights;      // [O, H]
    private readonly float[] _headBias;         // [O]
    private float[] _hidden;
    private float[] _next;

    /// <summary>Copies the weights of <paramref name="model"/> (a one-layer vanilla RNN with a linear head).</summary>
    public VectorRnn(IRnnModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        _inputSize = model.InputSize;
        _hiddenSize = model.HiddenSize;
        _outputSize = model.OutputSize;
        _inputWeights = model.Parameter("weight_ih_l0").ToArray();
        _recurrentWeights = model.Parameter("weight_hh_l0").ToArray();
        _bias = model.Parameter("bias_ih_l0").ToArray();
        ReadOnlySpan<float> recurrentBias = model.Parameter("bias_hh_l0");
        for (int j = 0; j < _hiddenSize; j++)
            _bias[j] += recurrentBias[j];
        _headWeights = model.Parameter("head.weight").ToArray();
        _headBias = model.Parameter("head.bias").ToArray();
        _hidden = new float[_hiddenSize];
        _next = new float[_hiddenSize];
    }

    /// <summary>The current hidden state.</summary>
    public float[] Hidden => _hidden;

    /// <inheritdoc />
    public void Reset() => Array.Clear(_hidden);

    /// <inheritdoc />
    public void Step(float[] input, float[] logits)
    {
        for (int j = 0; j < _hiddenSize; j++)
        {
            _next[j] = _bias[j]
                + VectorOps.Dot(_inputWeights.AsSpan(j * _inputSize, _inputSize), input)
                + VectorOps.Dot(_recurrentWeights.AsSpan(j * _hiddenSize, _hiddenSize), _hidden);
        }
        VectorOps.Tanh(_next);
        (_hidden, _next) = (_next, _hidden);

        for (int o = 0; o < _outputSize; o++)
            logits[o] = _headBias[o] + VectorOps.Dot(_headWeights.AsSpan(o * _hiddenSize, _hiddenSize), _hidden);
    }
}
