using RnnGen;

namespace AddingProblem;

// The same shape three times: two input features per step, 32 hidden units, one value read after the last step.

/// <summary>Vanilla RNN (tanh) on the adding problem.</summary>
[RnnModel(CellKind.Rnn, 2, 32, 1, Input = InputKind.Dense, Head = HeadKind.Linear, Output = OutputKind.LastStep, SequenceLength = AddingTask.Length)]
public partial class RnnAdder;

/// <summary>LSTM on the adding problem.</summary>
[RnnModel(CellKind.Lstm, 2, 32, 1, Input = InputKind.Dense, Head = HeadKind.Linear, Output = OutputKind.LastStep, SequenceLength = AddingTask.Length)]
public partial class LstmAdder;

/// <summary>GRU on the adding problem.</summary>
[RnnModel(CellKind.Gru, 2, 32, 1, Input = InputKind.Dense, Head = HeadKind.Linear, Output = OutputKind.LastStep, SequenceLength = AddingTask.Length)]
public partial class GruAdder;
