using RnnGen.Generator.Model;

namespace RnnGen.Generator;

public sealed partial class RnnGenerator
{
    internal static partial class Emitter
    {
        /// <summary>Forward, Step, ComputeGradients and the state transfer around them: argument checks, then the kernels.</summary>
        private static void WriteEntryPoints(Context c, Surface s)
        {
            WriteForwardEntry(c, s);
            if (s.HasStep)
                WriteStepEntry(c, s);
            WriteComputeGradientsEntry(c, s);
            WriteStateTransfer(c, s);
        }

        /// <summary>The arguments after the step count of every call to the kernels' Forward: the dropout mode and generator, when there is dropout.</summary>
        private static string DropoutArguments(Context c, bool training) =>
            HasDropout(c.Model) ? ", training: " + (training ? "true" : "false") + ", ref _dropoutState" : "";

        private static bool HasDropout(ModelSpec model)
        {
            foreach (LayerSpec layer in model.Layers)
            {
                if (layer.Kind == LayerKind.Dropout)
                    return true;
            }
            return false;
        }

        /// <summary>Forward runs the step path exactly when training's forward pass does (see <see cref="TrainsOnTheStepPath"/>).</summary>
        private static bool UsesStepPathForForward(Context c) => TrainsOnTheStepPath(c);

        private static void WriteForwardEntry(Context c, Surface s)
        {
            string k = KernelClass(c.Model);
            string checkInputs = s.Token
                ? Guard + ".NotEmpty(" + s.InputsName + ".Length, nameof(" + s.InputsName + "));\n" + Guard + ".Tokens(" + s.InputsName + ", InputSize, nameof(" + s.InputsName + "));"
                : Guard + ".Multiple(" + s.InputsName + ".Length, InputSize, nameof(" + s.InputsName + "), \"InputSize floats per step\");";
            string steps = s.Token ? s.InputsName + ".Length" : s.InputsName + ".Length / InputSize";
            string chunk = s.Token ? s.InputsName + ".Slice(start, steps)" : s.InputsName + ".Slice(start * InputSize, steps * InputSize)";
            string outputCheck = s.EveryStep
                ? Guard + ".SequenceOutput(" + s.OutputsName + ".Length, totalSteps, OutputSize, nameof(" + s.OutputsName + "));"
                : Guard + ".Length(" + s.OutputsName + ".Length, OutputSize, nameof(" + s.OutputsName + "), \"OutputSize: the head runs once, after the last step\");";
            string what = s.Softmax ? "logits" : "values";
            string outputWhat = s.EveryStep ? "T × <see cref=\"OutputSize\"/> " + what : "the <see cref=\"OutputSize\"/> " + what + " of the head on the final state";
            string copy = s.EveryStep
                ? "tape.Slice(" + k + ".ModelOutputOffset, steps * OutputSize).CopyTo(" + s.OutputsName + ".Slice(start * OutputSize, steps * OutputSize));"
                : "if (start + steps == totalSteps)\n    tape.Slice(" + k + ".ModelOutputOffset, OutputSize).CopyTo(" + s.OutputsName + ");";
            c.W.Lines($$"""
                /// <summary>
                /// Runs {{(s.Token ? "<paramref name=\"tokens\"/>" : "T × <see cref=\"InputSize\"/> inputs")}} through the model and writes {{outputWhat}}.
                /// {{(s.Bidirectional
                    ? "Every layer starts from zero; at most <see cref=\"SequenceLength\"/> steps; <paramref name=\"state\"/> receives the final states."
                    : UsesStepPathForForward(c)
                    ? "Starts from <paramref name=\"state\"/> and leaves it after the last step; any length (one step at a time)."
                    : "Starts from <paramref name=\"state\"/> and leaves it after the last step; any length (processed in windows of <see cref=\"SequenceLength\"/>).")}}
                /// </summary>
                public void Forward({{s.InputSpan}} {{s.InputsName}}, ref State state, {{Span}} {{s.OutputsName}})
                {
                """);
            c.W.Indent();
            c.W.Lines(checkInputs);
            c.W.Line("int totalSteps = " + steps + ";");
            if (s.Bidirectional)
                c.W.Line(Guard + ".WindowLength(totalSteps, SequenceLength, nameof(" + s.InputsName + "));");
            if (UsesStepPathForForward(c))
            {
                string one = s.Token ? s.InputsName + "[t]" : s.InputsName + ".Slice(t * InputSize, InputSize)";
                c.W.Lines($$"""
                    {{outputCheck}}
                    // One step at a time on the state in place.
                    {{Span}} values = state.Values;
                    for (int t = 0; t < totalSteps; t++)
                    {
                        {{k}}.Step(_parameters, values, {{one}}, _stepScratch);
                        new {{ReadOnlySpan}}(_stepScratch, {{k}}.StepOutputOffset, OutputSize).CopyTo({{s.OutputsName}}.Slice(t * OutputSize, OutputSize));
                    }
                    """);
                c.W.Unindent();
                c.W.Lines("""
                    }

                    """);
                return;
            }
            c.W.Lines($$"""
                {{outputCheck}}
                {{Span}} tape = _tape;
                for (int start = 0; start < totalSteps; start += SequenceLength)
                {
                    int steps = global::System.Math.Min(SequenceLength, totalSteps - start);
                    LoadState(ref state);
                    {{k}}.Forward(_parameters, tape, {{chunk}}, steps{{DropoutArguments(c, training: false)}});
                """);
            c.W.Indent();
            c.W.Lines(copy);
            c.W.Line("StoreState(ref state, steps);");
            c.W.Unindent();
            c.W.Unindent();
            c.W.Lines("""
                    }
                }

                """);
        }

        private static void WriteStepEntry(Context c, Surface s)
        {
            string k = KernelClass(c.Model);
            string doc = "/// <summary>Advances <paramref name=\"state\"/> by one " + (s.Token ? "token" : "input of <see cref=\"InputSize\"/> floats") +
                         " and writes the <see cref=\"OutputSize\"/> " + (s.Softmax ? "logits" : "outputs") + " that follow it.</summary>";
            string signature, check;
            if (s.Token)
            {
                signature = "public void Step(int token, ref State state, " + Span + " " + s.OutputsName + ")";
                check = Guard + ".Token(token, InputSize, nameof(token));";
            }
            else
            {
                signature = "public void Step(" + ReadOnlySpan + " input, ref State state, " + Span + " " + s.OutputsName + ")";
                check = Guard + ".Length(input.Length, InputSize, nameof(input), \"InputSize\");";
            }
            c.W.Lines($$"""
                {{doc}}
                {{signature}}
                {
                    {{check}}
                    {{Guard}}.Length({{s.OutputsName}}.Length, OutputSize, nameof({{s.OutputsName}}), "OutputSize");
                    {{k}}.Step(_parameters, state.Values, {{(s.Token ? "token" : "input")}}, _stepScratch);
                    new {{ReadOnlySpan}}(_stepScratch, {{k}}.StepOutputOffset, OutputSize).CopyTo({{s.OutputsName}});
                }

                """);
        }

        private static void WriteComputeGradientsEntry(Context c, Surface s)
        {
            string k = KernelClass(c.Model);
            string trainSteps = s.Token ? "inputs.Length" : "inputs.Length / InputSize";
            string targetsDoc = c.Model.Head switch
            {
                Head.Softmax => s.EveryStep ? "one class id per step, mean cross-entropy over the steps" : "one class id for the last step, cross-entropy",
                Head.Linear => s.EveryStep ? "T × <see cref=\"OutputSize\"/> values, mean squared error over all of them" : "<see cref=\"OutputSize\"/> values for the last step, mean squared error",
                _ => "T × <see cref=\"OutputSize\"/> values, error-to-signal ratio" + (c.Model.PreEmphasis != 0f ? " after pre-emphasis" : ""),
            };
            string checks = s.Token
                ? Guard + ".WindowLength(inputs.Length, SequenceLength, nameof(inputs));\n" + Guard + ".Tokens(inputs, InputSize, nameof(inputs));"
                : Guard + ".Multiple(inputs.Length, InputSize, nameof(inputs), \"InputSize floats per step\");\n" + Guard + ".WindowLength(" + trainSteps + ", SequenceLength, nameof(inputs));";
            string targetChecks = s.Softmax
                ? (s.EveryStep
                    ? Guard + ".Length(targets.Length, steps, nameof(targets), \"one class per step\");"
                    : Guard + ".Length(targets.Length, 1, nameof(targets), \"one class: the head runs once, after the last step\");")
                  + "\n" + Guard + ".Tokens(targets, OutputSize, nameof(targets), \"OutputSize\", \"number of classes\");"
                : s.EveryStep
                    ? Guard + ".SequenceOutput(targets.Length, steps, OutputSize, nameof(targets));"
                    : Guard + ".Length(targets.Length, OutputSize, nameof(targets), \"OutputSize values for the last step\");";
            string dropout = HasDropout(c.Model) ? " Dropout layers draw their masks from <see cref=\"DropoutState\"/>." : "";
            c.W.Lines($$"""
                /// <summary>
                /// Forward over a window of 1 to <see cref="SequenceLength"/> steps{{(s.Bidirectional ? " (every layer from zero)" : " from <paramref name=\"state\"/>")}}, then backpropagation through time.
                /// Adds the gradients of the loss (<paramref name="targets"/>: {{targetsDoc}}) into <see cref="Gradients"/>,
                /// leaves {{(s.Bidirectional ? "the final states" : "the state at the window's end")}} in <paramref name="state"/> and returns the loss.{{dropout}}
                /// </summary>
                public float ComputeGradients({{s.InputSpan}} inputs, {{s.TargetSpan}} targets, ref State state)
                {
                """);
            c.W.Indent();
            c.W.Lines(checks);
            c.W.Line("int steps = " + trainSteps + ";");
            c.W.Lines(targetChecks);
            c.W.Unindent();
            c.W.Lines($$"""
                    {{Span}} tape = _tape;
                    LoadState(ref state);
                    {{(TrainsOnTheStepPath(c)
                        ? k + ".ForwardSteps(_parameters, tape, inputs, steps, _packedState, _stepScratch);"
                        : k + ".Forward(_parameters, tape, inputs, steps" + DropoutArguments(c, training: true) + ");")}}
                    float loss = {{k}}.Loss(tape, targets, steps);
                    {{k}}.Backward(_parameters, _gradients, tape, inputs, steps);
                    StoreState(ref state, steps);
                    return loss;
                }

                """);
        }

        private static void WriteStateTransfer(Context c, Surface s)
        {
            string k = KernelClass(c.Model);
            string load = s.Bidirectional
                ? k + ".ClearInitialState(_tape);"
                : "state.CopyTo(_packedState);\n" + k + ".LoadState(_packedState, _tape);";
            c.W.Line("/// <summary>Copies the state into the tape, where the first step reads it" + (s.Bidirectional ? " (here: zero, whatever the state holds)" : "") + ".</summary>");
            c.W.Open("private void LoadState(ref State state)");
            c.W.Lines(load);
            c.W.Close();
            c.W.Lines($$"""

                /// <summary>Copies the state after the window's last step from the tape back into the state.</summary>
                private void StoreState(ref State state, int steps)
                {
                    {{k}}.StoreState(_tape, steps, _packedState);
                    state.CopyFrom(_packedState);
                }

                """);
        }
    }
}
