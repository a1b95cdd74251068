using RnnGen.Generator.Model;

namespace RnnGen.Generator;

/// <summary>Facts about cells that both the parser and the layout need.</summary>
internal static class Sizes
{
    /// <summary>Rows of the fused gate matrices per hidden unit: 1 (RNN), 4 (LSTM: i, f, g, o), 3 (GRU: r, z, n).</summary>
    public static int GateCount(Cell cell) => cell switch
    {
        Cell.Lstm => 4,
        Cell.Gru => 3,
        _ => 1,
    };
}
