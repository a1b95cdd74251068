using System;

namespace CharRnn;

/// <summary>A training run writes two files: PATH (the model, for sampling and PyTorch) and its training file (for --resume).</summary>
internal static class CheckpointPaths
{
    private const string Extension = ".safetensors";
    private const string TrainingExtension = ".training.safetensors";

    /// <summary>The training file that goes with a model checkpoint: model.safetensors → model.training.safetensors.</summary>
    public static string TrainingPath(string path) =>
        path.EndsWith(TrainingExtension, StringComparison.Ordinal) ? path
        : path.EndsWith(Extension, StringComparison.Ordinal) ? path[..^Extension.Length] + TrainingExtension
        : path + TrainingExtension;

    /// <summary>The model checkpoint that goes with a training file (the inverse of <see cref="TrainingPath"/>).</summary>
    public static string ModelPath(string path) =>
        path.EndsWith(TrainingExtension, StringComparison.Ordinal) ? path[..^TrainingExtension.Length] + Extension : path;
}
