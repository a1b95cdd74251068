using System.Diagnostics;
using RnnGen;

// A state that decays toward zero: biases zero, input zero, W_hh as initialized (scaled by 0.8 for the tanh RNN so it
// decays at all), from a random state. Every step of the 700-step trajectory is timed on its own; each trajectory is
// run 15 times after a second of warm-up and the best time per step kept (the machine is shared); steps are then grouped by the size of the
// largest state value after the step. Without flushing, the state passes through tiny normal values (whose products
// with the weights are subnormal) and then subnormal ones before it reaches zero; RnnGen stores state values below
// VectorMath.StateFloor (2^-64) as zero, so those groups should be empty.
//   dotnet run -c Release --project benchmarks/Denormals
const int Steps = 700;
const int Runs = 15;
float[] input = new float[64];
float[] logits = new float[16];

Decay(new Rnn64x128(), 0.8f, (Rnn64x128 m, ref Rnn64x128.State s) => m.Step(input, ref s, logits));
Decay(new Lstm64x128(), 1f, (Lstm64x128 m, ref Lstm64x128.State s) => m.Step(input, ref s, logits));
Decay(new Gru64x128(), 1f, (Gru64x128 m, ref Gru64x128.State s) => m.Step(input, ref s, logits));

void Decay<TModel, TState>(TModel model, float recurrentScale, StepFunction<TModel, TState> step)
    where TModel : IRnnModel where TState : struct, IRnnState
{
    model.InitializeParameters(1);
    foreach (ParameterInfo p in model.Layout)
    {
        Span<float> values = model.Parameter(p.Name);
        if (p.Name.StartsWith("bias", StringComparison.Ordinal))
            values.Clear();
        else if (p.Name == "weight_hh_l0")
            foreach (ref float w in values)
                w *= recurrentScale;
    }
    var random = new Random(3);
    float[] start = new float[default(TState).Length];
    for (int i = 0; i < start.Length; i++)
        start[i] = (float)(random.NextDouble() * 2 - 1);

    // Warm up for a second first, so the JIT has replaced the first, unoptimized code of every method on the path.
    var warmUp = Stopwatch.StartNew();
    while (warmUp.Elapsed.TotalSeconds < 1)
    {
        TState state = default;
        state.CopyFrom(start);
        for (int k = 0; k < Steps; k++)
            step(model, ref state);
    }

    double[] best = Enumerable.Repeat(double.MaxValue, Steps).ToArray();
    string[] group = new string[Steps];
    float[] packed = new float[start.Length];
    for (int run = 0; run < Runs; run++)
    {
        TState state = default;
        state.CopyFrom(start);
        for (int k = 0; k < Steps; k++)
        {
            long t0 = Stopwatch.GetTimestamp();
            step(model, ref state);
            long t1 = Stopwatch.GetTimestamp();
            best[k] = Math.Min(best[k], (t1 - t0) * 1e9 / Stopwatch.Frequency);
            state.CopyTo(packed);
            group[k] = Group(packed.Max(MathF.Abs));
        }
    }
    string name = typeof(TModel).Name;
    foreach (string g in new[] { "≥ 1e-30", "normal < 1e-30", "subnormal", "zero" })
    {
        double[] times = Enumerable.Range(0, Steps).Where(k => group[k] == g).Select(k => best[k]).Order().ToArray();
        Console.WriteLine(times.Length == 0
            ? $"{name,-11} state {g,-15} {0,4} steps"
            : $"{name,-11} state {g,-15} {times.Length,4} steps, median {times[times.Length / 2],6:F0} ns/step");
    }
}

static string Group(float largest) => largest == 0 ? "zero" : float.IsSubnormal(largest) ? "subnormal" : largest < 1e-30f ? "normal < 1e-30" : "≥ 1e-30";

delegate void StepFunction<TModel, TState>(TModel model, ref TState state);

/// <summary>tanh RNN 64 → 128, 16 outputs.</summary>
[RnnModel(CellKind.Rnn, 64, 128, 16, Input = InputKind.Dense)]
public partial class Rnn64x128;

/// <summary>LSTM 64 → 128, 16 outputs.</summary>
[RnnModel(CellKind.Lstm, 64, 128, 16, Input = InputKind.Dense)]
public partial class Lstm64x128;

/// <summary>GRU 64 → 128, 16 outputs.</summary>
[RnnModel(CellKind.Gru, 64, 128, 16, Input = InputKind.Dense)]
public partial class Gru64x128;
