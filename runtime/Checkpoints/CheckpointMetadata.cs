using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Globalization;

namespace RnnGen;

/// <summary>
/// The text a checkpoint carries besides its tensors, in the safetensors header's <c>__metadata__</c> (a map of
/// strings to strings): which model it is, the training step, the vocabulary, and any entries of the caller's.
/// </summary>
/// <remarks>
/// <para>
/// Every checkpoint RnnGen writes describes its model with these entries, from the model itself: <c>format_version</c>
/// (<c>1</c>), <c>library</c> (<c>RnnGen</c>), <c>model</c> (<see cref="ModelName"/>), <c>cell</c>
/// (<c>rnn_tanh</c>, <c>rnn_relu</c>, <c>lstm</c> or <c>gru</c>), <c>input_size</c>, <c>hidden_size</c>,
/// <c>output_size</c>, <c>num_layers</c>, <c>bidirectional</c> (<c>true</c>/<c>false</c>), <c>input</c>
/// (<c>token</c>/<c>dense</c>), <c>head</c> (<c>softmax</c>/<c>linear</c>), <c>output</c> (<c>every</c>/<c>last</c>) and
/// <c>sequence_length</c>; then <c>step</c>, <c>vocabulary</c> (the characters in id order) and
/// <c>vocabulary_has_unknown</c> when given. These are the reserved keys (<see cref="ReservedKeys"/>). A model those
/// entries do not describe completely (a layer stack, or the first form with an input skip or an error-to-signal-ratio
/// head) also gets <c>architecture</c>: its layers, e.g. <c>Dense(1→8, Tanh) &gt; Gru(8→8) &gt; Dense(8→1)</c>, then
/// <c> + input</c> for the skip and <c>; pre-emphasis a</c>.
/// </para>
/// <para>
/// When a checkpoint is loaded, sizes are checked through the tensors' shapes, and the <c>cell</c> entry, when there is
/// one, must name the model's cell (a tanh and a ReLU RNN have the same shapes), and so must the <c>architecture</c>
/// entry, when there is one, describe the model (a dense layer with tanh and one with ReLU have the same shapes too); <c>input</c>, <c>head</c>,
/// <c>output</c> and <c>sequence_length</c> are information only, so, for instance, a model trained with windows of 25
/// steps loads into one declared with 100. A file written by PyTorch usually has no metadata at all, which is fine.
/// </para>
/// </remarks>
public sealed class CheckpointMetadata
{
    private static readonly ReadOnlyDictionary<string, string> s_empty = new(new Dictionary<string, string>());

    /// <summary>The keys RnnGen writes itself; entries of <see cref="Entries"/> with these keys are not written.</summary>
    public static IReadOnlyList<string> ReservedKeys { get; } = Array.AsReadOnly(MetadataKeys.Reserved);

    /// <summary>
    /// The model's name (entry <c>model</c>). On save, null means the model's class name (<c>CharLstm</c>, say); on
    /// load, the entry as read, or null when the file has none.
    /// </summary>
    public string? ModelName { get; init; }

    /// <summary>Training steps taken when the checkpoint was written (entry <c>step</c>); null when unknown. Not negative.</summary>
    public long? Step { get; init; }

    /// <summary>
    /// The vocabulary of a character model (entries <c>vocabulary</c>, its <see cref="CharVocabulary.Characters"/>,
    /// and <c>vocabulary_has_unknown</c>); null when there is none. On load it is rebuilt with
    /// <see cref="CharVocabulary.FromCharacters"/>, for the model's InputSize.
    /// </summary>
    public CharVocabulary? Vocabulary { get; init; }

    /// <summary>
    /// On save, further entries to write (keys not in <see cref="ReservedKeys"/> nor <c>architecture</c>; those are skipped). On load,
    /// every entry of <c>__metadata__</c> as read, the reserved ones included.
    /// </summary>
    public IReadOnlyDictionary<string, string> Entries { get; init; } = s_empty;
}

/// <summary>The <c>__metadata__</c> keys RnnGen writes, and how it spells the model's kinds there.</summary>
internal static class MetadataKeys
{
    public const int FormatVersion = 1;

    public const string Version = "format_version";
    public const string Library = "library";
    public const string Model = "model";
    public const string Cell = "cell";
    public const string InputSize = "input_size";
    public const string HiddenSize = "hidden_size";
    public const string OutputSize = "output_size";
    public const string Layers = "num_layers";
    public const string Bidirectional = "bidirectional";
    public const string Input = "input";
    public const string Head = "head";
    public const string Output = "output";
    public const string SequenceLength = "sequence_length";
    public const string Step = "step";
    public const string Vocabulary = "vocabulary";
    public const string VocabularyHasUnknown = "vocabulary_has_unknown";
    public const string Architecture = "architecture";

    /// <summary>The keys of every checkpoint (<see cref="Architecture"/> is written only for some models, and is not in this list).</summary>
    public static readonly string[] Reserved =
    {
        Version, Library, Model, Cell, InputSize, HiddenSize, OutputSize, Layers, Bidirectional, Input, Head, Output,
        SequenceLength, Step, Vocabulary, VocabularyHasUnknown,
    };

    public static string CellName(CellKind cell) => cell switch
    {
        CellKind.Rnn => "rnn_tanh",
        CellKind.RnnRelu => "rnn_relu",
        CellKind.Lstm => "lstm",
        CellKind.Gru => "gru",
        _ => cell.ToString(),
    };

    public static string InputName(InputKind input) => input == InputKind.Token ? "token" : "dense";

    public static string HeadName(HeadKind head) => head switch
    {
        HeadKind.Softmax => "softmax",
        HeadKind.Linear => "linear",
        _ => "error_to_signal_ratio",
    };

    /// <summary>
    /// The model's layers, skip and pre-emphasis as one line, e.g. <c>Dense(1→8, Tanh) &gt; Gru(8→8) &gt; Dense(8→1) + input</c>:
    /// what the shapes of the tensors cannot tell apart (activations, dropout, the skip).
    /// </summary>
    public static string ArchitectureText(IRnnModel model)
    {
        var parts = new List<string>();
        foreach (LayerInfo layer in model.Architecture)
            parts.Add(layer.ToString());
        string text = string.Join(" > ", parts);
        if (model.InputSkip)
            text += " + input";
        if (model.PreEmphasis != 0f)
            text += "; pre-emphasis " + model.PreEmphasis.ToString("R", CultureInfo.InvariantCulture);
        return text;
    }

    /// <summary>
    /// True for a model the legacy entries describe completely (the first form without skip or error-to-signal ratio:
    /// one recurrent stack with bare names and a linear head), whose checkpoints therefore carry no architecture entry.
    /// </summary>
    public static bool DescribedByLegacyEntries(IRnnModel model)
    {
        IReadOnlyList<LayerInfo> layers = model.Architecture;
        return layers.Count == 2
            && layers[0].Kind == LayerKind.Recurrent && layers[0].Name.Length == 0
            && layers[1].Kind == LayerKind.Dense && layers[1].Name == "head" && layers[1].Activation == Activation.None && layers[1].Bias
            && !model.InputSkip && model.Head != HeadKind.ErrorToSignalRatio;
    }

    /// <summary>Whether the model has a dropout layer, whose generator state a training checkpoint must keep.</summary>
    public static bool HasDropout(IRnnModel model)
    {
        foreach (LayerInfo layer in model.Architecture)
        {
            if (layer.Kind == LayerKind.Dropout)
                return true;
        }
        return false;
    }

    public static string OutputName(OutputKind output) => output == OutputKind.EveryStep ? "every" : "last";
}
