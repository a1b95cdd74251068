using RnnGen.Generator.Model;

namespace RnnGen.Generator;

public sealed partial class RnnGenerator
{
    internal static partial class Emitter
    {
        /// <summary>"Layer 2, Dense(8, sigmoid)": how a layer's methods introduce it.</summary>
        private static string LayerTitle(Context c, int index) => "Layer " + index + ", " + DescribeLayer(c.Model.Layers[index]);

        private static string ActivationMethod(Activation activation) => activation switch
        {
            Activation.Tanh => "Tanh",
            Activation.Sigmoid => "Sigmoid",
            Activation.Relu => "Relu",
            Activation.LeakyRelu => "LeakyRelu",
            _ => "Elu",
        };

        /// <summary>
        /// y = act(b + W·x) at each step, for a dense layer (W [Width × Input]) or a convolution's taps (W [Width × Columns]):
        /// the bias rows, the product (a column gather for one-hot tokens), then the activation, all on <c>output</c>.
        /// </summary>
        private static void WriteAffineForward(Context c, int index, string columnsName, int columns, string x)
        {
            LayerSpec layer = c.Model.Layers[index];
            string name = "Layer" + index;
            int rows = layer.OutputWidth;
            c.W.Lines(layer.Bias
                ? $$"""
                  for (int t = 0; t < steps; t++)
                      bias.CopyTo(output.Slice(t * {{name}}Width, {{name}}Width));
                  """
                : "output.Clear();");
            if (SourceOf(c, index) == Source.Tokens)
                c.W.Line(c.Kernels.GatherColumns(rows, columns) + "(weights, tokens, steps, reversed: false, output);");
            else if (AfterReduction(c, index))
                c.W.Line(c.Kernels.MultiplyAdd(rows, columns) + "(weights, " + x + ".Slice(0, " + columnsName + "), output);");
            else
            {
                c.W.Lines($$"""
                    if (steps == 1)
                        {{c.Kernels.MultiplyAdd(rows, columns)}}(weights, {{x}}.Slice(0, {{columnsName}}), output);
                    else
                        {{c.Kernels.MultiplyAddSequence(rows, columns)}}(weights, {{x}}, steps, reversed: false, output);
                    """);
            }
            if (layer.Activation != Activation.None)
                c.W.Line("Activations." + ActivationMethod(layer.Activation) + "(output);");
        }

        /// <summary>
        /// The backward pass of <see cref="WriteAffineForward"/>: the activation's derivative, the bias and weight gradients,
        /// and dL/dx into <paramref name="belowDelta"/> when there is one.
        /// </summary>
        private static void WriteAffineBackward(Context c, int index, string columnsName, int columns, string x, string? belowDelta)
        {
            LayerSpec layer = c.Model.Layers[index];
            string name = "Layer" + index;
            int rows = layer.OutputWidth;
            if (layer.Activation != Activation.None)
                c.W.Line("Activations." + ActivationMethod(layer.Activation) + "Backward(output, delta, delta);");
            if (layer.Bias)
            {
                c.W.Lines($$"""
                    for (int t = 0; t < steps; t++)
                        AddTo(biasGradient, delta.Slice(t * {{name}}Width, {{name}}Width));
                    """);
            }
            if (belowDelta is not null)
            {
                c.W.Lines($$"""
                    {{belowDelta}}.Clear();
                    for (int t = 0; t < steps; t++)
                        {{c.Kernels.MultiplyTransposedAdd(rows, columns)}}(weights, delta.Slice(t * {{name}}Width, {{name}}Width), {{belowDelta}}.Slice(t * {{columnsName}}, {{columnsName}}));
                    """);
            }
            if (SourceOf(c, index) == Source.Tokens)
            {
                c.W.Lines($$"""
                    for (int t = 0; t < steps; t++)
                        {{c.Kernels.ScatterColumn(rows, columns)}}(delta.Slice(t * {{name}}Width, {{name}}Width), tokens[t], weightsGradient);
                    """);
            }
            else
            {
                c.W.Line(c.Kernels.AccumulateOuter(rows, columns) + "(delta, " + x + ", steps, weightsGradient, reversed: false);");
            }
        }

        /// <summary>The spans every affine layer's method starts with: weights, bias, input, output.</summary>
        private static void WriteAffineSpans(Context c, int index, string length, bool backward)
        {
            LayerSpec layer = c.Model.Layers[index];
            string name = "Layer" + index;
            Tensor weights = c.Layout.WeightsOf(index);
            Tensor? bias = c.Layout.BiasOf(index);
            bool passesDown = backward && c.Layout.NeedsInputDelta(index);
            WriteOneRow(c, index);
            if (!backward || passesDown)
                c.W.Line("ReadOnlySpan<float> weights = parameters.Slice(" + weights.ConstantName + ", " + length + ");");
            if (backward)
            {
                c.W.Line("Span<float> weightsGradient = gradients.Slice(" + weights.ConstantName + ", " + length + ");");
                if (bias is not null)
                    c.W.Line("Span<float> biasGradient = gradients.Slice(" + bias.ConstantName + ", " + name + "Width);");
            }
            else if (bias is not null)
            {
                c.W.Line("ReadOnlySpan<float> bias = parameters.Slice(" + bias.ConstantName + ", " + name + "Width);");
            }
            if (InputDeclaration(c, index) is { Length: > 0 } input && (layer.Kind != LayerKind.Conv1D || !backward))
                c.W.Line(input);
            if (!backward || layer.Activation != Activation.None)
                c.W.Line((backward ? "ReadOnlySpan<float>" : "Span<float>") + " output = tape.Slice(" + name + "OutputOffset, steps * " + name + "Width);");
            if (backward)
                c.W.Line("Span<float> delta = tape.Slice(" + name + "OutputDeltaOffset, steps * " + name + "Width);");
        }

        private static void WriteDenseForward(Context c, int index)
        {
            string name = "Layer" + index;
            c.W.Line("/// <summary>" + LayerTitle(c, index) + ": y = " + ActivationFormula(c.Model.Layers[index]) + " at each step.</summary>");
            c.W.Open("private static void Forward" + name + "(ReadOnlySpan<float> parameters, Span<float> tape" + InputParameter(c, index) + StepsParameter(c, index) + ")");
            WriteAffineSpans(c, index, name + "Width * " + name + "Input", backward: false);
            WriteAffineForward(c, index, name + "Input", c.Model.Layers[index].InputWidth, InputName(c, index));
            c.W.Close();
            c.W.Line();
        }

        private static string ActivationFormula(LayerSpec layer)
        {
            string affine = layer.Bias ? "W·x + b" : "W·x";
            return layer.Activation == Activation.None ? affine : ActivationName(layer.Activation) + "(" + affine + ")";
        }

        private static void WriteDenseBackward(Context c, int index)
        {
            string name = "Layer" + index;
            bool passesDown = c.Layout.NeedsInputDelta(index);
            c.W.Line("/// <summary>" + LayerTitle(c, index) + ": the gradients of its weights" + (passesDown ? ", and dL/d(input) for the layer below" : "") + ".</summary>");
            c.W.Open("private static void Backward" + name + "(ReadOnlySpan<float> parameters, Span<float> gradients, Span<float> tape" + InputParameter(c, index) + StepsParameter(c, index) + ")");
            WriteAffineSpans(c, index, name + "Width * " + name + "Input", backward: true);
            string? below = null;
            if (passesDown)
            {
                c.W.Line("Span<float> below = tape.Slice(" + InputDeltaRegion(c, index) + "Offset, steps * " + name + "Input);");
                below = "below";
            }
            WriteAffineBackward(c, index, name + "Input", c.Model.Layers[index].InputWidth, InputName(c, index), below);
            c.W.Close();
            c.W.Line();
        }

        private static void WriteEmbeddingForward(Context c, int index)
        {
            string name = "Layer" + index;
            Tensor weights = c.Layout.WeightsOf(index);
            c.W.Lines($$"""
                /// <summary>{{LayerTitle(c, index)}}: each step's output is the row of the table its token selects.</summary>
                private static void Forward{{name}}(ReadOnlySpan<float> parameters, Span<float> tape, ReadOnlySpan<int> tokens, int steps)
                {
                    ReadOnlySpan<float> table = parameters.Slice({{weights.ConstantName}}, InputSize * {{name}}Width);
                    Span<float> output = tape.Slice({{name}}OutputOffset, steps * {{name}}Width);
                    for (int t = 0; t < steps; t++)
                        table.Slice(tokens[t] * {{name}}Width, {{name}}Width).CopyTo(output.Slice(t * {{name}}Width, {{name}}Width));
                }

                """);
        }

        private static void WriteEmbeddingBackward(Context c, int index)
        {
            string name = "Layer" + index;
            Tensor weights = c.Layout.WeightsOf(index);
            c.W.Lines($$"""
                /// <summary>{{LayerTitle(c, index)}}: each step's dL/d(output) is added to the gradient of its token's row.</summary>
                private static void Backward{{name}}(ReadOnlySpan<float> parameters, Span<float> gradients, Span<float> tape, ReadOnlySpan<int> tokens, int steps)
                {
                    Span<float> tableGradient = gradients.Slice({{weights.ConstantName}}, InputSize * {{name}}Width);
                    ReadOnlySpan<float> delta = tape.Slice({{name}}OutputDeltaOffset, steps * {{name}}Width);
                    for (int t = 0; t < steps; t++)
                        AddTo(tableGradient.Slice(tokens[t] * {{name}}Width, {{name}}Width), delta.Slice(t * {{name}}Width, {{name}}Width));
                }

                """);
        }

        private static void WriteDropoutForward(Context c, int index)
        {
            string name = "Layer" + index;
            string x = InputName(c, index);
            c.W.Line("/// <summary>" + LayerTitle(c, index) + ": in training each value is zeroed with probability p and the others are scaled by 1/(1 − p); otherwise the identity.</summary>");
            c.W.Open("private static void Forward" + name + "(Span<float> tape" + InputParameter(c, index) + StepsParameter(c, index) + ", bool training, ref ulong random)");
            WriteOneRow(c, index);
            if (InputDeclaration(c, index) is { Length: > 0 } input)
                c.W.Line(input);
            c.W.Lines($$"""
                Span<float> output = tape.Slice({{name}}OutputOffset, steps * {{name}}Width);
                if (training)
                {
                    Span<float> mask = tape.Slice({{name}}MaskOffset, steps * {{name}}Width);
                    DropoutMasks.Fill(mask, {{name}}Probability, ref random);
                    Multiply(output, {{x}}.Slice(0, steps * {{name}}Width), mask);
                }
                else
                {
                    {{x}}.Slice(0, steps * {{name}}Width).CopyTo(output);
                }
                """);
            c.W.Close();
            c.W.Line();
        }

        private static void WriteDropoutBackward(Context c, int index)
        {
            string name = "Layer" + index;
            c.W.Line("/// <summary>" + LayerTitle(c, index) + ": dL/d(input) = dL/d(output) · mask.</summary>");
            c.W.Open("private static void Backward" + name + "(Span<float> tape" + StepsParameter(c, index) + ")");
            WriteOneRow(c, index);
            c.W.Lines($$"""
                ReadOnlySpan<float> delta = tape.Slice({{name}}OutputDeltaOffset, steps * {{name}}Width);
                ReadOnlySpan<float> mask = tape.Slice({{name}}MaskOffset, steps * {{name}}Width);
                Multiply(tape.Slice({{InputDeltaRegion(c, index)}}Offset, steps * {{name}}Width), delta, mask);
                """);
            c.W.Close();
            c.W.Line();
        }
    }
}
