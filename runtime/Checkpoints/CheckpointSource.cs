using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace RnnGen;

/// <summary>One tensor a reader expects or a writer writes: its name, shape, and where its floats are in a flat buffer.</summary>
internal sealed class TensorSpec
{
    public TensorSpec(string name, IReadOnlyList<int> shape, int offset, int length)
    {
        Name = name;
        Shape = shape;
        Offset = offset;
        Length = length;
    }

    public string Name { get; }

    public IReadOnlyList<int> Shape { get; }

    /// <summary>Index of the tensor's first float in the flat buffer it is read into or written from.</summary>
    public int Offset { get; }

    public int Length { get; }

    /// <summary>The model's tensors, their offsets those of <see cref="IRnnModel.Parameters"/>.</summary>
    public static List<TensorSpec> FromLayout(IRnnModel model)
    {
        var specs = new List<TensorSpec>(model.Layout.Count);
        foreach (ParameterInfo info in model.Layout)
            specs.Add(new TensorSpec(info.Name, info.Shape, info.Offset, info.Length));
        return specs;
    }

    public static string FormatShape(IReadOnlyList<int> shape)
    {
        var text = new StringBuilder("[");
        for (int i = 0; i < shape.Count; i++)
            text.Append(i == 0 ? "" : ", ").Append(shape[i].ToString(CultureInfo.InvariantCulture));
        return text.Append(']').ToString();
    }

    public static string FormatShape(long[] shape)
    {
        var text = new StringBuilder("[");
        for (int i = 0; i < shape.Length; i++)
            text.Append(i == 0 ? "" : ", ").Append(shape[i].ToString(CultureInfo.InvariantCulture));
        return text.Append(']').ToString();
    }
}

/// <summary>Names the checkpoint being read or written in error messages.</summary>
internal sealed class CheckpointSource
{
    public CheckpointSource(string? path) => Path = path;

    /// <summary>The file's path; null for a stream.</summary>
    public string? Path { get; }

    public CheckpointException Error(string message, string? tensor = null, Exception? inner = null) =>
        new(Path is null ? $"Checkpoint stream: {message}" : $"Checkpoint '{Path}': {message}", Path, tensor, inner);
}
