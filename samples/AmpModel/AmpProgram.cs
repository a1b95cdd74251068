using System;
using System.Globalization;
using System.IO;
using RnnGen;

namespace AmpSample;

/// <summary>
/// The command line: parses the options, trains, evaluates, writes the WAV files and times inference. Public so the
/// tests can run it in-process. Exit codes: <see cref="Ok"/>, <see cref="Diverged"/>, <see cref="Usage"/>.
/// </summary>
public static class AmpProgram
{
    /// <summary>Done.</summary>
    public const int Ok = 0;

    /// <summary>Training diverged (NaN or infinite loss or gradients).</summary>
    public const int Diverged = 1;

    /// <summary>Bad arguments, or an output folder that cannot be created or written.</summary>
    public const int Usage = 2;

    /// <summary>The output folder when <c>--output</c> is not given (relative to the current directory).</summary>
    public const string DefaultOutput = "amp-output";

    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>What the command line asked for.</summary>
    public sealed record Options(AmpSettings Settings, string Output, bool Help);

    /// <summary>The help text.</summary>
    public static string Help => $"""
        Trains an RnnGen layer stack (Dense → LSTM → Dense, input skip, ESR loss with pre-emphasis) to imitate a
        synthetic drive circuit, then reports the held-out error, writes input/target/output WAV files and times inference.

        usage: dotnet run -c Release --project samples/AmpModel -- [options]

          --steps N           optimizer steps (default {AmpExperiment.DefaultSteps})
          --seed N            seeds the audio, the initial weights and the windows (default 1)
          --learning-rate X   Adam's learning rate at the start, decayed to a tenth by the end (default 0.01)
          --report-every N    a progress line every N steps (default 500)
          --output DIR        folder for input.wav, target.wav, output.wav (default ./{DefaultOutput}; created)
          -h, --help          this text

        exit codes: 0 done, 1 training diverged, 2 bad arguments or an output folder that cannot be written
        """;

    /// <summary>Parses <paramref name="args"/>; returns null and writes an error message on a mistake.</summary>
    public static Options? Parse(string[] args, out string? error)
    {
        ArgumentNullException.ThrowIfNull(args);
        var settings = new AmpSettings();
        string output = DefaultOutput;
        error = null;
        for (int i = 0; i < args.Length; i++)
        {
            string name = args[i];
            if (name is "-h" or "--help" or "-?")
                return new Options(settings, output, Help: true);
            if (name is not ("--steps" or "--seed" or "--learning-rate" or "--report-every" or "--output"))
            {
                error = name.StartsWith('-') ? $"unknown option '{name}'" : $"unexpected argument '{name}'";
                return null;
            }
            if (i + 1 >= args.Length)
            {
                error = $"{name} needs a value";
                return null;
            }
            string value = args[++i];
            switch (name)
            {
                case "--steps" when int.TryParse(value, NumberStyles.Integer, Invariant, out int steps) && steps >= 1:
                    settings = settings with { Steps = steps };
                    break;
                case "--seed" when int.TryParse(value, NumberStyles.Integer, Invariant, out int seed):
                    settings = settings with { Seed = seed };
                    break;
                case "--learning-rate" when float.TryParse(value, NumberStyles.Float, Invariant, out float rate) && rate > 0 && float.IsFinite(rate):
                    settings = settings with { LearningRate = rate };
                    break;
                case "--report-every" when int.TryParse(value, NumberStyles.Integer, Invariant, out int every) && every >= 1:
                    settings = settings with { ReportEvery = every };
                    break;
                case "--output" when value.Length > 0:
                    output = value;
                    break;
                default:
                    error = name switch
                    {
                        "--seed" => $"--seed takes an integer, not '{value}'",
                        "--learning-rate" => $"--learning-rate takes a positive number, not '{value}'",
                        "--output" => "--output takes a folder",
                        _ => $"{name} takes a positive integer, not '{value}'",
                    };
                    return null;
            }
        }
        return new Options(settings, output, Help: false);
    }

    /// <summary>Runs the program; returns its exit code.</summary>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        Options? options = Parse(args, out string? parseError);
        if (options is null)
        {
            stderr.WriteLine($"error: {parseError} (see --help)");
            return Usage;
        }
        if (options.Help)
        {
            stdout.WriteLine(Help);
            return Ok;
        }

        // The output folder is checked before training, so a typo does not cost a whole run.
        string folder = Path.GetFullPath(options.Output);
        if (CheckFolder(folder) is string folderError)
        {
            stderr.WriteLine($"error: cannot write to the output folder '{options.Output}': {folderError}");
            return Usage;
        }

        AmpSettings s = options.Settings;
        stdout.WriteLine(F($"model: Dense(8, tanh) → LSTM(16) → Dense(1) + input skip, {AmpModel.ParameterCount:N0} parameters, ESR loss after pre-emphasis {AmpExperiment.PreEmphasis}; kernels {AmpModel.ActiveKernelPath}"));
        stdout.WriteLine(F($"amp:   high-pass {SyntheticAmp.HighPassHz} Hz → tanh({SyntheticAmp.Gain}·x + {SyntheticAmp.Bias}) − tanh({SyntheticAmp.Bias}) → low-pass {SyntheticAmp.LowPassHz:N0} Hz → ×{SyntheticAmp.Level}, {SyntheticAmp.SampleRate:N0} Hz"));
        AmpData data = AmpData.Create(s.Seed, s.TrainingSeconds, s.HeldOutSeconds);
        stdout.WriteLine(F($"audio: {s.TrainingSeconds:F0} s to train on (seed {s.Seed}), {s.HeldOutSeconds:F0} s held out (seed {AmpData.HeldOutSeed(s.Seed)})"));
        stdout.WriteLine(F($"train: {s.Steps:N0} steps × {AmpExperiment.BatchSize} windows of {AmpExperiment.Window} samples, each after a {AmpExperiment.WarmUp}-sample warm-up; Adam {s.LearningRate:G3} decaying to {s.LearningRate / 10.0:G3}, clip norm {AmpExperiment.ClipNorm}"));
        stdout.WriteLine();

        AmpModel model = AmpExperiment.CreateModel(s.Seed);
        TrainingResult training = AmpExperiment.Train(model, data, s, p =>
            stdout.WriteLine(F($"step {p.Step.ToString("N0", Invariant).PadLeft(6)}/{p.Steps:N0}  training ESR {p.TrainingEsr:F4} (pre-emphasized)  {p.Elapsed.TotalSeconds,5:F1} s")));
        if (training.Diverged)
        {
            stderr.WriteLine(F($"error: training diverged at step {training.StepsTaken + 1:N0}: the loss or the gradient norm became NaN or infinite (that step was not applied); try a lower --learning-rate"));
            return Diverged;
        }
        double trainedSamples = (double)training.StepsTaken * AmpExperiment.BatchSize * AmpExperiment.Window;
        stdout.WriteLine(F($"trained {training.StepsTaken:N0} steps in {training.Elapsed.TotalSeconds:F1} s: {trainedSamples / training.Elapsed.TotalSeconds:N0} samples/s through ComputeGradients, plus the warm-ups"));
        stdout.WriteLine();

        Evaluation result = AmpExperiment.Evaluate(model, data);
        stdout.WriteLine(F($"held-out ESR ({s.HeldOutSeconds:F0} s from a zero state)    model   output = input   output = {result.BestGain:F2}·input"));
        stdout.WriteLine(F($"  Σ(y − ŷ)² / Σy²                     {result.Esr,7:F4}   {result.BaselineEsr,14:F4}   {result.BestGainEsr,19:F4}"));
        stdout.WriteLine(F($"  pre-emphasized (y[t] − 0.95·y[t−1]) {result.PreEmphasizedEsr,7:F4}   {result.BaselinePreEmphasizedEsr,14:F4}   {result.BestGainPreEmphasizedEsr,19:F4}"));
        stdout.WriteLine(F($"the model's ESR is {100 * result.Esr / result.BaselineEsr:F1}% of doing nothing's ({100 * result.PreEmphasizedEsr / result.BaselinePreEmphasizedEsr:F1}% pre-emphasized); {result.BestGain:F2} is the best fixed gain (the least plain ESR of any g·input)"));
        stdout.WriteLine();

        try
        {
            int clamped = 0;
            clamped += WavWriter.Write(Path.Combine(folder, "input.wav"), data.HeldOutInput, SyntheticAmp.SampleRate);
            clamped += WavWriter.Write(Path.Combine(folder, "target.wav"), data.HeldOutTarget, SyntheticAmp.SampleRate);
            clamped += WavWriter.Write(Path.Combine(folder, "output.wav"), result.Output, SyntheticAmp.SampleRate);
            stdout.WriteLine(F($"wrote input.wav, target.wav, output.wav to {folder} ({data.HeldOutInput.Length:N0} samples each, 16-bit PCM mono, {SyntheticAmp.SampleRate:N0} Hz{(clamped > 0 ? $"; {clamped:N0} samples clamped to ±1" : "")})"));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"error: cannot write the WAV files to '{options.Output}': {e.Message}");
            return Usage;
        }

        Speed speed = AmpExperiment.MeasureSpeed(model, data.HeldOutInput);
        double budget = 1e9 / SyntheticAmp.SampleRate;
        stdout.WriteLine(F($"speed over the held-out audio: Step {speed.StepNanoseconds:F0} ns/sample ({budget / speed.StepNanoseconds:N0}× real time), Forward in {speed.ForwardBlock}-sample blocks {speed.ForwardNanoseconds:F0} ns/sample ({budget / speed.ForwardNanoseconds:N0}× real time); Step and Forward differ by at most {speed.MaxStepForwardDifference:G2}"));
        return Ok;
    }

    /// <summary>Creates <paramref name="folder"/> and writes and deletes a file in it; returns why that failed, or null.</summary>
    private static string? CheckFolder(string folder)
    {
        try
        {
            Directory.CreateDirectory(folder);
            using (new FileStream(Path.Combine(folder, $".write-check-{Environment.ProcessId}"), FileMode.Create, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose))
            {
            }
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            return e.Message;
        }
    }

    private static string F(FormattableString text) => text.ToString(Invariant);
}
