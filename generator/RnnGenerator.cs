using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using RnnGen.Generator.Helpers;
using RnnGen.Generator.Model;

namespace RnnGen.Generator;

/// <summary>
/// Generates the members of every <c>[RnnModel]</c> partial class: constants, parameter and gradient buffers,
/// the state type, the forward pass and backpropagation through time.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed partial class RnnGenerator : IIncrementalGenerator
{
    /// <inheritdoc />
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        IncrementalValuesProvider<ParseResult> parsed = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                KnownNames.RnnModelAttribute,
                static (node, _) => node is TypeDeclarationSyntax,
                static (ctx, ct) => Parser.Parse(ctx, ct))
            .WithTrackingName(TrackingNames.Parse);

        IncrementalValuesProvider<ModelSpec> models = parsed
            .Select(static (result, _) => result.Model)
            .Where(static model => model is not null)
            .Select(static (model, _) => model!)
            .WithTrackingName(TrackingNames.Models);

        IncrementalValuesProvider<EquatableArray<DiagnosticInfo>> diagnostics = parsed
            .Select(static (result, _) => result.Diagnostics)
            .Where(static d => d.Count > 0)
            .WithTrackingName(TrackingNames.Diagnostics);

        context.RegisterSourceOutput(models, static (spc, model) => Emit(spc, model, spc.CancellationToken));
        context.RegisterSourceOutput(diagnostics, static (spc, list) => Report(spc, list));

        // A class with layer attributes but no [RnnModel] never reaches the pipeline above: one per layer kind.
        foreach (string layerAttribute in KnownNames.LayerAttributes)
        {
            IncrementalValuesProvider<EquatableArray<DiagnosticInfo>> orphans = context.SyntaxProvider
                .ForAttributeWithMetadataName(
                    layerAttribute,
                    static (node, _) => node is TypeDeclarationSyntax,
                    static (ctx, ct) => Parser.LayerWithoutModel(ctx, ct))
                .Where(static d => d.Count > 0)
                .WithTrackingName(TrackingNames.LayersWithoutModel);
            context.RegisterSourceOutput(orphans, static (spc, list) => Report(spc, list));
        }
    }

    private static void Report(SourceProductionContext context, EquatableArray<DiagnosticInfo> diagnostics)
    {
        foreach (DiagnosticInfo diagnostic in diagnostics)
            context.ReportDiagnostic(diagnostic.ToDiagnostic());
    }

    private static void Emit(SourceProductionContext context, ModelSpec model, CancellationToken cancellationToken)
    {
        try
        {
            context.AddSource(model.HintName, Emitter.Emit(model, cancellationToken));
        }
        catch (System.OperationCanceledException)
        {
            throw;
        }
        catch (System.Exception ex)
        {
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.InternalError, Location.None, model.DisplayName, ex.GetType().Name + ": " + ex.Message));
        }
    }
}
