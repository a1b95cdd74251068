using System;
using System.Diagnostics;
using RnnGen;

namespace AmpSample;

/// <summary>The settings of one run; the defaults are the command line's.</summary>
public sealed record AmpSettings
{
    /// <summary>Optimizer steps.</summary>
    public int Steps { get; init; } = AmpExperiment.DefaultSteps;

    /// <summary>Seeds the audio, the initial parameters and the choice of windows.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Adam's learning rate at the first step; it decays to a tenth of it (<see cref="AmpExperiment.LearningRateAt"/>).</summary>
    public float LearningRate { get; init; } = 1e-2f;

    /// <summary>A progress report every this many steps (and after the last).</summary>
    public int ReportEvery { get; init; } = 500;

    /// <summary>Seconds of training audio.</summary>
    public double TrainingSeconds { get; init; } = 30;

    /// <summary>Seconds of held-out audio (another seed: other notes, sweeps and levels).</summary>
    public double HeldOutSeconds { get; init; } = 5;
}

/// <summary>Training and held-out audio: inputs and what the amp makes of them.</summary>
public sealed record AmpData(float[] TrainingInput, float[] TrainingTarget, float[] HeldOutInput, float[] HeldOutTarget)
{
    /// <summary>Generates both from <paramref name="seed"/>: the held-out audio from a seed derived from it, so it holds other notes.</summary>
    public static AmpData Create(int seed, double trainingSeconds, double heldOutSeconds)
    {
        float[] training = TestSignal.Generate(seed, trainingSeconds);
        float[] heldOut = TestSignal.Generate(HeldOutSeed(seed), heldOutSeconds);
        return new AmpData(training, SyntheticAmp.Process(training), heldOut, SyntheticAmp.Process(heldOut));
    }

    /// <summary>The held-out audio's seed for a run's seed.</summary>
    public static int HeldOutSeed(int seed) => unchecked(seed * 7919 + 104_729);
}

/// <summary>A progress report: the mean training loss (pre-emphasized ESR) of the windows since the previous report.</summary>
public readonly record struct AmpProgress(int Step, int Steps, double TrainingEsr, TimeSpan Elapsed);

/// <summary>How training ended.</summary>
/// <param name="StepsTaken">Optimizer steps completed.</param>
/// <param name="Diverged">The loss or the gradient norm became NaN or infinite; the step that saw it was not applied.</param>
/// <param name="FinalTrainingEsr">Mean training loss of the last report interval (NaN if diverged at once).</param>
/// <param name="Elapsed">Training time.</param>
public readonly record struct TrainingResult(int StepsTaken, bool Diverged, double FinalTrainingEsr, TimeSpan Elapsed);

/// <summary>Held-out results: the model's output and its ESR, and the ESR of the do-nothing baseline (output = input).</summary>
/// <remarks>
/// A second, harder baseline is the best a volume knob can do: output = g·input with g = Σxy/Σx² chosen on the held-out
/// audio itself, whose ESR is 1 − (Σxy)²/(Σx²·Σy²) (the smallest plain ESR of any g). A model below it has learned more
/// than a level.
/// </remarks>
public sealed record Evaluation(float[] Output, double Esr, double PreEmphasizedEsr, double BaselineEsr, double BaselinePreEmphasizedEsr, double BestGain, double BestGainEsr, double BestGainPreEmphasizedEsr);

/// <summary>Inference speed over the held-out audio, in nanoseconds per sample, and how far Step and Forward disagree.</summary>
public readonly record struct Speed(double StepNanoseconds, double ForwardNanoseconds, int ForwardBlock, double MaxStepForwardDifference);

/// <summary>
/// Trains <see cref="AmpModel"/> to imitate <see cref="SyntheticAmp"/>, the way amp-modelling trainers do it
/// (CoreAudioML / Automated-GuitarAmpModelling): random windows of the training audio, each preceded by a warm-up of
/// <see cref="WarmUp"/> samples run through <c>Forward</c> without gradients, the state it leaves carried into
/// <c>ComputeGradients</c> over the next <see cref="Window"/> samples; <see cref="BatchSize"/> windows per step, their
/// gradients averaged; gradient norm clipped to <see cref="ClipNorm"/>; Adam, its learning rate decayed along half a
/// cosine to a tenth (<see cref="LearningRateAt"/>).
/// </summary>
/// <remarks>
/// Why a warm-up rather than a zero state: inside a recording the amp's filters and the LSTM's memory are never at
/// rest, but a zero state is rest. Starting each window from zero would make the first samples of every window a
/// start-up transient the real amp never has there, and the model would spend capacity (and gradient) learning it. The
/// slowest part of the synthetic amp, the 200 Hz high-pass, has a time constant of 35 samples, so 200 samples of
/// warm-up leave it within e^−5.7 ≈ 0.3% of where it would be; the loss then only scores samples whose past the model has
/// seen. The held-out audio, by contrast, starts from silence, so it is evaluated from a zero state (as the amp is).
/// </remarks>
public static class AmpExperiment
{
    /// <summary>
    /// The pre-emphasis coefficient a of the loss, y[t] − a·y[t−1]: 0.95, as RnnGen's documentation suggests.
    /// (Automated-GuitarAmpModelling's "high_pass" pre-filter option is 1 − 0.85·z⁻¹, a little less steep.)
    /// </summary>
    public const float PreEmphasis = 0.95f;

    /// <summary>The longest window the model is declared for.</summary>
    public const int MaxWindow = 2048;

    /// <summary>Samples per gradient window.</summary>
    public const int Window = 1024;

    /// <summary>Samples run through Forward before each window to set its state.</summary>
    public const int WarmUp = 200;

    /// <summary>Windows per optimizer step.</summary>
    public const int BatchSize = 4;

    /// <summary>The global gradient norm is clipped to this.</summary>
    public const float ClipNorm = 1f;

    /// <summary>The command line's default number of steps.</summary>
    public const int DefaultSteps = 5000;

    /// <summary>A model with parameters initialized from <paramref name="seed"/>.</summary>
    public static AmpModel CreateModel(int seed)
    {
        var model = new AmpModel();
        model.InitializeParameters(seed);
        return model;
    }

    /// <summary>Trains <paramref name="model"/> on the training audio of <paramref name="data"/>.</summary>
    public static TrainingResult Train(AmpModel model, AmpData data, AmpSettings settings, Action<AmpProgress>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(settings);
        float[] input = data.TrainingInput, target = data.TrainingTarget;
        if (input.Length < WarmUp + Window)
            throw new ArgumentException($"The training audio holds {input.Length} samples; a window needs {WarmUp + Window}.", nameof(data));

        var optimizer = new AdamOptimizer(AmpModel.ParameterCount, settings.LearningRate);
        var random = new Random(settings.Seed);
        float[] warmUpOutput = new float[WarmUp];
        double intervalLoss = 0, lastReported = double.NaN;
        int intervalSteps = 0;
        long start = Stopwatch.GetTimestamp();
        for (int step = 1; step <= settings.Steps; step++)
        {
            optimizer.LearningRate = LearningRateAt(settings.LearningRate, step, settings.Steps);
            model.ZeroGradients();
            double loss = 0;
            for (int b = 0; b < BatchSize; b++)
            {
                int first = random.Next(WarmUp, input.Length - Window + 1);
                var state = new AmpModel.State();
                model.Forward(input.AsSpan(first - WarmUp, WarmUp), ref state, warmUpOutput);
                loss += model.ComputeGradients(input.AsSpan(first, Window), target.AsSpan(first, Window), ref state);
            }
            loss /= BatchSize;
            Span<float> gradients = model.Gradients;
            for (int i = 0; i < gradients.Length; i++)
                gradients[i] *= 1f / BatchSize;
            float norm = GradientClipping.ClipByGlobalNorm(gradients, ClipNorm);
            if (!double.IsFinite(loss) || !float.IsFinite(norm))
                return new TrainingResult(step - 1, Diverged: true, double.NaN, Stopwatch.GetElapsedTime(start));
            optimizer.Step(model.Parameters, gradients);

            intervalLoss += loss;
            intervalSteps++;
            if (step % settings.ReportEvery == 0 || step == settings.Steps)
            {
                lastReported = intervalLoss / intervalSteps;
                progress?.Invoke(new AmpProgress(step, settings.Steps, lastReported, Stopwatch.GetElapsedTime(start)));
                intervalLoss = 0;
                intervalSteps = 0;
            }
        }
        return new TrainingResult(settings.Steps, Diverged: false, lastReported, Stopwatch.GetElapsedTime(start));
    }

    /// <summary>
    /// The learning rate of <paramref name="step"/> (1-based) of <paramref name="steps"/>: half a cosine from
    /// <paramref name="peak"/> down to a tenth of it at the last step, so that the last steps refine rather than jitter.
    /// Measured with the defaults (seed 1, 5,000 steps, peak 0.01) at RnnGen commit ca2d42e: held-out ESR 0.0041
    /// (pre-emphasized 0.0011) with the decay, 0.0211 (0.0112) at a constant rate.
    /// </summary>
    public static float LearningRateAt(float peak, int step, int steps) =>
        (float)(peak * (0.55 + 0.45 * Math.Cos(Math.PI * (step - 1) / Math.Max(1, steps - 1))));

    /// <summary>Runs the held-out input through the model from a zero state and scores it, and the do-nothing baseline.</summary>
    public static Evaluation Evaluate(AmpModel model, AmpData data)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        float[] output = new float[data.HeldOutInput.Length];
        var state = new AmpModel.State();
        model.Forward(data.HeldOutInput, ref state, output);
        double products = 0, inputEnergy = 0;
        for (int t = 0; t < output.Length; t++)
        {
            products += (double)data.HeldOutInput[t] * data.HeldOutTarget[t];
            inputEnergy += (double)data.HeldOutInput[t] * data.HeldOutInput[t];
        }
        double gain = products / inputEnergy;
        float[] scaled = new float[output.Length];
        for (int t = 0; t < scaled.Length; t++)
            scaled[t] = (float)(gain * data.HeldOutInput[t]);
        return new Evaluation(output,
            Esr(data.HeldOutTarget, output), Esr(data.HeldOutTarget, output, PreEmphasis),
            Esr(data.HeldOutTarget, data.HeldOutInput), Esr(data.HeldOutTarget, data.HeldOutInput, PreEmphasis),
            gain, Esr(data.HeldOutTarget, scaled), Esr(data.HeldOutTarget, scaled, PreEmphasis));
    }

    /// <summary>
    /// The error-to-signal ratio Σ(y − ŷ)² / Σy² of <paramref name="output"/> ŷ against <paramref name="target"/> y, in
    /// double; with a non-zero <paramref name="preEmphasis"/> a, both are first filtered by v[t] − a·v[t−1] from t = 1.
    /// No ε in the denominator (the training loss adds 10⁻⁵ per sample, which matters only for near-silent windows).
    /// 0 is a perfect copy; 1 is as far off as outputting silence.
    /// </summary>
    public static double Esr(ReadOnlySpan<float> target, ReadOnlySpan<float> output, float preEmphasis = 0f)
    {
        if (output.Length != target.Length)
            throw new ArgumentException($"output holds {output.Length} samples; the target {target.Length}.", nameof(output));
        int first = preEmphasis != 0f ? 1 : 0;
        double errors = 0, energy = 0;
        for (int t = first; t < target.Length; t++)
        {
            double y = target[t], yHat = output[t];
            if (first == 1)
            {
                y -= preEmphasis * (double)target[t - 1];
                yHat -= preEmphasis * (double)output[t - 1];
            }
            errors += (y - yHat) * (y - yHat);
            energy += y * y;
        }
        return errors / energy;
    }

    /// <summary>
    /// Times <c>Step</c> over the whole input, one sample at a time, and <c>Forward</c> over it in blocks of
    /// <paramref name="block"/> samples, each from a zero state, after a warm-up pass of each; the best of
    /// <paramref name="repeats"/> passes counts. Also reports the largest difference between the two outputs.
    /// </summary>
    public static Speed MeasureSpeed(AmpModel model, ReadOnlySpan<float> input, int block = 2048, int repeats = 3)
    {
        ArgumentNullException.ThrowIfNull(model);
        float[] stepOutput = new float[input.Length];
        float[] forwardOutput = new float[input.Length];
        double bestStep = double.PositiveInfinity, bestForward = double.PositiveInfinity;
        for (int pass = 0; pass <= repeats; pass++)   // pass 0 warms up (tiered JIT, caches)
        {
            var state = new AmpModel.State();
            long start = Stopwatch.GetTimestamp();
            for (int t = 0; t < input.Length; t++)
                model.Step(input.Slice(t, 1), ref state, stepOutput.AsSpan(t, 1));
            double stepTime = Stopwatch.GetElapsedTime(start).TotalNanoseconds;

            state = new AmpModel.State();
            start = Stopwatch.GetTimestamp();
            for (int t = 0; t < input.Length; t += block)
            {
                int length = Math.Min(block, input.Length - t);
                model.Forward(input.Slice(t, length), ref state, forwardOutput.AsSpan(t, length));
            }
            double forwardTime = Stopwatch.GetElapsedTime(start).TotalNanoseconds;
            if (pass > 0)
            {
                bestStep = Math.Min(bestStep, stepTime);
                bestForward = Math.Min(bestForward, forwardTime);
            }
        }
        double difference = 0;
        for (int t = 0; t < input.Length; t++)
            difference = Math.Max(difference, Math.Abs(stepOutput[t] - forwardOutput[t]));
        return new Speed(bestStep / input.Length, bestForward / input.Length, block, difference);
    }
}
