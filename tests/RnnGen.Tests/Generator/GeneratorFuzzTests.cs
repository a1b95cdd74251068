using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;
using Xunit;

namespace RnnGen.Tests.Generator;

/// <summary>
/// Hundreds of random declarations, valid and invalid, written by the test from a seeded grammar (either form of
/// [RnnModel], up to six layers of every kind, sizes from −1 to int.MaxValue, undefined enum values, odd names, layers
/// beside the first form, every property): the generator never throws and never reports an internal error, and each
/// declaration ends as exactly one of: generated code with no diagnostic (and the whole compilation, generated code
/// included, has no error or warning at the highest warning level), or error diagnostics located in it and no code.
/// </summary>
public class GeneratorFuzzTests
{
    private const int Batches = 10, PerBatch = 40;

    public static IEnumerable<object[]> Seeds() => Enumerable.Range(0, Batches).Select(i => new object[] { 1000 + i });

    [Theory]
    [MemberData(nameof(Seeds))]
    public void EveryDeclarationIsCodeOrDiagnostics(int seed)
    {
        var random = new Random(seed);
        var source = new StringBuilder("using RnnGen;\nnamespace Fuzz;\n\n");
        var spans = new List<(string Name, TextSpan Span)>();
        for (int i = 0; i < PerBatch; i++)
        {
            string name = "M" + seed + "_" + i;
            int start = source.Length;
            source.Append(Declaration(random)).Append("public partial class ").Append(name).Append(";\n\n");
            spans.Add((name, TextSpan.FromBounds(start, source.Length)));
        }
        string text = source.ToString();
        GeneratorHarness.Result result = GeneratorHarness.Run(GeneratorHarness.ConsoleGlobalUsings, text);

        Assert.DoesNotContain(result.GeneratorDiagnostics, d => d.Id == "RNNG099");
        var generated = result.RunResult.GeneratedTrees.Select(t => System.IO.Path.GetFileName(t.FilePath)).ToHashSet();
        int valid = 0;
        foreach ((string name, TextSpan span) in spans)
        {
            Diagnostic[] mine = result.GeneratorDiagnostics
                .Where(d => d.Location.GetLineSpan().Path == "Source1.cs" && span.Contains(d.Location.SourceSpan)).ToArray();
            bool hasCode = generated.Contains("Fuzz." + name + ".RnnModel.g.cs");
            string declaration = text.Substring(span.Start, span.Length);
            if (hasCode)
            {
                Assert.True(mine.Length == 0, "code and diagnostics for\n" + declaration + string.Join("\n", mine.Select(d => d.ToString())));
                valid++;
            }
            else
            {
                Assert.True(mine.Length > 0, "neither code nor a diagnostic for\n" + declaration);
                Assert.All(mine, d => Assert.Equal(DiagnosticSeverity.Error, d.Severity));
            }
        }
        Assert.InRange(valid, PerBatch / 5, PerBatch - PerBatch / 5); // the grammar makes plenty of both kinds
        System.Console.WriteLine($"fuzz batch {seed}: {valid} of {PerBatch} declarations valid");
        Assert.True(result.GeneratorDiagnostics.All(d => spans.Any(s => s.Span.Contains(d.Location.SourceSpan))), "a diagnostic outside every declaration");
        Assert.True(result.CompilationProblems.Count == 0, string.Join("\n", result.CompilationProblems.Take(10).Select(d => d.ToString())));
    }

    /// <summary>The attributes of one random model.</summary>
    private static string Declaration(Random random)
    {
        // Half the declarations draw only values that are valid on their own (combinations may still be wrong).
        bool clean = random.NextDouble() < 0.5;
        var text = new StringBuilder();
        bool stack = random.NextDouble() < 0.75;
        var properties = new List<string>();
        if (random.NextDouble() < 0.4) properties.Add("SequenceLength = " + (clean ? Pick(random, "1", "3", "24", "2048") : Pick(random, "1", "3", "24", "0", "-2", "100000", "2048")));
        if (random.NextDouble() < 0.5) properties.Add("Input = " + (clean ? Pick(random, "InputKind.Dense", "InputKind.Token") : Pick(random, "InputKind.Dense", "InputKind.Token", "(InputKind)5")));
        if (random.NextDouble() < 0.5) properties.Add("Head = " + (clean ? Pick(random, "HeadKind.Linear", "HeadKind.Softmax", "HeadKind.ErrorToSignalRatio") : Pick(random, "HeadKind.Linear", "HeadKind.Softmax", "HeadKind.ErrorToSignalRatio", "(HeadKind)(-1)")));
        if (random.NextDouble() < 0.3) properties.Add("Output = " + (clean ? Pick(random, "OutputKind.LastStep", "OutputKind.EveryStep") : Pick(random, "OutputKind.LastStep", "OutputKind.EveryStep", "(OutputKind)3")));
        if (random.NextDouble() < (clean ? 0.05 : 0.15)) properties.Add("InputSkip = true");
        if (random.NextDouble() < 0.1 && !clean) properties.Add("PreEmphasis = " + Pick(random, "0.95f", "0f", "1.5f", "float.NaN", "-0.5f"));
        if (!stack || (!clean && random.NextDouble() < 0.05)) properties.Add("Layers = " + (clean ? Pick(random, "1", "2", "3") : Pick(random, "1", "2", "3", "0")));
        if (!stack && random.NextDouble() < 0.3) properties.Add("Bidirectional = true");
        string extra = properties.Count == 0 ? "" : ", " + string.Join(", ", properties);
        if (stack)
        {
            text.Append("[RnnModel(").Append(Size(random, clean)).Append(extra).Append(")]\n");
        }
        else
        {
            text.Append("[RnnModel(").Append(Cell(random, clean)).Append(", ").Append(Size(random, clean)).Append(", ").Append(Size(random, clean)).Append(", ").Append(Size(random, clean)).Append(extra).Append(")]\n");
        }
        int layers = stack ? random.Next(clean ? 1 : 0, 7) : !clean && random.NextDouble() < 0.1 ? 1 : 0;
        int recurrent = clean ? random.Next(layers) : -1;
        for (int i = 0; i < layers; i++)
            text.Append(Layer(random, clean, i == recurrent, i)).Append('\n');
        return text.ToString();
    }

    private static string Layer(Random random, bool clean, bool recurrent, int position)
    {
        string name = random.NextDouble() >= 0.15 ? ""
            : clean ? ", Name = \"n" + position.ToString(CultureInfo.InvariantCulture) + Pick(random, "", ".rnn", "_x") + "\""
            : ", Name = " + Pick(random, "\"rec\"", "\"lin\"", "\"\"", "\"net.rnn\"", "\"a..b\"", "\"x y\"");
        switch (recurrent ? 0 : random.Next(clean ? 5 : 6))
        {
            case 0:
            case 1:
                return "[Recurrent(" + Cell(random, clean) + ", " + Size(random, clean)
                    + (random.NextDouble() < 0.3 ? ", Layers = " + (clean ? Pick(random, "1", "2", "3") : Pick(random, "1", "2", "3", "0", "5000")) : "")
                    + (random.NextDouble() < 0.3 ? ", Bidirectional = true" : "")
                    + (random.NextDouble() < 0.2 ? ", Bias = false" : "") + name + ")]";
            case 2:
                return "[Dense(" + Size(random, clean) + (random.NextDouble() < 0.6 ? ", " + ActivationValue(random, clean) : "")
                    + (random.NextDouble() < 0.2 ? ", Bias = false" : "") + name + ")]";
            case 3:
                return "[Conv1D(" + Size(random, clean) + ", " + (clean ? Pick(random, "1", "2", "3", "5") : Pick(random, "1", "2", "3", "0", "5"))
                    + (random.NextDouble() < 0.4 ? ", Dilation = " + (clean ? Pick(random, "1", "2", "4") : Pick(random, "1", "2", "4", "0", "100000")) : "")
                    + (random.NextDouble() < 0.4 ? ", Activation = " + ActivationValue(random, clean) : "")
                    + (random.NextDouble() < 0.2 ? ", Bias = false" : "") + name + ")]";
            case 4:
                return clean ? "[Dropout(" + Pick(random, "0.1f", "0.5f", "0f", "0.99f") + ")]" : "[Embedding(" + Size(random, clean) + name + ")]";
            default:
                return "[Dropout(" + Pick(random, "0.1f", "0.5f", "0f", "0.99f", "1f", "-0.2f", "float.NaN") + ")]";
        }
    }

    private static string Size(Random random, bool clean) => clean ? random.Next(1, 13).ToString(CultureInfo.InvariantCulture) : random.NextDouble() switch
    {
        < 0.85 => random.Next(1, 13).ToString(CultureInfo.InvariantCulture),
        < 0.9 => Pick(random, "0", "-1"),
        < 0.95 => Pick(random, "2147483647", "1048576", "70000"),
        _ => random.Next(13, 64).ToString(CultureInfo.InvariantCulture),
    };

    private static string Cell(Random random, bool clean) => clean || random.NextDouble() < 0.93
        ? Pick(random, "CellKind.Rnn", "CellKind.RnnRelu", "CellKind.Lstm", "CellKind.Gru")
        : "(CellKind)" + Pick(random, "4", "(-1)", "99");

    private static string ActivationValue(Random random, bool clean) => clean || random.NextDouble() < 0.95
        ? Pick(random, "Activation.None", "Activation.Tanh", "Activation.Sigmoid", "Activation.Relu", "Activation.LeakyRelu", "Activation.Elu")
        : "(Activation)" + Pick(random, "6", "(-3)");

    private static string Pick(Random random, params string[] options) => options[random.Next(options.Length)];
}
