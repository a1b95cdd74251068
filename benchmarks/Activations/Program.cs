using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using RnnGen.Kernels;

// What the accuracy of the activation functions costs a small LSTM step: RnnGen's (VectorMath: exp-based, tanh ≤ 2 ulp,
// sigmoid ≤ 4 ulp) against the approximations of RTNeural's Eigen backend (Eigen's rational tanh, and a sigmoid made
// from it: 0.5·tanh(x/2) + 0.5). Three measurements, interleaved and repeated, best of the rounds:
//   1. accuracy over every 251st float (ulp of the float nearest to the exact value, where that is a normal float;
//      the largest absolute error everywhere);
//   2. time per eight values over 2,048 floats in L1;
//   3. one step of LSTM 1→H + Dense(H→1), H = 8, 12, 40, hand-written like the step path (gates of 8 units side by
//      side, weights in the layout a column-major kernel streams), once with each set of activations.
// dotnet run -c Release --project benchmarks/Activations
if (!Avx2.IsSupported || !Fma.IsSupported)
{
    Console.Error.WriteLine("This experiment needs AVX2 and FMA.");
    return 2;
}
Console.WriteLine("1. accuracy over every 251st float");
Accuracy.Print("RnnGen tanh (VectorMath.Tanh)", VectorMath.Tanh, Math.Tanh);
Accuracy.Print("Eigen tanh (rational 13/6)", Approximate.Tanh, Math.Tanh);
Accuracy.Print("RnnGen sigmoid (VectorMath.Sigmoid)", VectorMath.Sigmoid, x => 1 / (1 + Math.Exp(-x)));
Accuracy.Print("tanh-based sigmoid (0.5·tanh(x/2) + 0.5)", Approximate.Sigmoid, x => 1 / (1 + Math.Exp(-x)));

Console.WriteLine("\n2. ns per eight values (2,048 floats in L1, best of 15 rounds)");
var times = new Dictionary<string, double>();
float[] source = Enumerable.Range(0, 2048).Select(i => (i % 97 - 48) * 0.13f).ToArray();
float[] target = new float[2048];
for (int round = 0; round < 15; round++)
{
    Throughput.Time(times, "RnnGen tanh", () => Throughput.Apply<AccurateTanh>(source, target));
    Throughput.Time(times, "Eigen tanh", () => Throughput.Apply<ApproximateTanh>(source, target));
    Throughput.Time(times, "RnnGen sigmoid", () => Throughput.Apply<AccurateSigmoid>(source, target));
    Throughput.Time(times, "tanh-based sigmoid", () => Throughput.Apply<ApproximateSigmoid>(source, target));
}
foreach ((string name, double ns) in times)
    Console.WriteLine($"  {name,-20} {ns,6:F2} ns");

Console.WriteLine("\n3. one LSTM 1→H + Dense(H→1) step, ns per sample (200,000 samples, best of 10 rounds)");
foreach (int hidden in new[] { 8, 12, 40 })
{
    var cell = new LstmStep(hidden, seed: 1);
    double accurate = double.MaxValue, approximate = double.MaxValue;
    for (int round = 0; round < 10; round++)
    {
        accurate = Math.Min(accurate, cell.Time<Accurate>());
        approximate = Math.Min(approximate, cell.Time<Approximate>());
    }
    Console.WriteLine($"  H = {hidden,2}: RnnGen's activations {accurate,6:F1} ns, Eigen's {approximate,6:F1} ns ({approximate / accurate:P0})");
}
return 0;

/// <summary>An activation set for <see cref="LstmStep"/>.</summary>
internal interface IActivations
{
    static abstract Vector256<float> Sigmoid(Vector256<float> x);
    static abstract Vector256<float> Tanh(Vector256<float> x);
}

internal readonly struct Accurate : IActivations
{
    public static Vector256<float> Sigmoid(Vector256<float> x) => VectorMath.Sigmoid(x);
    public static Vector256<float> Tanh(Vector256<float> x) => VectorMath.Tanh(x);
}

/// <summary>The activations of RTNeural's Eigen backend: Eigen's <c>generic_fast_tanh_float</c> and a sigmoid made from it.</summary>
internal readonly struct Approximate : IActivations
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Tanh(Vector256<float> a)
    {
        Vector256<float> x = Avx.Max(Vector256.Create(-7.90531110763549805f), Avx.Min(Vector256.Create(7.90531110763549805f), a));
        Vector256<float> tiny = Avx.CompareLessThan(Avx.AndNot(Vector256.Create(-0f), a), Vector256.Create(0.0004f));
        Vector256<float> x2 = x * x;
        Vector256<float> p = Fma.MultiplyAdd(x2, Vector256.Create(-2.76076847742355e-16f), Vector256.Create(2.00018790482477e-13f));
        p = Fma.MultiplyAdd(x2, p, Vector256.Create(-8.60467152213735e-11f));
        p = Fma.MultiplyAdd(x2, p, Vector256.Create(5.12229709037114e-08f));
        p = Fma.MultiplyAdd(x2, p, Vector256.Create(1.48572235717979e-05f));
        p = Fma.MultiplyAdd(x2, p, Vector256.Create(6.37261928875436e-04f));
        p = Fma.MultiplyAdd(x2, p, Vector256.Create(4.89352455891786e-03f));
        p = x * p;
        Vector256<float> q = Fma.MultiplyAdd(x2, Vector256.Create(1.19825839466702e-06f), Vector256.Create(1.18534705686654e-04f));
        q = Fma.MultiplyAdd(x2, q, Vector256.Create(2.26843463243900e-03f));
        q = Fma.MultiplyAdd(x2, q, Vector256.Create(4.89352518554385e-03f));
        return Avx.BlendVariable(Avx.Divide(p, q), a, tiny);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Sigmoid(Vector256<float> x) =>
        Fma.MultiplyAdd(Tanh(x * Vector256.Create(0.5f)), Vector256.Create(0.5f), Vector256.Create(0.5f));
}

internal readonly struct AccurateTanh : IUnary { public static Vector256<float> F(Vector256<float> x) => VectorMath.Tanh(x); }
internal readonly struct ApproximateTanh : IUnary { public static Vector256<float> F(Vector256<float> x) => Approximate.Tanh(x); }
internal readonly struct AccurateSigmoid : IUnary { public static Vector256<float> F(Vector256<float> x) => VectorMath.Sigmoid(x); }
internal readonly struct ApproximateSigmoid : IUnary { public static Vector256<float> F(Vector256<float> x) => Approximate.Sigmoid(x); }

internal interface IUnary
{
    static abstract Vector256<float> F(Vector256<float> x);
}

internal static class Throughput
{
    public static void Time(Dictionary<string, double> best, string name, Action run)
    {
        for (int i = 0; i < 100; i++)
            run();
        const int Calls = 5000;
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < Calls; i++)
            run();
        double ns = clock.Elapsed.TotalNanoseconds / Calls / 256;
        best[name] = best.TryGetValue(name, out double b) ? Math.Min(b, ns) : ns;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void Apply<T>(float[] source, float[] target) where T : IUnary
    {
        ref float x = ref MemoryMarshal.GetArrayDataReference(source);
        ref float y = ref MemoryMarshal.GetArrayDataReference(target);
        for (int i = 0; i < source.Length; i += 8)
            T.F(Vector256.LoadUnsafe(ref x, (nuint)i)).StoreUnsafe(ref y, (nuint)i);
    }
}

internal static class Accuracy
{
    public static void Print(string name, Func<Vector256<float>, Vector256<float>> f, Func<double, double> exact)
    {
        double worstUlps = 0, worstAt = 0, worstAbsolute = 0;
        Span<float> xs = stackalloc float[8];
        for (long bits = 0; bits < 1L << 32; bits += 251 * 8)
        {
            for (int k = 0; k < 8; k++)
                xs[k] = BitConverter.Int32BitsToSingle((int)(uint)(bits + 251 * k));
            Vector256<float> y = f(Vector256.Create<float>(xs));
            for (int k = 0; k < 8; k++)
            {
                float x = xs[k];
                if (!float.IsFinite(x))
                    continue;
                double e = exact(x);
                double error = Math.Abs(y[k] - e);
                worstAbsolute = Math.Max(worstAbsolute, error);
                float nearest = (float)e;
                if (Math.Abs(nearest) < 1.17549435e-38f)
                    continue;
                double ulp = MathF.BitIncrement(MathF.Abs(nearest)) - MathF.Abs(nearest);
                if (error / ulp > worstUlps)
                {
                    worstUlps = error / ulp;
                    worstAt = x;
                }
            }
        }
        string ulps = worstUlps > 1e6 ? "unbounded (0 where the exact value is a tiny normal float)" : $"{worstUlps:F2} ulp";
        Console.WriteLine($"  {name,-42} max {ulps} (at x = {worstAt:G6}), max absolute error {worstAbsolute:E2}");
    }
}

/// <summary>
/// One step of LSTM 1→H and a dense layer H→1, written as the step path would be with the weights streamed column by
/// column: for each group of eight units, its four gates accumulate W_ih·x + W_hh·h + b in registers, then the cell runs
/// on them. Only the activations differ between the two timings.
/// </summary>
internal sealed class LstmStep
{
    private readonly int _hidden, _groups, _columns;
    private readonly float[] _weights, _bias, _head;
    private readonly float[] _h, _c, _next;
    private readonly float[] _signal;

    public LstmStep(int hidden, int seed)
    {
        var random = new Random(seed);
        _hidden = hidden;
        _groups = (hidden + 7) / 8;
        _columns = 1 + hidden;
        float Draw() => (float)(random.NextDouble() - 0.5) * 0.6f;
        _weights = new float[_groups * _columns * 32];
        _bias = new float[_groups * 32];
        for (int g = 0; g < _groups; g++)
            for (int lane = 0; lane < 8 && g * 8 + lane < hidden; lane++)
                for (int gate = 0; gate < 4; gate++)
                {
                    _bias[g * 32 + gate * 8 + lane] = Draw();
                    for (int j = 0; j < _columns; j++)
                        _weights[(g * _columns + j) * 32 + gate * 8 + lane] = Draw();
                }
        _head = Enumerable.Range(0, hidden).Select(_ => Draw()).ToArray();
        _h = new float[_groups * 8];
        _c = new float[_groups * 8];
        _next = new float[_groups * 8];
        _signal = Enumerable.Range(0, 200_000).Select(i => MathF.Sin(i * 0.01f) * 0.5f).ToArray();
    }

    public static volatile float Sink;

    public double Time<T>() where T : IActivations
    {
        var clock = Stopwatch.StartNew();
        float sum = 0;
        foreach (float x in _signal)
            sum += Step<T>(x);
        Sink = sum;
        return clock.Elapsed.TotalNanoseconds / _signal.Length;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private float Step<T>(float input) where T : IActivations
    {
        ref float w = ref MemoryMarshal.GetArrayDataReference(_weights);
        ref float b = ref MemoryMarshal.GetArrayDataReference(_bias);
        ref float h = ref MemoryMarshal.GetArrayDataReference(_h);
        ref float c = ref MemoryMarshal.GetArrayDataReference(_c);
        ref float next = ref MemoryMarshal.GetArrayDataReference(_next);
        Vector256<float> x = Vector256.Create(input);
        for (int g = 0; g < _groups; g++)
        {
            ref float wg = ref Unsafe.Add(ref w, g * _columns * 32);
            Vector256<float> i = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref wg, 0), x, Vector256.LoadUnsafe(ref b, (nuint)(g * 32)));
            Vector256<float> f = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref wg, 8), x, Vector256.LoadUnsafe(ref b, (nuint)(g * 32 + 8)));
            Vector256<float> u = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref wg, 16), x, Vector256.LoadUnsafe(ref b, (nuint)(g * 32 + 16)));
            Vector256<float> o = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref wg, 24), x, Vector256.LoadUnsafe(ref b, (nuint)(g * 32 + 24)));
            for (int j = 0; j < _hidden; j++)
            {
                ref float column = ref Unsafe.Add(ref wg, (1 + j) * 32);
                Vector256<float> hj = Vector256.Create(Unsafe.Add(ref h, j));
                i = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref column, 0), hj, i);
                f = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref column, 8), hj, f);
                u = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref column, 16), hj, u);
                o = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref column, 24), hj, o);
            }
            Vector256<float> cell = Fma.MultiplyAdd(T.Sigmoid(f), Vector256.LoadUnsafe(ref c, (nuint)(g * 8)), T.Sigmoid(i) * T.Tanh(u));
            cell.StoreUnsafe(ref c, (nuint)(g * 8));
            (T.Sigmoid(o) * T.Tanh(cell)).StoreUnsafe(ref next, (nuint)(g * 8));
        }
        float y = 0;
        for (int k = 0; k < _hidden; k++)
        {
            y += _head[k] * Unsafe.Add(ref next, k);
            Unsafe.Add(ref h, k) = Unsafe.Add(ref next, k);
        }
        return y;
    }
}
