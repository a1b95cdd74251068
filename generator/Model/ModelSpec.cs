using RnnGen.Generator.Helpers;

namespace RnnGen.Generator.Model;

/// <summary>
/// Everything the emitter needs to write one model: value-equal and free of symbols and syntax,
/// so an unrelated edit leaves the pipeline's output cached.
/// </summary>
internal sealed record ModelSpec(
    string? Namespace,
    string ClassName,
    string Identifier,
    EquatableArray<ContainingType> ContainingTypes,
    Cell Cell,
    Input Input,
    Head Head,
    Output Output,
    int InputSize,
    int HiddenSize,
    int OutputSize,
    int Layers,
    bool Bidirectional,
    int SequenceLength)
{
    /// <summary>A file name unique within the compilation (without the '@' of escaped keywords, which file names may not hold).</summary>
    public string HintName => DisplayName.Replace("@", "") + ".RnnModel.g.cs";

    /// <summary>The fully qualified name for messages.</summary>
    public string DisplayName
    {
        get
        {
            string name = Namespace is null ? "" : Namespace + ".";
            foreach (ContainingType type in ContainingTypes)
                name += type.Name + ".";
            return name + ClassName;
        }
    }
}
