using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace RnnGen.Kernels;

/// <summary>
/// Elementwise functions on eight floats at a time, for the AVX2 path of generated kernels.
/// The algorithms are Cephes' <c>expf</c> and <c>tanhf</c> (degree-5 polynomials after range reduction).
/// Largest errors against double precision, measured over every finite float (4,278,190,080 inputs), in units in the
/// last place of the exact result rounded to float: <see cref="Tanh"/> 1.36 ulp (at x = 0.631), <see cref="Sigmoid"/>
/// 3.19 ulp (at x = −16.64; absolute error at most 8.9·10⁻⁸), <see cref="Exp"/> 1.26 ulp wherever e^x is a normal float
/// (measured before <see cref="Exp"/> built its scale in one step, which changes nothing where e^x is normal; the tests
/// measure again).
/// The tests (<c>VectorMathTests</c>) check tanh ≤ 2, sigmoid ≤ 4 and exp ≤ 2 ulp on every 251st float.
/// </summary>
public static class VectorMath
{
    private const float ExpHigh = 88.3762626647949f;
    private const float ExpLow = -87.3365447505531f; // ln(2^−126)
    private const float Log2E = 1.44269504088896341f;
    private const float Ln2High = 0.693359375f;
    private const float Ln2Low = -2.12194440e-4f;
    private const float TanhPolynomialLimit = 0.625f;

    /// <summary>
    /// The recurrent state's floor: a value of h or c smaller in magnitude than this (2^-64 ≈ 5.4·10⁻²⁰) is stored as zero.
    /// A state that decays toward zero would otherwise pass through values whose products with the weights, and then
    /// the values themselves, are subnormal floats, which the processor handles slowly; .NET cannot set the
    /// flush-to-zero mode. Next to any other term of a pre-activation (float32 resolves 1 part in 2^24) such a value
    /// changes nothing. The backward pass differentiates the stored values: a ReLU unit whose positive pre-activation
    /// was below the floor counts as inactive (PyTorch would pass its gradient through, at a value 2^-64 from the kink).
    /// </summary>
    public const float StateFloor = 5.42101086e-20f;

    /// <summary>
    /// e^x for eight floats. Inputs above 88.376 are clamped there, and inputs below −87.337 (where e^x stops being a
    /// normal float) are clamped there too, giving 2^−126. Requires AVX2 and FMA.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Exp(Vector256<float> x)
    {
        // Operand order matters: Min/Max return their second operand when either is NaN, so NaN propagates.
        x = Avx.Min(Vector256.Create(ExpHigh), Avx.Max(Vector256.Create(ExpLow), x));
        // x = n·ln2 + r, |r| ≤ ln2/2, with ln2 split in two for an exact n·ln2; n ≤ 127 keeps 2^n a normal float (at the
        // top, r stays below ln2/2 + 0.0002, still inside the polynomial's range).
        Vector256<float> n = Avx.Min(Avx.RoundToNearestInteger(Avx.Multiply(x, Vector256.Create(Log2E))), Vector256.Create(127f));
        Vector256<float> r = Fma.MultiplyAddNegated(n, Vector256.Create(Ln2High), x);
        r = Fma.MultiplyAddNegated(n, Vector256.Create(Ln2Low), r);
        Vector256<float> r2 = Avx.Multiply(r, r);
        Vector256<float> p = Vector256.Create(1.9875691500E-4f);
        p = Fma.MultiplyAdd(p, r, Vector256.Create(1.3981999507E-3f));
        p = Fma.MultiplyAdd(p, r, Vector256.Create(8.3334519073E-3f));
        p = Fma.MultiplyAdd(p, r, Vector256.Create(4.1665795894E-2f));
        p = Fma.MultiplyAdd(p, r, Vector256.Create(1.6666665459E-1f));
        p = Fma.MultiplyAdd(p, r, Vector256.Create(5.0000001201E-1f));
        p = Fma.MultiplyAdd(p, r2, Avx.Add(r, Vector256.Create(1f)));
        // Multiply by 2^n, n in [−126, 127], built in the exponent field.
        Vector256<float> scale = Avx2.ShiftLeftLogical(Avx2.Add(Avx.ConvertToVector256Int32(n), Vector256.Create(127)), 23).AsSingle();
        return Avx.Multiply(p, scale);
    }

    /// <summary>tanh(x) for eight floats. Requires AVX2 and FMA.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Tanh(Vector256<float> x)
    {
        Vector256<float> signMask = Vector256.Create(-0f);
        Vector256<float> ax = Avx.AndNot(signMask, x);

        // Small |x|: odd polynomial, x + x·z·P(z) with z = x².
        Vector256<float> z = Avx.Multiply(x, x);
        Vector256<float> p = Vector256.Create(-5.70498872745E-3f);
        p = Fma.MultiplyAdd(p, z, Vector256.Create(2.06390887954E-2f));
        p = Fma.MultiplyAdd(p, z, Vector256.Create(-5.37397155531E-2f));
        p = Fma.MultiplyAdd(p, z, Vector256.Create(1.33314422036E-1f));
        p = Fma.MultiplyAdd(p, z, Vector256.Create(-3.33332819422E-1f));
        Vector256<float> small = Fma.MultiplyAdd(Avx.Multiply(p, z), x, x);

        // Large |x|: 1 − 2 / (e^{2|x|} + 1), with the sign of x.
        Vector256<float> e = Exp(Avx.Add(ax, ax));
        Vector256<float> large = Avx.Subtract(Vector256.Create(1f), Avx.Divide(Vector256.Create(2f), Avx.Add(e, Vector256.Create(1f))));
        large = Avx.Or(large, Avx.And(signMask, x));

        Vector256<float> useSmall = Avx.CompareLessThanOrEqual(ax, Vector256.Create(TanhPolynomialLimit));
        Vector256<float> result = Avx.BlendVariable(large, small, useSmall);
        // NaN in, NaN out (both comparisons above are false for NaN, so propagate explicitly).
        Vector256<float> isNaN = Avx.CompareUnordered(x, x);
        return Avx.BlendVariable(result, x, isNaN);
    }

    /// <summary>
    /// <paramref name="x"/> with every lane smaller in magnitude than <see cref="StateFloor"/> set to zero; NaN, infinities and
    /// every other value unchanged. Requires AVX.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> FloorState(Vector256<float> x)
    {
        // "Not less than" is true for NaN, so NaN is kept.
        Vector256<float> keep = Avx.CompareNotLessThan(Avx.AndNot(Vector256.Create(-0f), x), Vector256.Create(StateFloor));
        return Avx.And(keep, x);
    }

    /// <summary><paramref name="x"/>, or zero when it is smaller in magnitude than <see cref="StateFloor"/> (NaN is kept).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float FloorState(float x) => System.MathF.Abs(x) < StateFloor ? 0f : x;

    /// <summary>The logistic function 1 / (1 + e^−x) for eight floats. Requires AVX2 and FMA.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Sigmoid(Vector256<float> x)
    {
        Vector256<float> one = Vector256.Create(1f);
        return Avx.Divide(one, Avx.Add(one, Exp(Avx.Subtract(Vector256<float>.Zero, x))));
    }
}
