using System;
using System.Collections.Generic;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using RnnGen.Generator.Helpers;
using RnnGen.Generator.Model;

namespace RnnGen.Generator;

public sealed partial class RnnGenerator
{
    internal static partial class Parser
    {
        /// <summary>The largest hidden size, width or sequence a layer may have before its products are measured.</summary>
        private const int MaxLayerSize = 1 << 24;

        /// <summary>The most sub-layers one [Recurrent] may stack.</summary>
        private const int MaxSubLayers = 4096;

        /// <summary>One layer attribute as written, before its widths are known.</summary>
        private sealed class LayerRead
        {
            public LayerRead(LayerKind kind, int position, ArgumentReader arguments)
            {
                Kind = kind;
                Position = position;
                Arguments = arguments;
            }

            public LayerKind Kind { get; }
            public int Position { get; }
            public ArgumentReader Arguments { get; }
            public Location Location => Arguments.AttributeLocation;
            public string AttributeName => Kind.ToString();

            /// <summary>"layer 2 ([Dense])": how messages name it.</summary>
            public string Describe => "layer " + Position + " ([" + AttributeName + "])";
        }

        /// <summary>
        /// The layer attributes of the class in source order. Those on another part of a partial class are reported
        /// (their order against these would be arbitrary); an attribute the compiler cannot bind sets <paramref name="unbound"/>.
        /// </summary>
        private static List<LayerRead> ReadLayers(List<DiagnosticInfo> diagnostics, INamedTypeSymbol type, TypeDeclarationSyntax declaration,
            AttributeData modelAttribute, string name, CancellationToken cancellationToken, out bool unbound)
        {
            unbound = false;
            var found = new List<(int Start, LayerRead Layer)>();
            foreach (AttributeData attribute in type.GetAttributes())
            {
                int kind = Array.IndexOf(KnownNames.LayerAttributes, attribute.AttributeClass?.ToDisplayString());
                if (kind < 0)
                    continue;
                if (attribute.AttributeConstructor is null)
                {
                    unbound = true;
                    continue;
                }
                foreach (TypedConstant argument in attribute.ConstructorArguments)
                {
                    if (argument.Kind == TypedConstantKind.Error || argument.Value is null)
                        unbound = true;
                }
                SyntaxReference? reference = attribute.ApplicationSyntaxReference;
                var syntax = reference?.GetSyntax(cancellationToken) as AttributeSyntax;
                bool here = reference is not null && reference.SyntaxTree == declaration.SyntaxTree && declaration.AttributeLists.Span.Contains(reference.Span);
                Location location = syntax?.GetLocation() ?? declaration.Identifier.GetLocation();
                if (!here)
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.LayersOnAnotherPart, location, name, ((LayerKind)kind).ToString()));
                    continue;
                }
                found.Add((reference!.Span.Start, new LayerRead((LayerKind)kind, 0, new ArgumentReader(attribute, syntax, location))));
            }
            found.Sort((a, b) => a.Start.CompareTo(b.Start));
            var layers = new List<LayerRead>(found.Count);
            for (int i = 0; i < found.Count; i++)
                layers.Add(new LayerRead(found[i].Layer.Kind, i, found[i].Layer.Arguments));
            return layers;
        }

        /// <summary>Checks every layer and resolves its input width; null when a problem leaves the widths unknown.</summary>
        private static LayerSpec[]? ResolveStack(List<DiagnosticInfo> diagnostics, string name, List<LayerRead> layers, Location modelLocation, Input input, Output output, int inputSize)
        {
            if (layers.Count == 0)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NoRecurrentLayer, modelLocation, name, "declares a layer stack ([RnnModel(inputSize)]) but no layers"));
                return null;
            }
            int lastRecurrent = -1;
            foreach (LayerRead layer in layers)
            {
                if (layer.Kind == LayerKind.Recurrent)
                    lastRecurrent = layer.Position;
            }
            if (lastRecurrent < 0)
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NoRecurrentLayer, modelLocation, name, "has no [Recurrent] layer, so nothing carries information from step to step"));

            int errors = CountErrors(diagnostics);
            var specs = new LayerSpec[layers.Count];
            int width = inputSize; // a token model's first layer reads one-hot vectors (or, an embedding, the ids)
            var names = new Dictionary<string, LayerRead>(StringComparer.Ordinal);
            foreach (LayerRead layer in layers)
            {
                ArgumentReader a = layer.Arguments;
                string prefix = LayerPrefix(diagnostics, layer);
                int position = layer.Position;
                switch (layer.Kind)
                {
                    case LayerKind.Dense:
                    {
                        int size = a.Positional(0);
                        int activation = a.Positional(1);
                        CheckPositive(diagnostics, a.LocationOf(0, "size"), "size of " + layer.Describe, size);
                        CheckEnum(diagnostics, a.LocationOf(1, "activation"), "activation", activation, "Activation", ActivationNames);
                        FitsLayout(diagnostics, a.LocationOf(0, "size"), size, 1, "size", "size");
                        specs[position] = new LayerSpec(LayerKind.Dense, position, prefix, width, size, (Activation)activation, Cell.Rnn, 1, false, a.NamedBool("Bias", true), 0, 0, 0f);
                        break;
                    }
                    case LayerKind.Recurrent:
                    {
                        int cell = a.Positional(0);
                        int hidden = a.Positional(1);
                        int subLayers = a.Named("Layers", 1);
                        CheckEnum(diagnostics, a.LocationOf(0, "cell"), "cell", cell, "CellKind", CellNames);
                        CheckPositive(diagnostics, a.LocationOf(1, "hiddenSize"), "hiddenSize of " + layer.Describe, hidden);
                        CheckPositive(diagnostics, a.LocationOf("Layers"), "Layers of " + layer.Describe, subLayers);
                        FitsLayout(diagnostics, a.LocationOf(1, "hiddenSize"), hidden, subLayers, "hiddenSize or Layers", "hiddenSize");
                        specs[position] = new LayerSpec(LayerKind.Recurrent, position, prefix, width, hidden, Activation.None, (Cell)Math.Max(0, Math.Min(cell, 3)),
                            subLayers, a.NamedBool("Bidirectional", false), a.NamedBool("Bias", true), 0, 0, 0f);
                        break;
                    }
                    case LayerKind.Conv1D:
                    {
                        int channels = a.Positional(0);
                        int kernel = a.Positional(1);
                        int dilation = a.Named("Dilation", 1);
                        int activation = a.Named("Activation", 0);
                        CheckPositive(diagnostics, a.LocationOf(0, "channels"), "channels of " + layer.Describe, channels);
                        CheckPositive(diagnostics, a.LocationOf(1, "kernelSize"), "kernelSize of " + layer.Describe, kernel);
                        CheckPositive(diagnostics, a.LocationOf("Dilation"), "Dilation of " + layer.Describe, dilation);
                        CheckEnum(diagnostics, a.LocationOf("Activation"), "Activation", activation, "Activation", ActivationNames);
                        FitsLayout(diagnostics, a.LocationOf(0, "channels"), channels, 1, "channels", "channels");
                        if (kernel >= 1 && dilation >= 1 && (long)(kernel - 1) * dilation > MaxStateFloats)
                        {
                            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ModelTooLarge, layer.Location,
                                $"The convolution of {layer.Describe} reaches {Grouped((long)(kernel - 1) * dilation)} steps back, more than the {Grouped(MaxStateFloats)} floats a state may hold",
                                "kernelSize or Dilation"));
                        }
                        specs[position] = new LayerSpec(LayerKind.Conv1D, position, prefix, width, channels, (Activation)activation, Cell.Rnn, 1, false, a.NamedBool("Bias", true), kernel, dilation, 0f);
                        break;
                    }
                    case LayerKind.Embedding:
                    {
                        int size = a.Positional(0);
                        CheckPositive(diagnostics, a.LocationOf(0, "size"), "size of " + layer.Describe, size);
                        FitsLayout(diagnostics, a.LocationOf(0, "size"), size, 1, "size", "size");
                        if (position != 0 || input != Input.Token)
                        {
                            string where = position != 0 ? "of " + layers.Count : "of a model with Input = InputKind.Dense";
                            string fix = position != 0 ? "move it above the other layer attributes" : "use Input = InputKind.Token, or remove the embedding and feed the features to the next layer";
                            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.EmbeddingMisplaced, layer.Location, Text(position), where, fix));
                        }
                        specs[position] = new LayerSpec(LayerKind.Embedding, position, prefix, width, size, Activation.None, Cell.Rnn, 1, false, false, 0, 0, 0f);
                        break;
                    }
                    default:
                    {
                        float p = a.PositionalFloat(0);
                        if (!(p >= 0f && p < 1f))
                            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.DropoutProbabilityOutOfRange, a.LocationOf(0, "p"), Text(position), Text(p)));
                        specs[position] = new LayerSpec(LayerKind.Dropout, position, prefix, width, width, Activation.None, Cell.Rnn, 1, false, false, 0, 0, p);
                        break;
                    }
                }
                if (layer.Kind == LayerKind.Conv1D && output == Output.LastStep && lastRecurrent >= 0 && position > lastRecurrent)
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ConvolutionAfterLastStep, layer.Location, Text(position), Text(lastRecurrent)));
                if (CountErrors(diagnostics) == errors)
                    CheckTensorNames(diagnostics, specs[position], layer, names);
                width = specs[position].OutputWidth;
            }
            return CountErrors(diagnostics) > errors ? null : specs;
        }

        private static readonly string[] ActivationNames = { "None", "Tanh", "Sigmoid", "Relu", "LeakyRelu", "Elu" };

        /// <summary>The tensor-name prefix of a layer: its Name when valid, else "layers.{position}".</summary>
        private static string LayerPrefix(List<DiagnosticInfo> diagnostics, LayerRead layer)
        {
            string? name = layer.Arguments.NamedString("Name");
            if (name is null)
                return "layers." + Text(layer.Position);
            if (!IsValidPrefix(name))
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidLayerName, layer.Arguments.LocationOf("Name"), name, Text(layer.Position)));
            return name;
        }

        /// <summary>"" or parts of letters, digits and '_' joined by single dots.</summary>
        private static bool IsValidPrefix(string name)
        {
            if (name.Length == 0)
                return true;
            if (name.Length > 200)
                return false;
            foreach (string part in name.Split('.'))
            {
                if (part.Length == 0)
                    return false;
                foreach (char c in part)
                {
                    if (!(c is >= 'a' and <= 'z' or >= 'A' and <= 'Z' or >= '0' and <= '9' or '_'))
                        return false;
                }
            }
            return true;
        }

        /// <summary>Reports a tensor name this layer shares with an earlier one (e.g. two layers named "lin").</summary>
        private static void CheckTensorNames(List<DiagnosticInfo> diagnostics, LayerSpec spec, LayerRead layer, Dictionary<string, LayerRead> names)
        {
            var own = new List<string>();
            switch (spec.Kind)
            {
                case LayerKind.Recurrent:
                    for (int sub = 0; sub < Math.Min(spec.SubLayers, MaxSubLayers); sub++)
                    {
                        for (int d = 0; d < spec.Directions; d++)
                        {
                            string suffix = "_l" + Text(sub) + (d == 1 ? "_reverse" : "");
                            own.Add("weight_ih" + suffix);
                            own.Add("weight_hh" + suffix);
                            if (spec.Bias)
                            {
                                own.Add("bias_ih" + suffix);
                                own.Add("bias_hh" + suffix);
                            }
                        }
                    }
                    break;
                case LayerKind.Dense or LayerKind.Conv1D:
                    own.Add("weight");
                    if (spec.Bias)
                        own.Add("bias");
                    break;
                case LayerKind.Embedding:
                    own.Add("weight");
                    break;
            }
            foreach (string tensor in own)
            {
                string full = spec.TensorName(tensor);
                if (names.TryGetValue(full, out LayerRead? earlier))
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.DuplicateTensorName, layer.Location,
                        Text(earlier.Position), earlier.AttributeName, Text(layer.Position), layer.AttributeName, full));
                    return;
                }
            }
            foreach (string tensor in own)
                names[spec.TensorName(tensor)] = layer;
        }

        /// <summary>
        /// Rejects a size (times a count of sub-layers) too large for the layout's arithmetic before the layout is
        /// computed; true when it fits.
        /// </summary>
        private static bool FitsLayout(List<DiagnosticInfo> diagnostics, Location location, int size, int count, string reduce, string sizeName)
        {
            if (size > MaxLayerSize)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ModelTooLarge, location,
                    $"{sizeName} is {Grouped(size)}, more than the {Grouped(MaxLayerSize)} a layer may have", reduce));
                return false;
            }
            if (count > MaxSubLayers)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ModelTooLarge, location,
                    $"Layers is {Grouped(count)}, more than the {Grouped(MaxSubLayers)} layers a recurrent layer may stack", "Layers"));
                return false;
            }
            return true;
        }

        /// <summary>The parameter, state and tape sizes, measured on the layout the emitter will use.</summary>
        private static void CheckLimits(List<DiagnosticInfo> diagnostics, ModelSpec model, Location location)
        {
            var layout = new Layout(model);
            bool stack = model.IsLayerStack;
            if (layout.ParameterCount > MaxParameters)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ModelTooLarge, location,
                    $"The model has {Grouped(layout.ParameterCount)} parameters, more than the {Grouped(MaxParameters)} RnnGen can hold in one buffer",
                    stack ? "the layer sizes" : "hiddenSize, inputSize or outputSize"));
            }
            if (layout.StateFloats > MaxStateFloats)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ModelTooLarge, location,
                    $"The state holds {Grouped(layout.StateFloats)} floats, more than the {Grouped(MaxStateFloats)} a value type kept by the caller may hold",
                    stack ? "the recurrent layers' hiddenSize or Layers, or the convolutions' reach" : "hiddenSize or Layers"));
            }
            if (layout.TapeLength > MaxTapeFloats)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ModelTooLarge, location,
                    $"The training tape for SequenceLength = {Text(model.SequenceLength)} needs {Grouped(layout.TapeLength)} floats, more than {Grouped(MaxTapeFloats)}",
                    stack ? "SequenceLength or the layer sizes" : "SequenceLength or hiddenSize"));
            }
        }

        private static int CountErrors(List<DiagnosticInfo> diagnostics)
        {
            int count = 0;
            foreach (DiagnosticInfo diagnostic in diagnostics)
            {
                if (diagnostic.Descriptor.DefaultSeverity == DiagnosticSeverity.Error)
                    count++;
            }
            return count;
        }

        private static string Grouped(long value) => SourceWriter.Grouped(value);

        /// <summary>
        /// For a class that has layer attributes but no [RnnModel] (the [RnnModel] pipeline never sees it): one
        /// diagnostic at its first layer attribute, reported by the pipeline of that attribute's kind only.
        /// </summary>
        public static EquatableArray<DiagnosticInfo> LayerWithoutModel(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
        {
            try
            {
                var type = (INamedTypeSymbol)context.TargetSymbol;
                AttributeData? first = null;
                foreach (AttributeData attribute in type.GetAttributes())
                {
                    string? name = attribute.AttributeClass?.ToDisplayString();
                    if (name == KnownNames.RnnModelAttribute)
                        return EquatableArray<DiagnosticInfo>.Empty;
                    if (Array.IndexOf(KnownNames.LayerAttributes, name) >= 0 && (first is null || Before(attribute, first)))
                        first = attribute;
                }
                if (first is null || !context.Attributes.Contains(first))
                    return EquatableArray<DiagnosticInfo>.Empty;
                Location location = first.ApplicationSyntaxReference?.GetSyntax(cancellationToken).GetLocation() ?? context.TargetNode.GetLocation();
                string kind = first.AttributeClass!.Name;
                kind = kind.EndsWith("Attribute", StringComparison.Ordinal) ? kind.Substring(0, kind.Length - "Attribute".Length) : kind;
                return new EquatableArray<DiagnosticInfo>(new[] { DiagnosticInfo.Create(DiagnosticDescriptors.LayerWithoutModel, location, type.Name, kind) });
            }
            catch (OperationCanceledException)
            {
                throw;
            }
            catch (Exception ex)
            {
                return new EquatableArray<DiagnosticInfo>(new[]
                {
                    DiagnosticInfo.Create(DiagnosticDescriptors.InternalError, context.TargetNode.GetLocation(), context.TargetSymbol.Name, ex.GetType().Name + ": " + ex.Message),
                });
            }
        }

        private static bool Before(AttributeData a, AttributeData b)
        {
            SyntaxReference? x = a.ApplicationSyntaxReference, y = b.ApplicationSyntaxReference;
            if (x is null || y is null)
                return false;
            if (x.SyntaxTree != y.SyntaxTree)
                return string.CompareOrdinal(x.SyntaxTree.FilePath, y.SyntaxTree.FilePath) < 0;
            return x.Span.Start < y.Span.Start;
        }
    }
}
