using System;

namespace RnnGen;

/// <summary>
/// A checkpoint could not be read or written: the file is missing, unreadable, truncated or corrupt, does not match the
/// model, or the disk refused the write. The message names the file, the tensor (when one is at fault) and what was
/// expected. When <see cref="Checkpoint.Load(IRnnModel, string, CheckpointLoadOptions?)"/> or
/// <see cref="TrainingCheckpoint"/> throws it, nothing was changed; when a save throws it, the previous file at the
/// path is as it was.
/// </summary>
public sealed class CheckpointException : Exception
{
    /// <summary>Creates an exception with a generic message.</summary>
    public CheckpointException()
        : this("The checkpoint could not be read or written.")
    {
    }

    /// <summary>Creates an exception with <paramref name="message"/>.</summary>
    public CheckpointException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with <paramref name="message"/>, caused by <paramref name="innerException"/>.</summary>
    public CheckpointException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates an exception about a file and, optionally, one of its tensors.</summary>
    /// <param name="message">What went wrong and what was expected; it should name the file and the tensor.</param>
    /// <param name="filePath">The checkpoint's path, or null for a stream.</param>
    /// <param name="tensorName">The tensor at fault, or null when the problem is not one tensor's.</param>
    /// <param name="innerException">The underlying error (an <see cref="System.IO.IOException"/>, say), or null.</param>
    public CheckpointException(string message, string? filePath, string? tensorName, Exception? innerException = null)
        : base(message, innerException)
    {
        FilePath = filePath;
        TensorName = tensorName;
    }

    /// <summary>The checkpoint's path; null when it was read from or written to a stream.</summary>
    public string? FilePath { get; }

    /// <summary>The tensor at fault (e.g. <c>weight_hh_l0</c>); null when the problem is not one tensor's (a truncated header, say).</summary>
    public string? TensorName { get; }
}
