namespace RnnGen.Generator;

/// <summary>Names of the incremental pipeline's steps, for caching tests.</summary>
internal static class TrackingNames
{
    public const string Parse = nameof(Parse);
    public const string Models = nameof(Models);
    public const string Diagnostics = nameof(Diagnostics);
    public const string LayersWithoutModel = nameof(LayersWithoutModel);
}
