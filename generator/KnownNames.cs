namespace RnnGen.Generator;

/// <summary>Metadata names of the runtime types the generator recognizes (it does not reference the runtime).</summary>
internal static class KnownNames
{
    public const string RnnModelAttribute = "RnnGen.RnnModelAttribute";
    public const string CellKind = "RnnGen.CellKind";
    public const string InputKind = "RnnGen.InputKind";
    public const string HeadKind = "RnnGen.HeadKind";
    public const string OutputKind = "RnnGen.OutputKind";
    public const string DenseAttribute = "RnnGen.DenseAttribute";
    public const string RecurrentAttribute = "RnnGen.RecurrentAttribute";
    public const string Conv1DAttribute = "RnnGen.Conv1DAttribute";
    public const string EmbeddingAttribute = "RnnGen.EmbeddingAttribute";
    public const string DropoutAttribute = "RnnGen.DropoutAttribute";

    /// <summary>The layer attributes, indexed by <see cref="Model.LayerKind"/>.</summary>
    public static readonly string[] LayerAttributes = { DenseAttribute, RecurrentAttribute, Conv1DAttribute, EmbeddingAttribute, DropoutAttribute };
}
