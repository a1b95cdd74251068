using RnnGen;

namespace CharRnn;

/// <summary>
/// Karpathy's min-char-rnn as a declaration: one-hot characters in, 100 tanh hidden units, softmax out,
/// truncated BPTT over 25 characters. The vocabulary is fixed at compile time (96 symbols); a corpus with more
/// distinct characters maps the rarest to one "unknown" symbol.
/// </summary>
[RnnModel(CellKind.Rnn, inputSize: Vocabulary, hiddenSize: 100, outputSize: Vocabulary, SequenceLength = 25)]
public partial class CharModel
{
    /// <summary>Symbols the model knows: printable ASCII and newline fit.</summary>
    public const int Vocabulary = 96;
}
