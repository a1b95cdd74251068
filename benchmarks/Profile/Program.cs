using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using RnnGen;

// Runs one workload of benchmarks/README.md's missed targets in a loop for a while, so that `perf record` (profile.sh)
// can attribute the time to the generated methods. Each loop is its own non-inlined method, so the model's methods
// keep their own frames. Prints the mean time per call (under the profiler: slower than BenchmarkDotNet's figures).
if (args.Length == 0 || !Workloads.Names.Contains(args[0]))
{
    Console.Error.WriteLine($"usage: Profile <{string.Join('|', Workloads.Names)}> [seconds]");
    return 2;
}
double seconds = args.Length > 1 ? double.Parse(args[1], CultureInfo.InvariantCulture) : 6;
(long calls, TimeSpan elapsed) = Workloads.Run(args[0], seconds);
Console.WriteLine($"{args[0]}: {elapsed.TotalMicroseconds / calls:F2} µs per call over {calls:N0} calls");
return 0;

/// <summary>The profiled workloads: the same shapes as the benchmarks.</summary>
internal static class Workloads
{
    private const int Window = 25;
    private const int Seed = 1;

    public static readonly string[] Names = ["lstm-step", "gru-step", "char-forward", "char-train", "amp-lstm12-step", "amp-lstm40-step"];

    public static (long Calls, TimeSpan Elapsed) Run(string name, double seconds)
    {
        float[] input = Enumerable.Range(0, 64).Select(i => MathF.Sin(i)).ToArray();
        float[] logits = new float[(Window + 1) * CharLstm128.OutputSize];
        int[] tokens = Enumerable.Range(0, Window + 1).Select(i => i * 7 % CharLstm128.InputSize).ToArray();
        var clock = Stopwatch.StartNew();
        long calls = 0;
        switch (name)
        {
            case "lstm-step":
            {
                var model = new Lstm64x128();
                model.InitializeParameters(Seed);
                var state = new Lstm64x128.State();
                while (clock.Elapsed.TotalSeconds < seconds)
                    calls += Steps(model, input, ref state, logits);
                break;
            }
            case "gru-step":
            {
                var model = new Gru64x128();
                model.InitializeParameters(Seed);
                var state = new Gru64x128.State();
                while (clock.Elapsed.TotalSeconds < seconds)
                    calls += Steps(model, input, ref state, logits);
                break;
            }
            case "char-forward":
            {
                var model = new CharLstm128();
                model.InitializeParameters(Seed);
                while (clock.Elapsed.TotalSeconds < seconds)
                    calls += Forwards(model, tokens.AsSpan(0, Window), logits.AsSpan(0, Window * CharLstm128.OutputSize));
                break;
            }
            case "amp-lstm12-step":
            {
                var model = new AmpLstm12();
                model.InitializeParameters(Seed);
                var state = new AmpLstm12.State();
                while (clock.Elapsed.TotalSeconds < seconds)
                    calls += AmpSteps(model, input, ref state, logits);
                break;
            }
            case "amp-lstm40-step":
            {
                var model = new AmpLstm40();
                model.InitializeParameters(Seed);
                var state = new AmpLstm40.State();
                while (clock.Elapsed.TotalSeconds < seconds)
                    calls += AmpSteps(model, input, ref state, logits);
                break;
            }
            default:
            {
                var model = new CharLstm128();
                model.InitializeParameters(Seed);
                var adam = new AdamOptimizer(CharLstm128.ParameterCount, 2e-3f);
                var state = new CharLstm128.State();
                while (clock.Elapsed.TotalSeconds < seconds)
                    calls += Trains(model, adam, tokens, ref state);
                break;
            }
        }
        return (calls, clock.Elapsed);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int Steps(Lstm64x128 model, float[] input, ref Lstm64x128.State state, float[] logits)
    {
        const int Calls = 10_000;
        Span<float> output = logits.AsSpan(0, Lstm64x128.OutputSize);
        for (int i = 0; i < Calls; i++)
            model.Step(input, ref state, output);
        return Calls;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int Steps(Gru64x128 model, float[] input, ref Gru64x128.State state, float[] logits)
    {
        const int Calls = 10_000;
        Span<float> output = logits.AsSpan(0, Gru64x128.OutputSize);
        for (int i = 0; i < Calls; i++)
            model.Step(input, ref state, output);
        return Calls;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int AmpSteps(AmpLstm12 model, float[] input, ref AmpLstm12.State state, float[] output)
    {
        const int Calls = 100_000;
        for (int i = 0; i < Calls; i++)
            model.Step(input.AsSpan(i & 63, 1), ref state, output.AsSpan(0, 1));
        return Calls;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int AmpSteps(AmpLstm40 model, float[] input, ref AmpLstm40.State state, float[] output)
    {
        const int Calls = 100_000;
        for (int i = 0; i < Calls; i++)
            model.Step(input.AsSpan(i & 63, 1), ref state, output.AsSpan(0, 1));
        return Calls;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int Forwards(CharLstm128 model, ReadOnlySpan<int> tokens, Span<float> logits)
    {
        const int Calls = 100;
        for (int i = 0; i < Calls; i++)
        {
            var state = new CharLstm128.State();
            model.Forward(tokens, ref state, logits);
        }
        return Calls;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int Trains(CharLstm128 model, AdamOptimizer adam, int[] tokens, ref CharLstm128.State state)
    {
        const int Calls = 10;
        for (int i = 0; i < Calls; i++)
        {
            model.ZeroGradients();
            model.ComputeGradients(tokens.AsSpan(0, Window), tokens.AsSpan(1, Window), ref state);
            adam.Step(model.Parameters, model.Gradients);
        }
        return Calls;
    }
}

/// <summary>LSTM 64 → 128 with a 16-output head, as in StepBenchmarks.</summary>
[RnnModel(CellKind.Lstm, 64, 128, 16, Input = InputKind.Dense)]
public partial class Lstm64x128;

/// <summary>GRU 64 → 128 with a 16-output head, as in StepBenchmarks.</summary>
[RnnModel(CellKind.Gru, 64, 128, 16, Input = InputKind.Dense)]
public partial class Gru64x128;

/// <summary>The character LSTM of the peers' CharSequence and Training benchmarks: one-hot 65 → LSTM 128 → 65.</summary>
[RnnModel(CellKind.Lstm, 65, 128, 65)]
public partial class CharLstm128;

/// <summary>An amp model of AmpBenchmarks: LSTM 1 → 12, then Dense(1), one sample per step.</summary>
[RnnModel(inputSize: 1, Input = InputKind.Dense, Head = HeadKind.Linear, SequenceLength = 2048)]
[Recurrent(CellKind.Lstm, 12)]
[Dense(1)]
public partial class AmpLstm12;

/// <summary>An amp model of AmpBenchmarks: LSTM 1 → 40, then Dense(1).</summary>
[RnnModel(inputSize: 1, Input = InputKind.Dense, Head = HeadKind.Linear, SequenceLength = 2048)]
[Recurrent(CellKind.Lstm, 40)]
[Dense(1)]
public partial class AmpLstm40;
