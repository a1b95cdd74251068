using RnnGen;

namespace RnnGen.Tests.Stacks;

// Layer stacks for the finite-difference, streaming, dropout and allocation tests: together every layer kind and
// activation, every cell, both inputs, every head, both output modes and the skip.

/// <summary>Dense(tanh) → causal Conv1D(sigmoid) → LSTM → Dropout → Dense(ELU) → Dense, dense input, MSE at every step.</summary>
[RnnModel(inputSize: 3, Input = InputKind.Dense, Head = HeadKind.Linear, SequenceLength = 12)]
[Dense(5, Activation.Tanh)]
[Conv1D(4, 3, Dilation = 2, Activation = Activation.Sigmoid)]
[Recurrent(CellKind.Lstm, 6)]
[Dropout(0.25f)]
[Dense(5, Activation.Elu)]
[Dense(2)]
public partial class FdDenseConvLstm;

/// <summary>Embedding → bidirectional GRU → Dense(ReLU) → Dense, softmax after the last step.</summary>
[RnnModel(inputSize: 7, Output = OutputKind.LastStep, SequenceLength = 12)]
[Embedding(4)]
[Recurrent(CellKind.Gru, 5, Bidirectional = true)]
[Dense(6, Activation.Relu)]
[Dense(3)]
public partial class FdEmbeddingBiGru;

/// <summary>One-hot tokens → causal Conv1D(leaky ReLU) → 2-layer tanh RNN → Dense, softmax at every step.</summary>
[RnnModel(inputSize: 5, SequenceLength = 12)]
[Conv1D(4, 2, Activation = Activation.LeakyRelu)]
[Recurrent(CellKind.Rnn, 5, Layers = 2)]
[Dense(4)]
public partial class FdOneHotConvRnn;

/// <summary>Dense(leaky ReLU) → ReLU RNN → Dense(sigmoid) → Dense, the input skip and the error-to-signal ratio after pre-emphasis.</summary>
[RnnModel(inputSize: 2, Input = InputKind.Dense, Head = HeadKind.ErrorToSignalRatio, InputSkip = true, PreEmphasis = 0.9f, SequenceLength = 12)]
[Dense(4, Activation.LeakyRelu)]
[Recurrent(CellKind.RnnRelu, 5)]
[Dense(3, Activation.Sigmoid)]
[Dense(2)]
public partial class FdSkipEsr;

/// <summary>One-hot tokens → Dense(ReLU, no bias) → LSTM without bias → GRU → Dropout → Dense, softmax at every step.</summary>
[RnnModel(inputSize: 6, SequenceLength = 12)]
[Dense(5, Activation.Relu, Bias = false)]
[Recurrent(CellKind.Lstm, 4, Bias = false)]
[Recurrent(CellKind.Gru, 5)]
[Dropout(0.3f)]
[Dense(6)]
public partial class FdNoBiasTwoRecurrent;

/// <summary>The amp model of the issue: Dense(tanh) → GRU → Dense(sigmoid) → Dense, dense input, linear output.</summary>
[RnnModel(inputSize: 1, Input = InputKind.Dense, Head = HeadKind.Linear, SequenceLength = 2048)]
[Dense(8, Activation.Tanh)]
[Recurrent(CellKind.Gru, 8)]
[Dense(8, Activation.Sigmoid)]
[Dense(1)]
public partial class IssueAmpModel;

/// <summary>A streaming stack with two convolutions, one of which reaches further back than a window.</summary>
[RnnModel(inputSize: 2, Input = InputKind.Dense, Head = HeadKind.Linear, SequenceLength = 5)]
[Conv1D(3, 4, Dilation = 3, Activation = Activation.Tanh)]
[Recurrent(CellKind.Lstm, 4, Layers = 2)]
[Conv1D(2, 2)]
public partial class StreamingConvolutions;

/// <summary>A token model with a learned embedding and dropout between two LSTM layers, char-rnn style.</summary>
[RnnModel(inputSize: 9, SequenceLength = 10)]
[Embedding(6)]
[Recurrent(CellKind.Lstm, 8)]
[Dropout(0.5f)]
[Recurrent(CellKind.Lstm, 8)]
[Dense(9)]
public partial class TokenDropoutLstm;

/// <summary>Dropout as the last layer of a one-step model, to see its masks through the loss and the gradients.</summary>
[RnnModel(inputSize: 3, Input = InputKind.Dense, Head = HeadKind.Linear, SequenceLength = 1)]
[Recurrent(CellKind.Rnn, 512)]
[Dense(1, Bias = false)]
[Dropout(0.4f)]
public partial class DropoutProbe;

/// <summary><see cref="IssueAmpModel"/> with ReLU in place of tanh: the same tensors, another model.</summary>
[RnnModel(inputSize: 1, Input = InputKind.Dense, Head = HeadKind.Linear, SequenceLength = 64)]
[Dense(8, Activation.Relu)]
[Recurrent(CellKind.Gru, 8)]
[Dense(8, Activation.Sigmoid)]
[Dense(1)]
public partial class IssueAmpModelRelu;

/// <summary>The first form's CkLstm declared as a layer stack: the same tensor names, shapes and equations.</summary>
[RnnModel(5, SequenceLength = 8)]
[Recurrent(CellKind.Lstm, 7, Layers = 2, Name = "")]
[Dense(3, Name = "head")]
public partial class CkLstmAsStack;
