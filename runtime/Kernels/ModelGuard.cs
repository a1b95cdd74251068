using System;
using System.ComponentModel;
using System.Diagnostics.CodeAnalysis;

namespace RnnGen.Kernels;

/// <summary>
/// Argument checks shared by generated models. Generated code calls these at every public entry, before any
/// access without bounds checks; the throwing paths are kept out of line so the hot paths stay small.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class ModelGuard
{
    /// <summary>Throws unless <paramref name="actual"/> equals <paramref name="expected"/>.</summary>
    public static void Length(int actual, int expected, string argument, string what)
    {
        if (actual != expected)
            ThrowLength(actual, expected, argument, what);
    }

    /// <summary>Throws unless <paramref name="token"/> is in [0, <paramref name="inputSize"/>).</summary>
    public static void Token(int token, int inputSize, string argument)
    {
        if ((uint)token >= (uint)inputSize)
            ThrowToken(token, inputSize, argument, -1);
    }

    /// <summary>Throws unless every token is in [0, <paramref name="inputSize"/>).</summary>
    public static void Tokens(ReadOnlySpan<int> tokens, int inputSize, string argument) => Tokens(tokens, inputSize, argument, "InputSize", "vocabulary size");

    /// <summary>Throws unless every id is in [0, <paramref name="size"/>); the message names the size (e.g. OutputSize, number of classes).</summary>
    public static void Tokens(ReadOnlySpan<int> ids, int size, string argument, string sizeName, string sizeMeaning)
    {
        for (int i = 0; i < ids.Length; i++)
        {
            if ((uint)ids[i] >= (uint)size)
                throw new ArgumentOutOfRangeException(argument, ids[i],
                    $"{argument}[{i}] = {ids[i]} is outside [0, {size}): the model's {sizeName} is its {sizeMeaning}.");
        }
    }

    /// <summary>Throws unless a window length is in [1, <paramref name="sequenceLength"/>].</summary>
    public static void WindowLength(int length, int sequenceLength, string argument)
    {
        if (length < 1 || length > sequenceLength)
            ThrowWindow(length, sequenceLength, argument);
    }

    /// <summary>Throws unless a sequence has at least one step.</summary>
    public static void NotEmpty(int length, string argument)
    {
        if (length < 1)
            throw new ArgumentException("The sequence is empty: give at least one step.", argument);
    }

    /// <summary>Throws unless <paramref name="actual"/> is a positive multiple of <paramref name="width"/>.</summary>
    public static void Multiple(int actual, int width, string argument, string what)
    {
        if (actual < width || actual % width != 0)
            throw new ArgumentException(
                $"{argument} has {actual} elements; expected T × {width} ({what}) for some T ≥ 1.", argument);
    }

    /// <summary>Throws unless an output buffer holds exactly <paramref name="steps"/> × <paramref name="width"/> floats.</summary>
    public static void SequenceOutput(int actual, int steps, int width, string argument)
    {
        long expected = (long)steps * width;
        if (actual != expected)
            throw new ArgumentException(
                $"{argument} has {actual} elements; expected {expected} ({steps} steps × {width} outputs).", argument);
    }

    [DoesNotReturn]
    private static void ThrowLength(int actual, int expected, string argument, string what) =>
        throw new ArgumentException($"{argument} has {actual} elements; expected {expected} ({what}).", argument);

    [DoesNotReturn]
    private static void ThrowToken(int token, int inputSize, string argument, int index) =>
        throw new ArgumentOutOfRangeException(argument, token, index < 0
            ? $"Token {token} is outside [0, {inputSize}): the model's InputSize is its vocabulary size."
            : $"{argument}[{index}] = {token} is outside [0, {inputSize}): the model's InputSize is its vocabulary size.");

    [DoesNotReturn]
    private static void ThrowWindow(int length, int sequenceLength, string argument) =>
        throw new ArgumentException(
            $"{argument} has {length} steps; ComputeGradients takes 1 to {sequenceLength} (the model's SequenceLength; raise it in [RnnModel] for longer windows).",
            argument);
}
