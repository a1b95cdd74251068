using System.Linq;
using Microsoft.CodeAnalysis;
using Xunit;

namespace RnnGen.Tests.Generator;

/// <summary>Valid declarations: no diagnostics, and the generated code compiles with no warning at the highest warning level.</summary>
public class GeneratedCodeTests
{
    [Theory]
    [InlineData("CellKind.Rnn, 65, 100, 65, SequenceLength = 25")]
    [InlineData("CellKind.RnnRelu, 7, 13, 5")]
    [InlineData("CellKind.Rnn, 7, 13, 5, Input = InputKind.Dense")]
    [InlineData("CellKind.RnnRelu, 64, 128, 10, Input = InputKind.Dense, SequenceLength = 1")]
    [InlineData("CellKind.Rnn, 1, 1, 1, Head = HeadKind.Linear")]
    [InlineData("CellKind.Lstm, 65, 128, 65, Layers = 2")]
    [InlineData("CellKind.Gru, 7, 13, 2, Bidirectional = true, Layers = 3, Input = InputKind.Dense, Output = OutputKind.LastStep")]
    [InlineData("CellKind.Lstm, 3, 5, 1, Bidirectional = true, Head = HeadKind.Linear, Output = OutputKind.LastStep")]
    [InlineData("CellKind.RnnRelu, 4, 9, 3, Layers = 2, Head = HeadKind.Linear")]
    [InlineData("CellKind.Rnn, 3, 8, 4")]
    [InlineData("cell: CellKind.Rnn, inputSize: 9, hiddenSize: 33, outputSize: 2, Layers = 1, Bidirectional = false, Head = HeadKind.Softmax, Output = OutputKind.EveryStep")]
    public void ValidDeclarationCompilesWithoutWarnings(string arguments)
    {
        string source = "using RnnGen;\nnamespace App;\n[RnnModel(" + arguments + ")]\npublic partial class Model;\n";
        GeneratorHarness.Result result = GeneratorHarness.Run(GeneratorHarness.ConsoleGlobalUsings, source);
        Assert.Empty(result.GeneratorDiagnostics);
        Assert.Single(result.RunResult.GeneratedTrees);
        Assert.Empty(result.CompilationProblems);
    }

    [Fact]
    public void GlobalNamespaceAndNestedTypesCompile()
    {
        string source = """
            using RnnGen;
            [RnnModel(CellKind.Rnn, 5, 8, 5)]
            internal sealed partial class GlobalModel;

            namespace Deep.Inside
            {
                public static partial class Holder
                {
                    public partial struct Inner
                    {
                        [RnnModel(CellKind.RnnRelu, 5, 8, 5, Input = InputKind.Dense)]
                        private partial class Model { }
                    }
                }
            }
            """;
        GeneratorHarness.Result result = GeneratorHarness.Run(GeneratorHarness.ConsoleGlobalUsings, source);
        Assert.Empty(result.GeneratorDiagnostics);
        Assert.Equal(2, result.RunResult.GeneratedTrees.Length);
        Assert.Empty(result.CompilationProblems);
    }

    [Fact]
    public void UserTypesNamedLikeFrameworkTypesDoNotBreakTheGeneratedCode()
    {
        // Types and namespaces that shadow the framework's names, in the user's namespace, in the global namespace and
        // under RnnGen, must not capture the generated code's names. (The namespace RnnGen.Generated itself is reserved.)
        string source = """
            using RnnGen;
            public class Span { }
            public class Vector256 { }
            namespace RnnGen.System { public class Runtime { } }
            namespace RnnGen.Kernels2 { public class MathF { } }
            namespace App
            {
                public class Span { }
                public class Vector256 { }
                public class Fma { }
                public class MathF { }
                public class Unsafe { }
                [RnnModel(CellKind.Lstm, 5, 16, 5, Layers = 2)]
                public partial class Model;
            }
            """;
        GeneratorHarness.Result result = GeneratorHarness.Run(GeneratorHarness.ConsoleGlobalUsings, source);
        Assert.Empty(result.GeneratorDiagnostics);
        Assert.Empty(result.CompilationProblems);
    }

    [Fact]
    public void KeywordNamesAreEscaped()
    {
        string source = """
            using RnnGen;
            namespace @event.App
            {
                public partial class @class
                {
                    [RnnModel(CellKind.Gru, 5, 8, 5)]
                    public partial class @event;
                }
            }
            """;
        GeneratorHarness.Result result = GeneratorHarness.Run(GeneratorHarness.ConsoleGlobalUsings, source);
        Assert.Empty(result.GeneratorDiagnostics);
        Assert.Single(result.RunResult.GeneratedTrees);
        Assert.Empty(result.CompilationProblems);
    }

    [Fact]
    public void AttributeOnTwoPartsIsTheCompilersErrorAndOtherModelsStillGenerate()
    {
        string partOne = "using RnnGen; [RnnModel(CellKind.Rnn, 5, 8, 5)] public partial class Twice;";
        string partTwo = "using RnnGen; [RnnModel(CellKind.Rnn, 5, 8, 5)] public partial class Twice; [RnnModel(CellKind.Rnn, 3, 4, 3)] public partial class Other;";
        GeneratorHarness.Result result = GeneratorHarness.Run(partOne, partTwo);
        Assert.Empty(result.GeneratorDiagnostics);
        Assert.Equal(2, result.RunResult.GeneratedTrees.Length);
        Assert.Equal(new[] { "CS0579" }, result.CompilationProblems.Select(d => d.Id).Distinct().ToArray());
    }

    [Fact]
    public void SameModelGivesByteIdenticalOutput()
    {
        const string source = "using RnnGen; [RnnModel(CellKind.Rnn, 65, 100, 65)] public partial class M;";
        string first = GeneratorHarness.Run(source).GeneratedText();
        string second = GeneratorHarness.Run(source).GeneratedText();
        Assert.Equal(first, second);
        Assert.StartsWith("// <auto-generated/>", first, System.StringComparison.Ordinal);
        Assert.Contains("23,265 parameters", first, System.StringComparison.Ordinal);
        Assert.Contains("// M: vanilla RNN (tanh), token input (vocabulary 65) → 100 hidden → softmax over 65 classes at every step", first, System.StringComparison.Ordinal);
        Assert.Contains("#nullable enable", first, System.StringComparison.Ordinal);
    }
}
