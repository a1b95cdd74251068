using System;

namespace RnnGen.Benchmarks.Baselines;

/// <summary>
/// What a person would write without SIMD: one step of PyTorch's GRU with a linear head, sizes known only at run
/// time, plain <c>float[]</c> and loops. Gate rows r, z, n as PyTorch lays them out, the recurrent part one fused
/// [3H] product ("reset after"): r = σ(W_ir x + b_ir + W_hr h + b_hr), z = σ(W_iz x + b_iz + W_hz h + b_hz),
/// n = tanh(W_in x + b_in + r·(W_hn h + b_hn)), h' = (1 − z)·n + z·h; logits = W_o·h' + b_o.
/// sigmoid and tanh come from <see cref="MathF"/>.
/// </summary>
public sealed class ScalarGru : IStepBaseline
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
    public ScalarGru(IRnnModel model)
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
            float x = _inputBias[r];
            for (int i = 0; i < _inputSize; i++)
                x += _inputWeights[r * _inputSize + i] * input[i];
            _inputGates[r] = x;

            float recurrent = _recurrentBias[r];
            for (int k = 0; k < h; k++)
                recurrent += _recurrentWeights[r * h + k] * _hidden[k];
            _recurrentGates[r] = recurrent;
        }

        for (int j = 0; j < h; j++)
        {
            float reset = Sigmoid(_inputGates[j] + _recurrentGates[j]);
            float update = Sigmoid(_inputGates[h + j] + _recurrentGates[h + j]);
            float candidate = MathF.Tanh(_inputGates[2 * h + j] + reset * _recurrentGates[2 * h + j]);
            _hidden[j] = (1f - update) * candidate + update * _hidden[j];
        }

        for (int o = 0; o < _outputSize; o++)
        {
            float sum = _headBias[o];
            for (int j = 0; j < h; j++)
                sum += _headWeights[o * h + j] * _hidden[j];
            logits[o] = sum;
        }
    }

    private static float Sigmoid(float x) => 1f / (1f + MathF.Exp(-x));
}
