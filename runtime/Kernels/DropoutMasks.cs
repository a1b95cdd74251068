using System;
using System.ComponentModel;

namespace RnnGen.Kernels;

/// <summary>
/// Dropout masks from a SplitMix64 generator whose whole state is one 64-bit integer (a model's <c>DropoutState</c>),
/// so a training run reproduces bit for bit and resumes from a saved state. Each value takes one draw: the generator
/// advances its state by 0x9E3779B97F4A7C15 and mixes it (Steele, Lea and Flood's SplitMix64); the top 24 bits u of the
/// result drop the value when u &lt; p·2²⁴ and otherwise keep it scaled by 1/(1 − p).
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class DropoutMasks
{
    /// <summary>Fills <paramref name="mask"/> with 0 (dropped) or 1/(1 − <paramref name="p"/>) (kept), one draw per value, in order.</summary>
    public static void Fill(Span<float> mask, float p, ref ulong state)
    {
        float scale = 1f / (1f - p);
        double threshold = (double)p * (1 << 24);
        ulong s = state;
        for (int i = 0; i < mask.Length; i++)
        {
            s += 0x9E3779B97F4A7C15UL;
            ulong z = s;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            z ^= z >> 31;
            mask[i] = (z >> 40) < threshold ? 0f : scale;
        }
        state = s;
    }
}
