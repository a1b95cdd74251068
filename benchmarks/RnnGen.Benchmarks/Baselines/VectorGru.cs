using System;
using System.Runtime.Intrinsics;

namespace RnnGen.Benchmarks.Baselines;

/// <summary>
/// What a person would write with <see cref="Vector256{T}"/> and no further tuning: the same GRU step as
/// <see cref="ScalarGru"/> (gate rows r, z, n; the recurrent part one fused [3H] product), each pre-activation one
/// dot product of a weight row with x or h, eight lanes at a time with one accumulator per row (no register
/// blocking); the gate activations and the update eight lanes at a time, sigmoid and tanh from
/// <see cref="Vector256.Exp(Vector256{float})"/>. Sizes are known only at run time.
/// </summary>
public sealed class VectorGru : IStepBaseline
{
    private readonly int _inputSize;
    private readonly int _hiddenSize;
    private readonly int _outputSize;
    private readonly float[] _inputWeights;     // [3H, I]
    private readonly float[] _recurrentWeights; // [3H, H]
    private readonly float[] _inputBias;        // [3H]
    private readonly float[] _recurrentBias;    // [3H]
    private readonly float[] _headWeights;      // [O, H]
    private readonly float[] _headBias;         // [O]
    private readonly float[] _hidden;
    private readonly float[] _inputGates;       // W_ih·x + b_ih
    private readonly float[] _recurrentGates;   // W_hh·h + b_hh

    /// <summary>Copies the weights of <paramref name="model"/> (a one-layer GRU with a linear head).</summary>
    public VectorGru(IRnnModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        _inputSize = model.InputSize;
        _hiddenSize = model.HiddenSize;
        _outputSize = model.OutputSize;
        _inputWeights = model.Parameter("weight_ih_l0").ToArray();
        _recurrentWeights = model.Parameter("weight_hh_l0").ToArray();
        _inputBias = model.Parameter("bias_ih_l0").ToArray();
        _recurrentBias = model.Parameter("bias_hh_l0").ToArray();
        _headWeights = model.Parameter("head.weight").ToArray();
        _headBias = model.Parameter("head.bias").ToArray();
        _hidden = new float[_hiddenSize];
        _inputGates = new float[3 * _hiddenSize];
        _recurrentGates = new float[3 * _hiddenSize];
    }

    /// <inheritdoc />
    public void Reset() => Array.Clear(_hidden);

    /// <inheritdoc />
    public void Step(float[] input, float[] logits)
    {
        int h = _hiddenSize;
        for (int r = 0; r < 3 * h; r++)
        {
            _inputGates[r] = _inputBias[r] + VectorOps.Dot(_inputWeights.AsSpan(r * _inputSize, _inputSize), input);
            _recurrentGates[r] = _recurrentBias[r] + VectorOps.Dot(_recurrentWeights.AsSpan(r * h, h), _hidden);
        }

        int j = 0;
        for (; j <= h - Vector256<float>.Count; j += Vector256<float>.Count)
        {
            Vector256<float> reset = VectorOps.Sigmoid(VectorOps.Load(_inputGates, j) + VectorOps.Load(_recurrentGates, j));
            Vector256<float> update = VectorOps.Sigmoid(VectorOps.Load(_inputGates, h + j) + VectorOps.Load(_recurrentGates, h + j));
            Vector256<float> candidate = VectorOps.Tanh(
                Vector256.FusedMultiplyAdd(reset, VectorOps.Load(_recurrentGates, 2 * h + j), VectorOps.Load(_inputGates, 2 * h + j)));
            // h' = (1 − z)·n + z·h = n + z·(h − n)
            Vector256<float> hidden = VectorOps.Load(_hidden, j);
            Vector256.FusedMultiplyAdd(update, hidden - candidate, candidate).CopyTo(_hidden.AsSpan(j));
        }
        for (; j < h; j++)
        {
            float reset = VectorOps.Sigmoid(_inputGates[j] + _recurrentGates[j]);
            float update = VectorOps.Sigmoid(_inputGates[h + j] + _recurrentGates[h + j]);
            float candidate = MathF.Tanh(_inputGates[2 * h + j] + reset * _recurrentGates[2 * h + j]);
            _hidden[j] = (1f - update) * candidate + update * _hidden[j];
        }

        for (int o = 0; o < _outputSize; o++)
            logits[o] = _headBias[o] + VectorOps.Dot(_headWeights.AsSpan(o * h, h), _hidden);
    }
}
