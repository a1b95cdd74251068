using System.Linq;
using Microsoft.CodeAnalysis;
using Xunit;

namespace RnnGen.Tests.Generator;

/// <summary>One test per diagnostic ID: its id, severity, where it points and what its message says.</summary>
public class DiagnosticTests
{
    private static Diagnostic Single(string source, string id)
    {
        GeneratorHarness.Result result = GeneratorHarness.Run(source);
        s_lastSource = source;
        Diagnostic[] ours = result.GeneratorDiagnostics.Where(d => d.Id.StartsWith("RNNG", System.StringComparison.Ordinal)).ToArray();
        Diagnostic diagnostic = Assert.Single(ours);
        Assert.Equal(id, diagnostic.Id);
        Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
        Assert.Empty(result.RunResult.GeneratedTrees);
        Assert.StartsWith("https://", diagnostic.Descriptor.HelpLinkUri, System.StringComparison.Ordinal);
        return diagnostic;
    }

    [System.ThreadStatic]
    private static string? s_lastSource;

    /// <summary>The source text a diagnostic points at (generator diagnostics carry the file path and span).</summary>
    private static string At(Diagnostic diagnostic)
    {
        Assert.Equal("Source0.cs", diagnostic.Location.GetLineSpan().Path);
        return s_lastSource!.Substring(diagnostic.Location.SourceSpan.Start, diagnostic.Location.SourceSpan.Length);
    }

    [Fact]
    public void NonPartialClass_RNNG001()
    {
        Diagnostic d = Single("using RnnGen; [RnnModel(CellKind.Rnn, 5, 8, 5)] public class M { }", "RNNG001");
        Assert.Equal("RnnModel(CellKind.Rnn, 5, 8, 5)", At(d));
        Assert.Contains("add the 'partial' modifier", d.GetMessage());
    }

    [Fact]
    public void GenericClass_RNNG002()
    {
        Diagnostic d = Single("using RnnGen; [RnnModel(CellKind.Rnn, 5, 8, 5)] public partial class M<T> { }", "RNNG002");
        Assert.Equal("RnnModel(CellKind.Rnn, 5, 8, 5)", At(d));
        Assert.Contains("non-generic", d.GetMessage());
    }

    [Fact]
    public void NestedInGenericType_RNNG002()
    {
        Diagnostic d = Single("using RnnGen; public partial class Outer<T> { [RnnModel(CellKind.Rnn, 5, 8, 5)] public partial class M { } }", "RNNG002");
        Assert.Contains("'M' is generic or nested in a generic type", d.GetMessage());
    }

    [Fact]
    public void ContainingTypeNotPartial_RNNG003()
    {
        Diagnostic d = Single("using RnnGen; public class Outer { [RnnModel(CellKind.Rnn, 5, 8, 5)] public partial class M { } }", "RNNG003");
        Assert.Contains("add the 'partial' modifier to 'Outer'", d.GetMessage());
    }

    [Theory]
    [InlineData("[RnnModel(CellKind.Rnn, 0, 8, 5)]", "0", "inputSize is 0")]
    [InlineData("[RnnModel(CellKind.Rnn, 5, -3, 5)]", "-3", "hiddenSize is -3")]
    [InlineData("[RnnModel(CellKind.Rnn, 5, 8, outputSize: 0)]", "outputSize: 0", "outputSize is 0")]
    [InlineData("[RnnModel(CellKind.Rnn, 5, 8, 5, SequenceLength = 0)]", "SequenceLength = 0", "SequenceLength is 0")]
    [InlineData("[RnnModel(CellKind.Rnn, 5, 8, 5, Layers = 0)]", "Layers = 0", "Layers is 0")]
    public void NonPositiveSize_RNNG004(string attribute, string location, string message)
    {
        Diagnostic d = Single("using RnnGen; " + attribute + " public partial class M { }", "RNNG004");
        Assert.Equal(location, At(d));
        Assert.Contains(message + "; it must be at least 1", d.GetMessage());
    }

    [Theory]
    [InlineData("[RnnModel(CellKind.Rnn, 65, 40000, 65)]", "parameters")]
    [InlineData("[RnnModel(CellKind.Rnn, 65, 70000, 65)]", "state holds")]
    [InlineData("[RnnModel(CellKind.Rnn, 65, 1000, 65, SequenceLength = 1000000)]", "training tape")]
    public void TooLarge_RNNG005(string attribute, string what)
    {
        GeneratorHarness.Result result = GeneratorHarness.Run("using RnnGen; " + attribute + " public partial class M { }");
        Diagnostic d = result.GeneratorDiagnostics.First(x => x.GetMessage().Contains(what, System.StringComparison.Ordinal));
        Assert.Equal("RNNG005", d.Id);
        Assert.Contains("reduce", d.GetMessage());
        Assert.Empty(result.RunResult.GeneratedTrees);
    }

    [Fact]
    public void SingleClassSoftmax_RNNG006()
    {
        Diagnostic d = Single("using RnnGen; [RnnModel(CellKind.Lstm, 5, 8, 1)] public partial class M { }", "RNNG006");
        Assert.Equal("1", At(d));
        Assert.Contains("use Head = HeadKind.Linear for a single value", d.GetMessage());
    }

    [Fact]
    public void UndefinedEnumValue_RNNG007()
    {
        Diagnostic d = Single("using RnnGen; [RnnModel((CellKind)42, 5, 8, 5)] public partial class M { }", "RNNG007");
        Assert.Equal("(CellKind)42", At(d));
        Assert.Contains("use one of CellKind.Rnn, CellKind.RnnRelu, CellKind.Lstm, CellKind.Gru", d.GetMessage());
    }

    [Theory]
    [InlineData("static", "static")]
    [InlineData("abstract", "abstract")]
    public void NotInstantiable_RNNG008(string modifier, string word)
    {
        Diagnostic d = Single("using RnnGen; [RnnModel(CellKind.Rnn, 5, 8, 5)] public " + modifier + " partial class M { }", "RNNG008");
        Assert.Contains("'M' is " + word, d.GetMessage());
    }

    [Fact]
    public void BaseClassWithoutParameterlessConstructor_RNNG008()
    {
        Diagnostic d = Single("using RnnGen; public class B { public B(int x) { } } [RnnModel(CellKind.Rnn, 5, 8, 5)] public partial class M : B { public M(int x) : base(x) { } }", "RNNG008");
        Assert.Contains("derived from 'B', which has no parameterless constructor", d.GetMessage());
    }

    [Theory]
    [InlineData("public int Step;", "'Step'")]
    [InlineData("private float[] _parameters = new float[1];", "'_parameters'")]
    [InlineData("private const int InputWeightsL0Offset = 0;", "'InputWeightsL0Offset'")]
    [InlineData("public M() { }", "a parameterless constructor")]
    [InlineData("public const int HiddenSize = 3;", "'HiddenSize'")]
    public void MemberConflict_RNNG009(string member, string name)
    {
        GeneratorHarness.Result result = GeneratorHarness.Run("using RnnGen; [RnnModel(CellKind.Rnn, 5, 8, 5)] public partial class M { " + member + " }");
        Diagnostic d = Assert.Single(result.GeneratorDiagnostics);
        Assert.Equal("RNNG009", d.Id);
        Assert.Contains(name.Trim('\''), d.GetMessage());
        Assert.Contains("rename or remove it", d.GetMessage());
    }

    [Fact]
    public void Record_RNNG010()
    {
        Diagnostic d = Single("using RnnGen; [RnnModel(CellKind.Rnn, 5, 8, 5)] public partial record M;", "RNNG010");
        Assert.Contains("'M' is a record; declare the model as a 'partial class'", d.GetMessage());
    }

    [Fact]
    public void FileLocalClass_RNNG011()
    {
        Diagnostic d = Single("using RnnGen; [RnnModel(CellKind.Rnn, 5, 8, 5)] file partial class M { }", "RNNG011");
        Assert.Contains("without the 'file' modifier", d.GetMessage());
    }

    [Fact]
    public void ClassNamedLikeAGeneratedMember_RNNG012()
    {
        Diagnostic d = Single("using RnnGen; [RnnModel(CellKind.Rnn, 5, 8, 5)] public partial class State { }", "RNNG012");
        Assert.Contains("The class is named 'State'", d.GetMessage());
    }

    [Fact]
    public void OldLanguageVersion_RNNG013()
    {
        var tree = Microsoft.CodeAnalysis.CSharp.CSharpSyntaxTree.ParseText(
            "using RnnGen; [RnnModel(CellKind.Rnn, 5, 8, 5)] public partial class M { }",
            new Microsoft.CodeAnalysis.CSharp.CSharpParseOptions(Microsoft.CodeAnalysis.CSharp.LanguageVersion.CSharp10), path: "Source0.cs");
        var compilation = GeneratorHarness.Compilation().AddSyntaxTrees(tree);
        GeneratorHarness.Result result = GeneratorHarness.Run(GeneratorHarness.Driver(), compilation);
        Diagnostic d = Assert.Single(result.GeneratorDiagnostics);
        Assert.Equal("RNNG013", d.Id);
        Assert.Contains("compiled as C# 10.0", d.GetMessage());
    }

    [Fact]
    public void SeveralProblemsAreAllReported()
    {
        GeneratorHarness.Result result = GeneratorHarness.Run("using RnnGen; [RnnModel(CellKind.Lstm, 0, 8, 1)] public class M { }");
        string[] ids = result.GeneratorDiagnostics.Select(d => d.Id).OrderBy(x => x, System.StringComparer.Ordinal).ToArray();
        Assert.Equal(new[] { "RNNG001", "RNNG004", "RNNG006" }, ids);
    }

    [Fact]
    public void AttributeTheCompilerCannotBindIsLeftToTheCompiler()
    {
        // Missing arguments: CS7036 from the compiler, nothing from us, and no exception.
        GeneratorHarness.Result result = GeneratorHarness.Run("using RnnGen; [RnnModel(CellKind.Rnn, 5)] public partial class M { }");
        Assert.Empty(result.GeneratorDiagnostics);
        Assert.Contains(result.CompilationProblems, d => d.Id == "CS7036");
    }

    [Fact]
    public void EveryDescriptorIsListedInTheReleaseTracking()
    {
        string unshipped = System.IO.File.ReadAllText(System.IO.Path.Combine(RepositoryRoot(), "generator", "AnalyzerReleases.Unshipped.md"));
        string docs = System.IO.File.ReadAllText(System.IO.Path.Combine(RepositoryRoot(), "docs", "diagnostics.md"));
        foreach (System.Reflection.FieldInfo field in typeof(RnnGen.Generator.RnnGenerator).Assembly
                     .GetType("RnnGen.Generator.DiagnosticDescriptors")!.GetFields())
        {
            var descriptor = (DiagnosticDescriptor)field.GetValue(null)!;
            Assert.Contains(descriptor.Id + " |", unshipped);
            Assert.Contains("## " + descriptor.Id, docs);
        }
    }

    internal static string RepositoryRoot()
    {
        string? dir = System.AppContext.BaseDirectory;
        while (dir is not null && !System.IO.File.Exists(System.IO.Path.Combine(dir, "RnnGen.sln")))
            dir = System.IO.Path.GetDirectoryName(dir);
        return dir ?? throw new System.InvalidOperationException("RnnGen.sln not found above " + System.AppContext.BaseDirectory);
    }
}
