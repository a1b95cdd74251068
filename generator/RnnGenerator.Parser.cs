using System;
using System.Collections.Generic;
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
    internal static partial class Parser
    {
        /// <summary>Largest parameter count: two buffers of this many floats (parameters, gradients) must be allocatable.</summary>
        public const long MaxParameters = 1L << 28;

        /// <summary>Largest state: it is a value type the caller keeps, often on the stack.</summary>
        public const long MaxStateFloats = 1L << 16;

        /// <summary>Largest activation tape for backpropagation through time.</summary>
        public const long MaxTapeFloats = 1L << 28;

        private static readonly string[] CellNames = { "Rnn", "RnnRelu", "Lstm", "Gru" };
        private static readonly string[] InputNames = { "Token", "Dense" };
        private static readonly string[] HeadNames = { "Softmax", "Linear", "ErrorToSignalRatio" };
        private static readonly string[] OutputNames = { "EveryStep", "LastStep" };

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
            if (attribute.AttributeConstructor is null || attribute.ConstructorArguments.Length is not (1 or 4))
                return Result(null, diagnostics);
            foreach (TypedConstant argument in attribute.ConstructorArguments)
            {
                if (argument.Kind == TypedConstantKind.Error || argument.Value is null)
                    return Result(null, diagnostics);
            }
            bool layerStack = attribute.ConstructorArguments.Length == 1;

            var attributeSyntax = attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken) as AttributeSyntax;
            Location attributeLocation = attributeSyntax?.GetLocation() ?? declaration.Identifier.GetLocation();
            string name = type.Name;

            if (declaration is RecordDeclarationSyntax || type.TypeKind != TypeKind.Class)
            {
                string kind = declaration is RecordDeclarationSyntax ? "record" : declaration.Keyword.ValueText;
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NotAClass, attributeLocation, name, kind));
                return Result(null, diagnostics);
            }

            CheckClass(diagnostics, type, declaration, attributeLocation, layerStack);

            // A partial class whose parts each carry [RnnModel] is the compiler's CS0579; generate from the first only.
            if (!IsFirstApplication(type, attribute))
                return Result(null, diagnostics);

            List<ContainingType> containing = CheckContainingTypes(diagnostics, type, attributeLocation, cancellationToken);

            var arguments = new ArgumentReader(attribute, attributeSyntax, attributeLocation);
            int inputSize = arguments.Positional(layerStack ? 0 : 1);
            int sequenceLength = arguments.Named("SequenceLength", 25);
            int inputValue = arguments.Named("Input", 0);
            int headValue = arguments.Named("Head", 0);
            int outputValue = arguments.Named("Output", 0);
            bool inputSkip = arguments.NamedBool("InputSkip");
            float preEmphasis = arguments.NamedFloat("PreEmphasis");

            CheckEnum(diagnostics, arguments.LocationOf("Input"), "Input", inputValue, "InputKind", InputNames);
            CheckEnum(diagnostics, arguments.LocationOf("Head"), "Head", headValue, "HeadKind", HeadNames);
            CheckEnum(diagnostics, arguments.LocationOf("Output"), "Output", outputValue, "OutputKind", OutputNames);
            CheckPositive(diagnostics, arguments.LocationOf(layerStack ? 0 : 1, "inputSize"), "inputSize", inputSize);
            CheckPositive(diagnostics, arguments.LocationOf("SequenceLength"), "SequenceLength", sequenceLength);
            var input = (Input)inputValue;
            var head = (Head)headValue;
            var output = (Output)outputValue;

            List<LayerRead> layers = ReadLayers(diagnostics, type, declaration, attribute, name, cancellationToken, out bool layersUnbound);
            if (layersUnbound)
                return Result(null, diagnostics);
            if (layerStack && inputSize > 0 && !FitsLayout(diagnostics, arguments.LocationOf(0, "inputSize"), inputSize, 1, "inputSize", "inputSize"))
                return Result(null, diagnostics);

            LayerSpec[]? specs;
            Location outputSizeLocation;
            if (layerStack)
            {
                foreach (string legacy in new[] { "Layers", "Bidirectional" })
                {
                    if (arguments.IsSet(legacy))
                    {
                        diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.MixedForms, arguments.LocationOf(legacy),
                            $"{legacy} belongs to the first form, [RnnModel(cell, inputSize, hiddenSize, outputSize)]; in a layer stack set it on the [Recurrent] layer, e.g. [Recurrent(CellKind.Lstm, 64, {legacy} = {(legacy == "Layers" ? "2" : "true")})]"));
                    }
                }
                specs = inputSize > 0 ? ResolveStack(diagnostics, name, layers, attributeLocation, input, output, inputSize) : null;
                outputSizeLocation = layers.Count > 0 ? layers[layers.Count - 1].Location : attributeLocation;
            }
            else
            {
                foreach (LayerRead layer in layers)
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.MixedForms, layer.Location,
                        $"'{name}' has [{layer.AttributeName}] but declares its recurrent layer and head in [RnnModel(cell, inputSize, hiddenSize, outputSize)]; declare a layer stack with [RnnModel(inputSize: {inputSize})] and put every layer, the recurrent one and the head included, in layer attributes"));
                }
                specs = ResolveFirstForm(diagnostics, arguments, inputSize);
                outputSizeLocation = arguments.LocationOf(3, "outputSize");
            }
            // The head's checks need the output size: the last layer's width, or in the first form the argument itself.
            int outputSize = specs is not null ? specs[specs.Length - 1].OutputWidth : layerStack ? 0 : arguments.Positional(3);
            if (outputSize > 0)
                CheckHead(diagnostics, name, arguments, outputSizeLocation, input, head, output, outputSize, inputSize, inputSkip, preEmphasis);
            if (specs is null)
                return Result(null, diagnostics);

            if (HasErrors(diagnostics))
                return Result(null, diagnostics);

            string? ns = type.ContainingNamespace is { IsGlobalNamespace: false } n ? n.ToDisplayString() : null;
            var model = new ModelSpec(
                ns, type.Name, Identifier(type.Name), new EquatableArray<ContainingType>(containing.ToArray()),
                layerStack, input, head, output, inputSize, outputSize, sequenceLength, inputSkip, preEmphasis,
                new EquatableArray<LayerSpec>(specs));
            CheckLimits(diagnostics, model, attributeLocation);
            return HasErrors(diagnostics) ? Result(null, diagnostics) : Result(model, diagnostics);
        }

        /// <summary>The first form's layers: one recurrent stack with bare tensor names and a linear layer named "head".</summary>
        private static LayerSpec[]? ResolveFirstForm(List<DiagnosticInfo> diagnostics, ArgumentReader arguments, int inputSize)
        {
            int cellValue = arguments.Positional(0);
            int hiddenSize = arguments.Positional(2);
            int outputSize = arguments.Positional(3);
            int layers = arguments.Named("Layers", 1);
            bool bidirectional = arguments.NamedBool("Bidirectional");
            CheckEnum(diagnostics, arguments.LocationOf(0, "cell"), "cell", cellValue, "CellKind", CellNames);
            CheckPositive(diagnostics, arguments.LocationOf(2, "hiddenSize"), "hiddenSize", hiddenSize);
            CheckPositive(diagnostics, arguments.LocationOf(3, "outputSize"), "outputSize", outputSize);
            CheckPositive(diagnostics, arguments.LocationOf("Layers"), "Layers", layers);
            if (inputSize < 1 || hiddenSize < 1 || outputSize < 1 || layers < 1 || cellValue < 0 || cellValue >= CellNames.Length)
                return null;
            if (!FitsLayout(diagnostics, arguments.AttributeLocation, hiddenSize, layers, "hiddenSize or Layers", "hiddenSize") ||
                !FitsLayout(diagnostics, arguments.AttributeLocation, inputSize, 1, "inputSize", "inputSize") ||
                !FitsLayout(diagnostics, arguments.AttributeLocation, outputSize, 1, "outputSize", "outputSize"))
            {
                return null;
            }
            var recurrent = new LayerSpec(LayerKind.Recurrent, 0, "", inputSize, hiddenSize, Activation.None, (Cell)cellValue, layers, bidirectional, true, 0, 0, 0f);
            var head = new LayerSpec(LayerKind.Dense, 1, "head", recurrent.OutputWidth, outputSize, Activation.None, Cell.Rnn, 1, false, true, 0, 0, 0f);
            return new[] { recurrent, head };
        }

        private static void CheckHead(List<DiagnosticInfo> diagnostics, string name, ArgumentReader arguments, Location outputSizeLocation,
            Input input, Head head, Output output, int outputSize, int inputSize, bool inputSkip, float preEmphasis)
        {
            if (head == Head.Softmax && outputSize == 1)
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.SingleClassSoftmax, outputSizeLocation, name));
            if (head == Head.ErrorToSignalRatio && output == Output.LastStep)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ErrorToSignalRatioMisuse, arguments.LocationOf("Head"),
                    "Head = HeadKind.ErrorToSignalRatio compares output and target signals over time, but Output = OutputKind.LastStep leaves one value per sequence; use Output = OutputKind.EveryStep, or Head = HeadKind.Linear for a regression on the final state"));
            }
            if (preEmphasis != 0f && head != Head.ErrorToSignalRatio)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ErrorToSignalRatioMisuse, arguments.LocationOf("PreEmphasis"),
                    "PreEmphasis filters the signals the error-to-signal ratio compares; set Head = HeadKind.ErrorToSignalRatio, or remove PreEmphasis"));
            }
            if (float.IsNaN(preEmphasis) || preEmphasis < -1f || preEmphasis > 1f)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ErrorToSignalRatioMisuse, arguments.LocationOf("PreEmphasis"),
                    "PreEmphasis is " + Text(preEmphasis) + "; the coefficient a of y[t] − a·y[t−1] must be in [−1, 1] (0.95 is usual; 0 turns the filter off)"));
            }
            if (inputSkip)
            {
                string? problem =
                    input == Input.Token ? "the input is token ids, not features" :
                    output == Output.LastStep ? "Output = OutputKind.LastStep has no output at every step" :
                    inputSize < outputSize ? $"the input has {inputSize} features and the output {outputSize} values" :
                    null;
                if (problem is not null)
                {
                    string fix = input == Input.Token ? "remove InputSkip or use Input = InputKind.Dense"
                        : output == Output.LastStep ? "remove InputSkip or use Output = OutputKind.EveryStep"
                        : "remove InputSkip, or make the last layer at most " + inputSize + " wide";
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InputSkipDoesNotFit, arguments.LocationOf("InputSkip"), problem, fix));
                }
            }
        }

        /// <summary>The class itself: partial, instantiable, language version, no member named like a generated one.</summary>
        private static void CheckClass(List<DiagnosticInfo> diagnostics, INamedTypeSymbol type, TypeDeclarationSyntax declaration, Location location, bool layerStack)
        {
            string name = type.Name;
            if (!declaration.Modifiers.Any(SyntaxKind.PartialKeyword))
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NotPartial, location, name));

            if (type.IsStatic || type.IsAbstract)
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NotInstantiable, location, name, type.IsStatic ? "static" : "abstract"));
            else if (type.BaseType is { SpecialType: not SpecialType.System_Object } baseType && !HasCallableParameterlessConstructor(baseType))
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NotInstantiable, location, name, "derived from '" + baseType.Name + "', which has no parameterless constructor it can call"));

            if (declaration.SyntaxTree.Options is CSharpParseOptions { LanguageVersion: < LanguageVersion.CSharp12 } parseOptions)
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.LanguageVersionTooLow, location, name, parseOptions.LanguageVersion.ToDisplayString()));

            if (GeneratedNames.IsReserved(name, layerStack) && !GeneratedNames.IsOffsetName(name))
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NameIsGeneratedMember, location, name));

            foreach (ISymbol member in type.GetMembers())
            {
                if (member.IsImplicitlyDeclared)
                    continue;
                if (member is IMethodSymbol { MethodKind: MethodKind.Constructor, Parameters.Length: 0, IsStatic: false })
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.MemberConflict, location, name, "a parameterless constructor"));
                else if (GeneratedNames.IsReserved(member.Name, layerStack))
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.MemberConflict, location, name, member.Name));
            }
        }

        /// <summary>The types around the model: partial, not generic, not file-local; returned outermost first.</summary>
        private static List<ContainingType> CheckContainingTypes(List<DiagnosticInfo> diagnostics, INamedTypeSymbol type, Location location, CancellationToken cancellationToken)
        {
            string name = type.Name;
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
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ContainingTypeNotPartial, location, name, outer.Name));
                string keyword = outerSyntax is RecordDeclarationSyntax record
                    ? "record" + (record.ClassOrStructKeyword.IsKind(SyntaxKind.StructKeyword) ? " struct" : "")
                    : outerSyntax?.Keyword.ValueText ?? "class";
                containing.Insert(0, new ContainingType(keyword, Identifier(outer.Name)));
            }
            if (fileLocal)
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.FileLocal, location, name));
            if (generic)
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.Generic, location, name));
            return containing;
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

        private static bool HasErrors(List<DiagnosticInfo> diagnostics)
        {
            foreach (DiagnosticInfo diagnostic in diagnostics)
            {
                if (diagnostic.Descriptor.DefaultSeverity == DiagnosticSeverity.Error)
                    return true;
            }
            return false;
        }

        private static ParseResult Result(ModelSpec? model, List<DiagnosticInfo> diagnostics) =>
            new(model, new EquatableArray<DiagnosticInfo>(diagnostics.ToArray()));

        private static void CheckPositive(List<DiagnosticInfo> diagnostics, Location location, string name, int value)
        {
            if (value < 1)
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.SizeOutOfRange, location, name, Text(value)));
        }

        private static void CheckEnum(List<DiagnosticInfo> diagnostics, Location location, string name, int value, string enumName, string[] names)
        {
            if (value < 0 || value >= names.Length)
            {
                diagnostics.Add(DiagnosticInfo.Create(
                    DiagnosticDescriptors.UndefinedValue, location, name, Text(value), enumName,
                    enumName + "." + string.Join(", " + enumName + ".", names)));
            }
        }

        private static string Text(long value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);

        private static string Text(float value) => value.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
    }
}
