using RnnGen.Generator.Helpers;
using RnnGen.Generator.Model;

namespace RnnGen.Generator;

public sealed partial class RnnGenerator
{
    internal static partial class Emitter
    {
        /// <summary>The parameter count up to which a streaming model runs Forward and training's forward pass on the step path.</summary>
        private const long StepPathParameters = 16384;

        /// <summary>
        /// Whether Forward and training's forward pass run the step path, so that Forward, Step and training compute the
        /// same numbers bit for bit: a small streaming model (up to <see cref="StepPathParameters"/> parameters, 64 KiB)
        /// whose recurrent layers each read no more features than they have units (where a window's bookkeeping costs more
        /// than hoisting the input products out of the recurrence saves: measured, the hoisted products of LSTM 64→32 win
        /// by 10–15%, a one-feature amp model loses by 45%), without dropout (whose masks only the window path draws) and
        /// without a one-hot product as its first layer (the window path gathers a window's columns of W_ih together, a
        /// step one column across every row). Every other model keeps the window path for both, as before; Step always
        /// runs the step path.
        /// </summary>
        private static bool TrainsOnTheStepPath(Context c)
        {
            if (!IsStreaming(c.Model) || HasDropout(c.Model) || c.Layout.ParameterCount > StepPathParameters)
                return false;
            if (c.Token && c.Model.Layers[0].Kind is LayerKind.Recurrent or LayerKind.Dense)
                return false;
            foreach (RecurrentBlock block in c.Layout.Blocks)
            {
                if (block.InputWidth > block.Layer.Size)
                    return false;
            }
            return true;
        }

        /// <summary>
        /// ForwardSteps: training's forward pass as the step path over the window, each step's values recorded where the
        /// backward pass reads them (h, c, the activated gates, every layer's output, a convolution's taps).
        /// </summary>
        private static void WriteRecordingForward(Context c, StepLayout step)
        {
            ModelSpec model = c.Model;
            string one = c.Token ? "tokens[t]" : "inputs.Slice(t * InputSize, InputSize)";
            c.W.Lines($$"""
                /// <summary>
                /// Training's forward pass: the step path over the window from the state, which it leaves after the last step,
                /// recording each step's values in the tape for the backward pass. Forward and Step compute the same numbers.
                /// </summary>
                public static void ForwardSteps(ReadOnlySpan<float> parameters, Span<float> tape, {{ModelInputParameter(c)}}, int steps, Span<float> state, Span<float> scratch)
                {
                    for (int t = 0; t < steps; t++)
                    {
                        Step(parameters, state, {{one}}, scratch);
                        Record(scratch, tape, t);
                    }
                """);
            c.W.Indent();
            foreach (StateSlot slot in c.Layout.StateSlots)
            {
                if (slot.ConvLayer >= 0)
                    c.W.Line("state.Slice(" + SourceWriter.Int(slot.Offset) + ", " + SourceWriter.Int(slot.Length) + ").CopyTo(tape.Slice(Layer" + slot.ConvLayer + "NextHistoryOffset, " + SourceWriter.Int(slot.Length) + "));");
            }
            c.W.Unindent();
            c.W.Lines("""
                }

                /// <summary>Copies the values of step <paramref name="t"/> from the step path's vectors to their rows of the tape.</summary>
                private static void Record(ReadOnlySpan<float> scratch, Span<float> tape, int t)
                {
                """);
            c.W.Indent();
            for (int i = 0; i < model.Layers.Count; i++)
            {
                LayerSpec layer = model.Layers[i];
                string name = "Layer" + i;
                switch (layer.Kind)
                {
                    case LayerKind.Recurrent:
                        foreach (RecurrentBlock block in c.Layout.Blocks)
                        {
                            if (block.LayerIndex != i)
                                continue;
                            string key = "Step" + block.Key;
                            int padded = Pad(layer.Size);
                            c.W.Line("scratch.Slice(" + key + "OutputOffset, " + name + "Hidden).CopyTo(tape.Slice(" + block.Key + "HiddenOffset + (t + 1) * " + name + "Hidden, " + name + "Hidden));");
                            if (layer.Cell == Cell.Lstm)
                                c.W.Line("scratch.Slice(" + key + "CellOffset, " + name + "Hidden).CopyTo(tape.Slice(" + block.Key + "CellOffset + (t + 1) * " + name + "Hidden, " + name + "Hidden));");
                            if (layer.Cell is Cell.Lstm or Cell.Gru)
                            {
                                int gates = Sizes.GateCount(layer.Cell);
                                for (int q = 0; q < gates; q++)
                                {
                                    string from = key + "GatesOffset" + (q == 0 ? "" : " + " + SourceWriter.Int(q * padded));
                                    string to = block.Key + "GatesOffset + t * " + name + "GateRows" + (q == 0 ? "" : " + " + SourceWriter.Int(q) + " * " + name + "Hidden");
                                    c.W.Line("scratch.Slice(" + from + ", " + name + "Hidden).CopyTo(tape.Slice(" + to + ", " + name + "Hidden));");
                                }
                            }
                            if (layer.Cell == Cell.Gru)
                                c.W.Line("scratch.Slice(" + key + "RecurrentGatesOffset + " + SourceWriter.Int(2 * padded) + ", " + name + "Hidden).CopyTo(tape.Slice(" + block.Key + "CandidateOffset + t * " + name + "Hidden, " + name + "Hidden));");
                            c.W.Line("scratch.Slice(" + key + "OutputOffset, " + name + "Hidden).CopyTo(tape.Slice(" + Layout.SubLayerOutput(block) + "Offset + t * " + name + "Width, " + name + "Width));");
                        }
                        break;
                    case LayerKind.Conv1D:
                        c.W.Line("scratch.Slice(Step" + name + "ColumnsOffset, " + name + "Columns).CopyTo(tape.Slice(" + name + "ColumnsOffset + t * " + name + "Columns, " + name + "Columns));");
                        c.W.Line("scratch.Slice(Step" + name + "OutputOffset, " + name + "Width).CopyTo(tape.Slice(" + name + "OutputOffset + t * " + name + "Width, " + name + "Width));");
                        break;
                    case LayerKind.Dense:
                    case LayerKind.Embedding:
                        c.W.Line("scratch.Slice(Step" + name + "OutputOffset, " + name + "Width).CopyTo(tape.Slice(" + name + "OutputOffset + t * " + name + "Width, " + name + "Width));");
                        break;
                }
            }
            if (model.InputSkip)
                c.W.Line("scratch.Slice(StepModelOutputOffset, OutputSize).CopyTo(tape.Slice(ModelOutputOffset + t * OutputSize, OutputSize));");
            c.W.Unindent();
            c.W.Lines("""
                }

                """);
        }
    }
}
