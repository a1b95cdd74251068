using System;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace RnnGen;

/// <summary>Argument checks and hyperparameter conversions shared by the optimizers.</summary>
internal static class OptimizerArguments
{
    public static void ParameterCount(int parameterCount, int stateBuffers)
    {
        if (parameterCount <= 0)
            throw new ArgumentOutOfRangeException(nameof(parameterCount), parameterCount, "The parameter count must be positive.");
        if ((long)parameterCount * stateBuffers > Array.MaxLength)
            throw new ArgumentOutOfRangeException(nameof(parameterCount), parameterCount,
                $"The optimizer's {stateBuffers} state buffers would not fit in one array.");
    }

    /// <summary>PyTorch's check (<c>0.0 &lt;= value</c>), plus finiteness.</summary>
    public static void NonNegative(float value, string argument)
    {
        if (!(value >= 0f) || float.IsPositiveInfinity(value))
            throw new ArgumentOutOfRangeException(argument, value, $"{argument} must be finite and non-negative.");
    }

    /// <summary>PyTorch's check for Adam's betas (<c>0.0 &lt;= beta &lt; 1.0</c>).</summary>
    public static void UnitInterval(float value, string argument)
    {
        if (!(value >= 0f && value < 1f))
            throw new ArgumentOutOfRangeException(argument, value, $"{argument} must be in [0, 1).");
    }

    public static void Spans(int parameters, int gradients, int expected)
    {
        if (parameters != expected)
            ThrowLength("parameters", parameters, expected);
        if (gradients != expected)
            ThrowLength("gradients", gradients, expected);
    }

    public static void Index(int index, int count)
    {
        if ((uint)index >= (uint)count)
            throw new ArgumentOutOfRangeException(nameof(index), index, $"The optimizer has {count} state buffer(s).");
    }

    public static void State(long stepCount, int length, int expected)
    {
        if (stepCount < 0)
            throw new ArgumentOutOfRangeException(nameof(stepCount), stepCount, "The step count must be non-negative.");
        if (length != expected)
            ThrowLength("stateBuffers", length, expected);
    }

    /// <summary>
    /// A float hyperparameter as the double a Python literal with the same digits would be: PyTorch holds
    /// hyperparameters as Python floats and computes <c>1 - beta</c> and the bias corrections in double. Widening
    /// through the shortest decimal that round-trips makes <c>0.999f</c> mean 0.999 (not 0.99900001287…), so
    /// <c>1 - beta2</c> matches PyTorch's to float precision instead of differing in the fifth digit.
    /// </summary>
    public static double Widen(float value) =>
        double.Parse(value.ToString("R", CultureInfo.InvariantCulture), NumberStyles.Float, CultureInfo.InvariantCulture);

    [DoesNotReturn]
    private static void ThrowLength(string argument, int actual, int expected) =>
        throw new ArgumentException($"{argument} has {actual} elements; expected {expected} (the optimizer's parameter count).", argument);
}
