using System;
using RnnGen.Benchmarks.Baselines;

namespace RnnGen.Benchmarks;

/// <summary>
/// The proof, run in the setup of <see cref="SequenceBenchmarks"/> and <see cref="TokenBenchmarks"/>, that the
/// sequence baselines compute what the generated model computes from the same parameters: <c>Forward</c>'s logits,
/// then two training steps on the benchmark's window, after each the loss, every gradient (as ComputeGradients left
/// it; Adam does not change it), both of Adam's moments and every parameter. Two steps, because Adam's first update
/// does not depend on β1 and β2 (the bias correction cancels them) while its moments after the second do.
/// </summary>
/// <remarks>
/// The parameters are compared twice. Against the generated model's, an element whose gradient is within a few ε
/// (1e-8) of zero may move by a different part of one update, since Adam's step g/(|g| + ε) turns a rounding
/// difference of g into a large one there; so that comparison allows one learning rate. Adam itself is checked
/// strictly on its own: each baseline's parameters must be what the runtime's <see cref="AdamOptimizer"/> makes of
/// that baseline's own parameters and gradients.
/// </remarks>
internal static class SequenceCheck
{
    /// <summary>Logits and the loss: |error| ≤ 1e-4 · max(1, |value|).</summary>
    private const float ValueTolerance = 1e-4f;

    /// <summary>
    /// Gradients and Adam's moments: |error| ≤ 1e-4 × the largest |value| in the tensor. (The moments differ by about
    /// 1.3e-5 anyway: the baselines compute 1 − β2 from the float 0.999f, the runtime from the decimal 0.999 as
    /// PyTorch does; the bias correction cancels nearly all of it in the update.)
    /// </summary>
    private const float TensorTolerance = 1e-4f;

    /// <summary>Parameters against the generated model's: |error| ≤ one learning rate (see the remarks).</summary>
    private const float ParameterTolerance = 1f;

    /// <summary>
    /// Parameters against the runtime's Adam on the baseline's own gradients: |error| ≤ 0.05 × the learning rate,
    /// a few float ulps of a parameter near 0.2 at the benchmarks' rate of 1e-6.
    /// </summary>
    private const float AdamTolerance = 0.05f;

    private const int TrainingSteps = 2;

    /// <summary>
    /// Runs the generated model's <paramref name="forward"/> (which writes <paramref name="logits"/>) and
    /// <paramref name="train"/> (which returns the loss, its Adam being <paramref name="adam"/>) and both baselines on
    /// <paramref name="inputs"/> and <paramref name="targets"/>, throws at the first error beyond its tolerance, and
    /// prints the largest errors.
    /// </summary>
    public static void Run<TInput>(string name, IRnnModel model, AdamOptimizer adam, Action forward, float[] logits, Func<float> train,
        TInput[] inputs, int[] targets, ISequenceBaseline<TInput> scalar, ISequenceBaseline<TInput> vector)
        where TInput : unmanaged
    {
        Comparison<TInput>[] comparisons = [new(name, "scalar", scalar, model, adam), new(name, "Vector256", vector, model, adam)];

        forward();
        foreach (Comparison<TInput> comparison in comparisons)
            comparison.Forward(inputs, logits);

        for (int step = 1; step <= TrainingSteps; step++)
        {
            float loss = train();
            foreach (Comparison<TInput> comparison in comparisons)
                comparison.Train(step, inputs, targets, loss);
        }

        foreach (Comparison<TInput> comparison in comparisons)
            Console.WriteLine(comparison.Report());
    }

    /// <summary>One baseline against the generated model: the comparisons and the largest errors so far.</summary>
    private sealed class Comparison<TInput>
        where TInput : unmanaged
    {
        private readonly string _name;
        private readonly ISequenceBaseline<TInput> _baseline;
        private readonly IRnnModel _model;
        private readonly AdamOptimizer _adam;
        private readonly AdamOptimizer _referenceAdam;
        private readonly float[] _parameters;
        private readonly float[] _gradients;
        private float _logitError;
        private float _lossError;
        private float _gradientError;
        private float _momentError;
        private float _parameterError;
        private float _adamError;

        public Comparison(string name, string baselineName, ISequenceBaseline<TInput> baseline, IRnnModel model, AdamOptimizer adam)
        {
            _name = $"{name}, {baselineName} baseline";
            _baseline = baseline;
            _model = model;
            _adam = adam;
            _referenceAdam = new AdamOptimizer(model.ParameterCount, adam.LearningRate, adam.Beta1, adam.Beta2, adam.Epsilon);
            _parameters = new float[model.ParameterCount];
            _gradients = new float[model.ParameterCount];
        }

        /// <summary>Compares the baseline's logits with the generated model's <paramref name="expected"/>.</summary>
        public void Forward(TInput[] inputs, float[] expected)
        {
            var logits = new float[expected.Length];
            _baseline.Forward(inputs, logits);
            _logitError = ValueError(expected, logits, $"{_name}'s Forward logit");
        }

        /// <summary>One training step of the baseline, compared with the generated model's, which has just taken it.</summary>
        public void Train(int step, TInput[] inputs, int[] targets, float expectedLoss)
        {
            string what = $"{_name}'s training step {step}:";
            CopyFromBaseline(tensor => tensor.Values, _parameters);
            float loss = _baseline.Train(inputs, targets);
            _lossError = Math.Max(_lossError, ValueError([expectedLoss], [loss], what + " loss"));
            CopyFromBaseline(tensor => tensor.Gradient, _gradients);
            _referenceAdam.Step(_parameters, _gradients);

            foreach (ParameterInfo info in _model.Layout)
            {
                BaselineTensor tensor = _baseline.Tensor(info.Name);
                _gradientError = Math.Max(_gradientError, TensorError(_model.Gradients.Slice(info.Offset, info.Length), tensor.Gradient, $"{what} gradient of {info.Name}"));
                _momentError = Math.Max(_momentError, TensorError(_adam.FirstMoment.Slice(info.Offset, info.Length), tensor.FirstMoment, $"{what} first moment of {info.Name}"));
                _momentError = Math.Max(_momentError, TensorError(_adam.SecondMoment.Slice(info.Offset, info.Length), tensor.SecondMoment, $"{what} second moment of {info.Name}"));
                _parameterError = Math.Max(_parameterError,
                    UpdateError(_model.Parameter(info.Name), tensor.Values, ParameterTolerance, $"{what} {info.Name}, against the generated model's,"));
                _adamError = Math.Max(_adamError,
                    UpdateError(_parameters.AsSpan(info.Offset, info.Length), tensor.Values, AdamTolerance, $"{what} {info.Name}, against the runtime's Adam on its own gradients,"));
            }
        }

        /// <summary>The largest errors, one line.</summary>
        public string Report() =>
            $"{_name} vs generated, largest errors: Forward logits {_logitError:E2}; over {TrainingSteps} training steps: loss {_lossError:E2}, "
            + $"gradients {_gradientError:E2} and Adam moments {_momentError:E2} (of each tensor's largest), "
            + $"parameters {_parameterError:F3} × lr (runtime's Adam on the baseline's own gradients: {_adamError:F3} × lr)";

        /// <summary>Lays one part of every tensor of the baseline out as the model's buffers are.</summary>
        private void CopyFromBaseline(Func<BaselineTensor, Span<float>> part, float[] destination)
        {
            foreach (ParameterInfo info in _model.Layout)
                part(_baseline.Tensor(info.Name)).CopyTo(destination.AsSpan(info.Offset, info.Length));
        }

        /// <summary>The largest |actual − expected| in units of the learning rate; throws beyond <paramref name="tolerance"/>.</summary>
        private float UpdateError(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, float tolerance, string what)
        {
            float largest = 0f;
            for (int i = 0; i < expected.Length; i++)
            {
                float error = MathF.Abs(actual[i] - expected[i]) / _adam.LearningRate;
                if (!(error <= tolerance))
                    throw new InvalidOperationException($"{what} [{i}] is {actual[i]}, expected {expected[i]} (error {error:F3} × the learning rate, tolerance {tolerance}).");
                largest = MathF.Max(largest, error);
            }
            return largest;
        }
    }

    /// <summary>The largest |actual − expected| / max(1, |expected|); throws beyond <see cref="ValueTolerance"/>.</summary>
    private static float ValueError(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, string what)
    {
        float largest = 0f;
        for (int i = 0; i < expected.Length; i++)
        {
            float error = MathF.Abs(actual[i] - expected[i]) / MathF.Max(1f, MathF.Abs(expected[i]));
            if (!(error <= ValueTolerance))
                throw new InvalidOperationException($"{what} {i} is {actual[i]}, the generated model's {expected[i]} (relative error {error:E2}, tolerance {ValueTolerance:E0}).");
            largest = MathF.Max(largest, error);
        }
        return largest;
    }

    /// <summary>The largest |actual − expected| over the tensor's largest |expected|; throws beyond <see cref="TensorTolerance"/>.</summary>
    private static float TensorError(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, string what)
    {
        float scale = float.Epsilon; // so that an all-zero tensor must be matched exactly
        foreach (float value in expected)
            scale = MathF.Max(scale, MathF.Abs(value));
        float largest = 0f;
        for (int i = 0; i < expected.Length; i++)
        {
            float error = MathF.Abs(actual[i] - expected[i]) / scale;
            if (!(error <= TensorTolerance))
                throw new InvalidOperationException($"{what} [{i}] is {actual[i]}, the generated model's {expected[i]} (error {error:E2} of the tensor's largest {scale:E2}, tolerance {TensorTolerance:E0}).");
            largest = MathF.Max(largest, error);
        }
        return largest;
    }
}
