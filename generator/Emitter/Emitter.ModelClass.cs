using RnnGen.Generator.Helpers;
using RnnGen.Generator.Model;

namespace RnnGen.Generator;

public sealed partial class RnnGenerator
{
    internal static partial class Emitter
    {
        private const string Span = "global::System.Span<float>";
        private const string ReadOnlySpan = "global::System.ReadOnlySpan<float>";
        private const string TokenSpan = "global::System.ReadOnlySpan<int>";
        private const string Guard = "global::RnnGen.Kernels.ModelGuard";

        private static string KernelClass(ModelSpec model) => "global::RnnGen.Generated." + KernelClassName(model);

        private static string KernelClassName(ModelSpec model) => model.ClassName + "Kernels";

        /// <summary>The user's partial class: constants, buffers, the state type and the public contract.</summary>
        private static void WriteModelClass(SourceWriter w, ModelSpec model, Layout layout)
        {
            string contract = model.Input == Input.Token ? "ITokenRnnModel" : "IDenseRnnModel";
            w.Line("/// <summary>" + Escape(Describe(model)) + ".</summary>");
            w.Open("partial class " + model.ClassName + " : global::RnnGen." + contract + "<" + model.ClassName + ".State>");
            WriteConstants(w, model, layout);
            WriteFields(w, model);
            WriteConstructorAndBuffers(w, model, layout);
            WriteParameterLookup(w, layout);
            if (model.Input == Input.Token)
                WriteTokenEntryPoints(w, KernelClass(model));
            else
                WriteDenseEntryPoints(w, KernelClass(model));
            WriteInterfaceImplementation(w);
            WriteState(w, model);
            w.Close();
        }

        private static void WriteConstants(SourceWriter w, ModelSpec model, Layout layout)
        {
            string inputDoc = model.Input == Input.Token
                ? "Vocabulary size: input tokens are in [0, InputSize)."
                : "Number of features of each input vector.";
            w.Line("/// <summary>" + inputDoc + "</summary>");
            w.Line("public const int InputSize = " + SourceWriter.Int(model.InputSize) + ";");
            w.Line();
            w.Line("/// <summary>Width of the hidden state.</summary>");
            w.Line("public const int HiddenSize = " + SourceWriter.Int(model.HiddenSize) + ";");
            w.Line();
            w.Line("/// <summary>Number of classes the softmax head scores at every step.</summary>");
            w.Line("public const int OutputSize = " + SourceWriter.Int(model.OutputSize) + ";");
            w.Line();
            w.Line("/// <summary>Number of stacked recurrent layers.</summary>");
            w.Line("public const int Layers = " + SourceWriter.Int(model.Layers) + ";");
            w.Line();
            w.Line("/// <summary>The longest window <see cref=\"ComputeGradients\"/> accepts.</summary>");
            w.Line("public const int SequenceLength = " + SourceWriter.Int(model.SequenceLength) + ";");
            w.Line();
            w.Line("/// <summary>Number of floats in <see cref=\"Parameters\"/> and <see cref=\"Gradients\"/>.</summary>");
            w.Line("public const int ParameterCount = " + SourceWriter.Int(layout.ParameterCount) + ";");
            w.Line();
            w.Line("/// <summary>The recurrent cell.</summary>");
            w.Line("public const global::RnnGen.CellKind Cell = global::RnnGen.CellKind." + model.Cell + ";");
            w.Line();
            w.Line("/// <summary>How inputs are given.</summary>");
            w.Line("public const global::RnnGen.InputKind Input = global::RnnGen.InputKind." + model.Input + ";");
            w.Line();
            foreach (Tensor tensor in layout.Tensors)
                w.Line("private const int " + tensor.ConstantName + " = " + SourceWriter.Int(tensor.Offset) + "; // " + tensor.Name + " [" + Shape(tensor) + "]");
            w.Line();
        }

        private static string Shape(Tensor tensor) =>
            tensor.IsMatrix ? SourceWriter.Int(tensor.Rows) + ", " + SourceWriter.Int(tensor.Columns) : SourceWriter.Int(tensor.Rows);

        private static void WriteFields(SourceWriter w, ModelSpec model)
        {
            w.Line("private readonly float[] _parameters = new float[ParameterCount];");
            w.Line("private readonly float[] _gradients = new float[ParameterCount];");
            w.Line();
            w.Line("// Training tape, sized once for the longest window: hidden states h[-1..T-1], then per step");
            w.Line("// the output deltas dL/dlogits and the pre-activation deltas dL/da.");
            w.Line("private readonly float[] _hiddenTape = new float[(SequenceLength + 1) * HiddenSize];");
            w.Line("private readonly float[] _outputDeltaTape = new float[SequenceLength * OutputSize];");
            w.Line("private readonly float[] _hiddenDeltaTape = new float[SequenceLength * HiddenSize];");
            w.Line("private readonly float[] _hiddenDelta = new float[HiddenSize];");
            w.Line("private readonly float[] _nextHidden = new float[HiddenSize];");
            w.Line();
        }

        private static void WriteConstructorAndBuffers(SourceWriter w, ModelSpec model, Layout layout)
        {
            w.Line("/// <summary>Creates the model with every buffer it will need; parameters are zero until <see cref=\"InitializeParameters\"/> or a checkpoint load.</summary>");
            w.Open("public " + model.ClassName + "()");
            w.Close();
            w.Line();
            w.Line("/// <summary>Which kernels this process runs: AVX2 + FMA, or the portable path.</summary>");
            w.Line("public static global::RnnGen.KernelPath ActiveKernelPath => " + KernelClass(model) + ".UseAvx2 ? global::RnnGen.KernelPath.Avx2Fma : global::RnnGen.KernelPath.Portable;");
            w.Line();
            w.Line("/// <summary>All parameters in one buffer, laid out as <see cref=\"Layout\"/> says (PyTorch's names, shapes and row order).</summary>");
            w.Line("public " + Span + " Parameters => _parameters;");
            w.Line();
            w.Line("/// <summary>Gradients of the loss, laid out as <see cref=\"Parameters\"/>; <see cref=\"ComputeGradients\"/> adds into them.</summary>");
            w.Line("public " + Span + " Gradients => _gradients;");
            w.Line();
            w.Line("/// <summary>The named tensors of <see cref=\"Parameters\"/>, in buffer order.</summary>");
            w.Line("public static global::System.Collections.Generic.IReadOnlyList<global::RnnGen.ParameterInfo> Layout { get; } = global::System.Array.AsReadOnly(new global::RnnGen.ParameterInfo[]");
            w.Line("{");
            w.Indent();
            foreach (Tensor tensor in layout.Tensors)
            {
                string shape = tensor.IsMatrix ? tensor.RowsName + ", " + tensor.ColumnsName : tensor.RowsName;
                w.Line("new(\"" + tensor.Name + "\", " + tensor.ConstantName + ", " + shape + "),");
            }
            w.Unindent();
            w.Line("});");
            w.Line();
            w.Line("/// <summary>Sets every gradient to zero.</summary>");
            w.Line("public void ZeroGradients() => global::System.Array.Clear(_gradients);");
            w.Line();
            w.Line("/// <summary>Fills the parameters as PyTorch does by default, uniform in ±1/sqrt(HiddenSize), from <paramref name=\"seed\"/>.</summary>");
            w.Line("public void InitializeParameters(int seed) => global::RnnGen.ParameterInitializer.PyTorchDefault(_parameters, HiddenSize, seed);");
            w.Line();
        }

        private static void WriteParameterLookup(SourceWriter w, Layout layout)
        {
            w.Line("/// <summary>The part of <see cref=\"Parameters\"/> that holds the tensor PyTorch calls <paramref name=\"name\"/>.</summary>");
            w.Line("/// <exception cref=\"global::System.ArgumentException\">No tensor has that name.</exception>");
            w.Open("public " + Span + " Parameter(string name)");
            w.Open("return name switch");
            string names = "";
            foreach (Tensor tensor in layout.Tensors)
            {
                w.Line("\"" + tensor.Name + "\" => new global::System.Span<float>(_parameters, " + tensor.ConstantName + ", " + tensor.LengthExpression + "),");
                names += (names.Length == 0 ? "" : ", ") + tensor.Name;
            }
            w.Line("_ => throw new global::System.ArgumentException(\"No parameter is named '\" + name + \"'; this model has " + names + ".\", nameof(name)),");
            w.Close(";");
            w.Close();
            w.Line();
        }

        private static void WriteTokenEntryPoints(SourceWriter w, string K)
        {
            w.Lines($$"""
                /// <summary>Advances <paramref name="state"/> by one token and writes the <see cref="OutputSize"/> logits that follow it.</summary>
                public void Step(int token, ref State state, {{Span}} logits)
                {
                    {{Guard}}.Token(token, InputSize, nameof(token));
                    {{Guard}}.Length(logits.Length, OutputSize, nameof(logits), "OutputSize");
                    StepCore(token, state.H(0), logits);
                }

                /// <summary>Runs <paramref name="tokens"/> through the model from <paramref name="state"/>, writing T × <see cref="OutputSize"/> logits, and leaves the state after the last token.</summary>
                public void Forward({{TokenSpan}} tokens, ref State state, {{Span}} logits)
                {
                    {{Guard}}.NotEmpty(tokens.Length, nameof(tokens));
                    {{Guard}}.Tokens(tokens, InputSize, nameof(tokens));
                    {{Guard}}.SequenceOutput(logits.Length, tokens.Length, OutputSize, nameof(logits));
                    {{Span}} hidden = state.H(0);
                    for (int t = 0; t < tokens.Length; t++)
                        StepCore(tokens[t], hidden, logits.Slice(t * OutputSize, OutputSize));
                }

                /// <summary>
                /// Forward over a window of 1 to <see cref="SequenceLength"/> tokens from <paramref name="state"/>, then backpropagation
                /// through time: adds the gradients of the mean cross-entropy of <paramref name="targets"/> into <see cref="Gradients"/>,
                /// leaves <paramref name="state"/> at the window's end (so the next window continues it) and returns the loss.
                /// </summary>
                public float ComputeGradients({{TokenSpan}} inputs, {{TokenSpan}} targets, ref State state)
                {
                    {{Guard}}.WindowLength(inputs.Length, SequenceLength, nameof(inputs));
                    {{Guard}}.Length(targets.Length, inputs.Length, nameof(targets), "one target per input");
                    {{Guard}}.Tokens(inputs, InputSize, nameof(inputs));
                    {{Guard}}.Tokens(targets, OutputSize, nameof(targets));
                    int steps = inputs.Length;
                    float scale = 1f / steps;
                    {{Span}} hiddenTape = _hiddenTape;
                    state.H(0).CopyTo(hiddenTape);
                    float loss = 0f;
                    for (int t = 0; t < steps; t++)
                    {
                        {{Span}} hidden = hiddenTape.Slice((t + 1) * HiddenSize, HiddenSize);
                        {{K}}.Preactivation(_parameters, inputs[t], hiddenTape.Slice(t * HiddenSize, HiddenSize), hidden);
                        {{K}}.Activate(hidden);
                        loss += {{K}}.HeadWithLoss(_parameters, hidden, targets[t], scale, new global::System.Span<float>(_outputDeltaTape, t * OutputSize, OutputSize));
                    }
                    hiddenTape.Slice(steps * HiddenSize, HiddenSize).CopyTo(state.H(0));
                    {{K}}.Backward(_parameters, _gradients, inputs, steps, _hiddenTape, _outputDeltaTape, _hiddenDeltaTape, _hiddenDelta);
                    return loss * scale;
                }

                private void StepCore(int token, {{Span}} hidden, {{Span}} logits)
                {
                    {{Span}} next = _nextHidden;
                    {{K}}.Preactivation(_parameters, token, hidden, next);
                    {{K}}.Activate(next);
                    next.CopyTo(hidden);
                    {{K}}.Head(_parameters, hidden, logits);
                }

                """);
        }

        private static void WriteDenseEntryPoints(SourceWriter w, string K)
        {
            w.Lines($$"""
                /// <summary>Advances <paramref name="state"/> by one input of <see cref="InputSize"/> floats and writes the <see cref="OutputSize"/> logits that follow it.</summary>
                public void Step({{ReadOnlySpan}} input, ref State state, {{Span}} logits)
                {
                    {{Guard}}.Length(input.Length, InputSize, nameof(input), "InputSize");
                    {{Guard}}.Length(logits.Length, OutputSize, nameof(logits), "OutputSize");
                    StepCore(input, state.H(0), logits);
                }

                /// <summary>Runs T × <see cref="InputSize"/> inputs through the model from <paramref name="state"/>, writing T × <see cref="OutputSize"/> logits, and leaves the state after the last step.</summary>
                public void Forward({{ReadOnlySpan}} inputs, ref State state, {{Span}} logits)
                {
                    {{Guard}}.Multiple(inputs.Length, InputSize, nameof(inputs), "InputSize floats per step");
                    int steps = inputs.Length / InputSize;
                    {{Guard}}.SequenceOutput(logits.Length, steps, OutputSize, nameof(logits));
                    {{Span}} hidden = state.H(0);
                    for (int t = 0; t < steps; t++)
                        StepCore(inputs.Slice(t * InputSize, InputSize), hidden, logits.Slice(t * OutputSize, OutputSize));
                }

                /// <summary>
                /// Forward over a window of 1 to <see cref="SequenceLength"/> steps (T × <see cref="InputSize"/> floats) from
                /// <paramref name="state"/>, then backpropagation through time: adds the gradients of the mean cross-entropy of
                /// <paramref name="targets"/> into <see cref="Gradients"/>, leaves <paramref name="state"/> at the window's end and returns the loss.
                /// </summary>
                public float ComputeGradients({{ReadOnlySpan}} inputs, {{TokenSpan}} targets, ref State state)
                {
                    {{Guard}}.Multiple(inputs.Length, InputSize, nameof(inputs), "InputSize floats per step");
                    int steps = inputs.Length / InputSize;
                    {{Guard}}.WindowLength(steps, SequenceLength, nameof(inputs));
                    {{Guard}}.Length(targets.Length, steps, nameof(targets), "one target per step");
                    {{Guard}}.Tokens(targets, OutputSize, nameof(targets));
                    float scale = 1f / steps;
                    {{Span}} hiddenTape = _hiddenTape;
                    state.H(0).CopyTo(hiddenTape);
                    float loss = 0f;
                    for (int t = 0; t < steps; t++)
                    {
                        {{Span}} hidden = hiddenTape.Slice((t + 1) * HiddenSize, HiddenSize);
                        {{K}}.Preactivation(_parameters, inputs.Slice(t * InputSize, InputSize), hiddenTape.Slice(t * HiddenSize, HiddenSize), hidden);
                        {{K}}.Activate(hidden);
                        loss += {{K}}.HeadWithLoss(_parameters, hidden, targets[t], scale, new global::System.Span<float>(_outputDeltaTape, t * OutputSize, OutputSize));
                    }
                    hiddenTape.Slice(steps * HiddenSize, HiddenSize).CopyTo(state.H(0));
                    {{K}}.Backward(_parameters, _gradients, inputs, steps, _hiddenTape, _outputDeltaTape, _hiddenDeltaTape, _hiddenDelta);
                    return loss * scale;
                }

                private void StepCore({{ReadOnlySpan}} input, {{Span}} hidden, {{Span}} logits)
                {
                    {{Span}} next = _nextHidden;
                    {{K}}.Preactivation(_parameters, input, hidden, next);
                    {{K}}.Activate(next);
                    next.CopyTo(hidden);
                    {{K}}.Head(_parameters, hidden, logits);
                }

                """);
        }

        private static void WriteInterfaceImplementation(SourceWriter w)
        {
            w.Lines("""
                global::RnnGen.CellKind global::RnnGen.IRnnModel.Cell => Cell;
                global::RnnGen.InputKind global::RnnGen.IRnnModel.Input => Input;
                int global::RnnGen.IRnnModel.InputSize => InputSize;
                int global::RnnGen.IRnnModel.HiddenSize => HiddenSize;
                int global::RnnGen.IRnnModel.OutputSize => OutputSize;
                int global::RnnGen.IRnnModel.Layers => Layers;
                int global::RnnGen.IRnnModel.SequenceLength => SequenceLength;
                int global::RnnGen.IRnnModel.ParameterCount => ParameterCount;
                global::System.Collections.Generic.IReadOnlyList<global::RnnGen.ParameterInfo> global::RnnGen.IRnnModel.Layout => Layout;

                """);
        }

        private static void WriteState(SourceWriter w, ModelSpec model)
        {
            w.Lines($$"""
                /// <summary>The hidden state of <see cref="{{model.ClassName}}"/>: <see cref="Layers"/> × <see cref="HiddenSize"/> floats held in the value itself, zero when created.</summary>
                public struct State : global::RnnGen.IRnnState
                {
                    /// <summary>Number of floats in the state: <see cref="Layers"/> × <see cref="HiddenSize"/>.</summary>
                    public const int FloatCount = Layers * HiddenSize;

                    private Buffer _values;

                    /// <summary>Number of floats in the state (<see cref="FloatCount"/>).</summary>
                    public readonly int Length => FloatCount;

                    /// <summary>The hidden state of layer <paramref name="layer"/>: <see cref="HiddenSize"/> floats.</summary>
                    [global::System.Diagnostics.CodeAnalysis.UnscopedRef]
                    public {{Span}} H(int layer)
                    {
                        if ((uint)layer >= Layers)
                            throw new global::System.ArgumentOutOfRangeException(nameof(layer), layer, "The model has " + Layers + " layer(s); layer must be in [0, Layers).");
                        return (({{Span}})_values).Slice(layer * HiddenSize, HiddenSize);
                    }

                    /// <summary>Sets the whole state to zero.</summary>
                    public void Reset() => (({{Span}})_values).Clear();

                    /// <summary>Copies the whole state (layer 0 first) into <paramref name="destination"/>, which must hold exactly <see cref="FloatCount"/> floats.</summary>
                    public readonly void CopyTo({{Span}} destination)
                    {
                        {{Guard}}.Length(destination.Length, FloatCount, nameof(destination), "State.FloatCount");
                        (({{ReadOnlySpan}})_values).CopyTo(destination);
                    }

                    /// <summary>Sets the whole state (layer 0 first) from <paramref name="source"/>, which must hold exactly <see cref="FloatCount"/> floats.</summary>
                    public void CopyFrom({{ReadOnlySpan}} source)
                    {
                        {{Guard}}.Length(source.Length, FloatCount, nameof(source), "State.FloatCount");
                        source.CopyTo(({{Span}})_values);
                    }

                    [global::System.Runtime.CompilerServices.InlineArray(FloatCount)]
                    private struct Buffer
                    {
                        private float _element0;
                    }
                }
                """);
        }

        private static string Escape(string text) => text.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");
    }
}
