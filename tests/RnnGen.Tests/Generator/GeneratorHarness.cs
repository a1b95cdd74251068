using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using RnnGen.Generator;

namespace RnnGen.Tests.Generator;

/// <summary>Runs the generator in memory over source text, as the compiler would, against this runtime's assemblies.</summary>
public static class GeneratorHarness
{
    /// <summary>The global usings of a default <c>dotnet new console</c> project (ImplicitUsings enabled).</summary>
    public const string ConsoleGlobalUsings = """
        global using global::System;
        global using global::System.Collections.Generic;
        global using global::System.IO;
        global using global::System.Linq;
        global using global::System.Net.Http;
        global using global::System.Threading;
        global using global::System.Threading.Tasks;
        """;

    public static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.CSharp12);

    private static readonly Lazy<ImmutableArray<MetadataReference>> s_references = new(() =>
    {
        string[] platform = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator);
        return platform
            .Where(p => Path.GetFileName(p).StartsWith("System.", StringComparison.Ordinal) || Path.GetFileName(p) is "mscorlib.dll" or "netstandard.dll")
            .Append(typeof(RnnModelAttribute).Assembly.Location)
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))
            .ToImmutableArray();
    });

    public static CSharpCompilation Compilation(params string[] sources) =>
        CSharpCompilation.Create(
            "GeneratorTest",
            sources.Select((s, i) => CSharpSyntaxTree.ParseText(s, ParseOptions, path: $"Source{i}.cs")),
            s_references.Value,
            new CSharpCompilationOptions(Microsoft.CodeAnalysis.OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable, warningLevel: 9999));

    public static GeneratorDriver Driver() =>
        CSharpGeneratorDriver.Create(
            new[] { new RnnGenerator().AsSourceGenerator() },
            parseOptions: ParseOptions,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    public sealed record Result(GeneratorDriver Driver, Compilation Output, ImmutableArray<Diagnostic> GeneratorDiagnostics, GeneratorDriverRunResult RunResult)
    {
        /// <summary>Errors and warnings of the compilation that includes the generated code.</summary>
        public IReadOnlyList<Diagnostic> CompilationProblems =>
            Output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).ToList();

        public string GeneratedText(int index = 0) => RunResult.Results[0].GeneratedSources[index].SourceText.ToString();
    }

    public static Result Run(params string[] sources) => Run(Driver(), Compilation(sources));

    public static Result Run(GeneratorDriver driver, Compilation compilation)
    {
        driver = driver.RunGeneratorsAndUpdateCompilation(compilation, out Compilation output, out ImmutableArray<Diagnostic> diagnostics);
        GeneratorDriverRunResult result = driver.GetRunResult();
        if (result.Results[0].Exception is { } exception)
            throw new InvalidOperationException("The generator threw.", exception);
        return new Result(driver, output, diagnostics, result);
    }
}
