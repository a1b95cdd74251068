using System;

namespace RnnGen.Benchmarks.Baselines;

/// <summary>
/// What a person writes to run and train one recurrent layer with a softmax head over a window, the classic
/// min-char-rnn way, sizes known only at run time. Forward keeps every step's hidden state (and whatever the cell
/// needs for its backward step); training takes the mean softmax cross-entropy over the steps, backpropagates it
/// from the last step to the first, adding each step's weight gradients at once as rank-1 updates (dW += δ ⊗ x),
/// then takes one Adam step over every tensor. Every matrix–vector product is a loop over the rows: one dot product
/// per row for W·x, one axpy per row for Wᵀ·δ and for δ ⊗ x. A dense input is a product with W_ih; a token input is
/// a column gather of W_ih (and its gradient a column scatter). Weights are PyTorch's, in its layout and gate order.
/// </summary>
/// <remarks>
/// A cell (<see cref="RnnSequence{TArithmetic}"/>, <see cref="LstmSequence{TArithmetic}"/>,
/// <see cref="GruSequence{TArithmetic}"/>) adds its elementwise step, forward and backward, written as plain loops.
/// The dot products, axpys, activations and Adam come from <typeparamref name="TArithmetic"/>: plain loops and
/// <see cref="MathF"/> (<see cref="ScalarArithmetic"/>) or <see cref="System.Runtime.Intrinsics.Vector256{T}"/>
/// (<see cref="VectorArithmetic"/>). The loss, its gradient and the token gather are scalar in both.
/// </remarks>
/// <typeparam name="TArithmetic">The flavour of the arithmetic.</typeparam>
public abstract class SequenceBaseline<TArithmetic> : ISequenceBaseline<float>, ISequenceBaseline<int>
    where TArithmetic : struct, IBaselineArithmetic
{
    private readonly InputKind _input;
    private readonly int _inputSize;
    private readonly int _outputSize;
    private readonly AdamOptimizer _adamSettings;
    private readonly BaselineTensor _inputWeights;     // [G·H, I]
    private readonly BaselineTensor _recurrentWeights; // [G·H, H]
    private readonly BaselineTensor _inputBias;        // [G·H]
    private readonly BaselineTensor _recurrentBias;    // [G·H]
    private readonly BaselineTensor _headWeights;      // [O, H]
    private readonly BaselineTensor _headBias;         // [O]
    private readonly BaselineTensor[] _tensors;
    private readonly float[] _hidden;         // h_0 = 0, then h after every step: [(SequenceLength + 1) × H]
    private readonly float[] _outputs;        // training: every step's logits, then dL/dlogits: [SequenceLength × O]
    private readonly float[] _inputGates;     // b_ih + W_ih·x of the current step
    private readonly float[] _recurrentGates; // b_hh + W_hh·h of the current step
    private readonly float[] _inputDelta;     // dL/d(b_ih + W_ih·x) of the current step
    private readonly float[] _recurrentDelta; // dL/d(b_hh + W_hh·h) of the current step
    private float[] _hiddenDelta;             // dL/dh of the current step
    private float[] _previousHiddenDelta;     // dL/dh of the step before
    private long _adamSteps;

    /// <summary>
    /// Copies the parameters of <paramref name="model"/> (one unidirectional layer of <paramref name="cell"/> with a
    /// softmax head at every step) and takes Adam's hyper-parameters from <paramref name="adam"/>.
    /// </summary>
    protected SequenceBaseline(IRnnModel model, CellKind cell, int gates, AdamOptimizer adam)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(adam);
        if (model.Cell != cell || model.Layers != 1 || model.Bidirectional || model.Head != HeadKind.Softmax || model.Output != OutputKind.EveryStep)
        {
            throw new ArgumentException(
                $"The baseline is one unidirectional {cell} layer with a softmax head at every step; the model has {model.Layers} {model.Cell} layer(s) "
                + $"(bidirectional {model.Bidirectional}) and a {model.Head} head at {model.Output}.", nameof(model));
        }

        _input = model.Input;
        _inputSize = model.InputSize;
        HiddenSize = model.HiddenSize;
        _outputSize = model.OutputSize;
        SequenceLength = model.SequenceLength;
        _adamSettings = adam;
        _inputWeights = new BaselineTensor("weight_ih_l0", model.Parameter("weight_ih_l0"));
        _recurrentWeights = new BaselineTensor("weight_hh_l0", model.Parameter("weight_hh_l0"));
        _inputBias = new BaselineTensor("bias_ih_l0", model.Parameter("bias_ih_l0"));
        _recurrentBias = new BaselineTensor("bias_hh_l0", model.Parameter("bias_hh_l0"));
        _headWeights = new BaselineTensor("head.weight", model.Parameter("head.weight"));
        _headBias = new BaselineTensor("head.bias", model.Parameter("head.bias"));
        _tensors = [_inputWeights, _recurrentWeights, _inputBias, _recurrentBias, _headWeights, _headBias];

        int gateRows = gates * HiddenSize;
        _hidden = new float[(SequenceLength + 1) * HiddenSize];
        _outputs = new float[SequenceLength * _outputSize];
        _inputGates = new float[gateRows];
        _recurrentGates = new float[gateRows];
        _inputDelta = new float[gateRows];
        _recurrentDelta = new float[gateRows];
        _hiddenDelta = new float[HiddenSize];
        _previousHiddenDelta = new float[HiddenSize];
    }

    /// <summary>Width of the hidden state.</summary>
    protected int HiddenSize { get; }

    /// <summary>The longest window (the model's).</summary>
    protected int SequenceLength { get; }

    /// <inheritdoc />
    public void Forward(ReadOnlySpan<float> inputs, Span<float> logits) => Forward(DenseWindow(inputs), logits);

    /// <inheritdoc />
    public void Forward(ReadOnlySpan<int> inputs, Span<float> logits) => Forward(TokenWindow(inputs), logits);

    /// <inheritdoc />
    public float Train(ReadOnlySpan<float> inputs, ReadOnlySpan<int> targets) => Train(DenseWindow(inputs), targets);

    /// <inheritdoc />
    public float Train(ReadOnlySpan<int> inputs, ReadOnlySpan<int> targets) => Train(TokenWindow(inputs), targets);

    /// <inheritdoc />
    public BaselineTensor Tensor(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        foreach (BaselineTensor tensor in _tensors)
        {
            if (tensor.Name == name)
                return tensor;
        }
        throw new ArgumentException($"No tensor is named '{name}'.", nameof(name));
    }

    /// <summary>
    /// Step <paramref name="t"/> of the forward pass: from the input side (b_ih + W_ih·x), the recurrent side
    /// (b_hh + W_hh·h) and h_{t−1}, writes h_t and keeps what <see cref="BackwardCell"/> needs.
    /// </summary>
    protected abstract void ForwardCell(int t, ReadOnlySpan<float> inputGates, ReadOnlySpan<float> recurrentGates, ReadOnlySpan<float> previous, Span<float> hidden);

    /// <summary>
    /// Step <paramref name="t"/> of the backward pass: from dL/dh_t, writes dL/d(input side), dL/d(recurrent side)
    /// and the part of dL/dh_{t−1} that does not flow through W_hh.
    /// </summary>
    protected abstract void BackwardCell(int t, ReadOnlySpan<float> previous, ReadOnlySpan<float> hidden, ReadOnlySpan<float> hiddenDelta,
        Span<float> inputDelta, Span<float> recurrentDelta, Span<float> previousHiddenDelta);

    /// <summary>Called before the backward pass's last step, for a cell that carries a gradient of its own between steps.</summary>
    protected virtual void BeginBackward()
    {
    }

    private void Forward(Window window, Span<float> logits)
    {
        if (logits.Length < window.Steps * _outputSize)
            throw new ArgumentException($"The logits hold {logits.Length} floats; {window.Steps} steps write {window.Steps * _outputSize}.", nameof(logits));

        int h = HiddenSize;
        for (int t = 0; t < window.Steps; t++)
        {
            _inputBias.Values.CopyTo(_inputGates);
            AddInputProjection(window, t);
            ReadOnlySpan<float> previous = _hidden.AsSpan(t * h, h);
            _recurrentBias.Values.CopyTo(_recurrentGates);
            MultiplyAdd(_recurrentWeights.Values, previous, _recurrentGates);
            Span<float> hidden = _hidden.AsSpan((t + 1) * h, h);
            ForwardCell(t, _inputGates, _recurrentGates, previous, hidden);

            Span<float> output = logits.Slice(t * _outputSize, _outputSize);
            _headBias.Values.CopyTo(output);
            MultiplyAdd(_headWeights.Values, hidden, output);
        }
    }

    private float Train(Window window, ReadOnlySpan<int> targets)
    {
        if (targets.Length != window.Steps)
            throw new ArgumentException($"{targets.Length} targets for {window.Steps} steps; one class per step.", nameof(targets));
        foreach (int target in targets)
        {
            if ((uint)target >= (uint)_outputSize)
                throw new ArgumentOutOfRangeException(nameof(targets), target, $"A target is a class in [0, {_outputSize}).");
        }

        foreach (BaselineTensor tensor in _tensors)
            tensor.Gradient.Clear();
        Forward(window, _outputs);
        float loss = SoftmaxCrossEntropy(targets);
        Backward(window);
        AdamStep step = AdamStep.Create(_adamSettings, ++_adamSteps);
        foreach (BaselineTensor tensor in _tensors)
            TArithmetic.Adam(tensor.Values, tensor.Gradient, tensor.FirstMoment, tensor.SecondMoment, step);
        return loss;
    }

    /// <summary>
    /// The mean over the steps of −log softmax(logits)[target]; leaves dL/dlogits = (softmax − onehot(target)) / T
    /// in place of each step's logits.
    /// </summary>
    private float SoftmaxCrossEntropy(ReadOnlySpan<int> targets)
    {
        float scale = 1f / targets.Length;
        float loss = 0f;
        for (int t = 0; t < targets.Length; t++)
        {
            Span<float> logits = _outputs.AsSpan(t * _outputSize, _outputSize);
            float max = logits[0];
            for (int k = 1; k < logits.Length; k++)
                max = MathF.Max(max, logits[k]);
            float targetLogit = logits[targets[t]] - max;
            float sum = 0f;
            for (int k = 0; k < logits.Length; k++)
            {
                logits[k] = MathF.Exp(logits[k] - max);
                sum += logits[k];
            }
            loss += MathF.Log(sum) - targetLogit;
            for (int k = 0; k < logits.Length; k++)
                logits[k] *= scale / sum;
            logits[targets[t]] -= scale;
        }
        return loss * scale;
    }

    /// <summary>Backpropagation through time over the window, from its last step to its first; nothing flows in from beyond its end.</summary>
    private void Backward(Window window)
    {
        int h = HiddenSize;
        Array.Clear(_hiddenDelta);
        BeginBackward();
        for (int t = window.Steps - 1; t >= 0; t--)
        {
            ReadOnlySpan<float> previous = _hidden.AsSpan(t * h, h);
            ReadOnlySpan<float> hidden = _hidden.AsSpan((t + 1) * h, h);

            ReadOnlySpan<float> outputDelta = _outputs.AsSpan(t * _outputSize, _outputSize);
            Add(outputDelta, _headBias.Gradient);
            AddOuterProduct(outputDelta, hidden, _headWeights.Gradient);
            MultiplyTransposedAdd(_headWeights.Values, outputDelta, _hiddenDelta);

            BackwardCell(t, previous, hidden, _hiddenDelta, _inputDelta, _recurrentDelta, _previousHiddenDelta);
            Add(_inputDelta, _inputBias.Gradient);
            AddInputWeightGradient(window, t);
            Add(_recurrentDelta, _recurrentBias.Gradient);
            AddOuterProduct(_recurrentDelta, previous, _recurrentWeights.Gradient);
            if (t > 0)
                MultiplyTransposedAdd(_recurrentWeights.Values, _recurrentDelta, _previousHiddenDelta);
            (_hiddenDelta, _previousHiddenDelta) = (_previousHiddenDelta, _hiddenDelta);
        }
    }

    /// <summary>Input side += W_ih·x_t: a product for a dense input, the token's column for a token.</summary>
    private void AddInputProjection(Window window, int t)
    {
        ReadOnlySpan<float> weights = _inputWeights.Values;
        if (_input == InputKind.Token)
        {
            int token = window.Tokens[t];
            for (int r = 0; r < _inputGates.Length; r++)
                _inputGates[r] += weights[r * _inputSize + token];
        }
        else
        {
            MultiplyAdd(weights, window.Features.Slice(t * _inputSize, _inputSize), _inputGates);
        }
    }

    /// <summary>dW_ih += δ ⊗ x_t: a rank-1 update for a dense input, the token's column for a token.</summary>
    private void AddInputWeightGradient(Window window, int t)
    {
        Span<float> gradient = _inputWeights.Gradient;
        if (_input == InputKind.Token)
        {
            int token = window.Tokens[t];
            for (int r = 0; r < _inputDelta.Length; r++)
                gradient[r * _inputSize + token] += _inputDelta[r];
        }
        else
        {
            AddOuterProduct(_inputDelta, window.Features.Slice(t * _inputSize, _inputSize), gradient);
        }
    }

    /// <summary>y += W·x, one dot product per row of W (y.Length rows of x.Length).</summary>
    private static void MultiplyAdd(ReadOnlySpan<float> weights, ReadOnlySpan<float> x, Span<float> y)
    {
        for (int r = 0; r < y.Length; r++)
            y[r] += TArithmetic.Dot(weights.Slice(r * x.Length, x.Length), x);
    }

    /// <summary>y += Wᵀ·δ, one axpy per row of W (δ.Length rows of y.Length).</summary>
    private static void MultiplyTransposedAdd(ReadOnlySpan<float> weights, ReadOnlySpan<float> delta, Span<float> y)
    {
        for (int r = 0; r < delta.Length; r++)
            TArithmetic.AddScaled(delta[r], weights.Slice(r * y.Length, y.Length), y);
    }

    /// <summary>dW += δ ⊗ x, one axpy per row of dW (δ.Length rows of x.Length).</summary>
    private static void AddOuterProduct(ReadOnlySpan<float> delta, ReadOnlySpan<float> x, Span<float> weightGradient)
    {
        for (int r = 0; r < delta.Length; r++)
            TArithmetic.AddScaled(delta[r], x, weightGradient.Slice(r * x.Length, x.Length));
    }

    /// <summary>y += x.</summary>
    private static void Add(ReadOnlySpan<float> x, Span<float> y) => TArithmetic.AddScaled(1f, x, y);

    private Window DenseWindow(ReadOnlySpan<float> inputs)
    {
        RequireInput(InputKind.Dense);
        if (inputs.Length % _inputSize != 0)
            throw new ArgumentException($"{inputs.Length} input floats are not whole steps of {_inputSize}.", nameof(inputs));
        return CheckedWindow(new Window(inputs, inputs.Length / _inputSize));
    }

    private Window TokenWindow(ReadOnlySpan<int> inputs)
    {
        RequireInput(InputKind.Token);
        foreach (int token in inputs)
        {
            if ((uint)token >= (uint)_inputSize)
                throw new ArgumentOutOfRangeException(nameof(inputs), token, $"A token is in [0, {_inputSize}).");
        }
        return CheckedWindow(new Window(inputs));
    }

    private void RequireInput(InputKind input)
    {
        if (_input != input)
            throw new InvalidOperationException($"The model's input is {_input}, not {input}.");
    }

    private Window CheckedWindow(Window window)
    {
        if (window.Steps < 1 || window.Steps > SequenceLength)
            throw new ArgumentException($"A window has 1 to {SequenceLength} steps, not {window.Steps}.", "inputs");
        return window;
    }

    /// <summary>The inputs of one window: T × InputSize features (dense) or T token ids.</summary>
    private readonly ref struct Window
    {
        public Window(ReadOnlySpan<float> features, int steps)
        {
            Features = features;
            Steps = steps;
        }

        public Window(ReadOnlySpan<int> tokens)
        {
            Tokens = tokens;
            Steps = tokens.Length;
        }

        public ReadOnlySpan<float> Features { get; }

        public ReadOnlySpan<int> Tokens { get; }

        public int Steps { get; }
    }
}
