using System.Linq;
using System.Text;
using Xunit;

namespace RnnGen.Tests.Generator;

/// <summary>Every valid combination of the declaration's options generates code that compiles with no warning, in one compilation.</summary>
public class MatrixCompilationTests
{
    [Fact]
    public void EveryCombinationCompilesWithoutWarnings()
    {
        var source = new StringBuilder("using RnnGen;\nnamespace App;\n");
        int count = 0;
        foreach (string cell in new[] { "Rnn", "RnnRelu", "Lstm", "Gru" })
        foreach (int layers in new[] { 1, 2, 3 })
        foreach (bool bidirectional in new[] { false, true })
        foreach (string input in new[] { "Token", "Dense" })
        foreach (string head in new[] { "Softmax", "Linear" })
        foreach (string output in new[] { "EveryStep", "LastStep" })
        {
            source.Append($"[RnnModel(CellKind.{cell}, 7, 13, 5, Layers = {layers}, Bidirectional = {(bidirectional ? "true" : "false")}, " +
                          $"Input = InputKind.{input}, Head = HeadKind.{head}, Output = OutputKind.{output}, SequenceLength = 9)]\n");
            source.Append($"public partial class M{count++};\n");
        }
        Assert.Equal(192, count);

        GeneratorHarness.Result result = GeneratorHarness.Run(GeneratorHarness.ConsoleGlobalUsings, source.ToString());
        Assert.Empty(result.GeneratorDiagnostics);
        Assert.Equal(192, result.RunResult.GeneratedTrees.Length);
        Assert.Empty(result.CompilationProblems.Select(d => d.ToString()));
    }
}
