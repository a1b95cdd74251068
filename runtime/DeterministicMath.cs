using System;

namespace RnnGen;

/// <summary>
/// Functions the runtime needs bit for bit the same on every machine. <see cref="Math.Exp"/> and
/// <see cref="Math.Pow"/> call the platform's C library, whose last bits differ between Linux, Windows and macOS;
/// these use only +, ×, /, floor and bit operations, which IEEE 754 fixes exactly.
/// </summary>
internal static class DeterministicMath
{
    private const double InvLn2 = 1.4426950408889634;
    // fdlibm's split of ln 2: the high part has 32 trailing zero bits, so k·Ln2Hi is exact for |k| < 2^20.
    private const double Ln2Hi = 6.93147180369123816490e-01;
    private const double Ln2Lo = 1.90821492927058770002e-10;

    /// <summary>
    /// e^<paramref name="x"/> for <paramref name="x"/> ≤ 0 (−∞ gives 0), within a few ulps; 0 below −708, where
    /// the result would be subnormal.
    /// </summary>
    public static double ExpNonPositive(double x)
    {
        if (!(x >= -708.0))
            return 0.0;
        // x = k·ln2 + r with |r| ≤ ln2/2; e^x = 2^k · e^r.
        double k = Math.Floor(x * InvLn2 + 0.5);
        double r = (x - k * Ln2Hi) - k * Ln2Lo;
        // Taylor series to r^12: the remainder is below 2e-16 relative for |r| ≤ 0.35.
        double p = 1.0 / 479001600;
        p = p * r + 1.0 / 39916800;
        p = p * r + 1.0 / 3628800;
        p = p * r + 1.0 / 362880;
        p = p * r + 1.0 / 40320;
        p = p * r + 1.0 / 5040;
        p = p * r + 1.0 / 720;
        p = p * r + 1.0 / 120;
        p = p * r + 1.0 / 24;
        p = p * r + 1.0 / 6;
        p = p * r + 0.5;
        p = p * r + 1.0;
        p = p * r + 1.0;
        // -1021 ≤ k ≤ 0 here, so 2^k is a normal double built from its exponent bits.
        return p * BitConverter.Int64BitsToDouble(((long)k + 1023) << 52);
    }

    /// <summary>
    /// <paramref name="b"/> to the power <paramref name="n"/> ≥ 0 by repeated squaring. Each squaring doubles the
    /// relative error, so it is at most about n ulps: for Adam's bias corrections, where β^t is multiplied by
    /// 1 − β and t·β^t ≤ 1/(e·(1 − β)), that is far below float precision.
    /// </summary>
    public static double Pow(double b, long n)
    {
        double result = 1.0;
        while (n != 0)
        {
            if ((n & 1) != 0)
                result *= b;
            b *= b;
            n >>= 1;
        }
        return result;
    }
}
