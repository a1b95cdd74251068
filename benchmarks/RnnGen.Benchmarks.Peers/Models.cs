using RnnGen;

namespace RnnGen.Benchmarks.Peers;

// Every RnnGen model this suite measures, generated at build time. The single-step shapes are batch 1, dense input,
// with a 16-output linear layer on top (the same as RnnGen.Benchmarks' StepBenchmarks); the peers run the same
// nn.RNN/nn.LSTM/nn.GRU + nn.Linear(H, 16) with the same weights.

[RnnModel(CellKind.Rnn, 64, 32, 16, Input = InputKind.Dense)]
public partial class Rnn64x32;

[RnnModel(CellKind.Rnn, 64, 128, 16, Input = InputKind.Dense)]
public partial class Rnn64x128;

[RnnModel(CellKind.Rnn, 128, 256, 16, Input = InputKind.Dense)]
public partial class Rnn128x256;

[RnnModel(CellKind.Rnn, 256, 512, 16, Input = InputKind.Dense)]
public partial class Rnn256x512;

[RnnModel(CellKind.Lstm, 64, 32, 16, Input = InputKind.Dense)]
public partial class Lstm64x32;

[RnnModel(CellKind.Lstm, 64, 128, 16, Input = InputKind.Dense)]
public partial class Lstm64x128;

[RnnModel(CellKind.Lstm, 128, 256, 16, Input = InputKind.Dense)]
public partial class Lstm128x256;

[RnnModel(CellKind.Lstm, 256, 512, 16, Input = InputKind.Dense)]
public partial class Lstm256x512;

[RnnModel(CellKind.Gru, 64, 32, 16, Input = InputKind.Dense)]
public partial class Gru64x32;

[RnnModel(CellKind.Gru, 64, 128, 16, Input = InputKind.Dense)]
public partial class Gru64x128;

[RnnModel(CellKind.Gru, 128, 256, 16, Input = InputKind.Dense)]
public partial class Gru128x256;

[RnnModel(CellKind.Gru, 256, 512, 16, Input = InputKind.Dense)]
public partial class Gru256x512;

// The char model of the sequence and training benchmarks: one-hot 65 → LSTM 128 → Linear 65, 25-token windows.
[RnnModel(CellKind.Lstm, inputSize: 65, hiddenSize: 128, outputSize: 65, SequenceLength = 25)]
public partial class CharLstm;
