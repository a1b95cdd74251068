using System.Collections.Generic;
using RnnGen.Generator.Helpers;
using RnnGen.Generator.Model;

namespace RnnGen.Generator;

public sealed partial class RnnGenerator
{
    internal static partial class Emitter
    {
        /// <summary>
        /// Where the step path keeps each layer's vectors: one scratch buffer, every vector padded to a multiple of eight
        /// floats whose pad lanes stay zero, so the kernels run whole vectors with no tails.
        /// </summary>
        private sealed class StepLayout
        {
            private readonly List<(string Name, int Length, string Comment)> _regions = new();

            public StepLayout(Context c)
            {
                ModelSpec model = c.Model;
                InputRegion = Add("StepInput", model.Input == Model.Input.Token && !c.Layout.NeedsOneHot ? 0 : model.InputSize, "the input (a token model's first layer that needs it: one-hot)");
                string source = "StepInput";
                for (int i = 0; i < model.Layers.Count; i++)
                {
                    LayerSpec layer = model.Layers[i];
                    string name = "Step" + "Layer" + i;
                    switch (layer.Kind)
                    {
                        case LayerKind.Recurrent:
                            foreach (RecurrentBlock block in c.Layout.Blocks)
                            {
                                if (block.LayerIndex != i)
                                    continue;
                                string key = "Step" + block.Key;
                                Add(key + "Hidden", layer.Size, "layer " + i + ": h before the step");
                                if (layer.Cell == Cell.Lstm)
                                    Add(key + "Cell", layer.Size, "layer " + i + ": c, updated in place");
                                int gates = Sizes.GateCount(layer.Cell);
                                Add(key + "Gates", gates * Pad(layer.Size), "layer " + i + ": gate pre-activations, each gate padded" + (layer.Cell == Cell.Gru ? " (input side)" : ""));
                                if (layer.Cell == Cell.Gru)
                                    Add(key + "RecurrentGates", gates * Pad(layer.Size), "layer " + i + ": W_hh·h + b_hh, each gate padded");
                                Add(key + "Output", layer.Size, "layer " + i + ": h after the step, the next layer's input");
                                Sources[(i, block.SubLayer)] = block.SubLayer == 0 ? source : "Step" + "Layer" + i + "L" + (block.SubLayer - 1) + "Output";
                            }
                            source = "Step" + "Layer" + i + "L" + (layer.SubLayers - 1) + "Output";
                            break;
                        case LayerKind.Dropout:
                            Sources[(i, 0)] = source; // the identity outside training: the next layer reads the same vector
                            break;
                        default:
                            Sources[(i, 0)] = source;
                            if (layer.Kind == LayerKind.Conv1D)
                                Add(name + "Columns", layer.InputWidth * layer.KernelSize, "layer " + i + ": the taps of the step, [input channel, tap]");
                            Add(name + "Output", layer.OutputWidth, "layer " + i + ": its output");
                            source = name + "Output";
                            break;
                    }
                }
                LastLayerOutput = source;
                Output = model.InputSkip ? Add("StepModelOutput", model.OutputSize, "the last layer's output plus the skipped input") : source;
            }

            /// <summary>The region holding the last layer's output (before the skip).</summary>
            public string LastLayerOutput { get; }

            /// <summary>The padded vector each layer (and recurrent sub-layer) reads, by (layer, sub-layer).</summary>
            public Dictionary<(int Layer, int SubLayer), string> Sources { get; } = new();

            public string InputRegion { get; }

            /// <summary>The region holding the model's output.</summary>
            public string Output { get; }

            public int Length { get; private set; }

            public IEnumerable<(string Name, int Offset, int Length, string Comment)> Regions
            {
                get
                {
                    int offset = 0;
                    foreach ((string name, int length, string comment) in _regions)
                    {
                        yield return (name, offset, length, comment);
                        offset += Pad(length);
                    }
                }
            }

            private string Add(string name, int length, string comment)
            {
                _regions.Add((name, length, comment));
                Length += Pad(length);
                return name;
            }
        }

        /// <summary>A length rounded up to whole vectors of eight.</summary>
        private static int Pad(int length) => (length + 7) / 8 * 8;

        /// <summary>
        /// The step path of a streaming model (unidirectional, output at every step): Step, and Forward of small
        /// models, run each layer once per sample on the state in place, with the padded vectors of <see cref="StepLayout"/>.
        /// </summary>
        private static void WriteStepPath(Context c)
        {
            ModelSpec model = c.Model;
            var step = new StepLayout(c);
            c.W.Line("// The step path's scratch (" + SourceWriter.Grouped(step.Length) + " floats): vectors padded to whole Vector256s, pads zero.");
            foreach ((string name, int offset, int length, string comment) in step.Regions)
                c.W.Line("private const int " + name + "Offset = " + SourceWriter.Int(offset) + "; // " + SourceWriter.Int(length) + ": " + comment);
            c.W.Line("public const int StepScratchLength = " + SourceWriter.Int(step.Length) + ";");
            c.W.Line("public const int StepOutputOffset = " + step.Output + "Offset;");
            c.W.Line();

            string input = c.Token ? "int token" : "ReadOnlySpan<float> input";
            c.W.Lines($$"""
                /// <summary>
                /// One step of every layer: the state (h, c, the convolutions' last inputs) is read and updated in place, each
                /// layer's output goes to the scratch, and the model's output ends at <see cref="StepOutputOffset"/>.
                /// </summary>
                public static void Step(ReadOnlySpan<float> parameters, Span<float> state, {{input}}, Span<float> scratch)
                {
                """);
            c.W.Indent();
            if (!c.Token)
                c.W.Line("input.CopyTo(scratch.Slice(StepInputOffset, InputSize));");
            else if (c.Layout.NeedsOneHot)
                c.W.Line("scratch[StepInputOffset + token] = 1f;");
            for (int i = 0; i < model.Layers.Count; i++)
            {
                LayerSpec layer = model.Layers[i];
                string tokenArgument = i == 0 && c.Token && !c.Layout.NeedsOneHot ? ", token" : "";
                if (layer.Kind == LayerKind.Recurrent)
                {
                    for (int sub = 0; sub < layer.SubLayers; sub++)
                        c.W.Line("StepLayer" + i + "L" + sub + "(parameters, state, scratch" + (sub == 0 ? tokenArgument : "") + ");");
                }
                else if (layer.Kind != LayerKind.Dropout)
                {
                    c.W.Line("StepLayer" + i + "(parameters, " + (layer.Kind == LayerKind.Conv1D ? "state, " : "") + "scratch" + tokenArgument + ");");
                }
            }
            if (c.Layout.NeedsOneHot)
                c.W.Line("scratch[StepInputOffset + token] = 0f;");
            if (model.InputSkip)
                c.W.Line("Sum(scratch.Slice(StepModelOutputOffset, OutputSize), scratch.Slice(" + step.LastLayerOutput + "Offset, OutputSize), scratch.Slice(StepInputOffset, OutputSize));");
            c.W.Unindent();
            c.W.Lines("""
                }

                """);
            for (int i = 0; i < model.Layers.Count; i++)
            {
                LayerSpec layer = model.Layers[i];
                bool token = i == 0 && c.Token && !c.Layout.NeedsOneHot;
                switch (layer.Kind)
                {
                    case LayerKind.Recurrent:
                        foreach (RecurrentBlock block in c.Layout.Blocks)
                        {
                            if (block.LayerIndex == i)
                                WriteRecurrentStep(c, step, block, token && block.SubLayer == 0);
                        }
                        break;
                    case LayerKind.Dense:
                        WriteDenseStep(c, step, i, token);
                        break;
                    case LayerKind.Conv1D:
                        WriteConvolutionStep(c, step, i);
                        break;
                    case LayerKind.Embedding:
                        WriteEmbeddingStep(c, i);
                        break;
                }
            }
            if (TrainsOnTheStepPath(c))
                WriteRecordingForward(c, step);
        }

        private static string StateSlotOffset(Context c, RecurrentBlock block, bool cell)
        {
            foreach (StateSlot slot in c.Layout.StateSlots)
            {
                if (slot.Block == block && slot.TapeRegion.EndsWith(cell ? "Cell" : "Hidden", System.StringComparison.Ordinal))
                    return SourceWriter.Int(slot.Offset);
            }
            throw new System.InvalidOperationException("No state slot for " + block.Key);
        }

        private static void WriteRecurrentStep(Context c, StepLayout step, RecurrentBlock block, bool token)
        {
            LayerSpec layer = block.Layer;
            string name = "Layer" + block.LayerIndex;
            string key = "Step" + block.Key;
            string x = step.Sources[(block.LayerIndex, block.SubLayer)];
            int columns = block.SubLayer == 0 ? layer.InputWidth : layer.OutputWidth;
            string h = StateSlotOffset(c, block, cell: false);
            c.W.Line("/// <summary>" + BlockTitle(c, block).Replace(", forward in time", "") + ": one step, the state updated in place.</summary>");
            c.W.Open("private static void Step" + block.Key + "(ReadOnlySpan<float> parameters, Span<float> state, Span<float> scratch" + (token ? ", int token" : "") + ")");
            c.W.Line("state.Slice(" + h + ", " + name + "Hidden).CopyTo(scratch.Slice(" + key + "HiddenOffset, " + name + "Hidden));");
            if (layer.Cell == Cell.Lstm)
                c.W.Line("state.Slice(" + StateSlotOffset(c, block, cell: true) + ", " + name + "Hidden).CopyTo(scratch.Slice(" + key + "CellOffset, " + name + "Hidden));");
            var inputSource = new RowSource(block.InputWeights.ConstantName, columns, token ? null : x);
            var recurrentSource = new RowSource(block.RecurrentWeights.ConstantName, layer.Size, key + "Hidden");
            string? inputBias = block.InputBias?.ConstantName, recurrentBias = block.RecurrentBias?.ConstantName;
            int gates = Sizes.GateCount(layer.Cell);
            if (layer.Cell == Cell.Gru)
            {
                c.W.Line(c.Kernels.StepRows(key + "InputSide", gates, layer.Size, new[] { inputSource }, inputBias is null ? new string[0] : new[] { inputBias }) + "(parameters, scratch, " + key + "GatesOffset);");
                c.W.Line(c.Kernels.StepRows(key + "RecurrentSide", gates, layer.Size, new[] { recurrentSource }, recurrentBias is null ? new string[0] : new[] { recurrentBias }) + "(parameters, scratch, " + key + "RecurrentGatesOffset);");
            }
            else
            {
                string[] biases = inputBias is null ? new string[0] : new[] { inputBias, recurrentBias! };
                c.W.Line(c.Kernels.StepRows(key + "Gates", gates, layer.Size, new[] { inputSource, recurrentSource }, biases) + "(parameters, scratch, " + key + "GatesOffset);");
            }
            if (token)
            {
                c.W.Lines($$"""
                    // W_ih times a one-hot input: column token of W_ih, gate by gate.
                    ReadOnlySpan<float> inputWeights = parameters.Slice({{block.InputWeights.ConstantName}}, {{name}}GateRows * InputSize);
                    Span<float> gates = scratch.Slice({{key}}GatesOffset, {{SourceWriter.Int(gates * Pad(layer.Size))}});
                    for (int gate = 0; gate < {{SourceWriter.Int(gates)}}; gate++)
                    {
                        for (int j = 0; j < {{name}}Hidden; j++)
                            gates[gate * {{SourceWriter.Int(Pad(layer.Size))}} + j] += inputWeights[(gate * {{name}}Hidden + j) * InputSize + token];
                    }
                    """);
            }
            string cell = layer.Cell switch
            {
                Cell.Lstm => "StepCells.Lstm(scratch.Slice(" + key + "GatesOffset, " + SourceWriter.Int(4 * Pad(layer.Size)) + "), scratch.Slice(" + key + "CellOffset, " + SourceWriter.Int(Pad(layer.Size)) + "), scratch.Slice(" + key + "OutputOffset, " + SourceWriter.Int(Pad(layer.Size)) + "), " + name + "Hidden);",
                Cell.Gru => "StepCells.Gru(scratch.Slice(" + key + "GatesOffset, " + SourceWriter.Int(3 * Pad(layer.Size)) + "), scratch.Slice(" + key + "RecurrentGatesOffset, " + SourceWriter.Int(3 * Pad(layer.Size)) + "), scratch.Slice(" + key + "HiddenOffset, " + SourceWriter.Int(Pad(layer.Size)) + "), scratch.Slice(" + key + "OutputOffset, " + SourceWriter.Int(Pad(layer.Size)) + "), " + name + "Hidden);",
                Cell.RnnRelu => "StepCells.ReluState(scratch.Slice(" + key + "GatesOffset, " + SourceWriter.Int(Pad(layer.Size)) + "), scratch.Slice(" + key + "OutputOffset, " + SourceWriter.Int(Pad(layer.Size)) + "), " + name + "Hidden);",
                _ => "StepCells.TanhState(scratch.Slice(" + key + "GatesOffset, " + SourceWriter.Int(Pad(layer.Size)) + "), scratch.Slice(" + key + "OutputOffset, " + SourceWriter.Int(Pad(layer.Size)) + "), " + name + "Hidden);",
            };
            c.W.Line(cell);
            c.W.Line("scratch.Slice(" + key + "OutputOffset, " + name + "Hidden).CopyTo(state.Slice(" + h + ", " + name + "Hidden));");
            if (layer.Cell == Cell.Lstm)
                c.W.Line("scratch.Slice(" + key + "CellOffset, " + name + "Hidden).CopyTo(state.Slice(" + StateSlotOffset(c, block, cell: true) + ", " + name + "Hidden));");
            c.W.Close();
            c.W.Line();
        }

        private static void WriteDenseStep(Context c, StepLayout step, int index, bool token)
        {
            LayerSpec layer = c.Model.Layers[index];
            string name = "Layer" + index;
            string[] biases = c.Layout.BiasOf(index) is { } bias ? new[] { bias.ConstantName } : new string[0];
            string weights = c.Layout.WeightsOf(index).ConstantName;
            c.W.Line("/// <summary>" + LayerTitle(c, index) + ": one step.</summary>");
            c.W.Open("private static void Step" + name + "(ReadOnlySpan<float> parameters, Span<float> scratch" + (token ? ", int token" : "") + ")");
            var source = new RowSource(weights, layer.InputWidth, token ? null : step.Sources[(index, 0)]);
            c.W.Line(c.Kernels.StepRows("Step" + name + "Rows", 1, layer.Size, new[] { source }, biases) + "(parameters, scratch, Step" + name + "OutputOffset);");
            if (token)
            {
                c.W.Lines($$"""
                    ReadOnlySpan<float> weights = parameters.Slice({{weights}}, {{name}}Width * InputSize);
                    for (int j = 0; j < {{name}}Width; j++)
                        scratch[Step{{name}}OutputOffset + j] += weights[j * InputSize + token];
                    """);
            }
            WriteStepActivation(c, index, "Step" + name + "Output");
            c.W.Close();
            c.W.Line();
        }

        /// <summary>
        /// The activation over a layer's padded output, then its pads set back to zero: the row kernels leave the results
        /// of repeated rows there, and the next layer's whole-vector loads expect zeros.
        /// </summary>
        private static void WriteStepActivation(Context c, int index, string region)
        {
            LayerSpec layer = c.Model.Layers[index];
            if (layer.Activation != Activation.None)
                c.W.Line("Activations." + ActivationMethod(layer.Activation) + "(scratch.Slice(" + region + "Offset, " + SourceWriter.Int(Pad(layer.OutputWidth)) + "));");
            if (Pad(layer.OutputWidth) != layer.OutputWidth)
                c.W.Line("scratch.Slice(" + region + "Offset + Layer" + index + "Width, " + SourceWriter.Int(Pad(layer.OutputWidth) - layer.OutputWidth) + ").Clear();");
        }

        private static void WriteConvolutionStep(Context c, StepLayout step, int index)
        {
            LayerSpec layer = c.Model.Layers[index];
            string name = "Layer" + index;
            string x = step.Sources[(index, 0)];
            string[] biases = c.Layout.BiasOf(index) is { } bias ? new[] { bias.ConstantName } : new string[0];
            string? history = null;
            foreach (StateSlot slot in c.Layout.StateSlots)
            {
                if (slot.ConvLayer == index)
                    history = SourceWriter.Int(slot.Offset);
            }
            c.W.Line("/// <summary>" + LayerTitle(c, index) + ": one step, its taps from the inputs the state keeps, which then move on by one.</summary>");
            c.W.Open("private static void Step" + name + "(ReadOnlySpan<float> parameters, Span<float> state, Span<float> scratch)");
            c.W.Line("ReadOnlySpan<float> input = scratch.Slice(" + x + "Offset, " + name + "Input);");
            c.W.Line("Span<float> columns = scratch.Slice(Step" + name + "ColumnsOffset, " + name + "Columns);");
            if (history is not null)
            {
                c.W.Lines($$"""
                    Span<float> history = state.Slice({{history}}, {{name}}HistoryRows * {{name}}Input);
                    for (int k = 0; k < {{name}}Taps; k++)
                    {
                        int back = ({{name}}Taps - 1 - k) * {{name}}Dilation; // steps before this one
                        ReadOnlySpan<float> tap = back == 0 ? input : history.Slice(({{name}}HistoryRows - back) * {{name}}Input, {{name}}Input);
                        for (int channel = 0; channel < {{name}}Input; channel++)
                            columns[channel * {{name}}Taps + k] = tap[channel];
                    }
                    history.Slice({{name}}Input).CopyTo(history);
                    input.CopyTo(history.Slice(({{name}}HistoryRows - 1) * {{name}}Input));
                    """);
            }
            else
            {
                c.W.Line("input.CopyTo(columns); // one tap");
            }
            var source = new RowSource(c.Layout.WeightsOf(index).ConstantName, layer.InputWidth * layer.KernelSize, "Step" + name + "Columns");
            c.W.Line(c.Kernels.StepRows("Step" + name + "Rows", 1, layer.Size, new[] { source }, biases) + "(parameters, scratch, Step" + name + "OutputOffset);");
            WriteStepActivation(c, index, "Step" + name + "Output");
            c.W.Close();
            c.W.Line();
        }

        private static void WriteEmbeddingStep(Context c, int index)
        {
            string name = "Layer" + index;
            c.W.Lines($$"""
                /// <summary>{{LayerTitle(c, index)}}: the token's row.</summary>
                private static void Step{{name}}(ReadOnlySpan<float> parameters, Span<float> scratch, int token)
                {
                    parameters.Slice({{c.Layout.WeightsOf(index).ConstantName}} + token * {{name}}Width, {{name}}Width).CopyTo(scratch.Slice(Step{{name}}OutputOffset, {{name}}Width));
                }

                """);
        }
    }
}
