using RnnGen.Generator.Helpers;

namespace RnnGen.Generator.Model;

/// <summary>What the parser made of one [RnnModel] declaration: a model to emit (null when it has errors) and its diagnostics.</summary>
internal sealed record ParseResult(ModelSpec? Model, EquatableArray<DiagnosticInfo> Diagnostics);
