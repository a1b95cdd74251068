using System;
using System.ComponentModel;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace RnnGen.Kernels;

/// <summary>
/// The recurrent cells of the step path: one step, every gate's activation and the state update fused in one pass
/// over vectors padded to a multiple of eight (the gates of each kind side by side, each padded), so the AVX2 path
/// has no tails. The pads of the new state are set to zero, as the next matrix–vector product expects of its input.
/// New states below <see cref="VectorMath.StateFloor"/> are stored as zero, as in the window kernels.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class StepCells
{
    private const int Lanes = 8;

    /// <summary>
    /// LSTM: i, f, o = σ, g = tanh of the four padded gate blocks (in place); c = f·c + i·g in place; h = o·tanh(c) into
    /// <paramref name="hidden"/>. The activations run first as one pass over independent vectors and the update as a
    /// second, so the processor overlaps the vectors' long dependency chains (exp, division) instead of waiting on them.
    /// </summary>
    public static void Lstm(Span<float> gates, Span<float> cell, Span<float> hidden, int hiddenSize)
    {
        int padded = hidden.Length;
        gates = gates.Slice(0, 4 * padded);
        cell = cell.Slice(0, padded);
        int j = 0;
        if (Elementwise.UseAvx2)
        {
            ref float g = ref MemoryMarshal.GetReference(gates);
            ref float c = ref MemoryMarshal.GetReference(cell);
            ref float h = ref MemoryMarshal.GetReference(hidden);
            for (int k = 0; k < 2 * padded; k += Lanes)
                VectorMath.Sigmoid(Vector256.LoadUnsafe(ref g, (nuint)k)).StoreUnsafe(ref g, (nuint)k);
            for (int k = 2 * padded; k < 3 * padded; k += Lanes)
                VectorMath.Tanh(Vector256.LoadUnsafe(ref g, (nuint)k)).StoreUnsafe(ref g, (nuint)k);
            for (int k = 3 * padded; k < 4 * padded; k += Lanes)
                VectorMath.Sigmoid(Vector256.LoadUnsafe(ref g, (nuint)k)).StoreUnsafe(ref g, (nuint)k);
            for (; j < padded; j += Lanes)
            {
                Vector256<float> next = VectorMath.FloorState(Fma.MultiplyAdd(Vector256.LoadUnsafe(ref g, (nuint)(padded + j)), Vector256.LoadUnsafe(ref c, (nuint)j),
                    Vector256.LoadUnsafe(ref g, (nuint)j) * Vector256.LoadUnsafe(ref g, (nuint)(2 * padded + j))));
                next.StoreUnsafe(ref c, (nuint)j);
                VectorMath.FloorState(VectorMath.Tanh(next) * Vector256.LoadUnsafe(ref g, (nuint)(3 * padded + j))).StoreUnsafe(ref h, (nuint)j);
            }
        }
        else
        {
            for (; j < hiddenSize; j++)
            {
                float i = Sigmoid(gates[j]), f = Sigmoid(gates[padded + j]), u = MathF.Tanh(gates[2 * padded + j]), o = Sigmoid(gates[3 * padded + j]);
                gates[j] = i;
                gates[padded + j] = f;
                gates[2 * padded + j] = u;
                gates[3 * padded + j] = o;
                cell[j] = VectorMath.FloorState(f * cell[j] + i * u);
                hidden[j] = VectorMath.FloorState(MathF.Tanh(cell[j]) * o);
            }
        }
        ClearPads(cell, hiddenSize);
        ClearPads(hidden, hiddenSize);
    }

    /// <summary>
    /// GRU: r, z = σ(x-side + h-side), n = tanh(x-side + r·h-side) over the padded gate blocks, left in the input side's
    /// blocks (for a training pass to record); h' = (1 − z)·n + z·h into <paramref name="next"/>. Two passes, as
    /// <see cref="Lstm"/>.
    /// </summary>
    public static void Gru(Span<float> inputSide, ReadOnlySpan<float> recurrentSide, ReadOnlySpan<float> hidden, Span<float> next, int hiddenSize)
    {
        int padded = next.Length;
        inputSide = inputSide.Slice(0, 3 * padded);
        recurrentSide = recurrentSide.Slice(0, 3 * padded);
        hidden = hidden.Slice(0, padded);
        int j = 0;
        if (Elementwise.UseAvx2)
        {
            ref float x = ref MemoryMarshal.GetReference(inputSide);
            ref float r = ref MemoryMarshal.GetReference(recurrentSide);
            ref float h = ref MemoryMarshal.GetReference(hidden);
            ref float n = ref MemoryMarshal.GetReference(next);
            for (int k = 0; k < 2 * padded; k += Lanes)
                VectorMath.Sigmoid(Vector256.LoadUnsafe(ref x, (nuint)k) + Vector256.LoadUnsafe(ref r, (nuint)k)).StoreUnsafe(ref x, (nuint)k);
            for (; j < padded; j += Lanes)
            {
                Vector256<float> candidate = VectorMath.Tanh(Fma.MultiplyAdd(Vector256.LoadUnsafe(ref x, (nuint)j), Vector256.LoadUnsafe(ref r, (nuint)(2 * padded + j)), Vector256.LoadUnsafe(ref x, (nuint)(2 * padded + j))));
                candidate.StoreUnsafe(ref x, (nuint)(2 * padded + j));
                Vector256<float> update = Vector256.LoadUnsafe(ref x, (nuint)(padded + j));
                VectorMath.FloorState(Fma.MultiplyAdd(update, Vector256.LoadUnsafe(ref h, (nuint)j) - candidate, candidate)).StoreUnsafe(ref n, (nuint)j);
            }
        }
        else
        {
            for (; j < hiddenSize; j++)
            {
                float reset = Sigmoid(inputSide[j] + recurrentSide[j]);
                float update = Sigmoid(inputSide[padded + j] + recurrentSide[padded + j]);
                float candidate = MathF.Tanh(inputSide[2 * padded + j] + reset * recurrentSide[2 * padded + j]);
                inputSide[j] = reset;
                inputSide[padded + j] = update;
                inputSide[2 * padded + j] = candidate;
                next[j] = VectorMath.FloorState((1f - update) * candidate + update * hidden[j]);
            }
        }
        ClearPads(next, hiddenSize);
    }

    /// <summary>Vanilla RNN with tanh: h' = tanh(pre-activation) into <paramref name="next"/>.</summary>
    public static void TanhState(ReadOnlySpan<float> preActivation, Span<float> next, int hiddenSize)
    {
        preActivation.Slice(0, next.Length).CopyTo(next);
        RecurrentCells.TanhState(Elementwise.UseAvx2 ? next : next.Slice(0, hiddenSize));
        ClearPads(next, hiddenSize);
    }

    /// <summary>Vanilla RNN with ReLU: h' = relu(pre-activation) into <paramref name="next"/>.</summary>
    public static void ReluState(ReadOnlySpan<float> preActivation, Span<float> next, int hiddenSize)
    {
        preActivation.Slice(0, next.Length).CopyTo(next);
        RecurrentCells.ReluState(Elementwise.UseAvx2 ? next : next.Slice(0, hiddenSize));
        ClearPads(next, hiddenSize);
    }

    private static float Sigmoid(float x) => 1f / (1f + MathF.Exp(-x));

    private static void ClearPads(Span<float> values, int length)
    {
        for (int i = length; i < values.Length; i++)
            values[i] = 0f;
    }
}
