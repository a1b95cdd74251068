using RnnGen;

namespace AmpSample;

/// <summary>
/// The neural amp: one input sample → Dense(8, tanh) → LSTM(16) → Dense(1), plus the input sample itself (InputSkip),
/// trained on the error-to-signal ratio after the pre-emphasis y[t] − 0.95·y[t−1] (CoreAudioML's ESRLoss with its
/// PreEmph filter). 1,697 parameters: 16 in the first Dense, 1,664 in the LSTM, 17 in the last. ComputeGradients takes
/// windows of up to <see cref="AmpExperiment.MaxWindow"/> samples (the sample uses <see cref="AmpExperiment.Window"/>).
/// </summary>
[RnnModel(inputSize: 1, Input = InputKind.Dense, Head = HeadKind.ErrorToSignalRatio, InputSkip = true, PreEmphasis = AmpExperiment.PreEmphasis, SequenceLength = AmpExperiment.MaxWindow)]
[Dense(8, Activation.Tanh)]
[Recurrent(CellKind.Lstm, 16)]
[Dense(1)]
public partial class AmpModel;
