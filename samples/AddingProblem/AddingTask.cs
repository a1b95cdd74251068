using System;

namespace AddingProblem;

/// <summary>
/// The adding problem (Hochreiter and Schmidhuber, 1997): each step brings a random value in [0, 1) and a marker;
/// exactly two steps are marked, the first within the first <see cref="FirstMarkerRange"/> steps, and the answer after
/// the last step is the sum of the two marked values. The first marked value must be held for at least
/// <see cref="Gap"/> steps. Always answering 1 (the mean) gives a mean squared error of 1/6.
/// </summary>
public static class AddingTask
{
    /// <summary>Steps per sequence.</summary>
    public const int Length = 60;

    /// <summary>The first marker falls in steps [0, FirstMarkerRange).</summary>
    public const int FirstMarkerRange = 10;

    /// <summary>The shortest distance from the first marker to the answer.</summary>
    public const int Gap = Length - FirstMarkerRange;

    /// <summary>Features per step: the value and the marker.</summary>
    public const int Features = 2;

    /// <summary>An answer within this of the true sum counts as right (the 1997 paper's criterion).</summary>
    public const float Tolerance = 0.04f;

    /// <summary>Fills <paramref name="inputs"/> (Length × 2) with one sequence and returns its answer.</summary>
    public static float Fill(Random random, Span<float> inputs)
    {
        if (inputs.Length != Length * Features)
            throw new ArgumentException($"inputs holds {inputs.Length} floats; a sequence is {Length * Features}.", nameof(inputs));
        int first = random.Next(FirstMarkerRange);
        int second = random.Next(FirstMarkerRange, Length);
        float sum = 0;
        for (int t = 0; t < Length; t++)
        {
            float value = random.NextSingle();
            bool marked = t == first || t == second;
            inputs[t * Features] = value;
            inputs[t * Features + 1] = marked ? 1f : 0f;
            if (marked)
                sum += value;
        }
        return sum;
    }
}
