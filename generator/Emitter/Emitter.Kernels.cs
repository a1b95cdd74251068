using RnnGen.Generator.Helpers;
using RnnGen.Generator.Model;

namespace RnnGen.Generator;

public sealed partial class RnnGenerator
{
    internal static partial class Emitter
    {
        /// <summary>The file-local kernel class: layers forward and backward, head, loss, state transfer, matrix kernels.</summary>
        private static void WriteKernelClass(SourceWriter w, ModelSpec model, Layout layout)
        {
            w.Open("namespace RnnGen.Generated");
            w.Lines("""
                using global::System;
                using global::System.Runtime.CompilerServices;
                using global::System.Runtime.InteropServices;
                using global::System.Runtime.Intrinsics;
                using global::System.Runtime.Intrinsics.X86;
                using global::RnnGen.Kernels;

                """);
            w.Line("/// <summary>The arithmetic of <c>" + Escape(model.DisplayName) + "</c>, with every size a constant.</summary>");
            w.Open("file static class " + KernelClassName(model));
            WriteKernelConstants(w, model, layout);

            WriteForward(w, model, layout);
            foreach (LayerTensors ld in layout.LayerDirections)
                WriteForwardLayer(w, model, layout, ld);
            WriteHeadAndLoss(w, model, layout);
            WriteBackward(w, model, layout);
            foreach (LayerTensors ld in layout.LayerDirections)
                WriteBackwardLayer(w, model, layout, ld);
            WriteStateTransfer(w, model, layout);
            WriteCells(w, model);
            WriteElementwise(w, model);
            WriteSumEach(w);

            bool upper = model.Layers > 1, dense = model.Input == Input.Dense;
            if (dense)
            {
                WriteMultiplyAdd(w, "MultiplyAddInputL0", layout.GateRows, model.InputSize, "GateRows", "InputSize", "W_ih of layer 0");
                WriteMultiplyAddSequence(w, "MultiplyAddSequenceInputL0", layout.GateRows, model.InputSize, "GateRows", "InputSize", "W_ih of layer 0", "pre-activations");
            }
            if (upper)
            {
                WriteMultiplyAdd(w, "MultiplyAddInputUpper", layout.GateRows, layout.HeadInputSize, "GateRows", "LayerOutputSize", "W_ih of layers above 0");
                WriteMultiplyAddSequence(w, "MultiplyAddSequenceInputUpper", layout.GateRows, layout.HeadInputSize, "GateRows", "LayerOutputSize", "W_ih of layers above 0", "pre-activations");
            }
            WriteMultiplyAdd(w, "MultiplyAddRecurrent", layout.GateRows, model.HiddenSize, "GateRows", "HiddenSize", "W_hh");
            WriteMultiplyAdd(w, "MultiplyAddHead", model.OutputSize, layout.HeadInputSize, "OutputSize", "LayerOutputSize", "the head's W");
            if (model.Output == Output.EveryStep)
                WriteMultiplyAddSequence(w, "MultiplyAddSequenceHead", model.OutputSize, layout.HeadInputSize, "OutputSize", "LayerOutputSize", "the head's W", "outputs");
            WriteMultiplyTransposedAdd(w, "MultiplyTransposedAddRecurrent", layout.GateRows, model.HiddenSize, "GateRows", "HiddenSize", "W_hh");
            if (upper)
                WriteMultiplyTransposedAdd(w, "MultiplyTransposedAddInputUpper", layout.GateRows, layout.HeadInputSize, "GateRows", "LayerOutputSize", "W_ih of layers above 0");
            WriteMultiplyTransposedAdd(w, "MultiplyTransposedAddHead", model.OutputSize, layout.HeadInputSize, "OutputSize", "LayerOutputSize", "the head's W");
            if (dense)
                WriteAccumulateOuter(w, "AccumulateOuterInputL0", layout.GateRows, model.InputSize, "GateRows", "InputSize", "W_ih of layer 0");
            if (upper)
                WriteAccumulateOuter(w, "AccumulateOuterInputUpper", layout.GateRows, layout.HeadInputSize, "GateRows", "LayerOutputSize", "W_ih of layers above 0");
            WriteAccumulateOuter(w, "AccumulateOuterRecurrent", layout.GateRows, model.HiddenSize, "GateRows", "HiddenSize", "W_hh");
            WriteAccumulateOuter(w, "AccumulateOuterHead", model.OutputSize, layout.HeadInputSize, "OutputSize", "LayerOutputSize", "the head's W", last: true);

            w.Close();
            w.Close();
        }

        private static void WriteKernelConstants(SourceWriter w, ModelSpec model, Layout layout)
        {
            w.Line("private const int InputSize = " + SourceWriter.Int(model.InputSize) + ";");
            w.Line("private const int HiddenSize = " + SourceWriter.Int(model.HiddenSize) + ";");
            w.Line("private const int OutputSize = " + SourceWriter.Int(model.OutputSize) + ";");
            w.Line("private const int Layers = " + SourceWriter.Int(model.Layers) + ";");
            w.Line("private const int Directions = " + SourceWriter.Int(layout.Directions) + ";");
            w.Line("private const int SequenceLength = " + SourceWriter.Int(model.SequenceLength) + ";");
            w.Line("private const int GateRows = " + SourceWriter.Int(layout.Gates) + " * HiddenSize;" + GateComment(model.Cell));
            w.Line("private const int LayerOutputSize = Directions * HiddenSize;");
            w.Line("private const int StateUnits = Layers * Directions * HiddenSize;");
            w.Line("private const int Lanes = 8; // floats in a Vector256");
            w.Line("private const int RowBlock = " + SourceWriter.Int(RowBlock) + "; // rows a matrix-vector kernel accumulates at once");
            w.Line();
            w.Line("// Parameters, in PyTorch's order.");
            foreach (Tensor tensor in layout.Tensors)
                w.Line("private const int " + tensor.ConstantName + " = " + SourceWriter.Int(tensor.Offset) + ";");
            w.Line();
            w.Line("// The training tape (" + SourceWriter.Grouped(layout.TapeLength) + " floats).");
            foreach (TapeRegion region in layout.TapeRegions)
                w.Line("public const int " + region.ConstantName + " = " + SourceWriter.Int(region.Offset) + "; // " + region.Comment);
            w.Line();
            w.Line("/// <summary>True when the AVX2 + FMA kernels run; the JIT folds it to a constant.</summary>");
            w.Line("public static bool UseAvx2 => Avx2.IsSupported && Fma.IsSupported;");
            w.Line();
        }

        private static string InputParameter(ModelSpec model) => model.Input == Input.Token ? "ReadOnlySpan<int> tokens" : "ReadOnlySpan<float> inputs";

        private static string InputArgument(ModelSpec model) => model.Input == Input.Token ? "tokens" : "inputs";

        private static string Direction(LayerTensors ld) => ld.Direction == 1 ? "reverse" : "forward";

        private static void WriteForward(SourceWriter w, ModelSpec model, Layout layout)
        {
            w.Line("/// <summary>Runs every layer over the window; the tape holds the initial states in row 0 of each hidden (and cell) region.</summary>");
            w.Open("public static void Forward(ReadOnlySpan<float> parameters, Span<float> tape, " + InputParameter(model) + ", int steps)");
            foreach (LayerTensors ld in layout.LayerDirections)
                w.Line("Forward" + ld.Key + "(parameters, tape, " + (ld.Layer == 0 ? InputArgument(model) + ", " : "") + "steps);");
            w.Close();
            w.Line();
        }

        private static void WriteForwardLayer(SourceWriter w, ModelSpec model, Layout layout, LayerTensors ld)
        {
            Cell cell = model.Cell;
            string key = ld.Key;
            bool first = ld.Layer == 0;
            w.Line("/// <summary>Layer " + ld.Layer + ", " + Direction(ld) + " in time: " + CellName(cell) + " steps over the window.</summary>");
            w.Open("private static void Forward" + key + "(ReadOnlySpan<float> parameters, Span<float> tape, " + (first ? InputParameter(model) + ", " : "") + "int steps)");
            w.Line("ReadOnlySpan<float> inputWeights = parameters.Slice(" + ld.InputWeights.ConstantName + ", " + ld.InputWeights.LengthExpression + ");");
            w.Line("ReadOnlySpan<float> recurrentWeights = parameters.Slice(" + ld.RecurrentWeights.ConstantName + ", GateRows * HiddenSize);");
            w.Line("ReadOnlySpan<float> inputBias = parameters.Slice(" + ld.InputBias.ConstantName + ", GateRows);");
            w.Line("ReadOnlySpan<float> recurrentBias = parameters.Slice(" + ld.RecurrentBias.ConstantName + ", GateRows);");
            w.Line("Span<float> hidden = tape.Slice(Hidden" + key + "Offset, (SequenceLength + 1) * HiddenSize);");
            if (cell == Cell.Lstm)
                w.Line("Span<float> cells = tape.Slice(Cell" + key + "Offset, (SequenceLength + 1) * HiddenSize);");
            if (cell is Cell.Lstm or Cell.Gru)
                w.Line("Span<float> gates = tape.Slice(Gates" + key + "Offset, SequenceLength * GateRows);");
            if (cell == Cell.Gru)
            {
                w.Line("Span<float> candidates = tape.Slice(RecurrentCandidate" + key + "Offset, SequenceLength * HiddenSize);");
                w.Line("Span<float> recurrentGates = tape.Slice(RecurrentGatesOffset, GateRows);");
            }
            if (!first)
                w.Line("ReadOnlySpan<float> below = tape.Slice(Output" + (ld.Layer - 1) + "Offset, SequenceLength * LayerOutputSize);");
            w.Line("Span<float> output = tape.Slice(Output" + ld.Layer + "Offset, SequenceLength * LayerOutputSize);");
            string reversed = ld.Direction == 1 ? "true" : "false";
            w.Line("// The input side of every step at once, hoisted out of the recurrence: biases, then W_ih·x.");
            w.Line(cell is Cell.Rnn or Cell.RnnRelu
                ? "Span<float> inputSide = hidden.Slice(HiddenSize, SequenceLength * GateRows); // row k becomes h after step k"
                : "Span<float> inputSide = gates;");
            w.Open("for (int k = 0; k < steps; k++)");
            w.Line("Span<float> pre = inputSide.Slice(k * GateRows, GateRows);");
            w.Line(cell == Cell.Gru ? "inputBias.CopyTo(pre);" : "AddTo(pre, inputBias, recurrentBias);");
            w.Close();
            if (first && model.Input == Input.Token)
                w.Line("GatherColumns(inputWeights, tokens, steps, reversed: " + reversed + ", inputSide);");
            if (first && model.Input == Input.Dense)
            {
                w.Line("if (steps == 1)");
                w.Line("    MultiplyAddInputL0(inputWeights, inputs.Slice(0, InputSize), inputSide);");
                w.Line("else");
                w.Line("    MultiplyAddSequenceInputL0(inputWeights, inputs, steps, reversed: " + reversed + ", inputSide);");
            }
            else if (!first)
            {
                w.Line("if (steps == 1)");
                w.Line("    MultiplyAddInputUpper(inputWeights, below.Slice(0, LayerOutputSize), inputSide);");
                w.Line("else");
                w.Line("    MultiplyAddSequenceInputUpper(inputWeights, below, steps, reversed: " + reversed + ", inputSide);");
            }
            w.Line("// The recurrence: only W_hh·h is left on the critical path.");
            w.Open("for (int k = 0; k < steps; k++)");
            w.Line("int t = " + (ld.Direction == 1 ? "steps - 1 - k" : "k") + "; // time step processed at position k");
            w.Line("ReadOnlySpan<float> h = hidden.Slice(k * HiddenSize, HiddenSize);");
            w.Line("Span<float> next = hidden.Slice((k + 1) * HiddenSize, HiddenSize);");
            if (cell is Cell.Lstm or Cell.Gru)
                w.Line("Span<float> g = gates.Slice(k * GateRows, GateRows);");
            switch (cell)
            {
                case Cell.Gru:
                    w.Line("recurrentBias.CopyTo(recurrentGates);");
                    w.Line("MultiplyAddRecurrent(recurrentWeights, h, recurrentGates);");
                    w.Line("GruCell(g, recurrentGates, h, next, candidates.Slice(k * HiddenSize, HiddenSize));");
                    break;
                case Cell.Lstm:
                    w.Line("MultiplyAddRecurrent(recurrentWeights, h, g);");
                    w.Line("LstmCell(g, cells.Slice(k * HiddenSize, HiddenSize), cells.Slice((k + 1) * HiddenSize, HiddenSize), next);");
                    break;
                default:
                    w.Line("MultiplyAddRecurrent(recurrentWeights, h, next);");
                    w.Line(cell == Cell.RnnRelu ? "ApplyReluToState(next);" : "ApplyTanhToState(next);");
                    break;
            }
            w.Line("next.CopyTo(output.Slice(t * LayerOutputSize" + (ld.Direction == 1 ? " + HiddenSize" : "") + ", HiddenSize));");
            w.Close();
            w.Close();
            w.Line();
        }

        private static string CellName(Cell cell) => cell switch
        {
            Cell.RnnRelu => "ReLU RNN",
            Cell.Lstm => "LSTM",
            Cell.Gru => "GRU",
            _ => "tanh RNN",
        };

        private static void WriteHeadAndLoss(SourceWriter w, ModelSpec model, Layout layout)
        {
            string top = "Output" + (model.Layers - 1) + "Offset";
            w.Line("/// <summary>The head: outputs = b + W·(top layer's " + (model.Output == Output.EveryStep ? "output at every step" : "final states") + ").</summary>");
            w.Open("public static void Head(ReadOnlySpan<float> parameters, Span<float> tape, int steps)");
            w.Line("ReadOnlySpan<float> weights = parameters.Slice(HeadWeightsOffset, OutputSize * LayerOutputSize);");
            w.Line("ReadOnlySpan<float> bias = parameters.Slice(HeadBiasOffset, OutputSize);");
            if (model.Output == Output.EveryStep)
            {
                w.Line("ReadOnlySpan<float> top = tape.Slice(" + top + ", SequenceLength * LayerOutputSize);");
                w.Line("Span<float> outputs = tape.Slice(HeadOutputOffset, SequenceLength * OutputSize);");
                w.Line("for (int t = 0; t < steps; t++)");
                w.Line("    bias.CopyTo(outputs.Slice(t * OutputSize, OutputSize));");
                w.Line("if (steps == 1)");
                w.Line("    MultiplyAddHead(weights, top.Slice(0, LayerOutputSize), outputs);");
                w.Line("else");
                w.Line("    MultiplyAddSequenceHead(weights, top, steps, reversed: false, outputs);");
            }
            else
            {
                int lastLayer = model.Layers - 1;
                w.Line("// The forward direction's state after the last step" + (model.Bidirectional ? "; the reverse direction's after the first." : "."));
                w.Line("Span<float> headInput = tape.Slice(HeadInputOffset, LayerOutputSize);");
                w.Line("tape.Slice(HiddenL" + lastLayer + "Offset + steps * HiddenSize, HiddenSize).CopyTo(headInput);");
                if (model.Bidirectional)
                    w.Line("tape.Slice(HiddenL" + lastLayer + "ReverseOffset + steps * HiddenSize, HiddenSize).CopyTo(headInput.Slice(HiddenSize));");
                w.Line("Span<float> outputs = tape.Slice(HeadOutputOffset, OutputSize);");
                w.Line("bias.CopyTo(outputs);");
                w.Line("MultiplyAddHead(weights, headInput, outputs);");
            }
            w.Close();
            w.Line();

            bool every = model.Output == Output.EveryStep;
            if (model.Head == Head.Softmax)
            {
                w.Line("/// <summary>Mean cross-entropy of the head's logits against " + (every ? "one class per step" : "the class of the sequence") + "; leaves dL/dlogits in the tape.</summary>");
                w.Open("public static float Loss(Span<float> tape, ReadOnlySpan<int> targets, int steps)");
                if (every)
                {
                    w.Line("Span<float> outputs = tape.Slice(HeadOutputOffset, steps * OutputSize);");
                    w.Line("float scale = 1f / steps;");
                    w.Line("float loss = 0f;");
                    w.Line("for (int t = 0; t < steps; t++)");
                    w.Line("    loss += SoftmaxCrossEntropy(outputs.Slice(t * OutputSize, OutputSize), targets[t], scale);");
                    w.Line("return loss * scale;");
                }
                else
                {
                    w.Line("return SoftmaxCrossEntropy(tape.Slice(HeadOutputOffset, OutputSize), targets[0], 1f);");
                }
                w.Close();
                w.Line();
                w.Lines("""
                    /// <summary>
                    /// Returns −log softmax(logits)[target] and leaves in <paramref name="logits"/> its gradient with respect to
                    /// the logits, (softmax − onehot(target)) · <paramref name="scale"/>.
                    /// </summary>
                    private static float SoftmaxCrossEntropy(Span<float> logits, int target, float scale)
                    {
                        logits = logits.Slice(0, OutputSize);
                        float max = logits[0];
                        for (int k = 1; k < OutputSize; k++)
                            max = MathF.Max(max, logits[k]);
                        float targetLogit = logits[target] - max;
                        float sum = 0f;
                        for (int k = 0; k < OutputSize; k++)
                        {
                            float e = MathF.Exp(logits[k] - max);
                            logits[k] = e;
                            sum += e;
                        }
                        float normalizer = scale / sum;
                        for (int k = 0; k < OutputSize; k++)
                            logits[k] *= normalizer;
                        logits[target] -= scale;
                        return MathF.Log(sum) - targetLogit;
                    }

                    """);
            }
            else
            {
                string count = every ? "steps * OutputSize" : "OutputSize";
                w.Line("/// <summary>Mean squared error of the head's outputs against the targets (PyTorch's MSELoss); leaves dL/doutputs in the tape.</summary>");
                w.Open("public static float Loss(Span<float> tape, ReadOnlySpan<float> targets, int steps)");
                w.Line("int count = " + count + ";");
                w.Line("Span<float> outputs = tape.Slice(HeadOutputOffset, count);");
                w.Line("targets = targets.Slice(0, count);");
                w.Line("float scale = 2f / count;");
                w.Line("double sum = 0;");
                w.Open("for (int i = 0; i < count; i++)");
                w.Line("float error = outputs[i] - targets[i];");
                w.Line("sum += (double)error * error;");
                w.Line("outputs[i] = scale * error;");
                w.Close();
                w.Line("return (float)(sum / count);");
                w.Close();
                w.Line();
            }
        }

        private static void WriteBackward(SourceWriter w, ModelSpec model, Layout layout)
        {
            string top = "Output" + (model.Layers - 1) + "Offset";
            string topDelta = "OutputDelta" + (model.Layers - 1) + "Offset";
            w.Line("/// <summary>");
            w.Line("/// Backpropagation through time over the window on the tape, from the head's output deltas down through every");
            w.Line("/// layer. Adds every parameter's gradient; nothing flows in from beyond the window's end (truncated BPTT).");
            w.Line("/// </summary>");
            w.Open("public static void Backward(ReadOnlySpan<float> parameters, Span<float> gradients, Span<float> tape, " + InputParameter(model) + ", int steps)");
            for (int layer = 0; layer < model.Layers; layer++)
                w.Line("tape.Slice(OutputDelta" + layer + "Offset, steps * LayerOutputSize).Clear();");
            w.Line("ReadOnlySpan<float> headWeights = parameters.Slice(HeadWeightsOffset, OutputSize * LayerOutputSize);");
            w.Line("Span<float> headWeightsGradient = gradients.Slice(HeadWeightsOffset, OutputSize * LayerOutputSize);");
            w.Line("Span<float> headBiasGradient = gradients.Slice(HeadBiasOffset, OutputSize);");
            w.Line("Span<float> topDelta = tape.Slice(" + topDelta + ", SequenceLength * LayerOutputSize);");
            if (model.Output == Output.EveryStep)
            {
                w.Line("ReadOnlySpan<float> outputDeltas = tape.Slice(HeadOutputOffset, SequenceLength * OutputSize);");
                w.Open("for (int t = 0; t < steps; t++)");
                w.Line("ReadOnlySpan<float> outputDelta = outputDeltas.Slice(t * OutputSize, OutputSize);");
                w.Line("AddTo(headBiasGradient, outputDelta);");
                w.Line("MultiplyTransposedAddHead(headWeights, outputDelta, topDelta.Slice(t * LayerOutputSize, LayerOutputSize));");
                w.Close();
                w.Line("AccumulateOuterHead(outputDeltas, tape.Slice(" + top + ", SequenceLength * LayerOutputSize), steps, headWeightsGradient, reversed: false);");
            }
            else
            {
                w.Line("ReadOnlySpan<float> outputDelta = tape.Slice(HeadOutputOffset, OutputSize);");
                w.Line("Span<float> headInputDelta = tape.Slice(HeadInputDeltaOffset, LayerOutputSize);");
                w.Line("headInputDelta.Clear();");
                w.Line("AddTo(headBiasGradient, outputDelta);");
                w.Line("MultiplyTransposedAddHead(headWeights, outputDelta, headInputDelta);");
                w.Line("AccumulateOuterHead(outputDelta, tape.Slice(HeadInputOffset, LayerOutputSize), 1, headWeightsGradient, reversed: false);");
                w.Line("AddTo(topDelta.Slice((steps - 1) * LayerOutputSize, HiddenSize), headInputDelta.Slice(0, HiddenSize));");
                if (model.Bidirectional)
                    w.Line("AddTo(topDelta.Slice(HiddenSize, HiddenSize), headInputDelta.Slice(HiddenSize, HiddenSize)); // the reverse direction ends at t = 0");
            }
            for (int i = layout.LayerDirections.Count - 1; i >= 0; i--)
            {
                LayerTensors ld = layout.LayerDirections[i];
                w.Line("Backward" + ld.Key + "(parameters, gradients, tape, " + (ld.Layer == 0 ? InputArgument(model) + ", " : "") + "steps);");
            }
            w.Close();
            w.Line();
        }

        private static void WriteBackwardLayer(SourceWriter w, ModelSpec model, Layout layout, LayerTensors ld)
        {
            Cell cell = model.Cell;
            string key = ld.Key;
            bool first = ld.Layer == 0;
            bool reverse = ld.Direction == 1;
            w.Line("/// <summary>Layer " + ld.Layer + ", " + Direction(ld) + " in time: backpropagation through its steps" + (first ? "" : "; passes dL/d(input) to layer " + (ld.Layer - 1)) + ".</summary>");
            w.Open("private static void Backward" + key + "(ReadOnlySpan<float> parameters, Span<float> gradients, Span<float> tape, " + (first ? InputParameter(model) + ", " : "") + "int steps)");
            if (!first)
                w.Line("ReadOnlySpan<float> inputWeights = parameters.Slice(" + ld.InputWeights.ConstantName + ", " + ld.InputWeights.LengthExpression + ");");
            w.Line("ReadOnlySpan<float> recurrentWeights = parameters.Slice(" + ld.RecurrentWeights.ConstantName + ", GateRows * HiddenSize);");
            w.Line("Span<float> inputWeightsGradient = gradients.Slice(" + ld.InputWeights.ConstantName + ", " + ld.InputWeights.LengthExpression + ");");
            w.Line("Span<float> recurrentWeightsGradient = gradients.Slice(" + ld.RecurrentWeights.ConstantName + ", GateRows * HiddenSize);");
            w.Line("Span<float> inputBiasGradient = gradients.Slice(" + ld.InputBias.ConstantName + ", GateRows);");
            w.Line("Span<float> recurrentBiasGradient = gradients.Slice(" + ld.RecurrentBias.ConstantName + ", GateRows);");
            w.Line("ReadOnlySpan<float> hidden = tape.Slice(Hidden" + key + "Offset, (SequenceLength + 1) * HiddenSize);");
            if (cell == Cell.Lstm)
                w.Line("ReadOnlySpan<float> cells = tape.Slice(Cell" + key + "Offset, (SequenceLength + 1) * HiddenSize);");
            if (cell is Cell.Lstm or Cell.Gru)
                w.Line("ReadOnlySpan<float> gates = tape.Slice(Gates" + key + "Offset, SequenceLength * GateRows);");
            if (cell == Cell.Gru)
                w.Line("ReadOnlySpan<float> candidates = tape.Slice(RecurrentCandidate" + key + "Offset, SequenceLength * HiddenSize);");
            w.Line("ReadOnlySpan<float> outputDelta = tape.Slice(OutputDelta" + ld.Layer + "Offset, SequenceLength * LayerOutputSize);");
            if (!first)
                w.Line("Span<float> belowDelta = tape.Slice(OutputDelta" + (ld.Layer - 1) + "Offset, SequenceLength * LayerOutputSize);");
            w.Line("Span<float> deltaInput = tape.Slice(DeltaInputOffset, SequenceLength * GateRows);");
            w.Line(cell == Cell.Gru
                ? "Span<float> deltaRecurrent = tape.Slice(DeltaRecurrentOffset, SequenceLength * GateRows);"
                : "Span<float> deltaRecurrent = deltaInput; // the same pre-activations feed both sides");
            w.Line("Span<float> dh = tape.Slice(DeltaHiddenOffset, HiddenSize);");
            w.Line("dh.Clear();");
            if (cell == Cell.Lstm)
            {
                w.Line("Span<float> dc = tape.Slice(DeltaCellOffset, HiddenSize);");
                w.Line("dc.Clear();");
            }
            w.Open("for (int k = steps - 1; k >= 0; k--)");
            w.Line("int t = " + (reverse ? "steps - 1 - k" : "k") + ";");
            w.Line("AddTo(dh, outputDelta.Slice(t * LayerOutputSize" + (reverse ? " + HiddenSize" : "") + ", HiddenSize));");
            w.Line("Span<float> delta = deltaInput.Slice(k * GateRows, GateRows);");
            switch (cell)
            {
                case Cell.Lstm:
                    w.Line("LstmCellBackward(gates.Slice(k * GateRows, GateRows), cells.Slice(k * HiddenSize, HiddenSize), cells.Slice((k + 1) * HiddenSize, HiddenSize), dh, dc, delta);");
                    break;
                case Cell.Gru:
                    w.Line("Span<float> recurrentDelta = deltaRecurrent.Slice(k * GateRows, GateRows);");
                    w.Line("GruCellBackward(gates.Slice(k * GateRows, GateRows), candidates.Slice(k * HiddenSize, HiddenSize), hidden.Slice(k * HiddenSize, HiddenSize), dh, delta, recurrentDelta);");
                    break;
                default:
                    w.Line("ActivationBackward(hidden.Slice((k + 1) * HiddenSize, HiddenSize), dh, delta);");
                    break;
            }
            string recurrentDeltaName = cell == Cell.Gru ? "recurrentDelta" : "delta";
            w.Line("AddTo(inputBiasGradient, delta);");
            w.Line("AddTo(recurrentBiasGradient, " + recurrentDeltaName + ");");
            if (first && model.Input == Input.Token)
                w.Line("ScatterColumn(delta, tokens[t], inputWeightsGradient);");
            if (!first)
                w.Line("MultiplyTransposedAddInputUpper(inputWeights, delta, belowDelta.Slice(t * LayerOutputSize, LayerOutputSize));");
            w.Open("if (k > 0)");
            if (cell != Cell.Gru)
                w.Line("dh.Clear();");
            w.Line("MultiplyTransposedAddRecurrent(recurrentWeights, " + recurrentDeltaName + ", dh); // dL/dh of the previous step");
            w.Close();
            w.Close();
            w.Line("// Weight gradients for the whole window at once: dW += Σ_k δ_k ⊗ input_k.");
            w.Line("AccumulateOuterRecurrent(deltaRecurrent, hidden, steps, recurrentWeightsGradient, reversed: false);");
            if (first && model.Input == Input.Dense)
                w.Line("AccumulateOuterInputL0(deltaInput, inputs, steps, inputWeightsGradient, reversed: " + (reverse ? "true" : "false") + ");");
            if (!first)
                w.Line("AccumulateOuterInputUpper(deltaInput, tape.Slice(Output" + (ld.Layer - 1) + "Offset, SequenceLength * LayerOutputSize), steps, inputWeightsGradient, reversed: " + (reverse ? "true" : "false") + ");");
            w.Close();
            w.Line();
        }

        private static void WriteStateTransfer(SourceWriter w, ModelSpec model, Layout layout)
        {
            bool lstm = model.Cell == Cell.Lstm;
            if (!model.Bidirectional)
            {
                w.Line("/// <summary>Copies a packed state (h of every layer, then c) into row 0 of each layer's hidden (and cell) region.</summary>");
                w.Open("public static void LoadState(ReadOnlySpan<float> packed, Span<float> tape)");
                foreach (LayerTensors ld in layout.LayerDirections)
                {
                    int index = ld.Layer * layout.Directions + ld.Direction;
                    w.Line("packed.Slice(" + index + " * HiddenSize, HiddenSize).CopyTo(tape.Slice(Hidden" + ld.Key + "Offset, HiddenSize));");
                    if (lstm)
                        w.Line("packed.Slice(StateUnits + " + index + " * HiddenSize, HiddenSize).CopyTo(tape.Slice(Cell" + ld.Key + "Offset, HiddenSize));");
                }
                w.Close();
                w.Line();
            }
            else
            {
                w.Line("/// <summary>Zeroes row 0 of each layer's hidden (and cell) region: both directions start from zero.</summary>");
                w.Open("public static void ClearInitialState(Span<float> tape)");
                foreach (LayerTensors ld in layout.LayerDirections)
                {
                    w.Line("tape.Slice(Hidden" + ld.Key + "Offset, HiddenSize).Clear();");
                    if (lstm)
                        w.Line("tape.Slice(Cell" + ld.Key + "Offset, HiddenSize).Clear();");
                }
                w.Close();
                w.Line();
            }
            w.Line("/// <summary>Packs each layer's state after its last processed step (h of every layer and direction, then c).</summary>");
            w.Open("public static void StoreState(ReadOnlySpan<float> tape, int steps, Span<float> packed)");
            foreach (LayerTensors ld in layout.LayerDirections)
            {
                int index = ld.Layer * layout.Directions + ld.Direction;
                w.Line("tape.Slice(Hidden" + ld.Key + "Offset + steps * HiddenSize, HiddenSize).CopyTo(packed.Slice(" + index + " * HiddenSize, HiddenSize));");
                if (lstm)
                    w.Line("tape.Slice(Cell" + ld.Key + "Offset + steps * HiddenSize, HiddenSize).CopyTo(packed.Slice(StateUnits + " + index + " * HiddenSize, HiddenSize));");
            }
            w.Close();
            w.Line();
        }

        private static void WriteCells(SourceWriter w, ModelSpec model)
        {
            switch (model.Cell)
            {
                case Cell.Lstm:
                    w.Lines("""
                        /// <summary>
                        /// i, f, o = σ(·), g = tanh(·); c' = f·c + i·g; h' = o·tanh(c'), with values of c' and h' below
                        /// <see cref="VectorMath.StateFloor"/> stored as zero. The gates are left activated for the backward pass.
                        /// </summary>
                        private static void LstmCell(Span<float> gates, ReadOnlySpan<float> cell, Span<float> nextCell, Span<float> next)
                        {
                            gates = gates.Slice(0, GateRows);
                            ApplySigmoid(gates.Slice(0, 2 * HiddenSize));
                            ApplyTanh(gates.Slice(2 * HiddenSize, HiddenSize));
                            ApplySigmoid(gates.Slice(3 * HiddenSize, HiddenSize));
                            cell = cell.Slice(0, HiddenSize);
                            nextCell = nextCell.Slice(0, HiddenSize);
                            next = next.Slice(0, HiddenSize);
                            int j = 0;
                            if (UseAvx2)
                            {
                                ref float gate = ref MemoryMarshal.GetReference(gates);
                                for (; j <= HiddenSize - Lanes; j += Lanes)
                                {
                                    Vector256<float> c = VectorMath.FloorState(Fma.MultiplyAdd(Vector256.LoadUnsafe(ref gate, (nuint)(HiddenSize + j)), Vector256.LoadUnsafe(ref MemoryMarshal.GetReference(cell), (nuint)j),
                                        Vector256.LoadUnsafe(ref gate, (nuint)j) * Vector256.LoadUnsafe(ref gate, (nuint)(2 * HiddenSize + j))));
                                    c.StoreUnsafe(ref MemoryMarshal.GetReference(nextCell), (nuint)j);
                                    VectorMath.FloorState(VectorMath.Tanh(c) * Vector256.LoadUnsafe(ref gate, (nuint)(3 * HiddenSize + j))).StoreUnsafe(ref MemoryMarshal.GetReference(next), (nuint)j);
                                }
                            }
                            for (; j < HiddenSize; j++)
                            {
                                nextCell[j] = VectorMath.FloorState(gates[HiddenSize + j] * cell[j] + gates[j] * gates[2 * HiddenSize + j]);
                                next[j] = VectorMath.FloorState(MathF.Tanh(nextCell[j]) * gates[3 * HiddenSize + j]);
                            }
                        }

                        /// <summary>
                        /// From dL/dh' (and dL/dc' flowing back in <paramref name="dc"/>) to the gate pre-activation deltas; leaves
                        /// dL/dc of the previous step in <paramref name="dc"/>.
                        /// </summary>
                        private static void LstmCellBackward(ReadOnlySpan<float> gates, ReadOnlySpan<float> cell, ReadOnlySpan<float> nextCell, ReadOnlySpan<float> dh, Span<float> dc, Span<float> delta)
                        {
                            gates = gates.Slice(0, GateRows);
                            delta = delta.Slice(0, GateRows);
                            cell = cell.Slice(0, HiddenSize);
                            nextCell = nextCell.Slice(0, HiddenSize);
                            dh = dh.Slice(0, HiddenSize);
                            dc = dc.Slice(0, HiddenSize);
                            int j = 0;
                            if (UseAvx2)
                            {
                                ref float gate = ref MemoryMarshal.GetReference(gates);
                                ref float d = ref MemoryMarshal.GetReference(delta);
                                Vector256<float> one = Vector256.Create(1f);
                                for (; j <= HiddenSize - Lanes; j += Lanes)
                                {
                                    Vector256<float> i = Vector256.LoadUnsafe(ref gate, (nuint)j);
                                    Vector256<float> f = Vector256.LoadUnsafe(ref gate, (nuint)(HiddenSize + j));
                                    Vector256<float> g = Vector256.LoadUnsafe(ref gate, (nuint)(2 * HiddenSize + j));
                                    Vector256<float> o = Vector256.LoadUnsafe(ref gate, (nuint)(3 * HiddenSize + j));
                                    Vector256<float> tc = VectorMath.Tanh(Vector256.LoadUnsafe(ref MemoryMarshal.GetReference(nextCell), (nuint)j));
                                    Vector256<float> dhj = Vector256.LoadUnsafe(ref MemoryMarshal.GetReference(dh), (nuint)j);
                                    Vector256<float> dcj = Fma.MultiplyAdd(dhj * o, one - tc * tc, Vector256.LoadUnsafe(ref MemoryMarshal.GetReference(dc), (nuint)j));
                                    (dcj * g * i * (one - i)).StoreUnsafe(ref d, (nuint)j);
                                    (dcj * Vector256.LoadUnsafe(ref MemoryMarshal.GetReference(cell), (nuint)j) * f * (one - f)).StoreUnsafe(ref d, (nuint)(HiddenSize + j));
                                    (dcj * i * (one - g * g)).StoreUnsafe(ref d, (nuint)(2 * HiddenSize + j));
                                    (dhj * tc * o * (one - o)).StoreUnsafe(ref d, (nuint)(3 * HiddenSize + j));
                                    (dcj * f).StoreUnsafe(ref MemoryMarshal.GetReference(dc), (nuint)j);
                                }
                            }
                            for (; j < HiddenSize; j++)
                            {
                                float i = gates[j], f = gates[HiddenSize + j], g = gates[2 * HiddenSize + j], o = gates[3 * HiddenSize + j];
                                float tc = MathF.Tanh(nextCell[j]);
                                float dcj = dc[j] + dh[j] * o * (1f - tc * tc);
                                delta[j] = dcj * g * i * (1f - i);
                                delta[HiddenSize + j] = dcj * cell[j] * f * (1f - f);
                                delta[2 * HiddenSize + j] = dcj * i * (1f - g * g);
                                delta[3 * HiddenSize + j] = dh[j] * tc * o * (1f - o);
                                dc[j] = dcj * f;
                            }
                        }

                        """);
                    break;
                case Cell.Gru:
                    w.Lines("""
                        /// <summary>
                        /// r, z = σ(x-side + h-side); n = tanh(x-side + r·(W_hn·h + b_hn)); h' = (1 − z)·n + z·h (PyTorch's GRU), with
                        /// values of h' below <see cref="VectorMath.StateFloor"/> stored as zero.
                        /// <paramref name="gates"/> holds W_ih·x + b_ih and is left holding r, z, n.
                        /// </summary>
                        private static void GruCell(Span<float> gates, ReadOnlySpan<float> recurrentGates, ReadOnlySpan<float> h, Span<float> next, Span<float> candidate)
                        {
                            gates = gates.Slice(0, GateRows);
                            recurrentGates = recurrentGates.Slice(0, GateRows);
                            h = h.Slice(0, HiddenSize);
                            next = next.Slice(0, HiddenSize);
                            candidate = candidate.Slice(0, HiddenSize);
                            int j = 0;
                            if (UseAvx2)
                            {
                                ref float gate = ref MemoryMarshal.GetReference(gates);
                                ref float recurrent = ref MemoryMarshal.GetReference(recurrentGates);
                                for (; j <= HiddenSize - Lanes; j += Lanes)
                                {
                                    Vector256<float> r = VectorMath.Sigmoid(Vector256.LoadUnsafe(ref gate, (nuint)j) + Vector256.LoadUnsafe(ref recurrent, (nuint)j));
                                    Vector256<float> z = VectorMath.Sigmoid(Vector256.LoadUnsafe(ref gate, (nuint)(HiddenSize + j)) + Vector256.LoadUnsafe(ref recurrent, (nuint)(HiddenSize + j)));
                                    Vector256<float> c = Vector256.LoadUnsafe(ref recurrent, (nuint)(2 * HiddenSize + j));
                                    Vector256<float> n = VectorMath.Tanh(Fma.MultiplyAdd(r, c, Vector256.LoadUnsafe(ref gate, (nuint)(2 * HiddenSize + j))));
                                    r.StoreUnsafe(ref gate, (nuint)j);
                                    z.StoreUnsafe(ref gate, (nuint)(HiddenSize + j));
                                    n.StoreUnsafe(ref gate, (nuint)(2 * HiddenSize + j));
                                    c.StoreUnsafe(ref MemoryMarshal.GetReference(candidate), (nuint)j);
                                    VectorMath.FloorState(Fma.MultiplyAdd(z, Vector256.LoadUnsafe(ref MemoryMarshal.GetReference(h), (nuint)j) - n, n)).StoreUnsafe(ref MemoryMarshal.GetReference(next), (nuint)j);
                                }
                            }
                            for (; j < HiddenSize; j++)
                            {
                                float r = 1f / (1f + MathF.Exp(-(gates[j] + recurrentGates[j])));
                                float z = 1f / (1f + MathF.Exp(-(gates[HiddenSize + j] + recurrentGates[HiddenSize + j])));
                                candidate[j] = recurrentGates[2 * HiddenSize + j];
                                float n = MathF.Tanh(gates[2 * HiddenSize + j] + r * candidate[j]);
                                gates[j] = r;
                                gates[HiddenSize + j] = z;
                                gates[2 * HiddenSize + j] = n;
                                next[j] = VectorMath.FloorState((1f - z) * n + z * h[j]);
                            }
                        }

                        /// <summary>
                        /// From dL/dh' to the pre-activation deltas of the input side and of the recurrent side (they differ in the
                        /// n gate, which sees the recurrent side through r); leaves the direct part dL/dh' · z in <paramref name="dh"/>.
                        /// </summary>
                        private static void GruCellBackward(ReadOnlySpan<float> gates, ReadOnlySpan<float> candidate, ReadOnlySpan<float> h, Span<float> dh, Span<float> deltaInput, Span<float> deltaRecurrent)
                        {
                            gates = gates.Slice(0, GateRows);
                            deltaInput = deltaInput.Slice(0, GateRows);
                            deltaRecurrent = deltaRecurrent.Slice(0, GateRows);
                            candidate = candidate.Slice(0, HiddenSize);
                            h = h.Slice(0, HiddenSize);
                            dh = dh.Slice(0, HiddenSize);
                            int j = 0;
                            if (UseAvx2)
                            {
                                ref float gate = ref MemoryMarshal.GetReference(gates);
                                ref float input = ref MemoryMarshal.GetReference(deltaInput);
                                ref float recurrent = ref MemoryMarshal.GetReference(deltaRecurrent);
                                Vector256<float> one = Vector256.Create(1f);
                                for (; j <= HiddenSize - Lanes; j += Lanes)
                                {
                                    Vector256<float> r = Vector256.LoadUnsafe(ref gate, (nuint)j);
                                    Vector256<float> z = Vector256.LoadUnsafe(ref gate, (nuint)(HiddenSize + j));
                                    Vector256<float> n = Vector256.LoadUnsafe(ref gate, (nuint)(2 * HiddenSize + j));
                                    Vector256<float> d = Vector256.LoadUnsafe(ref MemoryMarshal.GetReference(dh), (nuint)j);
                                    Vector256<float> dn = d * (one - z) * (one - n * n);
                                    Vector256<float> dr = dn * Vector256.LoadUnsafe(ref MemoryMarshal.GetReference(candidate), (nuint)j) * r * (one - r);
                                    Vector256<float> dz = d * (Vector256.LoadUnsafe(ref MemoryMarshal.GetReference(h), (nuint)j) - n) * z * (one - z);
                                    dr.StoreUnsafe(ref input, (nuint)j);
                                    dz.StoreUnsafe(ref input, (nuint)(HiddenSize + j));
                                    dn.StoreUnsafe(ref input, (nuint)(2 * HiddenSize + j));
                                    dr.StoreUnsafe(ref recurrent, (nuint)j);
                                    dz.StoreUnsafe(ref recurrent, (nuint)(HiddenSize + j));
                                    (dn * r).StoreUnsafe(ref recurrent, (nuint)(2 * HiddenSize + j));
                                    (d * z).StoreUnsafe(ref MemoryMarshal.GetReference(dh), (nuint)j);
                                }
                            }
                            for (; j < HiddenSize; j++)
                            {
                                float r = gates[j], z = gates[HiddenSize + j], n = gates[2 * HiddenSize + j];
                                float d = dh[j];
                                float dn = d * (1f - z) * (1f - n * n);
                                float dr = dn * candidate[j] * r * (1f - r);
                                float dz = d * (h[j] - n) * z * (1f - z);
                                deltaInput[j] = dr;
                                deltaInput[HiddenSize + j] = dz;
                                deltaInput[2 * HiddenSize + j] = dn;
                                deltaRecurrent[j] = dr;
                                deltaRecurrent[HiddenSize + j] = dz;
                                deltaRecurrent[2 * HiddenSize + j] = dn * r;
                                dh[j] = d * z;
                            }
                        }

                        """);
                    break;
                case Cell.RnnRelu:
                    w.Lines("""
                        /// <summary>dL/da = dL/dh where h = relu(a) is positive, else 0.</summary>
                        private static void ActivationBackward(ReadOnlySpan<float> hidden, ReadOnlySpan<float> dh, Span<float> delta)
                        {
                            delta = delta.Slice(0, HiddenSize);
                            hidden = hidden.Slice(0, HiddenSize);
                            dh = dh.Slice(0, HiddenSize);
                            int j = 0;
                            if (UseAvx2)
                            {
                                for (; j <= HiddenSize - Lanes; j += Lanes)
                                {
                                    Vector256<float> positive = Avx.CompareGreaterThan(Vector256.LoadUnsafe(ref MemoryMarshal.GetReference(hidden), (nuint)j), Vector256<float>.Zero);
                                    Avx.And(positive, Vector256.LoadUnsafe(ref MemoryMarshal.GetReference(dh), (nuint)j)).StoreUnsafe(ref MemoryMarshal.GetReference(delta), (nuint)j);
                                }
                            }
                            for (; j < HiddenSize; j++)
                                delta[j] = hidden[j] > 0f ? dh[j] : 0f;
                        }

                        """);
                    break;
                default:
                    w.Lines("""
                        /// <summary>dL/da = dL/dh · (1 − h²) where h = tanh(a).</summary>
                        private static void ActivationBackward(ReadOnlySpan<float> hidden, ReadOnlySpan<float> dh, Span<float> delta)
                        {
                            delta = delta.Slice(0, HiddenSize);
                            hidden = hidden.Slice(0, HiddenSize);
                            dh = dh.Slice(0, HiddenSize);
                            int j = 0;
                            if (UseAvx2)
                            {
                                Vector256<float> one = Vector256.Create(1f);
                                for (; j <= HiddenSize - Lanes; j += Lanes)
                                {
                                    Vector256<float> v = Vector256.LoadUnsafe(ref MemoryMarshal.GetReference(hidden), (nuint)j);
                                    (Vector256.LoadUnsafe(ref MemoryMarshal.GetReference(dh), (nuint)j) * (one - v * v)).StoreUnsafe(ref MemoryMarshal.GetReference(delta), (nuint)j);
                                }
                            }
                            for (; j < HiddenSize; j++)
                                delta[j] = dh[j] * (1f - hidden[j] * hidden[j]);
                        }

                        """);
                    break;
            }
        }

        private static void WriteElementwise(SourceWriter w, ModelSpec model)
        {
            w.Lines("""
                /// <summary>target += values.</summary>
                private static void AddTo(Span<float> target, ReadOnlySpan<float> values)
                {
                    target = target.Slice(0, values.Length);
                    int i = 0;
                    if (UseAvx2)
                    {
                        ref float t = ref MemoryMarshal.GetReference(target);
                        ref float v = ref MemoryMarshal.GetReference(values);
                        for (; i <= values.Length - Lanes; i += Lanes)
                            (Vector256.LoadUnsafe(ref t, (nuint)i) + Vector256.LoadUnsafe(ref v, (nuint)i)).StoreUnsafe(ref t, (nuint)i);
                    }
                    for (; i < values.Length; i++)
                        target[i] += values[i];
                }

                """);
            if (model.Cell != Cell.Gru)
            {
                w.Lines("""
                    /// <summary>target = a + b (the two bias vectors of a gate block).</summary>
                    private static void AddTo(Span<float> target, ReadOnlySpan<float> a, ReadOnlySpan<float> b)
                    {
                        target = target.Slice(0, GateRows);
                        a = a.Slice(0, GateRows);
                        b = b.Slice(0, GateRows);
                        int i = 0;
                        if (UseAvx2)
                        {
                            for (; i <= GateRows - Lanes; i += Lanes)
                            {
                                (Vector256.LoadUnsafe(ref MemoryMarshal.GetReference(a), (nuint)i) + Vector256.LoadUnsafe(ref MemoryMarshal.GetReference(b), (nuint)i))
                                    .StoreUnsafe(ref MemoryMarshal.GetReference(target), (nuint)i);
                            }
                        }
                        for (; i < GateRows; i++)
                            target[i] = a[i] + b[i];
                    }

                    """);
            }
            if (model.Input == Input.Token)
            {
                w.Lines("""
                    /// <summary>
                    /// Row k of <paramref name="target"/> += W[:, token k] for every step k (tokens in reverse for the reverse
                    /// direction): the product of W with a one-hot input is a column gather. A column's floats are InputSize
                    /// apart, each on its own cache line, so the window is gathered <see cref="GatherRows"/> rows of W at a
                    /// time: those rows stay in L1 for every step's token, and W is streamed once per window instead of one
                    /// cache line per weight.
                    /// </summary>
                    private static void GatherColumns(ReadOnlySpan<float> weights, ReadOnlySpan<int> tokens, int steps, bool reversed, Span<float> target)
                    {
                        target = target.Slice(0, steps * GateRows);
                        for (int row = 0; row < GateRows; row += GatherRows)
                        {
                            int rows = Math.Min(GatherRows, GateRows - row);
                            for (int k = 0; k < steps; k++)
                            {
                                int token = tokens[reversed ? steps - 1 - k : k];
                                // The slice checks the token against the whole column: W[row + j, token] = column[(row + j) * InputSize].
                                ref float column = ref Unsafe.Add(ref MemoryMarshal.GetReference(weights.Slice(token, ColumnSpan)), row * InputSize);
                                ref float t = ref MemoryMarshal.GetReference(target.Slice(k * GateRows + row, rows));
                                int j = 0;
                                if (UseAvx2)
                                {
                                    for (; j <= rows - Lanes; j += Lanes)
                                    {
                                        ref float c = ref Unsafe.Add(ref column, j * InputSize); // the other seven are constant offsets from it
                                        Vector256<float> gathered = Vector256.Create(
                                            c, Unsafe.Add(ref c, InputSize), Unsafe.Add(ref c, 2 * InputSize), Unsafe.Add(ref c, 3 * InputSize),
                                            Unsafe.Add(ref c, 4 * InputSize), Unsafe.Add(ref c, 5 * InputSize), Unsafe.Add(ref c, 6 * InputSize), Unsafe.Add(ref c, 7 * InputSize));
                                        (Vector256.LoadUnsafe(ref t, (nuint)j) + gathered).StoreUnsafe(ref t, (nuint)j);
                                    }
                                }
                                for (; j < rows; j++)
                                    Unsafe.Add(ref t, j) += Unsafe.Add(ref column, j * InputSize);
                            }
                        }
                    }

                    /// <summary>Rows of W_ih gathered together for a window (16 rows of a 65-token W_ih are 4 KiB).</summary>
                    private const int GatherRows = 16;

                    /// <summary>dW[:, token] += delta: the gradient of a column gather.</summary>
                    private static void ScatterColumn(ReadOnlySpan<float> delta, int token, Span<float> gradient)
                    {
                        ref float d = ref MemoryMarshal.GetReference(delta.Slice(0, GateRows));
                        ref float column = ref MemoryMarshal.GetReference(gradient.Slice(token, ColumnSpan));
                        for (int j = 0; j < GateRows; j++)
                            Unsafe.Add(ref column, j * InputSize) += Unsafe.Add(ref d, j);
                    }

                    /// <summary>Floats from W[0, c] to W[GateRows − 1, c]: one column of W_ih in its row-major layout.</summary>
                    private const int ColumnSpan = (GateRows - 1) * InputSize + 1;

                    """);
            }
            const string Floored = ", with values below VectorMath.StateFloor stored as zero";
            switch (model.Cell)
            {
                case Cell.Rnn:
                    WriteActivation(w, "ApplyTanhToState", "tanh" + Floored, "VectorMath.FloorState(VectorMath.Tanh(v))", "VectorMath.FloorState(MathF.Tanh(x))");
                    break;
                case Cell.RnnRelu:
                    WriteActivation(w, "ApplyReluToState", "relu (NaN stays NaN)" + Floored, "VectorMath.FloorState(Avx.Max(Vector256<float>.Zero, v))", "VectorMath.FloorState(MathF.Max(0f, x))");
                    break;
                case Cell.Lstm:
                    WriteActivation(w, "ApplyTanh", "tanh", "VectorMath.Tanh(v)", "MathF.Tanh(x)");
                    WriteActivation(w, "ApplySigmoid", "σ", "VectorMath.Sigmoid(v)", "1f / (1f + MathF.Exp(-x))");
                    break;
                case Cell.Gru:
                    WriteActivation(w, "ApplySigmoid", "σ", "VectorMath.Sigmoid(v)", "1f / (1f + MathF.Exp(-x))");
                    break;
            }
        }

        private static void WriteActivation(SourceWriter w, string name, string what, string vector, string scalar)
        {
            w.Lines($$"""
                /// <summary>values = {{what}}(values), in place: eight at a time on the AVX2 path.</summary>
                private static void {{name}}(Span<float> values)
                {
                    ref float v0 = ref MemoryMarshal.GetReference(values);
                    int i = 0;
                    if (UseAvx2)
                    {
                        for (; i <= values.Length - Lanes; i += Lanes)
                        {
                            Vector256<float> v = Vector256.LoadUnsafe(ref v0, (nuint)i);
                            {{vector}}.StoreUnsafe(ref v0, (nuint)i);
                        }
                    }
                    for (; i < values.Length; i++)
                    {
                        float x = values[i];
                        values[i] = {{scalar}};
                    }
                }

                """);
        }
    }
}
