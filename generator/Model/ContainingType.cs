namespace RnnGen.Generator.Model;

/// <summary>A type that encloses the model class, written back as <c>partial {Keyword} {Name}</c>.</summary>
internal sealed record ContainingType(string Keyword, string Name);
