using RnnGen.Generator.Model;

namespace RnnGen.Generator;

public sealed partial class RnnGenerator
{
    internal static partial class Emitter
    {
        /// <summary>
        /// A causal convolution forward: each step's taps are gathered into one row of <c>columns</c> ([input channel, tap],
        /// the order of the weights' last two dimensions), reaching back into the history the state keeps for the first
        /// steps; then it is a dense layer over those rows. The inputs the state keeps after the window are copied out.
        /// </summary>
        private static void WriteConvolutionForward(Context c, int index)
        {
            LayerSpec layer = c.Model.Layers[index];
            string name = "Layer" + index;
            string x = InputName(c, index);
            bool history = layer.HistoryRows > 0;
            c.W.Line("/// <summary>" + LayerTitle(c, index) + ": y[t] = " + ActivationFormula(layer) + "[t], x[t] being the inputs t − (Taps − 1 − k)·Dilation for each tap k.</summary>");
            c.W.Open("private static void Forward" + name + "(ReadOnlySpan<float> parameters, Span<float> tape" + InputParameter(c, index) + ", int steps)");
            WriteAffineSpans(c, index, name + "Width * " + name + "Columns", backward: false);
            if (history)
                c.W.Line("ReadOnlySpan<float> history = tape.Slice(" + name + "HistoryOffset, " + name + "HistoryRows * " + name + "Input);");
            c.W.Line("Span<float> columns = tape.Slice(" + name + "ColumnsOffset, SequenceLength * " + name + "Columns);");
            string source = history
                ? $$"""
                  int source = t - ({{name}}Taps - 1 - k) * {{name}}Dilation;
                          ReadOnlySpan<float> tap = source >= 0 ? {{x}}.Slice(source * {{name}}Input, {{name}}Input) : history.Slice(({{name}}HistoryRows + source) * {{name}}Input, {{name}}Input);
                  """
                : "ReadOnlySpan<float> tap = " + x + ".Slice(t * " + name + "Input, " + name + "Input);";
            c.W.Lines($$"""
                for (int t = 0; t < steps; t++)
                {
                    Span<float> row = columns.Slice(t * {{name}}Columns, {{name}}Columns);
                    for (int k = 0; k < {{name}}Taps; k++)
                    {
                        {{source}}
                        for (int channel = 0; channel < {{name}}Input; channel++)
                            row[channel * {{name}}Taps + k] = tap[channel];
                    }
                }
                """);
            if (history)
            {
                c.W.Lines($$"""
                    // The inputs the state keeps after the window: the last HistoryRows of history followed by the window.
                    Span<float> nextHistory = tape.Slice({{name}}NextHistoryOffset, {{name}}HistoryRows * {{name}}Input);
                    for (int r = 0; r < {{name}}HistoryRows; r++)
                    {
                        int source = steps - {{name}}HistoryRows + r;
                        (source >= 0 ? {{x}}.Slice(source * {{name}}Input, {{name}}Input) : history.Slice(({{name}}HistoryRows + source) * {{name}}Input, {{name}}Input))
                            .CopyTo(nextHistory.Slice(r * {{name}}Input, {{name}}Input));
                    }
                    """);
            }
            WriteAffineForward(c, index, name + "Columns", layer.InputWidth * layer.KernelSize, "columns");
            c.W.Close();
            c.W.Line();
        }

        /// <summary>
        /// A causal convolution backward: the dense layer's gradients over the tap rows, then (when the layer below needs
        /// it) dL/d(taps) scattered back to the inputs they came from within the window; taps that read the history get
        /// no gradient (truncated BPTT).
        /// </summary>
        private static void WriteConvolutionBackward(Context c, int index)
        {
            LayerSpec layer = c.Model.Layers[index];
            string name = "Layer" + index;
            bool passesDown = c.Layout.NeedsInputDelta(index);
            c.W.Line("/// <summary>" + LayerTitle(c, index) + ": the gradients of its weights" + (passesDown ? ", and dL/d(input) for the layer below" : "") + ".</summary>");
            c.W.Open("private static void Backward" + name + "(ReadOnlySpan<float> parameters, Span<float> gradients, Span<float> tape" + InputParameter(c, index) + ", int steps)");
            WriteAffineSpans(c, index, name + "Width * " + name + "Columns", backward: true);
            c.W.Line("ReadOnlySpan<float> columns = tape.Slice(" + name + "ColumnsOffset, SequenceLength * " + name + "Columns);");
            string? belowTaps = null;
            if (passesDown)
            {
                c.W.Line("Span<float> columnsDelta = tape.Slice(" + name + "ColumnsDeltaOffset, steps * " + name + "Columns);");
                belowTaps = "columnsDelta";
            }
            WriteAffineBackward(c, index, name + "Columns", layer.InputWidth * layer.KernelSize, "columns", belowTaps);
            if (passesDown)
            {
                c.W.Lines($$"""
                    Span<float> below = tape.Slice({{InputDeltaRegion(c, index)}}Offset, steps * {{name}}Input);
                    below.Clear();
                    for (int t = 0; t < steps; t++)
                    {
                        ReadOnlySpan<float> row = columnsDelta.Slice(t * {{name}}Columns, {{name}}Columns);
                        for (int k = 0; k < {{name}}Taps; k++)
                        {
                            int source = t - ({{name}}Taps - 1 - k) * {{name}}Dilation;
                            if (source < 0)
                                continue;
                            Span<float> target = below.Slice(source * {{name}}Input, {{name}}Input);
                            for (int channel = 0; channel < {{name}}Input; channel++)
                                target[channel] += row[channel * {{name}}Taps + k];
                        }
                    }
                    """);
            }
            c.W.Close();
            c.W.Line();
        }
    }
}
