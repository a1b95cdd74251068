using RnnGen;

namespace CharRnn;

/// <summary>The vocabulary is fixed at compile time: printable ASCII and newline fit; a corpus with more distinct characters maps the rarest to one "unknown" symbol.</summary>
public static class Vocabulary
{
    /// <summary>Symbols the models know.</summary>
    public const int Size = 96;
}

/// <summary>The default: a 2-layer LSTM over characters, 25-character windows of truncated BPTT, trained with Adam.</summary>
[RnnModel(CellKind.Lstm, inputSize: Vocabulary.Size, hiddenSize: 128, outputSize: Vocabulary.Size, Layers = 2, SequenceLength = 25)]
public partial class CharLstm;

/// <summary>
/// Karpathy's min-char-rnn as a declaration: one-hot characters in, 100 tanh hidden units, softmax out,
/// truncated BPTT over 25 characters, trained with Adagrad 0.1 and clipping at ±5.
/// </summary>
[RnnModel(CellKind.Rnn, inputSize: Vocabulary.Size, hiddenSize: 100, outputSize: Vocabulary.Size, SequenceLength = 25)]
public partial class CharVanilla;
