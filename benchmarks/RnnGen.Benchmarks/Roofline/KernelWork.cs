using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using BenchmarkDotNet.Running;

namespace RnnGen.Benchmarks.Roofline;

/// <summary>What a kernel benchmark does per operation (one call of the benchmark method).</summary>
public enum KernelOperation
{
    /// <summary>One step of a single input: every weight is read once and used once.</summary>
    Step,

    /// <summary>Forward over a window of <see cref="KernelWorkAttribute.Steps"/> steps.</summary>
    Forward,

    /// <summary>ZeroGradients, then forward and backpropagation through time over one window.</summary>
    Gradients,

    /// <summary><see cref="Gradients"/>, then one Adam step over every parameter.</summary>
    Train,
}

/// <summary>
/// Marks a benchmark method as a kernel whose result the suite's columns print as GFLOP/s and as a percentage of
/// the machine's bound (see <see cref="KernelWork"/>). The model's cell and sizes come from the benchmark's
/// parameters (<c>Cell</c> with <c>Shape</c> for dense models, <c>Cell</c> with <c>Hidden</c> for the 65-token
/// character models), or, when <see cref="InputSize"/> is set, from this attribute.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class KernelWorkAttribute : Attribute
{
    /// <summary>Declares the operation and its number of time steps.</summary>
    public KernelWorkAttribute(KernelOperation operation, int steps)
    {
        Operation = operation;
        Steps = steps;
    }

    /// <summary>What one call does.</summary>
    public KernelOperation Operation { get; }

    /// <summary>Time steps per call (1 for <see cref="KernelOperation.Step"/>).</summary>
    public int Steps { get; }

    /// <summary>The cell, when the sizes are given here rather than by the benchmark's parameters.</summary>
    public CellKind Cell { get; set; }

    /// <summary>Input features (dense) or vocabulary (token); 0 means "from the benchmark's parameters".</summary>
    public int InputSize { get; set; }

    /// <summary>Hidden units, when <see cref="InputSize"/> is set.</summary>
    public int HiddenSize { get; set; }

    /// <summary>Head outputs, when <see cref="InputSize"/> is set.</summary>
    public int OutputSize { get; set; }

    /// <summary>Whether the input is a token id (a column gather, no multiply), when <see cref="InputSize"/> is set.</summary>
    public bool TokenInput { get; set; }
}

/// <summary>
/// The work of one call of a kernel benchmark, and its lower time bound on a machine (a roofline).
/// </summary>
/// <remarks>
/// <para>
/// Sizes: G gates (1 vanilla, 4 LSTM, 3 GRU), input I, hidden H, head O, T steps per call. Weight counts:
/// Wx = G·H·I (W_ih), Wh = G·H·H (W_hh), Wo = O·H (head). Parameters P = Wx + Wh + 2·G·H + Wo + O.
/// A token input is a column gather of W_ih, counted as 0 FLOP and 0 bytes, so Wx' = 0 for token models and Wx
/// otherwise.
/// </para>
/// <para>
/// FLOPs: every matrix-vector product counts 2 FLOP per weight per step (one multiply, one add). Biases,
/// activations, the cell update, softmax and loss are not counted.
/// Forward, per step: 2·(Wx' + Wh + Wo). Backward, per step: 2·Wx' (dW_ih) + 4·Wh (W_hhᵀ·δ and dW_hh) + 4·Wo
/// (W_oᵀ·δ and dW_o). Step and Forward count T × forward; Gradients and Train count T × (forward + backward);
/// Adam and ZeroGradients count no FLOPs.
/// </para>
/// <para>
/// Bound: the call is split into terms, each with FLOPs f, bytes b read from cache and a footprint (the bytes that
/// must stay cached for b to come from that level). A term takes at least max(f / FMA peak, b / bandwidth of the
/// level its footprint fits in, i.e. the smallest level larger than the footprint); the bound time is the sum over the terms, and the bound in GFLOP/s is the call's
/// FLOPs over that time. For a single matrix-vector product this is min(FMA peak, 0.5 FLOP/byte × bandwidth).
/// Terms (4 bytes per float):
/// Step: all weights, f = 2·(Wx' + Wh + Wo), b = 4·(Wx' + Wh + Wo), footprint 4·P.
/// Forward: recurrence f = 2·Wh·T, b = 4·Wh·T, footprint 4·Wh (W_hh is re-read every step and is all the
/// recurrence touches); input projection and head for the whole window f = 2·(Wx' + Wo)·T, b = 4·(Wx' + Wo)
/// (read once), footprint 4·P.
/// Gradients: Forward's terms, plus the backward recurrence W_hhᵀ·δ f = 2·Wh·T, b = 4·Wh·T, footprint 4·Wh; the
/// weight gradients as one product per window f = 2·(Wx' + Wh + Wo)·T, b = 8·(Wx' + Wh + Wo) (dW read and written
/// once), footprint 8·P; the head's W_oᵀ·δ for the window f = 2·Wo·T, b = 4·Wo, footprint 4·P; ZeroGradients
/// b = 4·P, footprint 4·P.
/// Train: Gradients' terms plus Adam b = 28·P (reads parameters, gradients and both moments, writes parameters
/// and both moments), footprint 16·P.
/// Writes are charged at the measured read bandwidth, which makes the bound optimistic (a higher bound), as it
/// should be.
/// </para>
/// </remarks>
public sealed record KernelWork(CellKind Cell, int InputSize, int HiddenSize, int OutputSize, bool TokenInput, KernelOperation Operation, int Steps)
{
    /// <summary>Gate blocks of the fused gate matrices: 1 (vanilla), 4 (LSTM: i, f, g, o) or 3 (GRU: r, z, n).</summary>
    public int Gates => Cell switch
    {
        CellKind.Lstm => 4,
        CellKind.Gru => 3,
        _ => 1,
    };

    /// <summary>Wx = G·H·I, the weights of W_ih.</summary>
    public long InputWeights => (long)Gates * HiddenSize * InputSize;

    /// <summary>Wh = G·H·H, the weights of W_hh.</summary>
    public long RecurrentWeights => (long)Gates * HiddenSize * HiddenSize;

    /// <summary>Wo = O·H, the weights of the head.</summary>
    public long HeadWeights => (long)OutputSize * HiddenSize;

    /// <summary>P, every parameter including the biases.</summary>
    public long ParameterCount => InputWeights + RecurrentWeights + 2L * Gates * HiddenSize + HeadWeights + OutputSize;

    /// <summary>Wx': the input weights that are multiplied (0 for a token input, which is a column gather).</summary>
    public long MultipliedInputWeights => TokenInput ? 0 : InputWeights;

    /// <summary>FLOPs of one call (see the remarks of <see cref="KernelWork"/>).</summary>
    public double Flops
    {
        get
        {
            double forward = 2.0 * (MultipliedInputWeights + RecurrentWeights + HeadWeights);
            double backward = 2.0 * MultipliedInputWeights + 4.0 * RecurrentWeights + 4.0 * HeadWeights;
            return Operation is KernelOperation.Step or KernelOperation.Forward
                ? Steps * forward
                : Steps * (forward + backward);
        }
    }

    /// <summary>The weight bytes a step re-reads: all of them for a single step, W_hh in a window.</summary>
    public long PerStepWeightBytes => Operation == KernelOperation.Step
        ? 4 * (MultipliedInputWeights + RecurrentWeights + HeadWeights)
        : 4 * RecurrentWeights;

    /// <summary>The footprint that decides the cache level of <see cref="PerStepWeightBytes"/>.</summary>
    public long PerStepFootprint => Operation == KernelOperation.Step ? 4 * ParameterCount : 4 * RecurrentWeights;

    /// <summary>The terms of the bound: FLOPs, bytes read and the footprint that decides their cache level.</summary>
    public IReadOnlyList<(string Name, double Flops, double Bytes, long Footprint)> Terms()
    {
        long p = ParameterCount;
        long wx = MultipliedInputWeights, wh = RecurrentWeights, wo = HeadWeights;
        int t = Steps;
        var terms = new List<(string, double, double, long)>();
        if (Operation == KernelOperation.Step)
        {
            terms.Add(("step", 2.0 * (wx + wh + wo), 4.0 * (wx + wh + wo), 4 * p));
            return terms;
        }

        terms.Add(("recurrence", 2.0 * wh * t, 4.0 * wh * t, 4 * wh));
        terms.Add(("input projection and head", 2.0 * (wx + wo) * t, 4.0 * (wx + wo), 4 * p));
        if (Operation == KernelOperation.Forward)
            return terms;

        terms.Add(("backward recurrence", 2.0 * wh * t, 4.0 * wh * t, 4 * wh));
        terms.Add(("weight gradients", 2.0 * (wx + wh + wo) * t, 8.0 * (wx + wh + wo), 8 * p));
        terms.Add(("head backward", 2.0 * wo * t, 4.0 * wo, 4 * p));
        terms.Add(("zero gradients", 0, 4.0 * p, 4 * p));
        if (Operation == KernelOperation.Train)
            terms.Add(("Adam", 0, 28.0 * p, 16 * p));
        return terms;
    }

    /// <summary>The least time one call can take on <paramref name="limits"/>, in nanoseconds.</summary>
    public double BoundNanoseconds(MachineLimits limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        double total = 0;
        foreach ((string _, double flops, double bytes, long footprint) in Terms())
        {
            double compute = flops / limits.FmaGflops;                  // GFLOP/s = FLOP/ns
            double memory = bytes / limits.Level(footprint).GBPerSecond; // GB/s = bytes/ns
            total += Math.Max(compute, memory);
        }
        return total;
    }

    /// <summary>The bound in GFLOP/s: <see cref="Flops"/> over <see cref="BoundNanoseconds"/>.</summary>
    public double BoundGflops(MachineLimits limits) => Flops / BoundNanoseconds(limits);

    /// <summary>The work of <paramref name="benchmarkCase"/>, or null if its method is not a kernel.</summary>
    public static KernelWork? Of(BenchmarkCase benchmarkCase)
    {
        ArgumentNullException.ThrowIfNull(benchmarkCase);
        KernelWorkAttribute? attribute = benchmarkCase.Descriptor.WorkloadMethod.GetCustomAttribute<KernelWorkAttribute>();
        if (attribute is null)
            return null;
        if (attribute.InputSize > 0)
        {
            return new KernelWork(attribute.Cell, attribute.InputSize, attribute.HiddenSize, attribute.OutputSize,
                attribute.TokenInput, attribute.Operation, attribute.Steps);
        }

        object? cell = Parameter(benchmarkCase, "Cell");
        if (cell is not CellKind cellKind)
            return null;
        if (Parameter(benchmarkCase, "Shape") is StepShape shape)
        {
            return new KernelWork(cellKind, Shapes.InputSize(shape), Shapes.HiddenSize(shape), Shapes.DenseOutputSize,
                TokenInput: false, attribute.Operation, attribute.Steps);
        }
        if (Parameter(benchmarkCase, "Hidden") is int hidden)
        {
            return new KernelWork(cellKind, TokenBenchmarks.Vocabulary, hidden, TokenBenchmarks.Vocabulary,
                TokenInput: true, attribute.Operation, attribute.Steps);
        }
        return null;
    }

    private static object? Parameter(BenchmarkCase benchmarkCase, string name) =>
        benchmarkCase.Parameters.Items.FirstOrDefault(item => item.Name == name)?.Value;
}
