namespace RnnGen.Generator.Model;

// Mirrors of the runtime's public enums (RnnGen.CellKind, ...): the generator reads the attribute's values
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
}

internal enum Output
{
    EveryStep = 0,
    LastStep = 1,
}
