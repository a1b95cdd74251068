namespace RnnGen.Generator.Model;

/// <summary>
/// One layer of a model, resolved: its kind, where it is declared, the prefix of its tensor names, its input width
/// and its settings. A model declared in the first form is the layer stack [Recurrent (bare names), Dense "head"].
/// </summary>
/// <param name="Kind">The layer attribute.</param>
/// <param name="Position">The attribute's 0-based position among the layer attributes (Dropout counts).</param>
/// <param name="Prefix">What precedes each tensor name: "layers.2", a Name, or "" for bare names (no dot).</param>
/// <param name="InputWidth">Floats per step the layer reads (a token model's first layer: the vocabulary size).</param>
/// <param name="Size">Dense size, Conv1D channels, Embedding size, Recurrent hidden size; Dropout: its input width.</param>
/// <param name="SubLayers">A recurrent layer's num_layers; 1 otherwise.</param>
/// <param name="Probability">Dropout's p; 0 otherwise.</param>
internal sealed record LayerSpec(
    LayerKind Kind,
    int Position,
    string Prefix,
    int InputWidth,
    int Size,
    Activation Activation,
    Cell Cell,
    int SubLayers,
    bool Bidirectional,
    bool Bias,
    int KernelSize,
    int Dilation,
    float Probability)
{
    public int Directions => Bidirectional ? 2 : 1;

    /// <summary>Floats per step the layer writes: a recurrent layer's directions side by side.</summary>
    public int OutputWidth => Kind == LayerKind.Recurrent ? Size * Directions : Size;

    /// <summary>Rows of a recurrent layer's fused gate matrices: 1, 4 (LSTM i, f, g, o) or 3 (GRU r, z, n) per unit.</summary>
    public int GateRows => Sizes.GateCount(Cell) * Size;

    /// <summary>Inputs a causal convolution keeps from before the window: (kernelSize − 1) · dilation steps.</summary>
    public int HistoryRows => Kind == LayerKind.Conv1D ? (KernelSize - 1) * Dilation : 0;

    public bool HasParameters => Kind is not LayerKind.Dropout;

    /// <summary>A tensor's full name: the prefix, a dot when there is one, then the name.</summary>
    public string TensorName(string name) => Prefix.Length == 0 ? name : Prefix + "." + name;
}
