using RnnGen.Generator.Model;

namespace RnnGen.Generator;

/// <summary>Buffer sizes of a model, in 64-bit arithmetic so that absurd declarations are measured, not overflowed.</summary>
internal static class Sizes
{
    /// <summary>Rows of the fused gate matrices per hidden unit: 1 (RNN), 4 (LSTM: i, f, g, o), 3 (GRU: r, z, n).</summary>
    public static int GateCount(Cell cell) => cell switch
    {
        Cell.Lstm => 4,
        Cell.Gru => 3,
        _ => 1,
    };

    public static long ParameterCount(Cell cell, long inputSize, long hiddenSize, long outputSize, long layers, bool bidirectional)
    {
        long directions = bidirectional ? 2 : 1;
        long gates = GateCount(cell) * hiddenSize;
        long total = 0;
        for (long layer = 0; layer < layers; layer++)
        {
            long layerInput = layer == 0 ? inputSize : hiddenSize * directions;
            total += directions * (gates * layerInput + gates * hiddenSize + 2 * gates);
            if (total > (1L << 40))
                return total;
        }
        return total + outputSize * hiddenSize * directions + outputSize;
    }

    public static long StateFloats(Cell cell, long hiddenSize, long layers, bool bidirectional) =>
        hiddenSize * layers * (bidirectional ? 2 : 1) * (cell == Cell.Lstm ? 2 : 1);

    /// <summary>An upper bound of the training tape (see Layout): per layer and direction h, c, gates; per layer outputs and their deltas; head; deltas.</summary>
    public static long TapeFloats(Cell cell, long hiddenSize, long outputSize, long layers, bool bidirectional, long sequenceLength)
    {
        long directions = bidirectional ? 2 : 1;
        long gateRows = GateCount(cell) * hiddenSize;
        long perLayerDirection = 2 * hiddenSize + gateRows + hiddenSize;
        long perLayer = 2 * directions * hiddenSize;
        return (sequenceLength + 1) * (layers * directions * perLayerDirection + layers * perLayer + outputSize + 2 * gateRows) + 2 * directions * hiddenSize;
    }
}
