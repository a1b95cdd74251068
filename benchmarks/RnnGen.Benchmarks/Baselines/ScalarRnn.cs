using System;

namespace RnnGen.Benchmarks.Baselines;

/// <summary>
/// What a person would write without SIMD: one step of a vanilla tanh RNN with a linear head, sizes known only at
/// run time, plain <c>float[]</c> and loops. h' = tanh(W_ih·x + b_ih + W_hh·h + b_hh), logits = W_o·h' + b_o.
/// Weights are in PyTorch's layout (row-major, one row per output).
/// </summary>
public sealed class ScalarRnn : IStepBaseline
{
    private readonly int _inputSize;
    private readonly int _hiddenSize;
    private readonly int _outputSize;
    private readonly float[] _inputWeights;     // [H, I]
    private readonly float[] _recurrentWeights; // [H, H]
    private readonly float[] _inputBias;        // [H]
    private readonly float[] _recurrentBias;    // [H]
    private readonly float[] _headWeights;      // [O, H]
    private readonly float[] _headBias;         // [O]
    private float[] _hidden;
    private float[] _next;

    /// <summary>Copies the weights of <paramref name="model"/> (a one-layer vanilla RNN with a linear head).</summary>
    public ScalarRnn(IRnnModel model)
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
            float sum = _inputBias[j] + _recurrentBias[j];
            for (int i = 0; i < _inputSize; i++)
                sum += _inputWeights[j * _inputSize + i] * input[i];
            for (int k = 0; k < _hiddenSize; k++)
                sum += _recurrentWeights[j * _hiddenSize + k] * _hidden[k];
            _next[j] = MathF.Tanh(sum);
        }
        (_hidden, _next) = (_next, _hidden);

        for (int o = 0; o < _outputSize; o++)
        {
            float sum = _headBias[o];
            for (int j = 0; j < _hiddenSize; j++)
                sum += _headWeights[o * _hiddenSize + j] * _hidden[j];
            logits[o] = sum;
        }
    }
}
