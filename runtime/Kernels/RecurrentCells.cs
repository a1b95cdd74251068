using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace RnnGen.Kernels;

/// <summary>
/// The elementwise part of each recurrent cell, forward and backward, for any hidden size (the length of the
/// hidden-state span): PyTorch's equations. New states below <see cref="VectorMath.StateFloor"/> are stored as zero.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class RecurrentCells
{
    private const int Lanes = 8;

    /// <summary>h = tanh(h) in place, with values below the state floor stored as zero (vanilla RNN, tanh).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void TanhState(Span<float> values)
    {
        ref float v0 = ref MemoryMarshal.GetReference(values);
        int i = 0;
        if (Elementwise.UseAvx2)
        {
            for (; i <= values.Length - Lanes; i += Lanes)
                VectorMath.FloorState(VectorMath.Tanh(Vector256.LoadUnsafe(ref v0, (nuint)i))).StoreUnsafe(ref v0, (nuint)i);
        }
        for (; i < values.Length; i++)
            values[i] = VectorMath.FloorState(MathF.Tanh(values[i]));
    }

    /// <summary>h = relu(h) in place (NaN stays NaN), with values below the state floor stored as zero (vanilla RNN, ReLU).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void ReluState(Span<float> values)
    {
        ref float v0 = ref MemoryMarshal.GetReference(values);
        int i = 0;
        if (Elementwise.UseAvx2)
        {
            for (; i <= values.Length - Lanes; i += Lanes)
                VectorMath.FloorState(Avx.Max(Vector256<float>.Zero, Vector256.LoadUnsafe(ref v0, (nuint)i))).StoreUnsafe(ref v0, (nuint)i);
        }
        for (; i < values.Length; i++)
            values[i] = VectorMath.FloorState(MathF.Max(0f, values[i]));
    }

    /// <summary>dL/da = dL/dh · (1 − h²) where h = tanh(a).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void TanhStateBackward(ReadOnlySpan<float> hidden, ReadOnlySpan<float> dh, Span<float> delta) =>
        Activations.TanhBackward(hidden, dh, delta);

    /// <summary>dL/da = dL/dh where h = relu(a) is positive, else 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void ReluStateBackward(ReadOnlySpan<float> hidden, ReadOnlySpan<float> dh, Span<float> delta)
    {
        hidden = hidden.Slice(0, delta.Length);
        dh = dh.Slice(0, delta.Length);
        int j = 0;
        if (Elementwise.UseAvx2)
        {
            for (; j <= delta.Length - Lanes; j += Lanes)
            {
                Vector256<float> positive = Avx.CompareGreaterThan(Vector256.LoadUnsafe(ref MemoryMarshal.GetReference(hidden), (nuint)j), Vector256<float>.Zero);
                Avx.And(positive, Vector256.LoadUnsafe(ref MemoryMarshal.GetReference(dh), (nuint)j)).StoreUnsafe(ref MemoryMarshal.GetReference(delta), (nuint)j);
            }
        }
        for (; j < delta.Length; j++)
            delta[j] = hidden[j] > 0f ? dh[j] : 0f;
    }

    /// <summary>
    /// LSTM: i, f, o = σ(·), g = tanh(·) of the pre-activations in <paramref name="gates"/> (left activated for the
    /// backward pass); c' = f·c + i·g; h' = o·tanh(c').
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Lstm(Span<float> gates, ReadOnlySpan<float> cell, Span<float> nextCell, Span<float> next)
    {
        int hiddenSize = next.Length;
        gates = gates.Slice(0, 4 * hiddenSize);
        Activations.Sigmoid(gates.Slice(0, 2 * hiddenSize));
        Activations.Tanh(gates.Slice(2 * hiddenSize, hiddenSize));
        Activations.Sigmoid(gates.Slice(3 * hiddenSize, hiddenSize));
        cell = cell.Slice(0, hiddenSize);
        nextCell = nextCell.Slice(0, hiddenSize);
        int j = 0;
        if (Elementwise.UseAvx2)
        {
            ref float gate = ref MemoryMarshal.GetReference(gates);
            for (; j <= hiddenSize - Lanes; j += Lanes)
            {
                Vector256<float> c = VectorMath.FloorState(Fma.MultiplyAdd(Vector256.LoadUnsafe(ref gate, (nuint)(hiddenSize + j)), Vector256.LoadUnsafe(ref MemoryMarshal.GetReference(cell), (nuint)j),
                    Vector256.LoadUnsafe(ref gate, (nuint)j) * Vector256.LoadUnsafe(ref gate, (nuint)(2 * hiddenSize + j))));
                c.StoreUnsafe(ref MemoryMarshal.GetReference(nextCell), (nuint)j);
                VectorMath.FloorState(VectorMath.Tanh(c) * Vector256.LoadUnsafe(ref gate, (nuint)(3 * hiddenSize + j))).StoreUnsafe(ref MemoryMarshal.GetReference(next), (nuint)j);
            }
        }
        for (; j < hiddenSize; j++)
        {
            nextCell[j] = VectorMath.FloorState(gates[hiddenSize + j] * cell[j] + gates[j] * gates[2 * hiddenSize + j]);
            next[j] = VectorMath.FloorState(MathF.Tanh(nextCell[j]) * gates[3 * hiddenSize + j]);
        }
    }

    /// <summary>
    /// LSTM backward: from dL/dh' (and dL/dc' flowing back in <paramref name="dc"/>) to the gate pre-activation deltas;
    /// leaves dL/dc of the previous step in <paramref name="dc"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void LstmBackward(ReadOnlySpan<float> gates, ReadOnlySpan<float> cell, ReadOnlySpan<float> nextCell, ReadOnlySpan<float> dh, Span<float> dc, Span<float> delta)
    {
        int hiddenSize = dc.Length;
        gates = gates.Slice(0, 4 * hiddenSize);
        delta = delta.Slice(0, 4 * hiddenSize);
        cell = cell.Slice(0, hiddenSize);
        nextCell = nextCell.Slice(0, hiddenSize);
        dh = dh.Slice(0, hiddenSize);
        int j = 0;
        if (Elementwise.UseAvx2)
        {
            ref float gate = ref MemoryMarshal.GetReference(gates);
            ref float d = ref MemoryMarshal.GetReference(delta);
            Vector256<float> one = Vector256.Create(1f);
            for (; j <= hiddenSize - Lanes; j += Lanes)
            {
                Vector256<float> i = Vector256.LoadUnsafe(ref gate, (nuint)j);
                Vector256<float> f = Vector256.LoadUnsafe(ref gate, (nuint)(hiddenSize + j));
                Vector256<float> g = Vector256.LoadUnsafe(ref gate, (nuint)(2 * hiddenSize + j));
                Vector256<float> o = Vector256.LoadUnsafe(ref gate, (nuint)(3 * hiddenSize + j));
                Vector256<float> tc = VectorMath.Tanh(Vector256.LoadUnsafe(ref MemoryMarshal.GetReference(nextCell), (nuint)j));
                Vector256<float> dhj = Vector256.LoadUnsafe(ref MemoryMarshal.GetReference(dh), (nuint)j);
                Vector256<float> dcj = Fma.MultiplyAdd(dhj * o, one - tc * tc, Vector256.LoadUnsafe(ref MemoryMarshal.GetReference(dc), (nuint)j));
                (dcj * g * i * (one - i)).StoreUnsafe(ref d, (nuint)j);
                (dcj * Vector256.LoadUnsafe(ref MemoryMarshal.GetReference(cell), (nuint)j) * f * (one - f)).StoreUnsafe(ref d, (nuint)(hiddenSize + j));
                (dcj * i * (one - g * g)).StoreUnsafe(ref d, (nuint)(2 * hiddenSize + j));
                (dhj * tc * o * (one - o)).StoreUnsafe(ref d, (nuint)(3 * hiddenSize + j));
                (dcj * f).StoreUnsafe(ref MemoryMarshal.GetReference(dc), (nuint)j);
            }
        }
        for (; j < hiddenSize; j++)
        {
            float i = gates[j], f = gates[hiddenSize + j], g = gates[2 * hiddenSize + j], o = gates[3 * hiddenSize + j];
            float tc = MathF.Tanh(nextCell[j]);
            float dcj = dc[j] + dh[j] * o * (1f - tc * tc);
            delta[j] = dcj * g * i * (1f - i);
            delta[hiddenSize + j] = dcj * cell[j] * f * (1f - f);
            delta[2 * hiddenSize + j] = dcj * i * (1f - g * g);
            delta[3 * hiddenSize + j] = dh[j] * tc * o * (1f - o);
            dc[j] = dcj * f;
        }
    }

    /// <summary>
    /// GRU: r, z = σ(x-side + h-side); n = tanh(x-side + r·(W_hn·h + b_hn)); h' = (1 − z)·n + z·h (PyTorch's GRU).
    /// <paramref name="gates"/> holds W_ih·x + b_ih and is left holding r, z, n; <paramref name="candidate"/> receives W_hn·h + b_hn.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Gru(Span<float> gates, ReadOnlySpan<float> recurrentGates, ReadOnlySpan<float> h, Span<float> next, Span<float> candidate)
    {
        int hiddenSize = next.Length;
        gates = gates.Slice(0, 3 * hiddenSize);
        recurrentGates = recurrentGates.Slice(0, 3 * hiddenSize);
        h = h.Slice(0, hiddenSize);
        candidate = candidate.Slice(0, hiddenSize);
        int j = 0;
        if (Elementwise.UseAvx2)
        {
            ref float gate = ref MemoryMarshal.GetReference(gates);
            ref float recurrent = ref MemoryMarshal.GetReference(recurrentGates);
            for (; j <= hiddenSize - Lanes; j += Lanes)
            {
                Vector256<float> r = VectorMath.Sigmoid(Vector256.LoadUnsafe(ref gate, (nuint)j) + Vector256.LoadUnsafe(ref recurrent, (nuint)j));
                Vector256<float> z = VectorMath.Sigmoid(Vector256.LoadUnsafe(ref gate, (nuint)(hiddenSize + j)) + Vector256.LoadUnsafe(ref recurrent, (nuint)(hiddenSize + j)));
                Vector256<float> c = Vector256.LoadUnsafe(ref recurrent, (nuint)(2 * hiddenSize + j));
                Vector256<float> n = VectorMath.Tanh(Fma.MultiplyAdd(r, c, Vector256.LoadUnsafe(ref gate, (nuint)(2 * hiddenSize + j))));
                r.StoreUnsafe(ref gate, (nuint)j);
                z.StoreUnsafe(ref gate, (nuint)(hiddenSize + j));
                n.StoreUnsafe(ref gate, (nuint)(2 * hiddenSize + j));
                c.StoreUnsafe(ref MemoryMarshal.GetReference(candidate), (nuint)j);
                VectorMath.FloorState(Fma.MultiplyAdd(z, Vector256.LoadUnsafe(ref MemoryMarshal.GetReference(h), (nuint)j) - n, n)).StoreUnsafe(ref MemoryMarshal.GetReference(next), (nuint)j);
            }
        }
        for (; j < hiddenSize; j++)
        {
            float r = 1f / (1f + MathF.Exp(-(gates[j] + recurrentGates[j])));
            float z = 1f / (1f + MathF.Exp(-(gates[hiddenSize + j] + recurrentGates[hiddenSize + j])));
            candidate[j] = recurrentGates[2 * hiddenSize + j];
            float n = MathF.Tanh(gates[2 * hiddenSize + j] + r * candidate[j]);
            gates[j] = r;
            gates[hiddenSize + j] = z;
            gates[2 * hiddenSize + j] = n;
            next[j] = VectorMath.FloorState((1f - z) * n + z * h[j]);
        }
    }

    /// <summary>
    /// GRU backward: from dL/dh' to the pre-activation deltas of the input side and of the recurrent side (they differ
    /// in the n gate, which sees the recurrent side through r); leaves the direct part dL/dh' · z in <paramref name="dh"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void GruBackward(ReadOnlySpan<float> gates, ReadOnlySpan<float> candidate, ReadOnlySpan<float> h, Span<float> dh, Span<float> deltaInput, Span<float> deltaRecurrent)
    {
        int hiddenSize = dh.Length;
        gates = gates.Slice(0, 3 * hiddenSize);
        deltaInput = deltaInput.Slice(0, 3 * hiddenSize);
        deltaRecurrent = deltaRecurrent.Slice(0, 3 * hiddenSize);
        candidate = candidate.Slice(0, hiddenSize);
        h = h.Slice(0, hiddenSize);
        int j = 0;
        if (Elementwise.UseAvx2)
        {
            ref float gate = ref MemoryMarshal.GetReference(gates);
            ref float input = ref MemoryMarshal.GetReference(deltaInput);
            ref float recurrent = ref MemoryMarshal.GetReference(deltaRecurrent);
            Vector256<float> one = Vector256.Create(1f);
            for (; j <= hiddenSize - Lanes; j += Lanes)
            {
                Vector256<float> r = Vector256.LoadUnsafe(ref gate, (nuint)j);
                Vector256<float> z = Vector256.LoadUnsafe(ref gate, (nuint)(hiddenSize + j));
                Vector256<float> n = Vector256.LoadUnsafe(ref gate, (nuint)(2 * hiddenSize + j));
                Vector256<float> d = Vector256.LoadUnsafe(ref MemoryMarshal.GetReference(dh), (nuint)j);
                Vector256<float> dn = d * (one - z) * (one - n * n);
                Vector256<float> dr = dn * Vector256.LoadUnsafe(ref MemoryMarshal.GetReference(candidate), (nuint)j) * r * (one - r);
                Vector256<float> dz = d * (Vector256.LoadUnsafe(ref MemoryMarshal.GetReference(h), (nuint)j) - n) * z * (one - z);
                dr.StoreUnsafe(ref input, (nuint)j);
                dz.StoreUnsafe(ref input, (nuint)(hiddenSize + j));
                dn.StoreUnsafe(ref input, (nuint)(2 * hiddenSize + j));
                dr.StoreUnsafe(ref recurrent, (nuint)j);
                dz.StoreUnsafe(ref recurrent, (nuint)(hiddenSize + j));
                (dn * r).StoreUnsafe(ref recurrent, (nuint)(2 * hiddenSize + j));
                (d * z).StoreUnsafe(ref MemoryMarshal.GetReference(dh), (nuint)j);
            }
        }
        for (; j < hiddenSize; j++)
        {
            float r = gates[j], z = gates[hiddenSize + j], n = gates[2 * hiddenSize + j];
            float d = dh[j];
            float dn = d * (1f - z) * (1f - n * n);
            float dr = dn * candidate[j] * r * (1f - r);
            float dz = d * (h[j] - n) * z * (1f - z);
            deltaInput[j] = dr;
            deltaInput[hiddenSize + j] = dz;
            deltaInput[2 * hiddenSize + j] = dn;
            deltaRecurrent[j] = dr;
            deltaRecurrent[hiddenSize + j] = dz;
            deltaRecurrent[2 * hiddenSize + j] = dn * r;
            dh[j] = d * z;
        }
    }
}
