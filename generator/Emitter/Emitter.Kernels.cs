using System.Collections.Generic;
using RnnGen.Generator.Helpers;
using RnnGen.Generator.Model;

namespace RnnGen.Generator;

public sealed partial class RnnGenerator
{
    internal static partial class Emitter
    {
        /// <summary>The file-local kernel class: the layers forward and backward, the loss, the state transfer, the matrix kernels.</summary>
        private static void WriteKernelClass(Context c)
        {
            ModelSpec model = c.Model;
            c.W.Open("namespace RnnGen.Generated");
            c.W.Lines($$"""
                using global::System;
                using global::System.Runtime.CompilerServices;
                using global::System.Runtime.InteropServices;
                using global::System.Runtime.Intrinsics;
                using global::System.Runtime.Intrinsics.X86;
                using global::RnnGen.Kernels;
                using static global::RnnGen.Kernels.Elementwise;

                /// <summary>The arithmetic of <c>{{Escape(model.DisplayName)}}</c>, with every size a constant.</summary>
                file static class {{KernelClassName(model)}}
                {
                """);
            c.W.Indent();
            WriteKernelConstants(c);
            if (!model.IsLayerStack)
                WriteFirstFormArchitecture(c);
            if (!TrainsOnTheStepPath(c))
            {
                // The window path: training's forward pass (and Forward's, for a model that cannot stream).
                WriteForward(c);
                for (int i = 0; i < model.Layers.Count; i++)
                    WriteForwardLayer(c, i);
            }
            WriteLoss(c);
            WriteBackward(c);
            for (int i = model.Layers.Count - 1; i >= 0; i--)
            {
                if (c.Layout.Participates[i])
                    WriteBackwardLayer(c, i);
            }
            WriteStateTransfer(c);
            if (IsStreaming(model))
                WriteStepPath(c);
            c.Kernels.Write(c);
            c.W.Close();
            c.W.Close();
        }

        private static void WriteKernelConstants(Context c)
        {
            ModelSpec model = c.Model;
            c.W.Line("private const int InputSize = " + SourceWriter.Int(model.InputSize) + ";");
            c.W.Line("private const int OutputSize = " + SourceWriter.Int(model.OutputSize) + ";");
            c.W.Line("private const int SequenceLength = " + SourceWriter.Int(model.SequenceLength) + ";");
            c.W.Line("private const int Lanes = 8; // floats in a Vector256");
            c.W.Line("private const int RowBlock = 8; // rows a matrix-vector kernel accumulates at once");
            for (int i = 0; i < model.Layers.Count; i++)
            {
                LayerSpec layer = model.Layers[i];
                string name = "Layer" + i;
                c.W.Line();
                c.W.Line("// Layer " + i + ": " + DescribeLayer(layer) + (layer.Prefix.Length > 0 ? ", tensors " + layer.Prefix + ".*" : ""));
                c.W.Line("private const int " + name + "Input = " + SourceWriter.Int(layer.InputWidth) + ";");
                c.W.Line("private const int " + name + "Width = " + SourceWriter.Int(layer.OutputWidth) + ";" + (layer.Bidirectional ? " // both directions" : ""));
                switch (layer.Kind)
                {
                    case LayerKind.Recurrent:
                        c.W.Line("private const int " + name + "Hidden = " + SourceWriter.Int(layer.Size) + ";");
                        c.W.Line("private const int " + name + "GateRows = " + SourceWriter.Int(layer.GateRows) + ";" + GateComment(layer.Cell));
                        break;
                    case LayerKind.Conv1D:
                        c.W.Line("private const int " + name + "Taps = " + SourceWriter.Int(layer.KernelSize) + ";");
                        c.W.Line("private const int " + name + "Dilation = " + SourceWriter.Int(layer.Dilation) + ";");
                        c.W.Line("private const int " + name + "HistoryRows = " + SourceWriter.Int(layer.HistoryRows) + "; // inputs kept from before the window");
                        c.W.Line("private const int " + name + "Columns = " + SourceWriter.Int((long)layer.InputWidth * layer.KernelSize) + "; // taps of one step: [input channel, tap]");
                        break;
                    case LayerKind.Dropout:
                        c.W.Line("private const float " + name + "Probability = " + SourceWriter.Float(layer.Probability) + ";");
                        break;
                }
            }
            c.W.Line();
            c.W.Line("// Parameters, in PyTorch's order.");
            foreach (Tensor tensor in c.Layout.Tensors)
                c.W.Line("private const int " + tensor.ConstantName + " = " + SourceWriter.Int(tensor.Offset) + "; // " + tensor.Name);
            c.W.Line();
            c.W.Line("// The training tape (" + SourceWriter.Grouped(c.Layout.TapeLength) + " floats).");
            foreach (TapeRegion region in c.Layout.TapeRegions)
                c.W.Line("private const int " + region.Name + "Offset = " + SourceWriter.Int(region.Offset) + "; // " + region.Comment);
            c.W.Line("public const int ModelOutputOffset = " + ModelOutput(c) + "Offset; // what Forward returns");
            c.W.Lines("""

                /// <summary>True when the AVX2 + FMA kernels run; the JIT folds it to a constant.</summary>
                public static bool UseAvx2 => Elementwise.UseAvx2;

                """);
        }

        /// <summary>A model that can run one step at a time: unidirectional, with an output at every step.</summary>
        private static bool IsStreaming(ModelSpec model) => !model.Bidirectional && model.Output == Output.EveryStep;

        /// <summary>The first form's layers as a <c>LayerInfo</c> list (a layer stack makes it a public member of the model instead).</summary>
        private static void WriteFirstFormArchitecture(Context c)
        {
            c.W.Lines("""
                /// <summary>The model's two layers: the recurrent stack and the head.</summary>
                public static global::System.Collections.Generic.IReadOnlyList<global::RnnGen.LayerInfo> Architecture { get; } = global::System.Array.AsReadOnly(new global::RnnGen.LayerInfo[]
                {
                """);
            WriteLayerInfos(c);
            c.W.Lines("""
                });

                """);
        }

        /// <summary>The tape region holding the model's output: the skip sum, the final reduction, or the last layer's output.</summary>
        private static string ModelOutput(Context c)
        {
            ModelSpec model = c.Model;
            if (model.InputSkip)
                return "SkipOutput";
            if (model.Output == Output.LastStep && model.LastRecurrentIndex == model.Layers.Count - 1)
                return "Final";
            return "Layer" + (model.Layers.Count - 1) + "Output";
        }

        /// <summary>The tape region the loss writes dL/d(model output) to.</summary>
        private static string ModelOutputDelta(Context c)
        {
            ModelSpec model = c.Model;
            if (model.Output == Output.LastStep && model.LastRecurrentIndex == model.Layers.Count - 1)
                return "FinalDelta";
            return "Layer" + (model.Layers.Count - 1) + "OutputDelta";
        }

        /// <summary>True for the layers after the last recurrent one of a LastStep model: they see one row.</summary>
        private static bool AfterReduction(Context c, int index) =>
            c.Model.Output == Output.LastStep && index > c.Model.LastRecurrentIndex;

        /// <summary>How layer <paramref name="index"/> gets its input: token ids, the model's dense inputs, or a tape region.</summary>
        private enum Source
        {
            Tokens,
            Inputs,
            Tape,
        }

        private static Source SourceOf(Context c, int index)
        {
            if (index > 0 || c.Layout.NeedsOneHot)
                return Source.Tape;
            return c.Token ? Source.Tokens : Source.Inputs;
        }

        /// <summary>The tape region layer <paramref name="index"/> reads (when its source is the tape).</summary>
        private static string InputRegion(Context c, int index)
        {
            if (index == 0)
                return "OneHot";
            return AfterReduction(c, index) && index - 1 == c.Model.LastRecurrentIndex ? "Final" : "Layer" + (index - 1) + "Output";
        }

        /// <summary>The tape region layer <paramref name="index"/> writes dL/d(input) to.</summary>
        private static string InputDeltaRegion(Context c, int index) =>
            AfterReduction(c, index) && index - 1 == c.Model.LastRecurrentIndex ? "FinalDelta" : "Layer" + (index - 1) + "OutputDelta";

        /// <summary>The parameter that carries layer <paramref name="index"/>'s input into its methods, with a leading comma, or "".</summary>
        private static string InputParameter(Context c, int index) => SourceOf(c, index) switch
        {
            Source.Tokens => ", ReadOnlySpan<int> tokens",
            Source.Inputs => ", ReadOnlySpan<float> inputs",
            _ => "",
        };

        private static string InputArgument(Context c, int index) => SourceOf(c, index) switch
        {
            Source.Tokens => ", tokens",
            Source.Inputs => ", inputs",
            _ => "",
        };

        /// <summary>"ReadOnlySpan&lt;int&gt; tokens" or "ReadOnlySpan&lt;float&gt; inputs": the model input of the orchestrating methods.</summary>
        private static string ModelInputParameter(Context c) => c.Token ? "ReadOnlySpan<int> tokens" : "ReadOnlySpan<float> inputs";

        private static string ModelInputArgument(Context c) => c.Token ? "tokens" : "inputs";

        /// <summary>The declaration of <c>input</c>, the rows layer <paramref name="index"/> reads, when it reads the tape (or "" when it reads the model's input).</summary>
        private static string InputDeclaration(Context c, int index)
        {
            if (SourceOf(c, index) != Source.Tape)
                return "";
            string rows = index > 0 && AfterReduction(c, index) ? "" : "SequenceLength * ";
            return "ReadOnlySpan<float> input = tape.Slice(" + InputRegion(c, index) + "Offset, " + rows + "Layer" + index + "Input);";
        }

        /// <summary>The input span's name inside layer <paramref name="index"/>'s methods.</summary>
        private static string InputName(Context c, int index) => SourceOf(c, index) == Source.Inputs ? "inputs" : "input";

        /// <summary>"int steps" for layers that see the window, or nothing for those after a LastStep reduction (one row).</summary>
        private static string StepsParameter(Context c, int index) => AfterReduction(c, index) ? "" : ", int steps";

        private static string StepsArgument(Context c, int index) => AfterReduction(c, index) ? "" : ", steps";

        /// <summary>The first line of a method of a layer after the reduction, which the shared code reads as the row count.</summary>
        private static void WriteOneRow(Context c, int index)
        {
            if (AfterReduction(c, index))
                c.W.Line("const int steps = 1; // after the LastStep reduction: one row");
        }

        private static void WriteForward(Context c)
        {
            ModelSpec model = c.Model;
            bool dropout = HasDropout(model);
            c.W.Line("/// <summary>Runs every layer over the window; the tape holds the initial state (row 0 of each hidden and cell region, each convolution's history).</summary>");
            c.W.Open("public static void Forward(ReadOnlySpan<float> parameters, Span<float> tape, " + ModelInputParameter(c) + ", int steps" + (dropout ? ", bool training, ref ulong random" : "") + ")");
            if (c.Layout.NeedsOneHot)
                c.W.Line("OneHot(tape, tokens, steps);");
            for (int i = 0; i < model.Layers.Count; i++)
            {
                LayerSpec layer = model.Layers[i];
                if (layer.Kind == LayerKind.Dropout)
                    c.W.Line("ForwardLayer" + i + "(tape" + InputArgument(c, i) + StepsArgument(c, i) + ", training, ref random);");
                else if (layer.Kind == LayerKind.Recurrent)
                {
                    foreach (RecurrentBlock block in c.Layout.Blocks)
                    {
                        if (block.LayerIndex == i)
                            c.W.Line("Forward" + block.Key + "(parameters, tape" + (block.SubLayer == 0 ? InputArgument(c, i) : "") + ", steps);");
                    }
                    if (model.Output == Output.LastStep && i == model.LastRecurrentIndex)
                        c.W.Line("Reduce(tape, steps);");
                }
                else
                    c.W.Line("ForwardLayer" + i + "(parameters, tape" + InputArgument(c, i) + StepsArgument(c, i) + ");");
            }
            if (model.InputSkip)
                c.W.Line("AddInputSkip(tape, inputs, steps);");
            c.W.Close();
            c.W.Line();

            if (c.Layout.NeedsOneHot)
            {
                c.W.Lines("""
                    /// <summary>The window's tokens as one-hot rows, the first layer's input.</summary>
                    private static void OneHot(Span<float> tape, ReadOnlySpan<int> tokens, int steps)
                    {
                        Span<float> rows = tape.Slice(OneHotOffset, steps * InputSize);
                        rows.Clear();
                        for (int t = 0; t < steps; t++)
                            rows[t * InputSize + tokens[t]] = 1f;
                    }

                    """);
            }
            if (model.Output == Output.LastStep)
                WriteReduction(c);
            if (model.InputSkip)
            {
                int last = model.Layers.Count - 1;
                c.W.Lines($$"""
                    /// <summary>The model's output: the last layer's output plus the first OutputSize input features, at every step.</summary>
                    private static void AddInputSkip(Span<float> tape, ReadOnlySpan<float> inputs, int steps)
                    {
                        ReadOnlySpan<float> last = tape.Slice(Layer{{last}}OutputOffset, steps * OutputSize);
                        Span<float> output = tape.Slice(ModelOutputOffset, steps * OutputSize);
                        for (int t = 0; t < steps; t++)
                            Sum(output.Slice(t * OutputSize, OutputSize), last.Slice(t * OutputSize, OutputSize), inputs.Slice(t * InputSize, OutputSize));
                    }

                    """);
            }
        }

        /// <summary>Reduce and its backward: the last recurrent layer's final output, which the layers above (or the loss) read.</summary>
        private static void WriteReduction(Context c)
        {
            int r = c.Model.LastRecurrentIndex;
            LayerSpec layer = c.Model.Layers[r];
            string top = "Layer" + r + "L" + (layer.SubLayers - 1);
            string reverse = layer.Bidirectional
                ? "\n    tape.Slice(" + top + "ReverseHiddenOffset + steps * Layer" + r + "Hidden, Layer" + r + "Hidden).CopyTo(final.Slice(Layer" + r + "Hidden)); // the reverse direction ends at t = 0"
                : "";
            string reverseBack = layer.Bidirectional
                ? "\n    AddTo(delta.Slice(Layer" + r + "Hidden, Layer" + r + "Hidden), finalDelta.Slice(Layer" + r + "Hidden, Layer" + r + "Hidden));"
                : "";
            c.W.Lines($$"""
                /// <summary>Layer {{r}}'s final output: the forward direction's h after the last step{{(layer.Bidirectional ? ", the reverse direction's after the first" : "")}}.</summary>
                private static void Reduce(Span<float> tape, int steps)
                {
                    Span<float> final = tape.Slice(FinalOffset, Layer{{r}}Width);
                    tape.Slice({{top}}HiddenOffset + steps * Layer{{r}}Hidden, Layer{{r}}Hidden).CopyTo(final);{{reverse}}
                }

                /// <summary>dL/d(final output) back into layer {{r}}'s output deltas: the last step{{(layer.Bidirectional ? ", and step 0 for the reverse direction" : "")}}.</summary>
                private static void ReduceBackward(Span<float> tape, int steps)
                {
                    ReadOnlySpan<float> finalDelta = tape.Slice(FinalDeltaOffset, Layer{{r}}Width);
                    Span<float> delta = tape.Slice(Layer{{r}}OutputDeltaOffset, steps * Layer{{r}}Width);
                    delta.Clear();
                    AddTo(delta.Slice((steps - 1) * Layer{{r}}Width, Layer{{r}}Hidden), finalDelta.Slice(0, Layer{{r}}Hidden));{{reverseBack}}
                }

                """);
        }

        private static void WriteForwardLayer(Context c, int index)
        {
            switch (c.Model.Layers[index].Kind)
            {
                case LayerKind.Recurrent:
                    foreach (RecurrentBlock block in c.Layout.Blocks)
                    {
                        if (block.LayerIndex == index)
                            WriteRecurrentForward(c, block);
                    }
                    break;
                case LayerKind.Dense:
                    WriteDenseForward(c, index);
                    break;
                case LayerKind.Conv1D:
                    WriteConvolutionForward(c, index);
                    break;
                case LayerKind.Embedding:
                    WriteEmbeddingForward(c, index);
                    break;
                default:
                    WriteDropoutForward(c, index);
                    break;
            }
        }

        private static void WriteBackwardLayer(Context c, int index)
        {
            switch (c.Model.Layers[index].Kind)
            {
                case LayerKind.Recurrent:
                    for (int b = c.Layout.Blocks.Count - 1; b >= 0; b--)
                    {
                        if (c.Layout.Blocks[b].LayerIndex == index)
                            WriteRecurrentBackward(c, c.Layout.Blocks[b]);
                    }
                    break;
                case LayerKind.Dense:
                    WriteDenseBackward(c, index);
                    break;
                case LayerKind.Conv1D:
                    WriteConvolutionBackward(c, index);
                    break;
                case LayerKind.Embedding:
                    WriteEmbeddingBackward(c, index);
                    break;
                default:
                    WriteDropoutBackward(c, index);
                    break;
            }
        }

        private static void WriteBackward(Context c)
        {
            ModelSpec model = c.Model;
            c.W.Lines($$"""
                /// <summary>
                /// Backpropagation through time over the window on the tape, from dL/d(output) down through every layer that has
                /// parameters or passes dL/d(input) to one that has. Adds every parameter's gradient; nothing flows in from beyond
                /// the window's end (truncated BPTT).
                /// </summary>
                public static void Backward(ReadOnlySpan<float> parameters, Span<float> gradients, Span<float> tape, {{ModelInputParameter(c)}}, int steps)
                {
                """);
            c.W.Indent();
            for (int i = model.Layers.Count - 1; i >= 0; i--)
            {
                if (!c.Layout.Participates[i])
                    continue;
                LayerSpec layer = model.Layers[i];
                switch (layer.Kind)
                {
                    case LayerKind.Recurrent:
                        if (model.Output == Output.LastStep && i == model.LastRecurrentIndex)
                            c.W.Line("ReduceBackward(tape, steps);");
                        for (int sub = layer.SubLayers - 1; sub >= 0; sub--)
                        {
                            if (sub > 0)
                                c.W.Line("tape.Slice(Layer" + i + "L" + (sub - 1) + "OutputDeltaOffset, steps * Layer" + i + "Width).Clear();");
                            else if (c.Layout.NeedsInputDelta(i))
                                c.W.Line("tape.Slice(" + InputDeltaRegion(c, i) + "Offset, steps * Layer" + i + "Input).Clear();");
                            for (int b = c.Layout.Blocks.Count - 1; b >= 0; b--)
                            {
                                RecurrentBlock block = c.Layout.Blocks[b];
                                if (block.LayerIndex == i && block.SubLayer == sub)
                                    c.W.Line("Backward" + block.Key + "(parameters, gradients, tape" + (sub == 0 ? InputArgument(c, i) : "") + ", steps);");
                            }
                        }
                        break;
                    case LayerKind.Dropout:
                        c.W.Line("BackwardLayer" + i + "(tape" + StepsArgument(c, i) + ");");
                        break;
                    default:
                        c.W.Line("BackwardLayer" + i + "(parameters, gradients, tape" + InputArgument(c, i) + StepsArgument(c, i) + ");");
                        break;
                }
            }
            c.W.Unindent();
            c.W.Lines("""
                }

                """);
        }
    }
}
