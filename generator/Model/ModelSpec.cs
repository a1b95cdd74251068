using RnnGen.Generator.Helpers;

namespace RnnGen.Generator.Model;

/// <summary>
/// Everything the emitter needs to write one model: value-equal and free of symbols and syntax,
/// so an unrelated edit leaves the pipeline's output cached.
/// </summary>
/// <param name="IsLayerStack">Declared with <c>[RnnModel(inputSize)]</c> and layer attributes (else the first form).</param>
/// <param name="Layers">The layers in order; the first form's are [Recurrent, Dense "head"].</param>
internal sealed record ModelSpec(
    string? Namespace,
    string ClassName,
    string Identifier,
    EquatableArray<ContainingType> ContainingTypes,
    bool IsLayerStack,
    Input Input,
    Head Head,
    Output Output,
    int InputSize,
    int OutputSize,
    int SequenceLength,
    bool InputSkip,
    float PreEmphasis,
    EquatableArray<LayerSpec> Layers)
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

    /// <summary>The first recurrent layer (every model has one): what IRnnModel's Cell, HiddenSize, Layers describe.</summary>
    public LayerSpec FirstRecurrent
    {
        get
        {
            foreach (LayerSpec layer in Layers)
            {
                if (layer.Kind == LayerKind.Recurrent)
                    return layer;
            }
            throw new System.InvalidOperationException("A model has at least one recurrent layer.");
        }
    }

    /// <summary>Index in <see cref="Layers"/> of the last recurrent layer: with LastStep output, the layers after it see one row.</summary>
    public int LastRecurrentIndex
    {
        get
        {
            for (int i = Layers.Count - 1; i >= 0; i--)
            {
                if (Layers[i].Kind == LayerKind.Recurrent)
                    return i;
            }
            return -1;
        }
    }

    /// <summary>True when any recurrent layer runs backwards in time: then every window starts from the zero state.</summary>
    public bool Bidirectional
    {
        get
        {
            foreach (LayerSpec layer in Layers)
            {
                if (layer.Bidirectional)
                    return true;
            }
            return false;
        }
    }
}
