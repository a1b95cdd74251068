using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using RnnGen.Generator.Helpers;
using RnnGen.Generator.Model;

namespace RnnGen.Generator;

public sealed partial class RnnGenerator
{
    /// <summary>Turns one [RnnModel] declaration into a <see cref="ModelSpec"/> and its diagnostics.</summary>
    internal static class Parser
    {
        /// <summary>Largest parameter count: two buffers of this many floats (parameters, gradients) must be allocatable.</summary>
        public const long MaxParameters = 1L << 28;

        /// <summary>Largest state: it is a value type the caller keeps, often on the stack.</summary>
        public const long MaxStateFloats = 1L << 16;

        /// <summary>Largest activation tape for backpropagation through time.</summary>
        public const long MaxTapeFloats = 1L << 28;

        /// <summary>Names the generated code declares in the model class.</summary>
        internal static readonly string[] GeneratedMemberNames =
        {
            "InputSize", "HiddenSize", "OutputSize", "Layers", "Directions", "SequenceLength", "ParameterCount",
            "Cell", "Input", "Head", "Output", "Bidirectional", "Parameters", "Gradients", "Parameter", "Layout",
            "State", "Step", "Forward", "ComputeGradients", "ZeroGradients", "InitializeParameters", "ActiveKernelPath",
            "LayerOutputSize", "GateRows", "TapeLength", "LoadState", "StoreState",
            "_parameters", "_gradients", "_tape", "_packedState",
        };

        /// <summary>True for the names of generated private offset constants, e.g. <c>InputWeightsL0Offset</c>.</summary>
        private static bool IsGeneratedOffsetName(string name) =>
            name.EndsWith("Offset", StringComparison.Ordinal) &&
            (name.StartsWith("InputWeights", StringComparison.Ordinal) || name.StartsWith("RecurrentWeights", StringComparison.Ordinal) ||
             name.StartsWith("InputBias", StringComparison.Ordinal) || name.StartsWith("RecurrentBias", StringComparison.Ordinal) ||
             name.StartsWith("HeadWeights", StringComparison.Ordinal) || name.StartsWith("HeadBias", StringComparison.Ordinal));

        /// <summary>A name as it must be written in C#: reserved keywords get an '@'.</summary>
        internal static string Identifier(string name) =>
            SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None ? "@" + name : name;

        public static ParseResult Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
        {
            try
            {
                return ParseCore(context, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                throw;
            }
            catch (Exception ex)
            {
                var diagnostic = DiagnosticInfo.Create(
                    DiagnosticDescriptors.InternalError,
                    context.TargetNode.GetLocation(),
                    context.TargetSymbol.Name,
                    ex.GetType().Name + ": " + ex.Message);
                return new ParseResult(null, new EquatableArray<DiagnosticInfo>(new[] { diagnostic }));
            }
        }

        private static ParseResult ParseCore(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
        {
            var diagnostics = new List<DiagnosticInfo>();
            var type = (INamedTypeSymbol)context.TargetSymbol;
            var declaration = (TypeDeclarationSyntax)context.TargetNode;
            AttributeData attribute = context.Attributes[0];

            // An attribute the compiler cannot bind is the compiler's to report.
            if (attribute.AttributeConstructor is null || attribute.ConstructorArguments.Length != 4)
                return Result(null, diagnostics);
            foreach (TypedConstant argument in attribute.ConstructorArguments)
            {
                if (argument.Kind == TypedConstantKind.Error || argument.Value is null)
                    return Result(null, diagnostics);
            }

            var attributeSyntax = attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken) as AttributeSyntax;
            Location attributeLocation = attributeSyntax?.GetLocation() ?? declaration.Identifier.GetLocation();
            string name = type.Name;

            if (declaration is RecordDeclarationSyntax || type.TypeKind != TypeKind.Class)
            {
                string kind = declaration is RecordDeclarationSyntax ? "record" : declaration.Keyword.ValueText;
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NotAClass, attributeLocation, name, kind));
                return Result(null, diagnostics);
            }

            if (!declaration.Modifiers.Any(SyntaxKind.PartialKeyword))
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NotPartial, attributeLocation, name));

            if (type.IsStatic || type.IsAbstract)
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NotInstantiable, attributeLocation, name, type.IsStatic ? "static" : "abstract"));
            else if (type.BaseType is { SpecialType: not SpecialType.System_Object } baseType && !HasCallableParameterlessConstructor(baseType))
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NotInstantiable, attributeLocation, name, "derived from '" + baseType.Name + "', which has no parameterless constructor it can call"));

            if (declaration.SyntaxTree.Options is CSharpParseOptions { LanguageVersion: < LanguageVersion.CSharp12 } parseOptions)
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.LanguageVersionTooLow, attributeLocation, name, parseOptions.LanguageVersion.ToDisplayString()));

            if (Array.IndexOf(GeneratedMemberNames, name) >= 0)
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NameIsGeneratedMember, attributeLocation, name));

            // A partial class whose parts each carry [RnnModel] is the compiler's CS0579; generate from the first only.
            if (!IsFirstApplication(type, attribute))
                return Result(null, diagnostics);

            bool generic = type.TypeParameters.Length > 0;
            var containing = new List<ContainingType>();
            bool fileLocal = type.IsFileLocal;
            for (INamedTypeSymbol? outer = type.ContainingType; outer is not null; outer = outer.ContainingType)
            {
                fileLocal |= outer.IsFileLocal;
                if (outer.TypeParameters.Length > 0)
                    generic = true;
                var outerSyntax = outer.DeclaringSyntaxReferences.Length > 0
                    ? outer.DeclaringSyntaxReferences[0].GetSyntax(cancellationToken) as TypeDeclarationSyntax
                    : null;
                if (outerSyntax is null || !outerSyntax.Modifiers.Any(SyntaxKind.PartialKeyword))
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ContainingTypeNotPartial, attributeLocation, name, outer.Name));
                string keyword = outerSyntax is RecordDeclarationSyntax record
                    ? "record" + (record.ClassOrStructKeyword.IsKind(SyntaxKind.StructKeyword) ? " struct" : "")
                    : outerSyntax?.Keyword.ValueText ?? "class";
                containing.Insert(0, new ContainingType(keyword, Identifier(outer.Name)));
            }
            if (fileLocal)
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.FileLocal, attributeLocation, name));
            if (generic)
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.Generic, attributeLocation, name));

            foreach (ISymbol member in type.GetMembers())
            {
                if (member.IsImplicitlyDeclared)
                    continue;
                if (member is IMethodSymbol { MethodKind: MethodKind.Constructor, Parameters.Length: 0, IsStatic: false })
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.MemberConflict, attributeLocation, name, "a parameterless constructor"));
                else if (Array.IndexOf(GeneratedMemberNames, member.Name) >= 0 || IsGeneratedOffsetName(member.Name))
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.MemberConflict, attributeLocation, name, member.Name));
            }

            var arguments = new ArgumentReader(attribute, attributeSyntax, attributeLocation);
            int cellValue = arguments.Positional(0, "cell");
            int inputSize = arguments.Positional(1, "inputSize");
            int hiddenSize = arguments.Positional(2, "hiddenSize");
            int outputSize = arguments.Positional(3, "outputSize");
            int layers = arguments.Named("Layers", 1);
            bool bidirectional = arguments.NamedBool("Bidirectional");
            int sequenceLength = arguments.Named("SequenceLength", 25);
            int inputValue = arguments.Named("Input", 0);
            int headValue = arguments.Named("Head", 0);
            int outputValue = arguments.Named("Output", 0);

            CheckEnum(diagnostics, arguments.LocationOf(0, "cell"), "cell", cellValue, "CellKind", new[] { "Rnn", "RnnRelu", "Lstm", "Gru" });
            CheckEnum(diagnostics, arguments.LocationOf("Input"), "Input", inputValue, "InputKind", new[] { "Token", "Dense" });
            CheckEnum(diagnostics, arguments.LocationOf("Head"), "Head", headValue, "HeadKind", new[] { "Softmax", "Linear" });
            CheckEnum(diagnostics, arguments.LocationOf("Output"), "Output", outputValue, "OutputKind", new[] { "EveryStep", "LastStep" });

            CheckPositive(diagnostics, arguments.LocationOf(1, "inputSize"), "inputSize", inputSize);
            CheckPositive(diagnostics, arguments.LocationOf(2, "hiddenSize"), "hiddenSize", hiddenSize);
            CheckPositive(diagnostics, arguments.LocationOf(3, "outputSize"), "outputSize", outputSize);
            CheckPositive(diagnostics, arguments.LocationOf("Layers"), "Layers", layers);
            CheckPositive(diagnostics, arguments.LocationOf("SequenceLength"), "SequenceLength", sequenceLength);

            var cell = (Cell)cellValue;
            if (headValue == (int)Head.Softmax && outputSize == 1)
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.SingleClassSoftmax, arguments.LocationOf(3, "outputSize"), name));

            if (inputSize > 0 && hiddenSize > 0 && outputSize > 0 && layers > 0 && sequenceLength > 0)
                CheckLimits(diagnostics, attributeLocation, cell, inputSize, hiddenSize, outputSize, layers, bidirectional, sequenceLength);

            foreach (DiagnosticInfo diagnostic in diagnostics)
            {
                if (diagnostic.Descriptor.DefaultSeverity == DiagnosticSeverity.Error)
                    return Result(null, diagnostics);
            }

            string? ns = type.ContainingNamespace is { IsGlobalNamespace: false } n ? n.ToDisplayString() : null;
            var model = new ModelSpec(
                ns, type.Name, Identifier(type.Name), new EquatableArray<ContainingType>(containing.ToArray()),
                cell, (Input)inputValue, (Head)headValue, (Output)outputValue,
                inputSize, hiddenSize, outputSize, layers, bidirectional, sequenceLength);
            return Result(model, diagnostics);
        }

        private static bool HasCallableParameterlessConstructor(INamedTypeSymbol type)
        {
            foreach (IMethodSymbol constructor in type.InstanceConstructors)
            {
                if (constructor.DeclaredAccessibility != Accessibility.Private && constructor.Parameters.All(p => p.IsOptional || p.IsParams))
                    return true;
            }
            return false;
        }

        private static bool IsFirstApplication(INamedTypeSymbol type, AttributeData attribute)
        {
            foreach (AttributeData other in type.GetAttributes())
            {
                if (other.AttributeClass?.ToDisplayString() != KnownNames.RnnModelAttribute)
                    continue;
                SyntaxReference? first = other.ApplicationSyntaxReference, mine = attribute.ApplicationSyntaxReference;
                return first is null || mine is null || (first.SyntaxTree == mine.SyntaxTree && first.Span == mine.Span);
            }
            return true;
        }

        private static ParseResult Result(ModelSpec? model, List<DiagnosticInfo> diagnostics) =>
            new(model, new EquatableArray<DiagnosticInfo>(diagnostics.ToArray()));

        private static void CheckPositive(List<DiagnosticInfo> diagnostics, Location location, string name, int value)
        {
            if (value < 1)
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.SizeOutOfRange, location, name, value.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        private static void CheckEnum(List<DiagnosticInfo> diagnostics, Location location, string name, int value, string enumName, string[] names)
        {
            if (value < 0 || value >= names.Length)
            {
                diagnostics.Add(DiagnosticInfo.Create(
                    DiagnosticDescriptors.UndefinedValue, location, name,
                    value.ToString(System.Globalization.CultureInfo.InvariantCulture), enumName,
                    enumName + "." + string.Join(", " + enumName + ".", names)));
            }
        }

        private static void CheckLimits(List<DiagnosticInfo> diagnostics, Location location, Cell cell, int inputSize, int hiddenSize, int outputSize, int layers, bool bidirectional, int sequenceLength)
        {
            long parameters = Sizes.ParameterCount(cell, inputSize, hiddenSize, outputSize, layers, bidirectional);
            if (parameters > MaxParameters)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ModelTooLarge, location,
                    $"The model has {SourceWriter.Grouped(parameters)} parameters, more than the {SourceWriter.Grouped(MaxParameters)} RnnGen can hold in one buffer",
                    "hiddenSize, inputSize or outputSize"));
            }
            long state = Sizes.StateFloats(cell, hiddenSize, layers, bidirectional);
            if (state > MaxStateFloats)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ModelTooLarge, location,
                    $"The state holds {SourceWriter.Grouped(state)} floats, more than the {SourceWriter.Grouped(MaxStateFloats)} a value type kept by the caller may hold",
                    "hiddenSize or Layers"));
            }
            long tape = Sizes.TapeFloats(cell, hiddenSize, outputSize, layers, bidirectional, sequenceLength);
            if (tape > MaxTapeFloats)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ModelTooLarge, location,
                    $"The training tape for SequenceLength = {sequenceLength} needs {SourceWriter.Grouped(tape)} floats, more than {SourceWriter.Grouped(MaxTapeFloats)}",
                    "SequenceLength or hiddenSize"));
            }
        }

        /// <summary>Reads the attribute's arguments and finds where each one is written.</summary>
        private sealed class ArgumentReader
        {
            private readonly AttributeData _attribute;
            private readonly AttributeSyntax? _syntax;
            private readonly Location _fallback;

            public ArgumentReader(AttributeData attribute, AttributeSyntax? syntax, Location fallback)
            {
                _attribute = attribute;
                _syntax = syntax;
                _fallback = fallback;
            }

            public int Positional(int index, string parameterName) => Convert.ToInt32(_attribute.ConstructorArguments[index].Value, System.Globalization.CultureInfo.InvariantCulture);

            public int Named(string name, int fallback)
            {
                foreach (KeyValuePair<string, TypedConstant> pair in _attribute.NamedArguments)
                {
                    if (pair.Key == name && pair.Value.Value is not null)
                        return Convert.ToInt32(pair.Value.Value, System.Globalization.CultureInfo.InvariantCulture);
                }
                return fallback;
            }

            public bool NamedBool(string name)
            {
                foreach (KeyValuePair<string, TypedConstant> pair in _attribute.NamedArguments)
                {
                    if (pair.Key == name && pair.Value.Value is bool value)
                        return value;
                }
                return false;
            }

            /// <summary>Where a constructor argument is written: by name (<c>inputSize: 7</c>) or by position.</summary>
            public Location LocationOf(int index, string parameterName)
            {
                if (_syntax?.ArgumentList is { } list)
                {
                    SeparatedSyntaxList<AttributeArgumentSyntax> args = list.Arguments;
                    foreach (AttributeArgumentSyntax arg in args)
                    {
                        if (arg.NameColon?.Name.Identifier.ValueText == parameterName)
                            return arg.GetLocation();
                    }
                    if (index < args.Count && args[index].NameColon is null && args[index].NameEquals is null)
                        return args[index].GetLocation();
                }
                return _fallback;
            }

            /// <summary>Where a property is set (<c>Layers = 2</c>).</summary>
            public Location LocationOf(string propertyName)
            {
                if (_syntax?.ArgumentList is { } list)
                {
                    foreach (AttributeArgumentSyntax arg in list.Arguments)
                    {
                        if (arg.NameEquals?.Name.Identifier.ValueText == propertyName)
                            return arg.GetLocation();
                    }
                }
                return _fallback;
            }
        }
    }
}
