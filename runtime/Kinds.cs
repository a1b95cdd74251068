namespace RnnGen;

/// <summary>The recurrent cell of a model, with PyTorch's equations.</summary>
public enum CellKind
{
    /// <summary>Vanilla RNN with tanh: h' = tanh(W_ih x + b_ih + W_hh h + b_hh) (<c>nn.RNN</c>).</summary>
    Rnn = 0,

    /// <summary>Vanilla RNN with ReLU: h' = relu(W_ih x + b_ih + W_hh h + b_hh) (<c>nn.RNN(nonlinearity='relu')</c>).</summary>
    RnnRelu = 1,

    /// <summary>Long short-term memory, gates i, f, g, o (<c>nn.LSTM</c>).</summary>
    Lstm = 2,

    /// <summary>Gated recurrent unit, gates r, z, n (<c>nn.GRU</c>).</summary>
    Gru = 3,
}

/// <summary>How a model takes its input at each step.</summary>
public enum InputKind
{
    /// <summary>A token id in [0, InputSize): a one-hot vector, computed as a column gather.</summary>
    Token = 0,

    /// <summary>A dense vector of InputSize floats.</summary>
    Dense = 1,
}

/// <summary>The output layer of a model and its loss.</summary>
public enum HeadKind
{
    /// <summary>A linear layer giving logits, trained with softmax cross-entropy against integer targets.</summary>
    Softmax = 0,

    /// <summary>A linear layer giving values, trained with mean squared error against float targets.</summary>
    Linear = 1,

    /// <summary>
    /// Values, trained with the error-to-signal ratio amp-model trainers use (CoreAudioML's <c>ESRLoss</c>):
    /// Σ(y − ŷ)² / (Σy² + 10⁻⁵·N) over the window's N values, after the optional pre-emphasis
    /// <see cref="RnnModelAttribute.PreEmphasis"/> (which leaves N − OutputSize values: the first step has no predecessor).
    /// Every-step output only.
    /// </summary>
    ErrorToSignalRatio = 2,
}

/// <summary>An elementwise function applied to a layer's output, with PyTorch's definitions.</summary>
public enum Activation
{
    /// <summary>The identity.</summary>
    None = 0,

    /// <summary>tanh(x) (<c>nn.Tanh</c>).</summary>
    Tanh = 1,

    /// <summary>1 / (1 + e^−x) (<c>nn.Sigmoid</c>).</summary>
    Sigmoid = 2,

    /// <summary>max(0, x) (<c>nn.ReLU</c>).</summary>
    Relu = 3,

    /// <summary>x for x &gt; 0, else 0.01·x (<c>nn.LeakyReLU()</c>, negative slope 0.01).</summary>
    LeakyRelu = 4,

    /// <summary>x for x &gt; 0, else e^x − 1 (<c>nn.ELU()</c>, α = 1).</summary>
    Elu = 5,
}

/// <summary>Where the head runs.</summary>
public enum OutputKind
{
    /// <summary>At every step (many-to-many).</summary>
    EveryStep = 0,

    /// <summary>Once, on the final hidden state (many-to-one).</summary>
    LastStep = 1,
}

/// <summary>Which implementation of the generated kernels a process runs.</summary>
public enum KernelPath
{
    /// <summary>Plain scalar code that runs on any processor.</summary>
    Portable = 0,

    /// <summary>x86 AVX2 with fused multiply-add.</summary>
    Avx2Fma = 1,
}
