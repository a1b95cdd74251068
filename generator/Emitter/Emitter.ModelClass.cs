using System.Collections.Generic;
using RnnGen.Generator.Helpers;
using RnnGen.Generator.Model;

namespace RnnGen.Generator;

public sealed partial class RnnGenerator
{
    internal static partial class Emitter
    {
        private const string Span = "global::System.Span<float>";
        private const string ReadOnlySpan = "global::System.ReadOnlySpan<float>";
        private const string Guard = "global::RnnGen.Kernels.ModelGuard";

        private static string KernelClass(ModelSpec model) => "global::RnnGen.Generated." + KernelClassName(model);

        private static string KernelClassName(ModelSpec model) => model.ClassName + "Kernels";

        /// <summary>The names and types that differ between model shapes, used throughout the public surface.</summary>
        private sealed class Surface
        {
            public Surface(ModelSpec model)
            {
                Token = model.Input == Input.Token;
                Softmax = model.Head == Head.Softmax;
                EveryStep = model.Output == Output.EveryStep;
                Bidirectional = model.Bidirectional;
                InputType = Token ? "int" : "float";
                TargetType = Softmax ? "int" : "float";
                InputsName = Token ? "tokens" : "inputs";
                OutputsName = Softmax ? "logits" : "outputs";
                HasStep = !Bidirectional && EveryStep;
                var interfaces = new List<string> { "global::RnnGen.IRnnModel<" + model.Identifier + ".State, " + InputType + ", " + TargetType + ">" };
                if (HasStep && Softmax)
                    interfaces.Add("global::RnnGen." + (Token ? "ITokenRnnModel" : "IDenseRnnModel") + "<" + model.Identifier + ".State>");
                Interfaces = string.Join(", ", interfaces);
            }

            public bool Token { get; }
            public bool Softmax { get; }
            public bool EveryStep { get; }
            public bool Bidirectional { get; }
            public bool HasStep { get; }
            public string InputType { get; }
            public string TargetType { get; }
            public string InputsName { get; }
            public string OutputsName { get; }
            public string Interfaces { get; }
            public string InputSpan => "global::System.ReadOnlySpan<" + InputType + ">";
            public string TargetSpan => "global::System.ReadOnlySpan<" + TargetType + ">";
        }

        /// <summary>The user's partial class: constants, buffers, the state type and the public contract.</summary>
        private static void WriteModelClass(SourceWriter w, ModelSpec model, Layout layout)
        {
            var surface = new Surface(model);
            w.Line("/// <summary>" + Escape(Capitalize(Describe(model))) + ".</summary>");
            w.Open("partial class " + model.Identifier + " : " + surface.Interfaces);
            WriteConstants(w, model, layout);
            WriteFields(w);
            WriteConstructorAndBuffers(w, model, layout);
            WriteParameterLookup(w, layout);
            WriteEntryPoints(w, model, surface, KernelClass(model));
            WriteInterfaceImplementation(w);
            WriteState(w, model);
            w.Close();
        }

        private static void WriteConstants(SourceWriter w, ModelSpec model, Layout layout)
        {
            void Constant(string doc, string type, string name, string value)
            {
                w.Line("/// <summary>" + doc + "</summary>");
                w.Line("public const " + type + " " + name + " = " + value + ";");
                w.Line();
            }
            Constant(model.Input == Input.Token ? "Vocabulary size: input tokens are in [0, InputSize)." : "Number of features of each input vector.",
                "int", "InputSize", SourceWriter.Int(model.InputSize));
            Constant("Width of the hidden state of each layer and direction.", "int", "HiddenSize", SourceWriter.Int(model.HiddenSize));
            Constant(model.Head == Head.Softmax ? "Number of classes the softmax head scores." : "Number of values the linear head outputs.",
                "int", "OutputSize", SourceWriter.Int(model.OutputSize));
            Constant("Number of stacked recurrent layers.", "int", "Layers", SourceWriter.Int(model.Layers));
            Constant("Directions each layer runs in: 2 when bidirectional.", "int", "Directions", SourceWriter.Int(layout.Directions));
            Constant("The longest window <see cref=\"ComputeGradients\"/> accepts" + (model.Bidirectional ? ", and the longest sequence <see cref=\"Forward\"/> accepts" : "") + ".",
                "int", "SequenceLength", SourceWriter.Int(model.SequenceLength));
            Constant("Number of floats in <see cref=\"Parameters\"/> and <see cref=\"Gradients\"/>.", "int", "ParameterCount", SourceWriter.Int(layout.ParameterCount));
            Constant("The recurrent cell.", "global::RnnGen.CellKind", "Cell", "global::RnnGen.CellKind." + model.Cell);
            Constant("How inputs are given.", "global::RnnGen.InputKind", "Input", "global::RnnGen.InputKind." + model.Input);
            Constant("The output layer and its loss.", "global::RnnGen.HeadKind", "Head", "global::RnnGen.HeadKind." + model.Head);
            Constant("Where the head runs.", "global::RnnGen.OutputKind", "Output", "global::RnnGen.OutputKind." + model.Output);
            Constant("Whether each layer also runs backwards in time.", "bool", "Bidirectional", model.Bidirectional ? "true" : "false");
            w.Line("private const int LayerOutputSize = Directions * HiddenSize;");
            w.Line("private const int GateRows = " + SourceWriter.Int(layout.Gates) + " * HiddenSize;" + GateComment(model.Cell));
            foreach (Tensor tensor in layout.Tensors)
                w.Line("private const int " + tensor.ConstantName + " = " + SourceWriter.Int(tensor.Offset) + "; // " + tensor.Name + " [" + Shape(tensor) + "]");
            w.Line();
        }

        private static string GateComment(Cell cell) => cell switch
        {
            Cell.Lstm => " // gates i, f, g, o",
            Cell.Gru => " // gates r, z, n",
            _ => "",
        };

        private static string Shape(Tensor tensor) =>
            tensor.IsMatrix ? SourceWriter.Int(tensor.Rows) + ", " + SourceWriter.Int(tensor.Columns) : SourceWriter.Int(tensor.Rows);

        private static void WriteFields(SourceWriter w)
        {
            w.Line("private readonly float[] _parameters = new float[ParameterCount];");
            w.Line("private readonly float[] _gradients = new float[ParameterCount];");
            w.Line("private readonly float[] _tape = new float[TapeLength]; // activations of the current window, for backpropagation through time");
            w.Line("private readonly float[] _packedState = new float[State.FloatCount];");
            w.Line();
        }

        private static void WriteConstructorAndBuffers(SourceWriter w, ModelSpec model, Layout layout)
        {
            w.Line("private const int TapeLength = " + SourceWriter.Int(layout.TapeLength) + ";");
            w.Line();
            w.Line("/// <summary>Creates the model with every buffer it will need; parameters are zero until <see cref=\"InitializeParameters\"/> or a checkpoint load.</summary>");
            w.Open("public " + model.Identifier + "()");
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
            w.Line("global::System.ArgumentNullException.ThrowIfNull(name);");
            w.Open("return name switch");
            string names = "";
            foreach (Tensor tensor in layout.Tensors)
            {
                w.Line("\"" + tensor.Name + "\" => new " + Span + "(_parameters, " + tensor.ConstantName + ", " + tensor.LengthExpression + "),");
                names += (names.Length == 0 ? "" : ", ") + tensor.Name;
            }
            w.Line("_ => throw new global::System.ArgumentException(\"No parameter is named '\" + name + \"'; this model has " + names + ".\", nameof(name)),");
            w.Close(";");
            w.Close();
            w.Line();
        }

        private static void WriteEntryPoints(SourceWriter w, ModelSpec model, Surface s, string k)
        {
            string steps = s.Token ? s.InputsName + ".Length" : s.InputsName + ".Length / InputSize";
            string checkInputs = s.Token
                ? Guard + ".NotEmpty(" + s.InputsName + ".Length, nameof(" + s.InputsName + "));\n" + Guard + ".Tokens(" + s.InputsName + ", InputSize, nameof(" + s.InputsName + "));"
                : Guard + ".Multiple(" + s.InputsName + ".Length, InputSize, nameof(" + s.InputsName + "), \"InputSize floats per step\");";
            string chunk = s.Token ? s.InputsName + ".Slice(start, steps)" : s.InputsName + ".Slice(start * InputSize, steps * InputSize)";
            string outputCheck = s.EveryStep
                ? Guard + ".SequenceOutput(" + s.OutputsName + ".Length, totalSteps, OutputSize, nameof(" + s.OutputsName + "));"
                : Guard + ".Length(" + s.OutputsName + ".Length, OutputSize, nameof(" + s.OutputsName + "), \"OutputSize: the head runs once, after the last step\");";
            string outputWhat = s.EveryStep ? "T × <see cref=\"OutputSize\"/> " + (s.Softmax ? "logits" : "values") : "the <see cref=\"OutputSize\"/> " + (s.Softmax ? "logits" : "values") + " of the head on the final state";

            // Forward
            w.Line("/// <summary>");
            w.Line("/// Runs " + (s.Token ? "<paramref name=\"tokens\"/>" : "T × <see cref=\"InputSize\"/> inputs") + " through the model and writes " + outputWhat + ".");
            w.Line(s.Bidirectional
                ? "/// Both directions start from zero; at most <see cref=\"SequenceLength\"/> steps; <paramref name=\"state\"/> receives the final states."
                : "/// Starts from <paramref name=\"state\"/> and leaves it after the last step; any length (processed in windows of <see cref=\"SequenceLength\"/>).");
            w.Line("/// </summary>");
            w.Open("public void Forward(" + s.InputSpan + " " + s.InputsName + ", ref State state, " + Span + " " + s.OutputsName + ")");
            w.Lines(checkInputs);
            w.Line("int totalSteps = " + steps + ";");
            if (s.Bidirectional)
                w.Line(Guard + ".WindowLength(totalSteps, SequenceLength, nameof(" + s.InputsName + "));");
            w.Line(outputCheck);
            w.Line(Span + " tape = _tape;");
            w.Open("for (int start = 0; start < totalSteps; start += SequenceLength)");
            w.Line("int steps = global::System.Math.Min(SequenceLength, totalSteps - start);");
            w.Line("LoadState(ref state);");
            w.Line(k + ".Forward(_parameters, tape, " + chunk + ", steps);");
            if (s.EveryStep)
            {
                w.Line(k + ".Head(_parameters, tape, steps);");
                w.Line("tape.Slice(" + k + ".HeadOutputOffset, steps * OutputSize).CopyTo(" + s.OutputsName + ".Slice(start * OutputSize, steps * OutputSize));");
            }
            else
            {
                w.Open("if (start + steps == totalSteps)");
                w.Line(k + ".Head(_parameters, tape, steps);");
                w.Line("tape.Slice(" + k + ".HeadOutputOffset, OutputSize).CopyTo(" + s.OutputsName + ");");
                w.Close();
            }
            w.Line("StoreState(ref state, steps);");
            w.Close();
            w.Close();
            w.Line();

            // Step
            if (s.HasStep)
            {
                w.Line("/// <summary>Advances <paramref name=\"state\"/> by one " + (s.Token ? "token" : "input of <see cref=\"InputSize\"/> floats") + " and writes the <see cref=\"OutputSize\"/> " + (s.Softmax ? "logits" : "outputs") + " that follow it.</summary>");
                if (s.Token)
                {
                    w.Open("public void Step(int token, ref State state, " + Span + " " + s.OutputsName + ")");
                    w.Line(Guard + ".Token(token, InputSize, nameof(token));");
                    w.Line(Guard + ".Length(" + s.OutputsName + ".Length, OutputSize, nameof(" + s.OutputsName + "), \"OutputSize\");");
                    w.Line("LoadState(ref state);");
                    w.Line(k + ".Forward(_parameters, _tape, new global::System.ReadOnlySpan<int>(in token), 1);");
                }
                else
                {
                    w.Open("public void Step(" + ReadOnlySpan + " input, ref State state, " + Span + " " + s.OutputsName + ")");
                    w.Line(Guard + ".Length(input.Length, InputSize, nameof(input), \"InputSize\");");
                    w.Line(Guard + ".Length(" + s.OutputsName + ".Length, OutputSize, nameof(" + s.OutputsName + "), \"OutputSize\");");
                    w.Line("LoadState(ref state);");
                    w.Line(k + ".Forward(_parameters, _tape, input, 1);");
                }
                w.Line(k + ".Head(_parameters, _tape, 1);");
                w.Line("new " + ReadOnlySpan + "(_tape, " + k + ".HeadOutputOffset, OutputSize).CopyTo(" + s.OutputsName + ");");
                w.Line("StoreState(ref state, 1);");
                w.Close();
                w.Line();
            }

            // ComputeGradients
            string trainSteps = s.Token ? "inputs.Length" : "inputs.Length / InputSize";
            string trainCheck = s.Token ? "" : Guard + ".Multiple(inputs.Length, InputSize, nameof(inputs), \"InputSize floats per step\");";
            string targetsDoc = s.Softmax
                ? (s.EveryStep ? "one class id per step, mean cross-entropy over the steps" : "one class id for the last step, cross-entropy")
                : (s.EveryStep ? "T × <see cref=\"OutputSize\"/> values, mean squared error over all of them" : "<see cref=\"OutputSize\"/> values for the last step, mean squared error");
            w.Line("/// <summary>");
            w.Line("/// Forward over a window of 1 to <see cref=\"SequenceLength\"/> steps" + (s.Bidirectional ? " (both directions from zero)" : " from <paramref name=\"state\"/>") + ", then backpropagation through time.");
            w.Line("/// Adds the gradients of the loss (<paramref name=\"targets\"/>: " + targetsDoc + ") into <see cref=\"Gradients\"/>,");
            w.Line("/// leaves " + (s.Bidirectional ? "the final states" : "the state at the window's end") + " in <paramref name=\"state\"/> and returns the loss.");
            w.Line("/// </summary>");
            w.Open("public float ComputeGradients(" + s.InputSpan + " inputs, " + s.TargetSpan + " targets, ref State state)");
            if (s.Token)
            {
                w.Line(Guard + ".WindowLength(inputs.Length, SequenceLength, nameof(inputs));");
                w.Line(Guard + ".Tokens(inputs, InputSize, nameof(inputs));");
            }
            else
            {
                w.Line(trainCheck);
                w.Line(Guard + ".WindowLength(" + trainSteps + ", SequenceLength, nameof(inputs));");
            }
            w.Line("int steps = " + trainSteps + ";");
            if (s.Softmax)
            {
                w.Line(s.EveryStep
                    ? Guard + ".Length(targets.Length, steps, nameof(targets), \"one class per step\");"
                    : Guard + ".Length(targets.Length, 1, nameof(targets), \"one class: the head runs once, after the last step\");");
                w.Line(Guard + ".Tokens(targets, OutputSize, nameof(targets), \"OutputSize\", \"number of classes\");");
            }
            else
            {
                w.Line(s.EveryStep
                    ? Guard + ".SequenceOutput(targets.Length, steps, OutputSize, nameof(targets));"
                    : Guard + ".Length(targets.Length, OutputSize, nameof(targets), \"OutputSize values for the last step\");");
            }
            w.Line(Span + " tape = _tape;");
            w.Line("LoadState(ref state);");
            w.Line(k + ".Forward(_parameters, tape, inputs, steps);");
            w.Line(k + ".Head(_parameters, tape, steps);");
            w.Line("float loss = " + k + ".Loss(tape, targets, steps);");
            w.Line(k + ".Backward(_parameters, _gradients, tape, inputs, steps);");
            w.Line("StoreState(ref state, steps);");
            w.Line("return loss;");
            w.Close();
            w.Line();

            // State transfer
            w.Line("/// <summary>Copies the state into row 0 of every layer's tape" + (s.Bidirectional ? " (bidirectional: zero, whatever the state holds)" : "") + ".</summary>");
            w.Open("private void LoadState(ref State state)");
            if (s.Bidirectional)
            {
                w.Line(k + ".ClearInitialState(_tape);");
            }
            else
            {
                w.Line("state.CopyTo(_packedState);");
                w.Line(k + ".LoadState(_packedState, _tape);");
            }
            w.Close();
            w.Line();
            w.Line("/// <summary>Copies every layer's final state from the tape back into the state.</summary>");
            w.Open("private void StoreState(ref State state, int steps)");
            w.Line(k + ".StoreState(_tape, steps, _packedState);");
            w.Line("state.CopyFrom(_packedState);");
            w.Close();
            w.Line();
        }

        private static void WriteInterfaceImplementation(SourceWriter w)
        {
            w.Lines("""
                global::RnnGen.CellKind global::RnnGen.IRnnModel.Cell => Cell;
                global::RnnGen.InputKind global::RnnGen.IRnnModel.Input => Input;
                global::RnnGen.HeadKind global::RnnGen.IRnnModel.Head => Head;
                global::RnnGen.OutputKind global::RnnGen.IRnnModel.Output => Output;
                bool global::RnnGen.IRnnModel.Bidirectional => Bidirectional;
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
            bool lstm = model.Cell == Cell.Lstm;
            string what = lstm ? "hidden states h and memory cells c" : "hidden states";
            w.Lines($$"""
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
                w.Lines($$"""
                        /// <summary>The memory cell c of <paramref name="layer"/> (forward direction): <see cref="HiddenSize"/> floats.</summary>
                        [global::System.Diagnostics.CodeAnalysis.UnscopedRef]
                        public {{Span}} C(int layer) => C(layer, 0);

                        /// <summary>The memory cell c of <paramref name="layer"/> in <paramref name="direction"/> (1 = reverse): <see cref="HiddenSize"/> floats.</summary>
                        [global::System.Diagnostics.CodeAnalysis.UnscopedRef]
                        public {{Span}} C(int layer, int direction) => (({{Span}})_values).Slice(Units + Index(layer, direction), HiddenSize);

                    """);
            }
            w.Lines($$"""
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

        private static string Escape(string text) => text.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");

        private static string Capitalize(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text.Substring(1);
    }
}
