namespace RnnGen.Generator;

/// <summary>Metadata names of the runtime types the generator recognizes (it does not reference the runtime).</summary>
internal static class KnownNames
{
    public const string RnnModelAttribute = "RnnGen.RnnModelAttribute";
    public const string CellKind = "RnnGen.CellKind";
    public const string InputKind = "RnnGen.InputKind";
    public const string HeadKind = "RnnGen.HeadKind";
    public const string OutputKind = "RnnGen.OutputKind";
}
