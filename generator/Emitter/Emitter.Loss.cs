using RnnGen.Generator.Helpers;
using RnnGen.Generator.Model;

namespace RnnGen.Generator;

public sealed partial class RnnGenerator
{
    internal static partial class Emitter
    {
        private static void WriteLoss(Context c)
        {
            ModelSpec model = c.Model;
            bool every = model.Output == Output.EveryStep;
            string rows = every ? "steps * OutputSize" : "OutputSize";
            string head = $$"""
                ReadOnlySpan<float> outputs = tape.Slice(ModelOutputOffset, {{rows}});
                Span<float> gradient = tape.Slice({{ModelOutputDelta(c)}}Offset, {{rows}});
                """;
            switch (model.Head)
            {
                case Head.Softmax:
                    c.W.Lines($$"""
                        /// <summary>Mean cross-entropy of the logits against {{(every ? "one class per step" : "the class of the sequence")}}; leaves dL/dlogits in the tape.</summary>
                        public static float Loss(Span<float> tape, ReadOnlySpan<int> targets, int steps)
                        {
                        """);
                    c.W.Indent();
                    c.W.Lines(head);
                    c.W.Lines(every
                        ? """
                          float scale = 1f / steps;
                          float loss = 0f;
                          for (int t = 0; t < steps; t++)
                              loss += Losses.SoftmaxCrossEntropy(outputs.Slice(t * OutputSize, OutputSize), targets[t], scale, gradient.Slice(t * OutputSize, OutputSize));
                          return loss * scale;
                          """
                        : "return Losses.SoftmaxCrossEntropy(outputs, targets[0], 1f, gradient);");
                    break;
                case Head.Linear:
                    c.W.Lines("""
                        /// <summary>Mean squared error of the outputs against the targets (PyTorch's MSELoss); leaves dL/doutputs in the tape.</summary>
                        public static float Loss(Span<float> tape, ReadOnlySpan<float> targets, int steps)
                        {
                        """);
                    c.W.Indent();
                    c.W.Lines(head);
                    c.W.Line("return Losses.MeanSquaredError(outputs, targets.Slice(0, outputs.Length), gradient);");
                    break;
                default:
                    c.W.Lines($$"""
                        /// <summary>Error-to-signal ratio of the outputs against the targets{{(model.PreEmphasis != 0f ? " after the pre-emphasis y[t] − " + SourceWriter.FloatText(model.PreEmphasis) + "·y[t−1]" : "")}}; leaves dL/doutputs in the tape.</summary>
                        public static float Loss(Span<float> tape, ReadOnlySpan<float> targets, int steps)
                        {
                        """);
                    c.W.Indent();
                    c.W.Lines(head);
                    c.W.Line("return Losses.ErrorToSignalRatio(outputs, targets, steps, OutputSize, " + SourceWriter.Float(model.PreEmphasis) + ", gradient);");
                    break;
            }
            c.W.Unindent();
            c.W.Lines("""
                }

                """);
        }
    }
}
