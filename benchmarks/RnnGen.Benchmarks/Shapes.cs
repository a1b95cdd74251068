using System;

namespace RnnGen.Benchmarks;

/// <summary>The dense sizes <see cref="StepBenchmarks"/> and <see cref="SequenceBenchmarks"/> measure: input features → hidden width.</summary>
public enum StepShape
{
    /// <summary>64 → 32.</summary>
    I64_H32,

    /// <summary>64 → 128.</summary>
    I64_H128,

    /// <summary>128 → 256.</summary>
    I128_H256,

    /// <summary>256 → 512.</summary>
    I256_H512,
}

/// <summary>The sizes behind <see cref="StepShape"/>; the dense models' head has <see cref="DenseOutputSize"/> classes.</summary>
public static class Shapes
{
    /// <summary>Classes of the dense models' softmax head.</summary>
    public const int DenseOutputSize = 16;

    /// <summary>Input features of <paramref name="shape"/>.</summary>
    public static int InputSize(StepShape shape) => shape switch
    {
        StepShape.I64_H32 => 64,
        StepShape.I64_H128 => 64,
        StepShape.I128_H256 => 128,
        StepShape.I256_H512 => 256,
        _ => throw new ArgumentOutOfRangeException(nameof(shape), shape, null),
    };

    /// <summary>Hidden units of <paramref name="shape"/>.</summary>
    public static int HiddenSize(StepShape shape) => shape switch
    {
        StepShape.I64_H32 => 32,
        StepShape.I64_H128 => 128,
        StepShape.I128_H256 => 256,
        StepShape.I256_H512 => 512,
        _ => throw new ArgumentOutOfRangeException(nameof(shape), shape, null),
    };

    /// <summary>
    /// Checks that <paramref name="model"/> has the sizes the roofline columns assume for it, so that a change to
    /// <c>Models.cs</c> cannot silently skew the FLOP counts.
    /// </summary>
    public static void CheckSizes(IRnnModel model, CellKind cell, int inputSize, int hiddenSize, int outputSize)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (model.Cell != cell || model.InputSize != inputSize || model.HiddenSize != hiddenSize || model.OutputSize != outputSize || model.Layers != 1 || model.Bidirectional)
        {
            throw new InvalidOperationException(
                $"The model is {model.Cell} {model.InputSize}→{model.HiddenSize}→{model.OutputSize} ({model.Layers} layer(s), bidirectional {model.Bidirectional}); "
                + $"the benchmark expects one unidirectional {cell} layer {inputSize}→{hiddenSize}→{outputSize}.");
        }
    }

    /// <summary>Uniform values in [−1, 1) from <paramref name="random"/>.</summary>
    public static float[] RandomInputs(Random random, int count)
    {
        ArgumentNullException.ThrowIfNull(random);
        var values = new float[count];
        for (int i = 0; i < values.Length; i++)
            values[i] = (float)(random.NextDouble() * 2.0 - 1.0);
        return values;
    }

    /// <summary>Random class ids in [0, <paramref name="classes"/>).</summary>
    public static int[] RandomClasses(Random random, int count, int classes)
    {
        ArgumentNullException.ThrowIfNull(random);
        var values = new int[count];
        for (int i = 0; i < values.Length; i++)
            values[i] = random.Next(classes);
        return values;
    }

    /// <summary>Throws unless every value is finite.</summary>
    public static void CheckFinite(ReadOnlySpan<float> values, string what)
    {
        for (int i = 0; i < values.Length; i++)
        {
            if (!float.IsFinite(values[i]))
                throw new InvalidOperationException($"{what}: element {i} is {values[i]}.");
        }
    }
}
