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
        private static void WriteModelClass(Context c)
        {
            ModelSpec model = c.Model;
            var surface = new Surface(model);
            c.W.Line("/// <summary>" + Escape(Capitalize(Describe(model))) + ".</summary>");
            c.W.Open("partial class " + model.Identifier + " : " + surface.Interfaces);
            if (model.IsLayerStack)
                WriteStackConstants(c);
            else
                WriteFirstFormConstants(c);
            WriteFieldsAndBuffers(c);
            WriteParameterLookup(c);
            WriteInitialization(c);
            WriteEntryPoints(c, surface);
            WriteInterfaceImplementation(c);
            WriteState(c);
            c.W.Close();
        }

        private static void Constant(Context c, string doc, string type, string name, string value)
        {
            c.W.Line("/// <summary>" + doc + "</summary>");
            c.W.Line("public const " + type + " " + name + " = " + value + ";");
            c.W.Line();
        }

        private static string HeadDoc(ModelSpec model) => model.Head switch
        {
            Head.Softmax => "Number of classes the softmax head scores.",
            Head.Linear => "Number of values the linear head outputs.",
            _ => "Number of signals the model outputs (compared by the error-to-signal ratio).",
        };

        private static void WriteFirstFormConstants(Context c)
        {
            ModelSpec model = c.Model;
            LayerSpec recurrent = model.Layers[0];
            Constant(c, model.Input == Input.Token ? "Vocabulary size: input tokens are in [0, InputSize)." : "Number of features of each input vector.",
                "int", "InputSize", SourceWriter.Int(model.InputSize));
            Constant(c, "Width of the hidden state of each layer and direction.", "int", "HiddenSize", SourceWriter.Int(recurrent.Size));
            Constant(c, HeadDoc(model), "int", "OutputSize", SourceWriter.Int(model.OutputSize));
            Constant(c, "Number of stacked recurrent layers.", "int", "Layers", SourceWriter.Int(recurrent.SubLayers));
            Constant(c, "Directions each layer runs in: 2 when bidirectional.", "int", "Directions", SourceWriter.Int(recurrent.Directions));
            WriteSequenceLengthConstant(c);
            Constant(c, "Number of floats in <see cref=\"Parameters\"/> and <see cref=\"Gradients\"/>.", "int", "ParameterCount", SourceWriter.Int(c.Layout.ParameterCount));
            Constant(c, "The recurrent cell.", "global::RnnGen.CellKind", "Cell", "global::RnnGen.CellKind." + recurrent.Cell);
            WriteKindConstants(c);
            Constant(c, "Whether each layer also runs backwards in time.", "bool", "Bidirectional", recurrent.Bidirectional ? "true" : "false");
            c.W.Line("private const int LayerOutputSize = Directions * HiddenSize;");
            c.W.Line("private const int GateRows = " + SourceWriter.Int(Sizes.GateCount(recurrent.Cell)) + " * HiddenSize;" + GateComment(recurrent.Cell));
            WriteOffsetConstants(c);
        }

        private static void WriteStackConstants(Context c)
        {
            ModelSpec model = c.Model;
            Constant(c, model.Input == Input.Token ? "Vocabulary size: input tokens are in [0, InputSize)." : "Number of features of each input vector.",
                "int", "InputSize", SourceWriter.Int(model.InputSize));
            Constant(c, HeadDoc(model) + " The last layer's width.", "int", "OutputSize", SourceWriter.Int(model.OutputSize));
            WriteSequenceLengthConstant(c);
            Constant(c, "Number of floats in <see cref=\"Parameters\"/> and <see cref=\"Gradients\"/>.", "int", "ParameterCount", SourceWriter.Int(c.Layout.ParameterCount));
            WriteKindConstants(c);
            Constant(c, "Whether the first OutputSize input features are added to the output at every step.", "bool", "InputSkip", model.InputSkip ? "true" : "false");
            Constant(c, "The pre-emphasis coefficient a of y[t] − a·y[t−1] applied before the error-to-signal ratio (0 = none).", "float", "PreEmphasis", SourceWriter.Float(model.PreEmphasis));
            WriteOffsetConstants(c);
        }

        private static void WriteSequenceLengthConstant(Context c) =>
            Constant(c, "The longest window <see cref=\"ComputeGradients\"/> accepts" + (c.Model.Bidirectional ? ", and the longest sequence <see cref=\"Forward\"/> accepts" : "") + ".",
                "int", "SequenceLength", SourceWriter.Int(c.Model.SequenceLength));

        private static void WriteKindConstants(Context c)
        {
            ModelSpec model = c.Model;
            Constant(c, "How inputs are given.", "global::RnnGen.InputKind", "Input", "global::RnnGen.InputKind." + model.Input);
            Constant(c, "The output layer and its loss.", "global::RnnGen.HeadKind", "Head", "global::RnnGen.HeadKind." + model.Head);
            Constant(c, "Where the head runs.", "global::RnnGen.OutputKind", "Output", "global::RnnGen.OutputKind." + model.Output);
        }

        private static void WriteOffsetConstants(Context c)
        {
            foreach (Tensor tensor in c.Layout.Tensors)
                c.W.Line("private const int " + tensor.ConstantName + " = " + SourceWriter.Int(tensor.Offset) + "; // " + tensor.Name + " [" + ShapeNumbers(tensor) + "]");
            c.W.Line();
        }

        private static string GateComment(Cell cell) => cell switch
        {
            Cell.Lstm => " // gates i, f, g, o",
            Cell.Gru => " // gates r, z, n",
            _ => "",
        };

        private static string ShapeNumbers(Tensor tensor)
        {
            string text = "";
            foreach (long d in tensor.Shape)
                text += (text.Length == 0 ? "" : ", ") + SourceWriter.Int(d);
            return text;
        }

        /// <summary>A tensor's length as written in the generated code: the product of its named sizes in the first form, a number in a stack.</summary>
        private static string LengthExpression(Context c, Tensor tensor) =>
            c.Model.IsLayerStack ? SourceWriter.Int(tensor.Length) : tensor.ShapeExpression.Replace(", ", " * ");

        private static void WriteFieldsAndBuffers(Context c)
        {
            ModelSpec model = c.Model;
            c.W.Lines($$"""
                private readonly float[] _parameters = new float[ParameterCount + 8]; // 8 floats of slack, always zero, that whole-vector loads may read past the last tensor
                private readonly float[] _gradients = new float[ParameterCount];
                private readonly float[] _tape = new float[TapeLength]; // activations of the current window, for backpropagation through time
                private readonly float[] _packedState = new float[State.FloatCount];
                private ulong _dropoutState;
                """);
            if (IsStreaming(model))
                c.W.Line("private readonly float[] _stepScratch = new float[" + KernelClass(model) + ".StepScratchLength]; // the step path's vectors, padded");
            c.W.Lines($$"""

                private const int TapeLength = {{SourceWriter.Int(c.Layout.TapeLength)}};

                /// <summary>Creates the model with every buffer it will need; parameters are zero until <see cref="InitializeParameters"/> or a checkpoint load.</summary>
                public {{model.Identifier}}()
                {
                }

                /// <summary>Which kernels this process runs: AVX2 + FMA, or the portable path.</summary>
                public static global::RnnGen.KernelPath ActiveKernelPath => {{KernelClass(model)}}.UseAvx2 ? global::RnnGen.KernelPath.Avx2Fma : global::RnnGen.KernelPath.Portable;

                /// <summary>All parameters in one buffer, laid out as <see cref="Layout"/> says (PyTorch's names, shapes and row order).</summary>
                public {{Span}} Parameters => new {{Span}}(_parameters, 0, ParameterCount);

                /// <summary>Gradients of the loss, laid out as <see cref="Parameters"/>; <see cref="ComputeGradients"/> adds into them.</summary>
                public {{Span}} Gradients => _gradients;

                /// <summary>The named tensors of <see cref="Parameters"/>, in buffer order.</summary>
                public static global::System.Collections.Generic.IReadOnlyList<global::RnnGen.ParameterInfo> Layout { get; } = global::System.Array.AsReadOnly(new global::RnnGen.ParameterInfo[]
                {
                """);
            c.W.Indent();
            foreach (Tensor tensor in c.Layout.Tensors)
                c.W.Line("new(\"" + tensor.Name + "\", " + tensor.ConstantName + ", " + tensor.ShapeExpression + "),");
            c.W.Unindent();
            c.W.Lines("""
                });

                /// <summary>Sets every gradient to zero.</summary>
                public void ZeroGradients() => global::System.Array.Clear(_gradients);

                """);
            if (model.IsLayerStack)
            {
                c.W.Lines("""
                    /// <summary>The layers in order, from input to output.</summary>
                    public static global::System.Collections.Generic.IReadOnlyList<global::RnnGen.LayerInfo> Architecture { get; } = global::System.Array.AsReadOnly(new global::RnnGen.LayerInfo[]
                    {
                    """);
                WriteLayerInfos(c);
                c.W.Lines("""
                    });

                    /// <summary>
                    /// The state of the generator behind the dropout masks of <see cref="ComputeGradients"/>: set it to reproduce a run,
                    /// save it to resume one. <see cref="InitializeParameters"/> sets it from the seed.
                    /// </summary>
                    public ulong DropoutState
                    {
                        get => _dropoutState;
                        set => _dropoutState = value;
                    }

                    """);
            }
        }

        /// <summary>One <c>new LayerInfo(...)</c> per layer, each on its own line.</summary>
        private static void WriteLayerInfos(Context c)
        {
            c.W.Indent();
            foreach (LayerSpec layer in c.Model.Layers)
            {
                var properties = new List<string>();
                if (layer.Kind is LayerKind.Dense or LayerKind.Conv1D && layer.Activation != Activation.None)
                    properties.Add("Activation = global::RnnGen.Activation." + layer.Activation);
                if (layer.Kind == LayerKind.Recurrent)
                {
                    properties.Add("Cell = global::RnnGen.CellKind." + layer.Cell);
                    properties.Add("HiddenSize = " + SourceWriter.Int(layer.Size));
                    if (layer.SubLayers != 1)
                        properties.Add("Layers = " + SourceWriter.Int(layer.SubLayers));
                    if (layer.Bidirectional)
                        properties.Add("Bidirectional = true");
                }
                if (layer.Kind == LayerKind.Conv1D)
                {
                    properties.Add("KernelSize = " + SourceWriter.Int(layer.KernelSize));
                    properties.Add("Dilation = " + SourceWriter.Int(layer.Dilation));
                }
                if (layer.Kind is LayerKind.Dense or LayerKind.Conv1D or LayerKind.Recurrent && layer.Bias)
                    properties.Add("Bias = true");
                if (layer.Kind == LayerKind.Dropout)
                    properties.Add("Probability = " + SourceWriter.Float(layer.Probability));
                c.W.Line("new(global::RnnGen.LayerKind." + layer.Kind + ", \"" + layer.Prefix + "\", " + SourceWriter.Int(layer.InputWidth) + ", " + SourceWriter.Int(layer.OutputWidth) + ")"
                         + (properties.Count == 0 ? "" : " { " + string.Join(", ", properties) + " }") + ",");
            }
            c.W.Unindent();
        }

        private static void WriteParameterLookup(Context c)
        {
            c.W.Lines($$"""
                /// <summary>The part of <see cref="Parameters"/> that holds the tensor PyTorch calls <paramref name="name"/>.</summary>
                /// <exception cref="global::System.ArgumentException">No tensor has that name.</exception>
                public {{Span}} Parameter(string name)
                {
                    global::System.ArgumentNullException.ThrowIfNull(name);
                    return name switch
                    {
                """);
            c.W.Indent();
            c.W.Indent();
            string names = "";
            foreach (Tensor tensor in c.Layout.Tensors)
            {
                c.W.Line("\"" + tensor.Name + "\" => new " + Span + "(_parameters, " + tensor.ConstantName + ", " + LengthExpression(c, tensor) + "),");
                names += (names.Length == 0 ? "" : ", ") + tensor.Name;
            }
            c.W.Line("_ => throw new global::System.ArgumentException(\"No parameter is named '\" + name + \"'; this model has " + names + ".\", nameof(name)),");
            c.W.Unindent();
            c.W.Unindent();
            c.W.Lines("""
                    };
                }

                """);
        }

        /// <summary>
        /// InitializeParameters: the first form draws every parameter in ±1/sqrt(HiddenSize) (as it always has); a layer
        /// stack follows PyTorch's default for each module, tensor by tensor from one generator.
        /// </summary>
        private static void WriteInitialization(Context c)
        {
            ModelSpec model = c.Model;
            if (!model.IsLayerStack)
            {
                c.W.Lines("""
                    /// <summary>Fills the parameters as PyTorch does by default, uniform in ±1/sqrt(HiddenSize), from <paramref name="seed"/>.</summary>
                    public void InitializeParameters(int seed)
                    {
                        global::RnnGen.ParameterInitializer.PyTorchDefault(Parameters, HiddenSize, seed);
                        _dropoutState = unchecked((ulong)seed);
                    }

                    """);
                return;
            }
            c.W.Lines("""
                /// <summary>
                /// Fills the parameters as PyTorch initializes each module by default, tensor by tensor from <paramref name="seed"/>:
                /// recurrent layers uniform in ±1/sqrt(hidden size), dense and convolution layers in ±1/sqrt(fan-in), embeddings
                /// normal(0, 1). Sets <see cref="DropoutState"/> from the seed too.
                /// </summary>
                public void InitializeParameters(int seed)
                {
                    var random = new global::System.Random(seed);
                """);
            c.W.Indent();
            for (int i = 0; i < model.Layers.Count; i++)
            {
                LayerSpec layer = model.Layers[i];
                if (!c.Layout.TensorsOf.TryGetValue(i, out List<Tensor>? tensors))
                    continue;
                long fanIn = layer.Kind switch
                {
                    LayerKind.Recurrent => layer.Size,
                    LayerKind.Conv1D => (long)layer.InputWidth * layer.KernelSize,
                    _ => layer.InputWidth,
                };
                string why = layer.Kind == LayerKind.Recurrent ? "1/sqrt(hidden size " + SourceWriter.Int(fanIn) + ")" : "1/sqrt(fan-in " + SourceWriter.Int(fanIn) + ")";
                foreach (Tensor tensor in tensors)
                {
                    string target = "new " + Span + "(_parameters, " + tensor.ConstantName + ", " + LengthExpression(c, tensor) + ")";
                    c.W.Line(layer.Kind == LayerKind.Embedding
                        ? "global::RnnGen.ParameterInitializer.Normal(" + target + ", 1f, random); // " + tensor.Name + ": normal(0, 1)"
                        : "global::RnnGen.ParameterInitializer.Uniform(" + target + ", " + SourceWriter.Float((float)(1.0 / System.Math.Sqrt(fanIn))) + ", random); // " + tensor.Name + ": ±" + why);
                }
            }
            c.W.Line("_dropoutState = unchecked((ulong)seed);");
            c.W.Unindent();
            c.W.Lines("""
                }

                """);
        }

        private static void WriteInterfaceImplementation(Context c)
        {
            ModelSpec model = c.Model;
            LayerSpec first = model.FirstRecurrent;
            int subLayers = 0;
            foreach (LayerSpec layer in model.Layers)
                subLayers += layer.Kind == LayerKind.Recurrent ? layer.SubLayers : 0;
            bool stack = model.IsLayerStack;
            c.W.Lines($$"""
                global::RnnGen.CellKind global::RnnGen.IRnnModel.Cell => {{(stack ? "global::RnnGen.CellKind." + first.Cell : "Cell")}};
                global::RnnGen.InputKind global::RnnGen.IRnnModel.Input => Input;
                global::RnnGen.HeadKind global::RnnGen.IRnnModel.Head => Head;
                global::RnnGen.OutputKind global::RnnGen.IRnnModel.Output => Output;
                bool global::RnnGen.IRnnModel.Bidirectional => {{(stack ? (model.Bidirectional ? "true" : "false") : "Bidirectional")}};
                int global::RnnGen.IRnnModel.InputSize => InputSize;
                int global::RnnGen.IRnnModel.HiddenSize => {{(stack ? SourceWriter.Int(first.Size) : "HiddenSize")}};
                int global::RnnGen.IRnnModel.OutputSize => OutputSize;
                int global::RnnGen.IRnnModel.Layers => {{(stack ? SourceWriter.Int(subLayers) : "Layers")}};
                int global::RnnGen.IRnnModel.SequenceLength => SequenceLength;
                int global::RnnGen.IRnnModel.ParameterCount => ParameterCount;
                global::System.Collections.Generic.IReadOnlyList<global::RnnGen.ParameterInfo> global::RnnGen.IRnnModel.Layout => Layout;
                global::System.Collections.Generic.IReadOnlyList<global::RnnGen.LayerInfo> global::RnnGen.IRnnModel.Architecture => {{(stack ? "Architecture" : KernelClass(model) + ".Architecture")}};
                bool global::RnnGen.IRnnModel.InputSkip => {{(stack ? "InputSkip" : model.InputSkip ? "true" : "false")}};
                float global::RnnGen.IRnnModel.PreEmphasis => {{(stack ? "PreEmphasis" : SourceWriter.Float(model.PreEmphasis))}};
                ulong global::RnnGen.IRnnModel.DropoutState { get => _dropoutState; set => _dropoutState = value; }

                """);
        }
    }
}
