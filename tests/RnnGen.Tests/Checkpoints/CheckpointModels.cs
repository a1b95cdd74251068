using RnnGen;

namespace RnnGen.Tests.Checkpoints;

// The models of tests/fixtures/make_checkpoint_fixtures.py (MODELS), by name: every cell kind, stacked and
// bidirectional, both input, head and output kinds. I = 5, H = 7, O = 3, SequenceLength 8.

[RnnModel(CellKind.Rnn, 5, 7, 3, SequenceLength = 8)]
public partial class CkRnnTanh;

[RnnModel(CellKind.RnnRelu, 5, 7, 3, Layers = 2, Bidirectional = true, Input = InputKind.Dense, Head = HeadKind.Linear, SequenceLength = 8)]
public partial class CkRnnReluBi;

[RnnModel(CellKind.Lstm, 5, 7, 3, Layers = 2, SequenceLength = 8)]
public partial class CkLstm;

[RnnModel(CellKind.Lstm, 5, 7, 3, Bidirectional = true, Input = InputKind.Dense, Output = OutputKind.LastStep, SequenceLength = 8)]
public partial class CkLstmBi;

[RnnModel(CellKind.Gru, 5, 7, 3, Layers = 2, Bidirectional = true, Head = HeadKind.Linear, Output = OutputKind.LastStep, SequenceLength = 8)]
public partial class CkGruBi;

[RnnModel(CellKind.Gru, 5, 7, 3, Input = InputKind.Dense, SequenceLength = 8)]
public partial class CkGru;

/// <summary>A tanh RNN with the shapes of <see cref="CkRnnTanh"/> but ReLU: the checkpoint's cell entry must tell them apart.</summary>
[RnnModel(CellKind.RnnRelu, 5, 7, 3, SequenceLength = 8)]
public partial class CkRnnRelu;
