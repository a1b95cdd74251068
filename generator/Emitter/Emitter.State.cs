using System.Collections.Generic;
using RnnGen.Generator.Helpers;
using RnnGen.Generator.Model;

namespace RnnGen.Generator;

public sealed partial class RnnGenerator
{
    internal static partial class Emitter
    {
        /// <summary>The State struct: an inline array of every h (and c) and every convolution's history, with accessors.</summary>
        private static void WriteState(Context c)
        {
            if (c.Model.IsLayerStack)
                WriteStackState(c);
            else
                WriteFirstFormState(c);
        }

        private static void WriteFirstFormState(Context c)
        {
            ModelSpec model = c.Model;
            bool lstm = model.Layers[0].Cell == Cell.Lstm;
            string what = lstm ? "hidden states h and memory cells c" : "hidden states";
            c.W.Lines($$"""
                /// <summary>
                /// The state of <c>{{model.ClassName}}</c>: the {{what}} of every layer and direction, held in the value itself
                /// and zero when created. Packed as PyTorch packs h_0{{(lstm ? " then c_0" : "")}}: index layer × Directions + direction.
                /// </summary>
                public struct State : global::RnnGen.IRnnState
                {
                    private const int Units = Layers * Directions * HiddenSize;

                    /// <summary>Number of floats in the state.</summary>
                    public const int FloatCount = {{(lstm ? "2 * Units" : "Units")}};

                    private Buffer _values;

                    /// <summary>Number of floats in the state (<see cref="FloatCount"/>).</summary>
                    public readonly int Length => FloatCount;

                    /// <summary>The hidden state h of <paramref name="layer"/> (forward direction): <see cref="HiddenSize"/> floats.</summary>
                    [global::System.Diagnostics.CodeAnalysis.UnscopedRef]
                    public {{Span}} H(int layer) => H(layer, 0);

                    /// <summary>The hidden state h of <paramref name="layer"/> in <paramref name="direction"/> (1 = reverse): <see cref="HiddenSize"/> floats.</summary>
                    [global::System.Diagnostics.CodeAnalysis.UnscopedRef]
                    public {{Span}} H(int layer, int direction) => (({{Span}})_values).Slice(Index(layer, direction), HiddenSize);

                """);
            if (lstm)
            {
                c.W.Lines($$"""
                        /// <summary>The memory cell c of <paramref name="layer"/> (forward direction): <see cref="HiddenSize"/> floats.</summary>
                        [global::System.Diagnostics.CodeAnalysis.UnscopedRef]
                        public {{Span}} C(int layer) => C(layer, 0);

                        /// <summary>The memory cell c of <paramref name="layer"/> in <paramref name="direction"/> (1 = reverse): <see cref="HiddenSize"/> floats.</summary>
                        [global::System.Diagnostics.CodeAnalysis.UnscopedRef]
                        public {{Span}} C(int layer, int direction) => (({{Span}})_values).Slice(Units + Index(layer, direction), HiddenSize);

                    """);
            }
            WriteStateCopying(c);
            c.W.Lines("""
                    private static int Index(int layer, int direction)
                    {
                        if ((uint)layer >= Layers)
                            throw new global::System.ArgumentOutOfRangeException(nameof(layer), layer, "The model has " + Layers + " layer(s); layer must be in [0, Layers).");
                        if ((uint)direction >= Directions)
                            throw new global::System.ArgumentOutOfRangeException(nameof(direction), direction, "The model has " + Directions + " direction(s); direction must be in [0, Directions).");
                        return (layer * Directions + direction) * HiddenSize;
                    }

                    [global::System.Runtime.CompilerServices.InlineArray(FloatCount)]
                    private struct Buffer
                    {
                        private float _element0;
                    }
                }
                """);
        }

        /// <summary>
        /// A layer stack's State: h of every recurrent layer and direction, then c of the LSTM ones, then each
        /// convolution's last inputs. Recurrent layers are numbered across the stack (each [Recurrent] counts its Layers).
        /// </summary>
        private static void WriteStackState(Context c)
        {
            ModelSpec model = c.Model;
            Layout layout = c.Layout;
            var hiddenOffsets = new List<long>();
            var cellOffsets = new List<long>();
            var widths = new List<long>();
            bool anyLstm = false;
            foreach (RecurrentBlock block in layout.Blocks)
            {
                if (block.Direction == 0)
                {
                    widths.Add(block.Layer.Size);
                    hiddenOffsets.Add(-1);
                    hiddenOffsets.Add(-1);
                    cellOffsets.Add(-1);
                    cellOffsets.Add(-1);
                }
                int index = 2 * (widths.Count - 1) + block.Direction;
                foreach (StateSlot slot in layout.StateSlots)
                {
                    if (slot.Block != block)
                        continue;
                    if (slot.TapeRegion.EndsWith("Hidden", System.StringComparison.Ordinal))
                        hiddenOffsets[index] = slot.Offset;
                    else
                        cellOffsets[index] = slot.Offset;
                }
                anyLstm |= block.Layer.Cell == Cell.Lstm;
            }
            bool history = layout.StateFloats > layout.HiddenStateFloats;
            string what = (anyLstm ? "hidden states h and the LSTM layers' memory cells c" : "hidden states h") + (history ? ", and the last inputs each convolution needs," : "");
            c.W.Lines($$"""
                /// <summary>
                /// The state of <c>{{model.ClassName}}</c>: the {{what}} held in the value itself and zero when created.
                /// Recurrent layers are numbered across the stack from 0, each [Recurrent] counting its Layers; packed as h of every
                /// layer and direction (forward, then reverse), {{(anyLstm ? "then c of every LSTM layer and direction, " : "")}}{{(history ? "then the convolutions' inputs, oldest first" : "in that order")}}.
                /// </summary>
                public struct State : global::RnnGen.IRnnState
                {
                    /// <summary>Number of floats in the state.</summary>
                    public const int FloatCount = {{SourceWriter.Int(layout.StateFloats)}};

                    /// <summary>Number of recurrent layers, the layers <see cref="H(int)"/> takes.</summary>
                    public const int Layers = {{SourceWriter.Int(widths.Count)}};

                    private Buffer _values;

                    /// <summary>Number of floats in the state (<see cref="FloatCount"/>).</summary>
                    public readonly int Length => FloatCount;

                    /// <summary>The hidden state h of recurrent <paramref name="layer"/> (forward direction).</summary>
                    [global::System.Diagnostics.CodeAnalysis.UnscopedRef]
                    public {{Span}} H(int layer) => H(layer, 0);

                    /// <summary>The hidden state h of recurrent <paramref name="layer"/> in <paramref name="direction"/> (1 = reverse).</summary>
                    [global::System.Diagnostics.CodeAnalysis.UnscopedRef]
                    public {{Span}} H(int layer, int direction) => (({{Span}})_values).Slice(Index(HiddenOffsets, layer, direction, "hidden state"), Widths[layer]);

                """);
            if (anyLstm)
            {
                c.W.Lines($$"""
                        /// <summary>The memory cell c of LSTM <paramref name="layer"/> (forward direction).</summary>
                        [global::System.Diagnostics.CodeAnalysis.UnscopedRef]
                        public {{Span}} C(int layer) => C(layer, 0);

                        /// <summary>The memory cell c of LSTM <paramref name="layer"/> in <paramref name="direction"/> (1 = reverse).</summary>
                        [global::System.Diagnostics.CodeAnalysis.UnscopedRef]
                        public {{Span}} C(int layer, int direction) => (({{Span}})_values).Slice(Index(CellOffsets, layer, direction, "memory cell"), Widths[layer]);

                    """);
            }
            WriteStateCopying(c);
            c.W.Lines($$"""
                    /// <summary>Each recurrent layer's width.</summary>
                    private static global::System.ReadOnlySpan<int> Widths => new int[] { {{Join(widths)}} };

                    /// <summary>Where h of layer l, direction d starts: entry 2l + d (−1: no such direction).</summary>
                    private static global::System.ReadOnlySpan<int> HiddenOffsets => new int[] { {{Join(hiddenOffsets)}} };

                """);
            if (anyLstm)
            {
                c.W.Lines($$"""
                        /// <summary>Where c of layer l, direction d starts: entry 2l + d (−1: not an LSTM layer, or no such direction).</summary>
                        private static global::System.ReadOnlySpan<int> CellOffsets => new int[] { {{Join(cellOffsets)}} };

                    """);
            }
            c.W.Lines("""
                    private static int Index(global::System.ReadOnlySpan<int> offsets, int layer, int direction, string what)
                    {
                        if ((uint)layer >= Layers)
                            throw new global::System.ArgumentOutOfRangeException(nameof(layer), layer, "The model has " + Layers + " recurrent layer(s); layer must be in [0, Layers).");
                        if ((uint)direction > 1 || HiddenOffsets[2 * layer + direction] < 0)
                            throw new global::System.ArgumentOutOfRangeException(nameof(direction), direction, "Recurrent layer " + layer + " runs in " + (HiddenOffsets[2 * layer + 1] < 0 ? 1 : 2) + " direction(s).");
                        int offset = offsets[2 * layer + direction];
                        if (offset < 0)
                            throw new global::System.ArgumentException("Recurrent layer " + layer + " has no " + what + ": only LSTM layers have memory cells.", nameof(layer));
                        return offset;
                    }

                    [global::System.Runtime.CompilerServices.InlineArray(FloatCount)]
                    private struct Buffer
                    {
                        private float _element0;
                    }
                }
                """);
        }

        private static void WriteStateCopying(Context c) =>
            c.W.Lines($$"""
                    /// <summary>The whole state as one span, for the model's kernels.</summary>
                    [global::System.Diagnostics.CodeAnalysis.UnscopedRef]
                    internal {{Span}} Values => _values;

                    /// <summary>Sets the whole state to zero.</summary>
                    public void Reset() => (({{Span}})_values).Clear();

                    /// <summary>Copies the whole state into <paramref name="destination"/>, which must hold exactly <see cref="FloatCount"/> floats.</summary>
                    public readonly void CopyTo({{Span}} destination)
                    {
                        {{Guard}}.Length(destination.Length, FloatCount, nameof(destination), "State.FloatCount");
                        (({{ReadOnlySpan}})_values).CopyTo(destination);
                    }

                    /// <summary>Sets the whole state from <paramref name="source"/>, which must hold exactly <see cref="FloatCount"/> floats.</summary>
                    public void CopyFrom({{ReadOnlySpan}} source)
                    {
                        {{Guard}}.Length(source.Length, FloatCount, nameof(source), "State.FloatCount");
                        source.CopyTo(({{Span}})_values);
                    }

                """);

        private static string Join(List<long> values)
        {
            var parts = new string[values.Count];
            for (int i = 0; i < values.Count; i++)
                parts[i] = SourceWriter.Int(values[i]);
            return string.Join(", ", parts);
        }

        /// <summary>LoadState (or ClearInitialState) and StoreState: the packed state to and from the tape.</summary>
        private static void WriteStateTransfer(Context c)
        {
            Layout layout = c.Layout;
            var load = new List<string>();
            var clear = new List<string>();
            var store = new List<string>();
            foreach (StateSlot slot in layout.StateSlots)
            {
                string offset = SourceWriter.Int(slot.Offset), length = SourceWriter.Int(slot.Length);
                load.Add("packed.Slice(" + offset + ", " + length + ").CopyTo(tape.Slice(" + slot.TapeRegion + "Offset, " + length + "));");
                clear.Add("tape.Slice(" + slot.TapeRegion + "Offset, " + length + ").Clear();");
                store.Add(slot.Block is { } block
                    ? "tape.Slice(" + slot.TapeRegion + "Offset + steps * " + length + ", " + length + ").CopyTo(packed.Slice(" + offset + ", " + length + "));"
                    : "tape.Slice(Layer" + slot.ConvLayer + "NextHistoryOffset, " + length + ").CopyTo(packed.Slice(" + offset + ", " + length + "));");
            }
            if (c.Model.Bidirectional)
            {
                c.W.Line("/// <summary>Zeroes the initial state in the tape: every window of a bidirectional model starts from zero.</summary>");
                c.W.Open("public static void ClearInitialState(Span<float> tape)");
                foreach (string line in clear)
                    c.W.Line(line);
            }
            else
            {
                c.W.Line("/// <summary>Copies a packed state (h of every layer and direction, then c, then the convolutions' inputs) into the tape.</summary>");
                c.W.Open("public static void LoadState(ReadOnlySpan<float> packed, Span<float> tape)");
                foreach (string line in load)
                    c.W.Line(line);
            }
            c.W.Close();
            c.W.Line();
            c.W.Line("/// <summary>Packs the state after the window's last step: each h and c, each convolution's last inputs.</summary>");
            c.W.Open("public static void StoreState(ReadOnlySpan<float> tape, int steps, Span<float> packed)");
            foreach (string line in store)
                c.W.Line(line);
            c.W.Close();
            c.W.Line();
        }
    }
}
