using System;

namespace RnnGen.Tests.Matrix;

/// <summary>
/// The parameters of a case in rnn_matrix.json.gz, which the file does not store: the C# twin of
/// <c>parameter_values</c> in tests/fixtures/make_matrix_fixtures.py, bit for bit.
/// </summary>
/// <remarks>
/// Element <c>i</c> (counted from 0 over all tensors in <c>named_parameters()</c> order, the head
/// included, which is RnnGen's parameter buffer layout) is a uint32 hash of the case's
/// <c>parameter_seed</c> and <c>i</c>, mapped to float32 U(−1/√H, 1/√H). Every operation on
/// integers wraps mod 2^32; every operation on reals is a single float32 operation (no double,
/// no fused multiply-add), so the result is the same on every platform. Each case's
/// <c>parameter_check</c> lists a few (index, value) pairs to confirm it.
/// </remarks>
public static class MatrixParameters
{
    public static void Fill(Span<float> parameters, uint seed, int hiddenSize)
    {
        float bound = 1f / MathF.Sqrt(hiddenSize);
        for (int index = 0; index < parameters.Length; index++)
        {
            uint x = unchecked(seed * 0x9E3779B1u + (uint)index * 0x85EBCA77u);
            x ^= x >> 15;
            x = unchecked(x * 0x2C1B3C6Du);
            x ^= x >> 12;
            x = unchecked(x * 0x297A2D39u);
            x ^= x >> 15;
            float u = (x >> 8) * (1f / 16777216f);   // exact: 24 bits, in [0, 1)
            float value = (2f * u - 1f) * bound;
            parameters[index] = value;
        }
    }
}
