using RnnGen;

namespace RnnGen.Tests;

// The models the PyTorch fixtures (tests/fixtures/make_rnn_fixtures.py) describe, by name.

[RnnModel(CellKind.Rnn, 7, 13, 5, SequenceLength = 30)]
public partial class TanhToken;

[RnnModel(CellKind.RnnRelu, 7, 13, 5, SequenceLength = 30)]
public partial class ReluToken;

[RnnModel(CellKind.Rnn, 7, 13, 5, SequenceLength = 30, Input = InputKind.Dense)]
public partial class TanhDense;

[RnnModel(CellKind.RnnRelu, 7, 13, 5, SequenceLength = 30, Input = InputKind.Dense)]
public partial class ReluDense;

[RnnModel(CellKind.Rnn, inputSize: 65, hiddenSize: 100, outputSize: 65, SequenceLength = 25)]
public partial class CharModel;

[RnnModel(CellKind.Rnn, 64, 128, 10, SequenceLength = 25, Input = InputKind.Dense)]
public partial class WideDense;

/// <summary>A small character model for the learning and trainer tests.</summary>
[RnnModel(CellKind.Rnn, 32, 64, 32, SequenceLength = 16)]
public partial class LearningModel;

/// <summary>Fewer outputs than a row block, odd sizes everywhere: the kernels' tail paths.</summary>
[RnnModel(CellKind.Rnn, 3, 9, 2, SequenceLength = 12)]
public partial class TinyToken;

// Cells, stacks and directions for the finite-difference and allocation tests.

[RnnModel(CellKind.Lstm, 7, 13, 5, Layers = 2, Bidirectional = true, SequenceLength = 20)]
public partial class LstmStackedBi;

[RnnModel(CellKind.Gru, 6, 11, 3, Layers = 3, Input = InputKind.Dense, Head = HeadKind.Linear, Output = OutputKind.LastStep, SequenceLength = 20)]
public partial class GruDeepDenseLast;

[RnnModel(CellKind.Lstm, 6, 9, 4, Input = InputKind.Dense, Head = HeadKind.Linear, SequenceLength = 20)]
public partial class LstmDenseLinear;

[RnnModel(CellKind.Gru, 5, 10, 4, Bidirectional = true, Output = OutputKind.LastStep, SequenceLength = 20)]
public partial class GruBiTokenLast;

[RnnModel(CellKind.Rnn, 5, 8, 3, Layers = 2, Bidirectional = true, Input = InputKind.Dense, SequenceLength = 20)]
public partial class RnnStackedBi;

[RnnModel(CellKind.Lstm, 65, 128, 65, Layers = 2, SequenceLength = 25)]
public partial class CharLstm;
