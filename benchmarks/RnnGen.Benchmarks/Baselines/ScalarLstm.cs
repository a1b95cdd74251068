using System;

namespace RnnGen.Benchmarks.Baselines;

/// <summary>
/// What a person would write without SIMD: one step of PyTorch's LSTM with a linear head, sizes known only at run
/// time, plain <c>float[]</c> and loops. The four gates are one fused [4H] pre-activation, rows i, f, g, o as PyTorch
/// lays them out: gates = W_ih·x + b_ih + W_hh·h + b_hh; i, f, o = σ(·), g = tanh(·); c' = f·c + i·g;
/// h' = o·tanh(c'); logits = W_o·h' + b_o. sigmoid and tanh come from <see cref="MathF"/>. A token input (one-hot)
/// is a column gather of W_ih instead of the product.
/// </summary>
public sealed class ScalarLstm : IStepBaseline, ITokenStepBaseline
{
    private readonly int _inputSize;
    private readonly int _hiddenSize;
    private readonly int _outputSize;
    private readonly float[] _inputWeights;     // [4H, I]
    private readonly float[] _recurrentWeights; // [4H, H]
    private readonly float[] _inputBias;        // [4H]
    private readonly float[] _recurrentBias;    // [4H]
    private readonly float[] _headWeights;      // [O, H]
    private readonly float[] _headBias;         // [O]
    private readonly float[] _hidden;
    private readonly float[] _cell;
    private readonly float[] _gates;

    /// <summary>Copies the weights of <paramref name="model"/> (a one-layer LSTM with a linear head).</summary>
    public ScalarLstm(IRnnModel model)
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
            float sum = _inputBias[r] + _recurrentBias[r];
            for (int i = 0; i < _inputSize; i++)
                sum += _inputWeights[r * _inputSize + i] * input[i];
            _gates[r] = AddRecurrent(r, sum);
        }
        CellAndHead(logits);
    }

    /// <inheritdoc />
    public void Step(int token, float[] logits)
    {
        for (int r = 0; r < 4 * _hiddenSize; r++)
            _gates[r] = AddRecurrent(r, _inputBias[r] + _recurrentBias[r] + _inputWeights[r * _inputSize + token]);
        CellAndHead(logits);
    }

    /// <summary><paramref name="sum"/> + row <paramref name="r"/> of W_hh · h.</summary>
    private float AddRecurrent(int r, float sum)
    {
        int h = _hiddenSize;
        for (int k = 0; k < h; k++)
            sum += _recurrentWeights[r * h + k] * _hidden[k];
        return sum;
    }

    /// <summary>From the gate pre-activations: the cell update, h, and the head's logits.</summary>
    private void CellAndHead(float[] logits)
    {
        int h = _hiddenSize;
        for (int j = 0; j < h; j++)
        {
            float inputGate = Sigmoid(_gates[j]);
            float forgetGate = Sigmoid(_gates[h + j]);
            float candidate = MathF.Tanh(_gates[2 * h + j]);
            float outputGate = Sigmoid(_gates[3 * h + j]);
            float cell = forgetGate * _cell[j] + inputGate * candidate;
            _cell[j] = cell;
            _hidden[j] = outputGate * MathF.Tanh(cell);
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
