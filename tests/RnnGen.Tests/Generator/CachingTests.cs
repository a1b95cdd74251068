using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using RnnGen.Generator;
using Xunit;

namespace RnnGen.Tests.Generator;

/// <summary>The incremental pipeline caches: unrelated edits leave every step Cached/Unchanged, and no step holds a symbol or syntax.</summary>
public class CachingTests
{
    private const string Model = "using RnnGen; namespace App; [RnnModel(CellKind.Rnn, 7, 13, 5)] public partial class M;";
    private const string Other = "namespace App; public class Other { public int X; }";

    private static readonly string[] TrackedSteps = { "Parse", "Models", "Diagnostics" };

    [Fact]
    public void UnrelatedEditLeavesEveryStepCached()
    {
        CSharpCompilation compilation = GeneratorHarness.Compilation(Model, Other);
        GeneratorHarness.Result first = GeneratorHarness.Run(GeneratorHarness.Driver(), compilation);

        SyntaxTree otherTree = compilation.SyntaxTrees.Last();
        CSharpCompilation edited = compilation.ReplaceSyntaxTree(otherTree,
            CSharpSyntaxTree.ParseText("namespace App; public class Other { public int X; public int Y; }", GeneratorHarness.ParseOptions, path: otherTree.FilePath));
        GeneratorHarness.Result second = GeneratorHarness.Run(first.Driver, edited);

        IncrementalGeneratorRunStep[] steps = TrackedStepsOf(second.RunResult);
        Assert.NotEmpty(steps);
        foreach (IncrementalGeneratorRunStep step in steps)
        {
            foreach ((object _, IncrementalStepRunReason reason) in step.Outputs)
                Assert.True(reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"{step.Name}: {reason}");
        }
        Assert.All(second.RunResult.Results[0].TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs),
            output => Assert.Equal(IncrementalStepRunReason.Cached, output.Reason));
    }

    [Fact]
    public void AttributeChangeRegeneratesTheModel()
    {
        CSharpCompilation compilation = GeneratorHarness.Compilation(Model);
        GeneratorHarness.Result first = GeneratorHarness.Run(GeneratorHarness.Driver(), compilation);
        SyntaxTree tree = compilation.SyntaxTrees.Single();
        CSharpCompilation edited = compilation.ReplaceSyntaxTree(tree,
            CSharpSyntaxTree.ParseText(Model.Replace("7, 13, 5", "7, 14, 5", StringComparison.Ordinal), GeneratorHarness.ParseOptions, path: tree.FilePath));
        GeneratorHarness.Result second = GeneratorHarness.Run(first.Driver, edited);

        IncrementalGeneratorRunStep models = second.RunResult.Results[0].TrackedSteps["Models"].Single();
        Assert.Equal(IncrementalStepRunReason.Modified, models.Outputs.Single().Reason);
        Assert.Contains("public const int HiddenSize = 14;", second.GeneratedText(), StringComparison.Ordinal);
    }

    [Fact]
    public void MovingTheDeclarationDoesNotRegenerateKernels()
    {
        // Whitespace above the declaration moves its location: the parse step reruns, the model stays equal.
        CSharpCompilation compilation = GeneratorHarness.Compilation(Model);
        GeneratorHarness.Result first = GeneratorHarness.Run(GeneratorHarness.Driver(), compilation);
        SyntaxTree tree = compilation.SyntaxTrees.Single();
        CSharpCompilation edited = compilation.ReplaceSyntaxTree(tree,
            CSharpSyntaxTree.ParseText("\n\n// moved\n" + Model, GeneratorHarness.ParseOptions, path: tree.FilePath));
        GeneratorHarness.Result second = GeneratorHarness.Run(first.Driver, edited);

        IncrementalGeneratorRunStep models = second.RunResult.Results[0].TrackedSteps["Models"].Single();
        Assert.True(models.Outputs.Single().Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged);
    }

    [Fact]
    public void NoStepOutputHoldsSymbolsOrSyntax()
    {
        GeneratorHarness.Result result = GeneratorHarness.Run(Model, "using RnnGen; [RnnModel(CellKind.Rnn, 0, 8, 5)] public partial class Bad;");
        foreach (IncrementalGeneratorRunStep step in TrackedStepsOf(result.RunResult))
        {
            foreach ((object value, IncrementalStepRunReason _) in step.Outputs)
                AssertNoForbiddenTypes(value, step.Name ?? "step", new HashSet<object>(ReferenceEqualityComparer.Instance));
        }
    }

    private static IncrementalGeneratorRunStep[] TrackedStepsOf(GeneratorDriverRunResult result) =>
        result.Results[0].TrackedSteps.Where(s => TrackedSteps.Contains(s.Key)).SelectMany(s => s.Value).ToArray();

    private static void AssertNoForbiddenTypes(object? value, string path, HashSet<object> seen)
    {
        if (value is null || value is string || value.GetType().IsPrimitive || value.GetType().IsEnum)
            return;
        Type type = value.GetType();
        Assert.False(value is ISymbol or SyntaxNode or SemanticModel or Compilation or Location or SyntaxTree,
            $"{path} holds a {type.Name}, which breaks incremental caching");
        if (!seen.Add(value) || type.Namespace?.StartsWith("Microsoft.CodeAnalysis", StringComparison.Ordinal) == true)
            return;
        if (value is IEnumerable items and not string)
        {
            int i = 0;
            foreach (object? item in items)
                AssertNoForbiddenTypes(item, $"{path}[{i++}]", seen);
        }
        foreach (FieldInfo field in type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic))
            AssertNoForbiddenTypes(field.GetValue(value), path + "." + field.Name, seen);
    }
}
