namespace RnnGen.Generator.Model;

// Mirrors of the runtime's public enums (RnnGen.CellKind, ...): the generator reads the attributes' values
// as integers and does not reference the runtime assembly. Values must match runtime/Kinds.cs.

internal enum Cell
{
    Rnn = 0,
    RnnRelu = 1,
    Lstm = 2,
    Gru = 3,
}

internal enum Input
{
    Token = 0,
    Dense = 1,
}

internal enum Head
{
    Softmax = 0,
    Linear = 1,
    ErrorToSignalRatio = 2,
}

internal enum Output
{
    EveryStep = 0,
    LastStep = 1,
}

internal enum Activation
{
    None = 0,
    Tanh = 1,
    Sigmoid = 2,
    Relu = 3,
    LeakyRelu = 4,
    Elu = 5,
}

/// <summary>The layer attributes (a generator-side name; the runtime's RnnGen.LayerKind has the same values).</summary>
internal enum LayerKind
{
    Dense = 0,
    Recurrent = 1,
    Conv1D = 2,
    Embedding = 3,
    Dropout = 4,
}
