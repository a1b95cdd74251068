using RnnGen;

namespace RnnGen.Benchmarks;

// AmpBenchmarks: the five "amp model" shapes audio developers compare against RTNeural. Each is a streaming layer stack
// (unidirectional, output at every step): one dense input feature, a linear head of one value, windows of 2048 samples.
// The peers suite (benchmarks/RnnGen.Benchmarks.Peers/AmpModels.cs) declares the same five.

/// <summary>LSTM 1→40, then Dense 40→1.</summary>
[RnnModel(inputSize: 1, Input = InputKind.Dense, Head = HeadKind.Linear, SequenceLength = 2048)]
[Recurrent(CellKind.Lstm, 40)]
[Dense(1)]
public partial class AmpLstm40;

/// <summary>LSTM 1→12, then Dense 12→1.</summary>
[RnnModel(inputSize: 1, Input = InputKind.Dense, Head = HeadKind.Linear, SequenceLength = 2048)]
[Recurrent(CellKind.Lstm, 12)]
[Dense(1)]
public partial class AmpLstm12;

/// <summary>GRU 1→64, then Dense 64→1.</summary>
[RnnModel(inputSize: 1, Input = InputKind.Dense, Head = HeadKind.Linear, SequenceLength = 2048)]
[Recurrent(CellKind.Gru, 64)]
[Dense(1)]
public partial class AmpGru64;

/// <summary>Dense 1→8 with tanh, LSTM 8→8, then Dense 8→1.</summary>
[RnnModel(inputSize: 1, Input = InputKind.Dense, Head = HeadKind.Linear, SequenceLength = 2048)]
[Dense(8, Activation.Tanh)]
[Recurrent(CellKind.Lstm, 8)]
[Dense(1)]
public partial class AmpDenseLstm8;

/// <summary>Four stacked LSTM layers of 8 (one recurrent layer with Layers = 4: 1→8, then 8→8 three times), then Dense 8→1.</summary>
[RnnModel(inputSize: 1, Input = InputKind.Dense, Head = HeadKind.Linear, SequenceLength = 2048)]
[Recurrent(CellKind.Lstm, 8, Layers = 4)]
[Dense(1)]
public partial class AmpLstm8x4;
