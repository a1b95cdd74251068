using RnnGen.Generator.Model;

namespace RnnGen.Generator;

public sealed partial class RnnGenerator
{
    internal static partial class Emitter
    {
        private static string Direction(RecurrentBlock block) => block.Reverse ? "reverse" : "forward";

        private static string BlockTitle(Context c, RecurrentBlock block) =>
            "Layer " + block.LayerIndex + (block.Layer.SubLayers > 1 ? "." + block.SubLayer : "") + " (" + DescribeLayer(block.Layer) + "), " + Direction(block) + " in time";

        /// <summary>
        /// One sub-layer and direction of a recurrent layer over the window: the input side of every step at once (biases,
        /// then W_ih·x as one product over the window, or a column gather for tokens), then the recurrence, where only
        /// W_hh·h and the cell are left on the critical path.
        /// </summary>
        private static void WriteRecurrentForward(Context c, RecurrentBlock block)
        {
            LayerSpec layer = block.Layer;
            Cell cell = layer.Cell;
            int index = block.LayerIndex;
            string name = "Layer" + index;
            string key = block.Key;
            bool first = block.SubLayer == 0;
            Source source = first ? SourceOf(c, index) : Source.Tape;
            string inputWidth = first ? name + "Input" : name + "Width";
            string reversed = block.Reverse ? "true" : "false";
            c.W.Line("/// <summary>" + BlockTitle(c, block) + ": its steps over the window.</summary>");
            c.W.Open("private static void Forward" + key + "(ReadOnlySpan<float> parameters, Span<float> tape" + (first ? InputParameter(c, index) : "") + ", int steps)");
            c.W.Line("ReadOnlySpan<float> inputWeights = parameters.Slice(" + block.InputWeights.ConstantName + ", " + name + "GateRows * " + inputWidth + ");");
            c.W.Line("ReadOnlySpan<float> recurrentWeights = parameters.Slice(" + block.RecurrentWeights.ConstantName + ", " + name + "GateRows * " + name + "Hidden);");
            if (block.InputBias is { } inputBias && block.RecurrentBias is { } recurrentBias)
            {
                c.W.Line("ReadOnlySpan<float> inputBias = parameters.Slice(" + inputBias.ConstantName + ", " + name + "GateRows);");
                c.W.Line("ReadOnlySpan<float> recurrentBias = parameters.Slice(" + recurrentBias.ConstantName + ", " + name + "GateRows);");
            }
            c.W.Line("Span<float> hidden = tape.Slice(" + key + "HiddenOffset, (SequenceLength + 1) * " + name + "Hidden);");
            if (cell == Cell.Lstm)
                c.W.Line("Span<float> cells = tape.Slice(" + key + "CellOffset, (SequenceLength + 1) * " + name + "Hidden);");
            if (cell is Cell.Lstm or Cell.Gru)
                c.W.Line("Span<float> gates = tape.Slice(" + key + "GatesOffset, SequenceLength * " + name + "GateRows);");
            if (cell == Cell.Gru)
            {
                c.W.Line("Span<float> candidates = tape.Slice(" + key + "CandidateOffset, SequenceLength * " + name + "Hidden);");
                c.W.Line("Span<float> recurrentGates = tape.Slice(" + name + "RecurrentGatesOffset, " + name + "GateRows);");
            }
            if (!first)
                c.W.Line("ReadOnlySpan<float> input = tape.Slice(Layer" + index + "L" + (block.SubLayer - 1) + "OutputOffset, SequenceLength * " + name + "Width);");
            else if (InputDeclaration(c, index) is { Length: > 0 } declaration)
                c.W.Line(declaration);
            c.W.Line("Span<float> output = tape.Slice(" + Layout.SubLayerOutput(block) + "Offset, SequenceLength * " + name + "Width);");
            c.W.Line("// The input side of every step at once, hoisted out of the recurrence: biases, then W_ih·x.");
            c.W.Line(cell is Cell.Rnn or Cell.RnnRelu
                ? "Span<float> inputSide = hidden.Slice(" + name + "Hidden, SequenceLength * " + name + "GateRows); // row k becomes h after step k"
                : "Span<float> inputSide = gates;");
            if (layer.Bias)
            {
                c.W.Lines($$"""
                    for (int k = 0; k < steps; k++)
                        {{(cell == Cell.Gru ? "inputBias.CopyTo(inputSide.Slice(k * " + name + "GateRows, " + name + "GateRows));" : "Sum(inputSide.Slice(k * " + name + "GateRows, " + name + "GateRows), inputBias, recurrentBias);")}}
                    """);
            }
            else
            {
                c.W.Line("inputSide.Slice(0, steps * " + name + "GateRows).Clear();");
            }
            int columns = first ? layer.InputWidth : layer.OutputWidth;
            string x = first ? InputName(c, index) : "input";
            if (source == Source.Tokens)
            {
                c.W.Line(c.Kernels.GatherColumns(layer.GateRows, columns) + "(inputWeights, tokens, steps, reversed: " + reversed + ", inputSide);");
            }
            else
            {
                c.W.Lines($$"""
                    if (steps == 1)
                        {{c.Kernels.MultiplyAdd(layer.GateRows, columns)}}(inputWeights, {{x}}.Slice(0, {{inputWidth}}), inputSide);
                    else
                        {{c.Kernels.MultiplyAddSequence(layer.GateRows, columns)}}(inputWeights, {{x}}, steps, reversed: {{reversed}}, inputSide);
                    """);
            }
            string recurrent = c.Kernels.MultiplyAdd(layer.GateRows, layer.Size);
            string step = cell switch
            {
                Cell.Gru => (layer.Bias ? "recurrentBias.CopyTo(recurrentGates);" : "recurrentGates.Clear();") + $$"""

                    {{recurrent}}(recurrentWeights, h, recurrentGates);
                    RecurrentCells.Gru(g, recurrentGates, h, next, candidates.Slice(k * {{name}}Hidden, {{name}}Hidden));
                    """,
                Cell.Lstm => $$"""
                    {{recurrent}}(recurrentWeights, h, g);
                    RecurrentCells.Lstm(g, cells.Slice(k * {{name}}Hidden, {{name}}Hidden), cells.Slice((k + 1) * {{name}}Hidden, {{name}}Hidden), next);
                    """,
                _ => $$"""
                    {{recurrent}}(recurrentWeights, h, next);
                    RecurrentCells.{{(cell == Cell.RnnRelu ? "ReluState" : "TanhState")}}(next);
                    """,
            };
            c.W.Lines($$"""
                // The recurrence: only W_hh·h is left on the critical path.
                for (int k = 0; k < steps; k++)
                {
                    int t = {{(block.Reverse ? "steps - 1 - k" : "k")}}; // time step processed at position k
                    ReadOnlySpan<float> h = hidden.Slice(k * {{name}}Hidden, {{name}}Hidden);
                    Span<float> next = hidden.Slice((k + 1) * {{name}}Hidden, {{name}}Hidden);
                """);
            c.W.Indent();
            if (cell is Cell.Lstm or Cell.Gru)
                c.W.Line("Span<float> g = gates.Slice(k * " + name + "GateRows, " + name + "GateRows);");
            c.W.Lines(step);
            c.W.Line("next.CopyTo(output.Slice(t * " + name + "Width" + (block.Reverse ? " + " + name + "Hidden" : "") + ", " + name + "Hidden));");
            c.W.Unindent();
            c.W.Line("}");
            c.W.Close();
            c.W.Line();
        }

        /// <summary>
        /// Backpropagation through one sub-layer and direction: per step (latest first) the cell's backward pass, the bias
        /// gradients and dL/dh of the previous step; dL/d(input) for the layer below when it needs it; then the weight
        /// gradients of the whole window as one product each.
        /// </summary>
        private static void WriteRecurrentBackward(Context c, RecurrentBlock block)
        {
            LayerSpec layer = block.Layer;
            Cell cell = layer.Cell;
            int index = block.LayerIndex;
            string name = "Layer" + index;
            string key = block.Key;
            bool first = block.SubLayer == 0;
            Source source = first ? SourceOf(c, index) : Source.Tape;
            bool passesDown = !first || c.Layout.NeedsInputDelta(index);
            string inputWidth = first ? name + "Input" : name + "Width";
            int columns = first ? layer.InputWidth : layer.OutputWidth;
            string below = first ? InputDeltaRegion(c, index) : "Layer" + index + "L" + (block.SubLayer - 1) + "OutputDelta";
            string reversed = block.Reverse ? "true" : "false";
            c.W.Line("/// <summary>" + BlockTitle(c, block) + ": backpropagation through its steps" + (passesDown ? "; passes dL/d(input) down" : "") + ".</summary>");
            c.W.Open("private static void Backward" + key + "(ReadOnlySpan<float> parameters, Span<float> gradients, Span<float> tape" + (first ? InputParameter(c, index) : "") + ", int steps)");
            if (passesDown)
                c.W.Line("ReadOnlySpan<float> inputWeights = parameters.Slice(" + block.InputWeights.ConstantName + ", " + name + "GateRows * " + inputWidth + ");");
            c.W.Line("ReadOnlySpan<float> recurrentWeights = parameters.Slice(" + block.RecurrentWeights.ConstantName + ", " + name + "GateRows * " + name + "Hidden);");
            c.W.Line("Span<float> inputWeightsGradient = gradients.Slice(" + block.InputWeights.ConstantName + ", " + name + "GateRows * " + inputWidth + ");");
            c.W.Line("Span<float> recurrentWeightsGradient = gradients.Slice(" + block.RecurrentWeights.ConstantName + ", " + name + "GateRows * " + name + "Hidden);");
            if (block.InputBias is { } inputBias && block.RecurrentBias is { } recurrentBias)
            {
                c.W.Line("Span<float> inputBiasGradient = gradients.Slice(" + inputBias.ConstantName + ", " + name + "GateRows);");
                c.W.Line("Span<float> recurrentBiasGradient = gradients.Slice(" + recurrentBias.ConstantName + ", " + name + "GateRows);");
            }
            c.W.Line("ReadOnlySpan<float> hidden = tape.Slice(" + key + "HiddenOffset, (SequenceLength + 1) * " + name + "Hidden);");
            if (cell == Cell.Lstm)
                c.W.Line("ReadOnlySpan<float> cells = tape.Slice(" + key + "CellOffset, (SequenceLength + 1) * " + name + "Hidden);");
            if (cell is Cell.Lstm or Cell.Gru)
                c.W.Line("ReadOnlySpan<float> gates = tape.Slice(" + key + "GatesOffset, SequenceLength * " + name + "GateRows);");
            if (cell == Cell.Gru)
                c.W.Line("ReadOnlySpan<float> candidates = tape.Slice(" + key + "CandidateOffset, SequenceLength * " + name + "Hidden);");
            c.W.Line("ReadOnlySpan<float> outputDelta = tape.Slice(" + Layout.SubLayerOutput(block) + "DeltaOffset, SequenceLength * " + name + "Width);");
            if (passesDown)
                c.W.Line("Span<float> belowDelta = tape.Slice(" + below + "Offset, SequenceLength * " + inputWidth + ");");
            c.W.Line("Span<float> deltaInput = tape.Slice(" + name + "DeltaInputOffset, SequenceLength * " + name + "GateRows);");
            c.W.Line(cell == Cell.Gru
                ? "Span<float> deltaRecurrent = tape.Slice(" + name + "DeltaRecurrentOffset, SequenceLength * " + name + "GateRows);"
                : "Span<float> deltaRecurrent = deltaInput; // the same pre-activations feed both sides");
            c.W.Line("Span<float> dh = tape.Slice(" + name + "DeltaHiddenOffset, " + name + "Hidden);");
            c.W.Line("dh.Clear();");
            if (cell == Cell.Lstm)
            {
                c.W.Line("Span<float> dc = tape.Slice(" + name + "DeltaCellOffset, " + name + "Hidden);");
                c.W.Line("dc.Clear();");
            }
            c.W.Lines($$"""
                for (int k = steps - 1; k >= 0; k--)
                {
                    int t = {{(block.Reverse ? "steps - 1 - k" : "k")}};
                    AddTo(dh, outputDelta.Slice(t * {{name}}Width{{(block.Reverse ? " + " + name + "Hidden" : "")}}, {{name}}Hidden));
                    Span<float> delta = deltaInput.Slice(k * {{name}}GateRows, {{name}}GateRows);
                """);
            c.W.Indent();
            switch (cell)
            {
                case Cell.Lstm:
                    c.W.Line("RecurrentCells.LstmBackward(gates.Slice(k * " + name + "GateRows, " + name + "GateRows), cells.Slice(k * " + name + "Hidden, " + name + "Hidden), cells.Slice((k + 1) * " + name + "Hidden, " + name + "Hidden), dh, dc, delta);");
                    break;
                case Cell.Gru:
                    c.W.Line("Span<float> recurrentDelta = deltaRecurrent.Slice(k * " + name + "GateRows, " + name + "GateRows);");
                    c.W.Line("RecurrentCells.GruBackward(gates.Slice(k * " + name + "GateRows, " + name + "GateRows), candidates.Slice(k * " + name + "Hidden, " + name + "Hidden), hidden.Slice(k * " + name + "Hidden, " + name + "Hidden), dh, delta, recurrentDelta);");
                    break;
                default:
                    c.W.Line("RecurrentCells." + (cell == Cell.RnnRelu ? "ReluStateBackward" : "TanhStateBackward") + "(hidden.Slice((k + 1) * " + name + "Hidden, " + name + "Hidden), dh, delta);");
                    break;
            }
            string recurrentDelta = cell == Cell.Gru ? "recurrentDelta" : "delta";
            if (layer.Bias)
            {
                c.W.Line("AddTo(inputBiasGradient, delta);");
                c.W.Line("AddTo(recurrentBiasGradient, " + recurrentDelta + ");");
            }
            if (source == Source.Tokens)
                c.W.Line(c.Kernels.ScatterColumn(layer.GateRows, columns) + "(delta, tokens[t], inputWeightsGradient);");
            if (passesDown)
                c.W.Line(c.Kernels.MultiplyTransposedAdd(layer.GateRows, columns) + "(inputWeights, delta, belowDelta.Slice(t * " + inputWidth + ", " + inputWidth + "));");
            c.W.Lines($$"""
                if (k > 0)
                {
                {{(cell == Cell.Gru ? "" : "    dh.Clear();\n")}}    {{c.Kernels.MultiplyTransposedAdd(layer.GateRows, layer.Size)}}(recurrentWeights, {{recurrentDelta}}, dh); // dL/dh of the previous step
                }
                """);
            c.W.Unindent();
            c.W.Line("}");
            c.W.Line("// Weight gradients for the whole window at once: dW += Σ_k δ_k ⊗ input_k.");
            c.W.Line(c.Kernels.AccumulateOuter(layer.GateRows, layer.Size) + "(deltaRecurrent, hidden, steps, recurrentWeightsGradient, reversed: false);");
            if (source != Source.Tokens)
            {
                string x = first ? InputName(c, index) : "tape.Slice(Layer" + index + "L" + (block.SubLayer - 1) + "OutputOffset, SequenceLength * " + name + "Width)";
                if (first && SourceOf(c, index) == Source.Tape)
                    x = "tape.Slice(" + InputRegion(c, index) + "Offset, SequenceLength * " + name + "Input)";
                c.W.Line(c.Kernels.AccumulateOuter(layer.GateRows, columns) + "(deltaInput, " + x + ", steps, inputWeightsGradient, reversed: " + reversed + ");");
            }
            c.W.Close();
            c.W.Line();
        }
    }
}
