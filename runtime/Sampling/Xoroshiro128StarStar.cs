using System;
using System.Numerics;

namespace RnnGen;

/// <summary>
/// The xoroshiro128** pseudo-random generator (Blackman and Vigna, 2018), seeded through SplitMix64: small, fast,
/// and defined only by 64-bit integer arithmetic, so a seed gives the same sequence on every machine and runtime.
/// Not for cryptography.
/// </summary>
public sealed class Xoroshiro128StarStar
{
    private ulong _s0;
    private ulong _s1;

    /// <summary>Creates a generator from a seed (see <see cref="Reseed"/>).</summary>
    public Xoroshiro128StarStar(int seed) => Reseed(seed);

    /// <summary>
    /// Restarts the sequence from <paramref name="seed"/>: the 128-bit state is the first two outputs of SplitMix64
    /// started at the seed sign-extended to 64 bits (never all zero, since SplitMix64 is a bijection of its counter).
    /// </summary>
    public void Reseed(int seed)
    {
        ulong x = unchecked((ulong)(long)seed);
        _s0 = SplitMix64(ref x);
        _s1 = SplitMix64(ref x);
    }

    /// <summary>
    /// The generator's position: its 128-bit state. Save it and set it back to continue the same sequence.
    /// </summary>
    /// <exception cref="ArgumentException">On set: both halves are zero, a state the generator never reaches.</exception>
    public (ulong S0, ulong S1) State
    {
        get => (_s0, _s1);
        set
        {
            if (value.S0 == 0 && value.S1 == 0)
                throw new ArgumentException("The all-zero state is not a valid xoroshiro128** state.", nameof(value));
            (_s0, _s1) = value;
        }
    }

    /// <summary>The next 64 random bits.</summary>
    public ulong NextUInt64()
    {
        ulong s0 = _s0;
        ulong s1 = _s1;
        ulong result = BitOperations.RotateLeft(s0 * 5, 7) * 9;
        s1 ^= s0;
        _s0 = BitOperations.RotateLeft(s0, 24) ^ s1 ^ (s1 << 16);
        _s1 = BitOperations.RotateLeft(s1, 37);
        return result;
    }

    /// <summary>A uniform double in [0, 1): the top 53 bits of <see cref="NextUInt64"/> times 2^−53.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>A uniform float in [0, 1): the top 24 bits of <see cref="NextUInt64"/> times 2^−24.</summary>
    public float NextSingle() => (NextUInt64() >> 40) * (1f / (1 << 24));

    /// <summary>One step of SplitMix64 (Steele, Lea and Flood, 2014): advances <paramref name="state"/> and returns its output.</summary>
    public static ulong SplitMix64(ref ulong state)
    {
        ulong z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
