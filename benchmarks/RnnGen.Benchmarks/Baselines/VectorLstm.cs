using System;
using System.Runtime.Intrinsics;

namespace RnnGen.Benchmarks.Baselines;

/// <summary>
/// What a person would write with <see cref="Vector256{T}"/> and no further tuning: the same LSTM step as
/// <see cref="ScalarLstm"/> (fused [4H] gate rows i, f, g, o), each gate pre-activation one dot product of a weight
/// row with the input and one with h, eight lanes at a time with one accumulator per row (no register blocking);
/// the gate activations and the cell update eight lanes at a time, sigmoid and tanh from
/// <see cref="Vector256.Exp(Vector256{float})"/>. Sizes are known only at run time. A token input (one-hot) is a
/// column gather of W_ih instead of the dot product.
/// </summary>
public sealed class VectorLstm : IStepBaseline, ITokenStepBaseline
{
    private readonly int _inputSize;
    private readonly int _hiddenSize;
    private readonly int _outputSize;
    private readonly float[] _inputWeights;     // [4H, I]
    private readonly float[] _recurrentWeights; // [4H, H]
    private readonly float[] _bias;             // [4H], b_ih + b_hh
    private readonly float[] _headWeights;      // [O, H]
    private readonly float[] _headBias;         // [O]
    private readonly float[] _hidden;
    private readonly float[] _cell;
    private readonly float[] _gates;

    /// <summary>Copies the weights of <paramref name="model"/> (a one-layer LSTM with a linear head).</summary>
    public VectorLstm(IRnnModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        _inputSize = model.InputSize;
        _hiddenSize = model.HiddenSize;
        _outputSize = model.OutputSize;
        _inputWeights = model.Parameter("weight_ih_l0").ToArray();
        _recurrentWeights = model.Parameter("weight_hh_l0").ToArray();
        _bias = model.Parameter("bias_ih_l0").ToArray();
        ReadOnlySpan<float> recurrentBias = model.Parameter("bias_hh_l0");
        for (int r = 0; r < _bias.Length; r++)
            _bias[r] += recurrentBias[r];
        _headWeights = model.Parameter("head.weight").ToArray();
        _headBias = model.Parameter("head.bias").ToArray();
        _hidden = new float[_hiddenSize];
        _cell = new float[_hiddenSize];
        _gates = new float[4 * _hiddenSize];
    }

    /// <inheritdoc />
    public void Reset()
    {
        Array.Clear(_hidden);
        Array.Clear(_cell);
    }

    /// <inheritdoc />
    public void Step(float[] input, float[] logits)
    {
        int h = _hiddenSize;
        for (int r = 0; r < 4 * h; r++)
        {
            _gates[r] = _bias[r]
                + VectorOps.Dot(_inputWeights.AsSpan(r * _inputSize, _inputSize), input)
                + VectorOps.Dot(_recurrentWeights.AsSpan(r * h, h), _hidden);
        }
        CellAndHead(logits);
    }

    /// <inheritdoc />
    public void Step(int token, float[] logits)
    {
        int h = _hiddenSize;
        for (int r = 0; r < 4 * h; r++)
            _gates[r] = _bias[r] + _inputWeights[r * _inputSize + token] + VectorOps.Dot(_recurrentWeights.AsSpan(r * h, h), _hidden);
        CellAndHead(logits);
    }

    /// <summary>From the gate pre-activations: the cell update, h, and the head's logits.</summary>
    private void CellAndHead(float[] logits)
    {
        int h = _hiddenSize;
        int j = 0;
        for (; j <= h - Vector256<float>.Count; j += Vector256<float>.Count)
        {
            Vector256<float> inputGate = VectorOps.Sigmoid(VectorOps.Load(_gates, j));
            Vector256<float> forgetGate = VectorOps.Sigmoid(VectorOps.Load(_gates, h + j));
            Vector256<float> candidate = VectorOps.Tanh(VectorOps.Load(_gates, 2 * h + j));
            Vector256<float> outputGate = VectorOps.Sigmoid(VectorOps.Load(_gates, 3 * h + j));
            Vector256<float> cell = Vector256.FusedMultiplyAdd(forgetGate, VectorOps.Load(_cell, j), inputGate * candidate);
            cell.CopyTo(_cell.AsSpan(j));
            (outputGate * VectorOps.Tanh(cell)).CopyTo(_hidden.AsSpan(j));
        }
        for (; j < h; j++)
        {
            float cell = VectorOps.Sigmoid(_gates[h + j]) * _cell[j] + VectorOps.Sigmoid(_gates[j]) * MathF.Tanh(_gates[2 * h + j]);
            _cell[j] = cell;
            _hidden[j] = VectorOps.Sigmoid(_gates[3 * h + j]) * MathF.Tanh(cell);
        }

        for (int o = 0; o < _outputSize; o++)
            logits[o] = _headBias[o] + VectorOps.Dot(_headWeights.AsSpan(o * h, h), _hidden);
    }
}
