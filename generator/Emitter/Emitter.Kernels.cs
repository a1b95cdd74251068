using RnnGen.Generator.Helpers;
using RnnGen.Generator.Model;

namespace RnnGen.Generator;

public sealed partial class RnnGenerator
{
    internal static partial class Emitter
    {
        /// <summary>The file-local kernel class: forward step, loss, backpropagation through time, matrix kernels.</summary>
        private static void WriteKernelClass(SourceWriter w, ModelSpec model, Layout layout)
        {
            w.Open("namespace RnnGen.Generated");
            w.Lines("""
                using System;
                using System.Runtime.CompilerServices;
                using System.Runtime.InteropServices;
                using System.Runtime.Intrinsics;
                using System.Runtime.Intrinsics.X86;
                using RnnGen.Kernels;

                """);
            w.Line("/// <summary>The arithmetic of <c>" + Escape(model.DisplayName) + "</c>, with every size a constant.</summary>");
            w.Open("file static class " + KernelClassName(model));
            w.Line("private const int InputSize = " + SourceWriter.Int(model.InputSize) + ";");
            w.Line("private const int HiddenSize = " + SourceWriter.Int(model.HiddenSize) + ";");
            w.Line("private const int OutputSize = " + SourceWriter.Int(model.OutputSize) + ";");
            w.Line("private const int Lanes = 8; // floats in a Vector256");
            w.Line("private const int RowBlock = " + SourceWriter.Int(RowBlock) + "; // rows a matrix-vector kernel accumulates at once");
            foreach (Tensor tensor in layout.Tensors)
                w.Line("private const int " + tensor.ConstantName + " = " + SourceWriter.Int(tensor.Offset) + ";");
            w.Line();
            w.Line("/// <summary>True when the AVX2 + FMA kernels run; the JIT folds it to a constant.</summary>");
            w.Line("public static bool UseAvx2 => Avx2.IsSupported && Fma.IsSupported;");
            w.Line();

            WritePreactivation(w, model);
            WriteActivation(w, model);
            WriteHead(w);
            WriteBackward(w, model);
            WriteElementwise(w, model);

            if (model.Input == Input.Dense)
                WriteMultiplyAdd(w, "MultiplyAddInput", model.HiddenSize, model.InputSize, "HiddenSize", "InputSize", "W_ih");
            WriteMultiplyAdd(w, "MultiplyAddRecurrent", model.HiddenSize, model.HiddenSize, "HiddenSize", "HiddenSize", "W_hh");
            WriteMultiplyAdd(w, "MultiplyAddHead", model.OutputSize, model.HiddenSize, "OutputSize", "HiddenSize", "the head's W");
            WriteMultiplyTransposedAdd(w, "MultiplyTransposedAddRecurrent", model.HiddenSize, model.HiddenSize, "HiddenSize", "HiddenSize", "W_hh");
            WriteMultiplyTransposedAdd(w, "MultiplyTransposedAddHead", model.OutputSize, model.HiddenSize, "OutputSize", "HiddenSize", "the head's W");
            if (model.Input == Input.Dense)
                WriteAccumulateOuter(w, "AccumulateOuterInput", model.HiddenSize, model.InputSize, "HiddenSize", "InputSize", "W_ih");
            WriteAccumulateOuter(w, "AccumulateOuterRecurrent", model.HiddenSize, model.HiddenSize, "HiddenSize", "HiddenSize", "W_hh");
            WriteAccumulateOuter(w, "AccumulateOuterHead", model.OutputSize, model.HiddenSize, "OutputSize", "HiddenSize", "the head's W", last: true);

            w.Close();
            w.Close();
        }

        private static void WritePreactivation(SourceWriter w, ModelSpec model)
        {
            if (model.Input == Input.Token)
            {
                w.Lines("""
                    /// <summary>a = W_ih[:, token] + b_ih + b_hh + W_hh·h: the one-hot input is a column gather.</summary>
                    public static void Preactivation(ReadOnlySpan<float> parameters, int token, ReadOnlySpan<float> hidden, Span<float> preactivation)
                    {
                        ReadOnlySpan<float> inputWeights = parameters.Slice(InputWeightsOffset, HiddenSize * InputSize);
                        ReadOnlySpan<float> inputBias = parameters.Slice(InputBiasOffset, HiddenSize);
                        ReadOnlySpan<float> recurrentBias = parameters.Slice(RecurrentBiasOffset, HiddenSize);
                        preactivation = preactivation.Slice(0, HiddenSize);
                        for (int j = 0; j < HiddenSize; j++)
                            preactivation[j] = inputWeights[j * InputSize + token] + inputBias[j] + recurrentBias[j];
                        MultiplyAddRecurrent(parameters.Slice(RecurrentWeightsOffset, HiddenSize * HiddenSize), hidden, preactivation);
                    }

                    """);
            }
            else
            {
                w.Lines("""
                    /// <summary>a = b_ih + b_hh + W_ih·x + W_hh·h.</summary>
                    public static void Preactivation(ReadOnlySpan<float> parameters, ReadOnlySpan<float> input, ReadOnlySpan<float> hidden, Span<float> preactivation)
                    {
                        ReadOnlySpan<float> inputBias = parameters.Slice(InputBiasOffset, HiddenSize);
                        ReadOnlySpan<float> recurrentBias = parameters.Slice(RecurrentBiasOffset, HiddenSize);
                        preactivation = preactivation.Slice(0, HiddenSize);
                        for (int j = 0; j < HiddenSize; j++)
                            preactivation[j] = inputBias[j] + recurrentBias[j];
                        MultiplyAddInput(parameters.Slice(InputWeightsOffset, HiddenSize * InputSize), input, preactivation);
                        MultiplyAddRecurrent(parameters.Slice(RecurrentWeightsOffset, HiddenSize * HiddenSize), hidden, preactivation);
                    }

                    """);
            }
        }

        private static void WriteActivation(SourceWriter w, ModelSpec model)
        {
            if (model.Cell == Cell.RnnRelu)
            {
                w.Lines("""
                    /// <summary>h = relu(a), in place (NaN stays NaN).</summary>
                    public static void Activate(Span<float> values)
                    {
                        values = values.Slice(0, HiddenSize);
                        ref float v = ref MemoryMarshal.GetReference(values);
                        int i = 0;
                        if (UseAvx2)
                        {
                            for (; i <= HiddenSize - Lanes; i += Lanes)
                                Avx.Max(Vector256<float>.Zero, Vector256.LoadUnsafe(ref v, (nuint)i)).StoreUnsafe(ref v, (nuint)i);
                        }
                        for (; i < HiddenSize; i++)
                            values[i] = MathF.Max(0f, values[i]);
                    }

                    /// <summary>dL/da = dL/dh where h = relu(a) is positive, else 0.</summary>
                    private static void ActivationBackward(ReadOnlySpan<float> hidden, ReadOnlySpan<float> hiddenDelta, Span<float> delta)
                    {
                        for (int j = 0; j < HiddenSize; j++)
                            delta[j] = hidden[j] > 0f ? hiddenDelta[j] : 0f;
                    }

                    """);
            }
            else
            {
                w.Lines("""
                    /// <summary>h = tanh(a), in place: VectorMath.Tanh on the AVX2 path, MathF.Tanh otherwise.</summary>
                    public static void Activate(Span<float> values)
                    {
                        values = values.Slice(0, HiddenSize);
                        ref float v = ref MemoryMarshal.GetReference(values);
                        int i = 0;
                        if (UseAvx2)
                        {
                            for (; i <= HiddenSize - Lanes; i += Lanes)
                                VectorMath.Tanh(Vector256.LoadUnsafe(ref v, (nuint)i)).StoreUnsafe(ref v, (nuint)i);
                        }
                        for (; i < HiddenSize; i++)
                            values[i] = MathF.Tanh(values[i]);
                    }

                    /// <summary>dL/da = dL/dh · (1 − h²) where h = tanh(a).</summary>
                    private static void ActivationBackward(ReadOnlySpan<float> hidden, ReadOnlySpan<float> hiddenDelta, Span<float> delta)
                    {
                        for (int j = 0; j < HiddenSize; j++)
                            delta[j] = hiddenDelta[j] * (1f - hidden[j] * hidden[j]);
                    }

                    """);
            }
        }

        private static void WriteHead(SourceWriter w)
        {
            w.Lines("""
                /// <summary>logits = b + W·h for the softmax head.</summary>
                public static void Head(ReadOnlySpan<float> parameters, ReadOnlySpan<float> hidden, Span<float> logits)
                {
                    parameters.Slice(HeadBiasOffset, OutputSize).CopyTo(logits);
                    MultiplyAddHead(parameters.Slice(HeadWeightsOffset, OutputSize * HiddenSize), hidden, logits);
                }

                /// <summary>
                /// Runs the head, returns −log softmax(logits)[target] and leaves in <paramref name="outputDelta"/> its
                /// gradient with respect to the logits, (softmax − onehot(target)) · <paramref name="scale"/>.
                /// </summary>
                public static float HeadWithLoss(ReadOnlySpan<float> parameters, ReadOnlySpan<float> hidden, int target, float scale, Span<float> outputDelta)
                {
                    outputDelta = outputDelta.Slice(0, OutputSize);
                    Head(parameters, hidden, outputDelta);
                    float max = outputDelta[0];
                    for (int k = 1; k < OutputSize; k++)
                        max = MathF.Max(max, outputDelta[k]);
                    float targetLogit = outputDelta[target] - max;
                    float sum = 0f;
                    for (int k = 0; k < OutputSize; k++)
                    {
                        float e = MathF.Exp(outputDelta[k] - max);
                        outputDelta[k] = e;
                        sum += e;
                    }
                    float normalizer = scale / sum;
                    for (int k = 0; k < OutputSize; k++)
                        outputDelta[k] *= normalizer;
                    outputDelta[target] -= scale;
                    return MathF.Log(sum) - targetLogit;
                }

                """);
        }

        private static void WriteBackward(SourceWriter w, ModelSpec model)
        {
            bool token = model.Input == Input.Token;
            string inputParameter = token ? "ReadOnlySpan<int> tokens" : "ReadOnlySpan<float> inputs";
            w.Line("/// <summary>");
            w.Line("/// Backpropagation through time over the window on the tape. Adds every parameter's gradient into");
            w.Line("/// <paramref name=\"gradients\"/>; nothing flows in from beyond the window's end (truncated BPTT).");
            w.Line("/// </summary>");
            w.Line("public static void Backward(ReadOnlySpan<float> parameters, Span<float> gradients, " + inputParameter + ", int steps,");
            w.Line("    ReadOnlySpan<float> hiddenTape, ReadOnlySpan<float> outputDeltaTape, Span<float> hiddenDeltaTape, Span<float> hiddenDelta)");
            w.Line("{");
            w.Indent();
            w.Lines("""
                ReadOnlySpan<float> recurrentWeights = parameters.Slice(RecurrentWeightsOffset, HiddenSize * HiddenSize);
                ReadOnlySpan<float> headWeights = parameters.Slice(HeadWeightsOffset, OutputSize * HiddenSize);
                Span<float> inputWeightsGradient = gradients.Slice(InputWeightsOffset, HiddenSize * InputSize);
                Span<float> inputBiasGradient = gradients.Slice(InputBiasOffset, HiddenSize);
                Span<float> recurrentBiasGradient = gradients.Slice(RecurrentBiasOffset, HiddenSize);
                Span<float> headBiasGradient = gradients.Slice(HeadBiasOffset, OutputSize);
                hiddenDelta = hiddenDelta.Slice(0, HiddenSize);
                hiddenDelta.Clear();
                for (int t = steps - 1; t >= 0; t--)
                {
                    ReadOnlySpan<float> outputDelta = outputDeltaTape.Slice(t * OutputSize, OutputSize);
                    Span<float> delta = hiddenDeltaTape.Slice(t * HiddenSize, HiddenSize);
                    AddTo(headBiasGradient, outputDelta);
                    MultiplyTransposedAddHead(headWeights, outputDelta, hiddenDelta); // dL/dh_t += Wᵀ · dL/dy_t
                    ActivationBackward(hiddenTape.Slice((t + 1) * HiddenSize, HiddenSize), hiddenDelta, delta); // dL/da_t
                    AddTo(inputBiasGradient, delta);
                    AddTo(recurrentBiasGradient, delta);
                """);
            if (token)
            {
                w.Lines("""
                        int token = tokens[t];
                        for (int j = 0; j < HiddenSize; j++)
                            inputWeightsGradient[j * InputSize + token] += delta[j];
                    """);
            }
            w.Lines("""
                    if (t > 0)
                    {
                        hiddenDelta.Clear();
                        MultiplyTransposedAddRecurrent(recurrentWeights, delta, hiddenDelta); // dL/dh_{t-1} = W_hhᵀ · dL/da_t
                    }
                }

                // Weight gradients for the whole window at once: dW += Σ_t δ_t ⊗ input_t.
                AccumulateOuterRecurrent(hiddenDeltaTape, hiddenTape, steps, gradients.Slice(RecurrentWeightsOffset, HiddenSize * HiddenSize));
                AccumulateOuterHead(outputDeltaTape, hiddenTape.Slice(HiddenSize), steps, gradients.Slice(HeadWeightsOffset, OutputSize * HiddenSize));
                """);
            if (!token)
                w.Line("AccumulateOuterInput(hiddenDeltaTape, inputs, steps, inputWeightsGradient);");
            w.Close();
            w.Line();
        }

        private static void WriteElementwise(SourceWriter w, ModelSpec model)
        {
            w.Lines("""
                /// <summary>target += values.</summary>
                private static void AddTo(Span<float> target, ReadOnlySpan<float> values)
                {
                    target = target.Slice(0, values.Length);
                    for (int i = 0; i < values.Length; i++)
                        target[i] += values[i];
                }

                """);
        }
    }
}
