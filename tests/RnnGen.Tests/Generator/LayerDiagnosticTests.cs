using System.Linq;
using Microsoft.CodeAnalysis;
using Xunit;

namespace RnnGen.Tests.Generator;

/// <summary>The layer-stack diagnostics: one test per ID (and per way to trigger it), with where it points and what it says.</summary>
public class LayerDiagnosticTests
{
    private const string Recurrent = "[Recurrent(CellKind.Lstm, 8)]";

    private static (Diagnostic Diagnostic, string At) Single(string source, string id)
    {
        GeneratorHarness.Result result = GeneratorHarness.Run("using RnnGen;\n" + source);
        Diagnostic[] ours = result.GeneratorDiagnostics.Where(d => d.Id.StartsWith("RNNG", System.StringComparison.Ordinal)).ToArray();
        Diagnostic diagnostic = Assert.Single(ours);
        Assert.Equal(id, diagnostic.Id);
        Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
        Assert.Empty(result.RunResult.GeneratedTrees);
        Assert.StartsWith("https://", diagnostic.Descriptor.HelpLinkUri, System.StringComparison.Ordinal);
        string text = "using RnnGen;\n" + source;
        return (diagnostic, text.Substring(diagnostic.Location.SourceSpan.Start, diagnostic.Location.SourceSpan.Length));
    }

    [Fact]
    public void LayerWithoutModel_RNNG014()
    {
        (Diagnostic d, string at) = Single("[Dense(8)] [Recurrent(CellKind.Gru, 4)] public partial class M;", "RNNG014");
        Assert.Equal("Dense(8)", at);
        Assert.Contains("'M' has [Dense] but no [RnnModel]; add [RnnModel(inputSize: N)]", d.GetMessage());
    }

    [Fact]
    public void LayersBesideTheFirstForm_RNNG015()
    {
        (Diagnostic d, string at) = Single("[RnnModel(CellKind.Lstm, 5, 8, 5)] [Dropout(0.1f)] public partial class M;", "RNNG015");
        Assert.Equal("Dropout(0.1f)", at);
        Assert.Contains("declare a layer stack with [RnnModel(inputSize: 5)]", d.GetMessage());
    }

    [Theory]
    [InlineData("Layers = 2", "[Recurrent(CellKind.Lstm, 64, Layers = 2)]")]
    [InlineData("Bidirectional = true", "[Recurrent(CellKind.Lstm, 64, Bidirectional = true)]")]
    public void FirstFormPropertiesOnALayerStack_RNNG015(string property, string fix)
    {
        (Diagnostic d, string at) = Single("[RnnModel(4, " + property + ")] " + Recurrent + " public partial class M;", "RNNG015");
        Assert.Equal(property, at);
        Assert.Contains(fix, d.GetMessage());
    }

    [Theory]
    [InlineData("", "declares a layer stack ([RnnModel(inputSize)]) but no layers")]
    [InlineData("[Dense(8, Activation.Tanh)] [Dense(2)]", "has no [Recurrent] layer")]
    public void NoRecurrentLayer_RNNG016(string layers, string message)
    {
        (Diagnostic d, string at) = Single("[RnnModel(4)] " + layers + " public partial class M;", "RNNG016");
        Assert.Equal("RnnModel(4)", at);
        Assert.Contains(message, d.GetMessage());
        Assert.Contains("add a recurrent layer such as [Recurrent(CellKind.Lstm, 64)]", d.GetMessage());
    }

    [Theory]
    [InlineData("[RnnModel(10)] [Dense(4)] [Embedding(3)] " + Recurrent, "Embedding(3)", "move it above the other layer attributes")]
    [InlineData("[RnnModel(10, Input = InputKind.Dense, Head = HeadKind.Linear)] [Embedding(3)] " + Recurrent, "Embedding(3)", "use Input = InputKind.Token")]
    public void EmbeddingMisplaced_RNNG017(string declaration, string location, string fix)
    {
        (Diagnostic d, string at) = Single(declaration + " public partial class M;", "RNNG017");
        Assert.Equal(location, at);
        Assert.Contains(fix, d.GetMessage());
    }

    [Fact]
    public void ConvolutionAfterTheReduction_RNNG018()
    {
        (Diagnostic d, string at) = Single("[RnnModel(4, Output = OutputKind.LastStep)] " + Recurrent + " [Conv1D(3, 2)] [Dense(2)] public partial class M;", "RNNG018");
        Assert.Equal("Conv1D(3, 2)", at);
        Assert.Contains("[Conv1D] is layer 1, after the last recurrent layer (layer 0)", d.GetMessage());
    }

    [Theory]
    [InlineData("[RnnModel(4, InputSkip = true)] " + Recurrent + " [Dense(2)]", "the input is token ids")]
    [InlineData("[RnnModel(4, Input = InputKind.Dense, Head = HeadKind.Linear, Output = OutputKind.LastStep, InputSkip = true)] " + Recurrent + " [Dense(2)]", "has no output at every step")]
    [InlineData("[RnnModel(2, Input = InputKind.Dense, Head = HeadKind.Linear, InputSkip = true)] " + Recurrent + " [Dense(3)]", "the input has 2 features and the output 3 values; remove InputSkip, or make the last layer at most 2 wide")]
    public void InputSkipDoesNotFit_RNNG019(string declaration, string message)
    {
        (Diagnostic d, string at) = Single(declaration + " public partial class M;", "RNNG019");
        Assert.Equal("InputSkip = true", at);
        Assert.Contains(message, d.GetMessage());
    }

    [Theory]
    [InlineData("1f", "p = 1;")]
    [InlineData("-0.25f", "p = -0.25;")]
    [InlineData("float.NaN", "p = NaN;")]
    public void DropoutProbability_RNNG020(string p, string message)
    {
        (Diagnostic d, string at) = Single("[RnnModel(4)] " + Recurrent + " [Dropout(" + p + ")] [Dense(3)] public partial class M;", "RNNG020");
        Assert.Equal(p, at);
        Assert.Contains("[Dropout] (layer 1) has " + message, d.GetMessage());
    }

    [Fact]
    public void DuplicateTensorName_RNNG021()
    {
        (Diagnostic d, string at) = Single("[RnnModel(4)] [Dense(6, Name = \"lin\")] " + Recurrent + " [Dense(3, Name = \"lin\")] public partial class M;", "RNNG021");
        Assert.Equal("Dense(3, Name = \"lin\")", at);
        Assert.Contains("Layer 0 ([Dense]) and layer 2 ([Dense]) both name a tensor 'lin.weight'", d.GetMessage());
    }

    [Theory]
    [InlineData("a..b")]
    [InlineData("rec.")]
    [InlineData("has space")]
    [InlineData("quote\\\"")]
    public void InvalidLayerName_RNNG022(string name)
    {
        (Diagnostic d, string at) = Single("[RnnModel(4)] [Recurrent(CellKind.Gru, 5, Name = \"" + name + "\")] [Dense(3)] public partial class M;", "RNNG022");
        Assert.StartsWith("Name = ", at);
        Assert.Contains("is not a tensor-name prefix", d.GetMessage());
    }

    [Theory]
    [InlineData("Head = HeadKind.ErrorToSignalRatio, Output = OutputKind.LastStep", "Head = HeadKind.ErrorToSignalRatio", "Output = OutputKind.LastStep leaves one value per sequence")]
    [InlineData("Head = HeadKind.Linear, PreEmphasis = 0.95f", "PreEmphasis = 0.95f", "set Head = HeadKind.ErrorToSignalRatio, or remove PreEmphasis")]
    [InlineData("Head = HeadKind.ErrorToSignalRatio, PreEmphasis = 2f", "PreEmphasis = 2f", "PreEmphasis is 2; the coefficient a")]
    public void ErrorToSignalRatio_RNNG023(string properties, string location, string message)
    {
        (Diagnostic d, string at) = Single("[RnnModel(1, Input = InputKind.Dense, " + properties + ")] " + Recurrent + " [Dense(1)] public partial class M;", "RNNG023");
        Assert.Equal(location, at);
        Assert.Contains(message, d.GetMessage());
    }

    [Fact]
    public void LayersOnAnotherPart_RNNG024()
    {
        GeneratorHarness.Result result = GeneratorHarness.Run(
            "using RnnGen; [RnnModel(4)] " + Recurrent + " public partial class M;",
            "using RnnGen; [Dense(3)] public partial class M;");
        Diagnostic d = Assert.Single(result.GeneratorDiagnostics);
        Assert.Equal("RNNG024", d.Id);
        Assert.Equal("Source1.cs", d.Location.GetLineSpan().Path);
        Assert.Contains("'M' has [Dense] on another part of the partial class than its [RnnModel]", d.GetMessage());
    }

    [Theory]
    [InlineData("[Dense(0)]", "0", "size of layer 1 ([Dense]) is 0")]
    [InlineData("[Recurrent(CellKind.Gru, -2)]", "-2", "hiddenSize of layer 1 ([Recurrent]) is -2")]
    [InlineData("[Recurrent(CellKind.Gru, 2, Layers = 0)]", "Layers = 0", "Layers of layer 1 ([Recurrent]) is 0")]
    [InlineData("[Conv1D(3, 0)]", "0", "kernelSize of layer 1 ([Conv1D]) is 0")]
    [InlineData("[Conv1D(3, 2, Dilation = 0)]", "Dilation = 0", "Dilation of layer 1 ([Conv1D]) is 0")]
    public void NonPositiveLayerSize_RNNG004(string layer, string location, string message)
    {
        (Diagnostic d, string at) = Single("[RnnModel(4, Input = InputKind.Dense, Head = HeadKind.Linear)] " + Recurrent + " " + layer + " public partial class M;", "RNNG004");
        Assert.Equal(location, at);
        Assert.Contains(message + "; it must be at least 1", d.GetMessage());
    }

    [Theory]
    [InlineData("[Dense(4, (Activation)9)]", "(Activation)9", "use one of Activation.None, Activation.Tanh")]
    [InlineData("[Recurrent((CellKind)7, 4)]", "(CellKind)7", "use one of CellKind.Rnn")]
    public void UndefinedLayerEnumValue_RNNG007(string layer, string location, string message)
    {
        (Diagnostic d, string at) = Single("[RnnModel(4)] " + Recurrent + " " + layer + " [Dense(3)] public partial class M;", "RNNG007");
        Assert.Equal(location, at);
        Assert.Contains(message, d.GetMessage());
    }

    [Theory]
    [InlineData("[Dense(20000000)]", "size is 20,000,000, more than the 16,777,216 a layer may have")]
    [InlineData("[Dense(10000)] [Dense(30000)]", "parameters, more than the 268,435,456")]
    [InlineData("[Conv1D(2, 300, Dilation = 300)]", "reaches 89,700 steps back")]
    public void StackTooLarge_RNNG005(string layers, string message)
    {
        GeneratorHarness.Result result = GeneratorHarness.Run("using RnnGen; [RnnModel(4, Input = InputKind.Dense, Head = HeadKind.Linear)] " + Recurrent + " " + layers + " public partial class M;");
        Diagnostic d = Assert.Single(result.GeneratorDiagnostics);
        Assert.Equal("RNNG005", d.Id);
        Assert.Contains(message, d.GetMessage());
        Assert.Contains("reduce", d.GetMessage());
    }

    [Fact]
    public void SoftmaxOverOneClassInAStack_RNNG006()
    {
        (Diagnostic d, string at) = Single("[RnnModel(4)] " + Recurrent + " [Dense(1)] public partial class M;", "RNNG006");
        Assert.Equal("Dense(1)", at);
        Assert.Contains("softmax head over 1 class", d.GetMessage());
    }

    [Fact]
    public void GeneratedStackMemberConflicts_RNNG009()
    {
        GeneratorHarness.Result result = GeneratorHarness.Run("using RnnGen; [RnnModel(4)] " + Recurrent + " [Dense(3)] public partial class M { public int DropoutState; private const int Layer1WeightsOffset = 0; public int HiddenSize; }");
        Assert.Equal(new[] { "DropoutState", "Layer1WeightsOffset" }, result.GeneratorDiagnostics.Select(d => d.GetMessage().Split('\'')[3]).OrderBy(x => x, System.StringComparer.Ordinal));
        Assert.All(result.GeneratorDiagnostics, d => Assert.Equal("RNNG009", d.Id));
    }

    [Fact]
    public void TheReadmesLayerStacksCompileWithoutWarnings()
    {
        string readme = System.IO.File.ReadAllText(System.IO.Path.Combine(DiagnosticTests.RepositoryRoot(), "README.md"));
        int start = readme.IndexOf("<!-- stacks:begin -->", System.StringComparison.Ordinal);
        int end = readme.IndexOf("<!-- stacks:end -->", System.StringComparison.Ordinal);
        Assert.True(start >= 0 && end > start, "README.md has no stacks:begin/stacks:end block");
        string block = readme.Substring(start, end - start);
        string code = block.Substring(block.IndexOf("```csharp", System.StringComparison.Ordinal) + "```csharp".Length);
        code = code.Substring(0, code.IndexOf("```", System.StringComparison.Ordinal));
        GeneratorHarness.Result result = GeneratorHarness.Run(GeneratorHarness.ConsoleGlobalUsings, "using RnnGen;\nnamespace App;\n" + code);
        Assert.Empty(result.GeneratorDiagnostics);
        Assert.Equal(4, result.RunResult.GeneratedTrees.Length);
        Assert.Empty(result.CompilationProblems);
    }

    [Fact]
    public void ValidStacksCompileWithoutWarnings()
    {
        string source = """
            using RnnGen;
            namespace App;

            [RnnModel(inputSize: 1, Input = InputKind.Dense, Head = HeadKind.Linear, SequenceLength = 2048)]
            [Dense(8, Activation.Tanh)]
            [Recurrent(CellKind.Gru, 8)]
            [Dense(8, Activation.Sigmoid)]
            [Dense(1)]
            public partial class AmpModel;

            [RnnModel(65, Output = OutputKind.LastStep)]
            [Embedding(16, Name = "embed")]
            [Recurrent(CellKind.Lstm, 32, Layers = 2, Bidirectional = true, Name = "")]
            [Dropout(0.5f)]
            [Dense(10, Activation.Relu, Bias = false)]
            [Dense(3)]
            public partial class Classifier;

            [RnnModel(4, Input = InputKind.Dense, Head = HeadKind.ErrorToSignalRatio, InputSkip = true, PreEmphasis = 0.95f)]
            [Conv1D(4, 3, Dilation = 2, Activation = Activation.Elu)]
            [Recurrent(CellKind.RnnRelu, 12, Bias = false)]
            [Conv1D(2, 1, Bias = false, Name = "net.out")]
            public partial class Effect;
            """;
        GeneratorHarness.Result result = GeneratorHarness.Run(GeneratorHarness.ConsoleGlobalUsings, source);
        Assert.Empty(result.GeneratorDiagnostics);
        Assert.Equal(3, result.RunResult.GeneratedTrees.Length);
        Assert.Empty(result.CompilationProblems);
    }
}
