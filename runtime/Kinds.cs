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
