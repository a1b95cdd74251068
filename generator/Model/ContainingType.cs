namespace RnnGen.Generator.Model;

/// <summary>A type that encloses the model class, written back as <c>partial {Keyword} {Name}</c> (Name is escaped when it is a keyword).</summary>
internal sealed record ContainingType(string Keyword, string Name);
