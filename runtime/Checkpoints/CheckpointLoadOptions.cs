namespace RnnGen;

/// <summary>What <see cref="Checkpoint"/> and <see cref="TrainingCheckpoint"/> accept when they load a file. The defaults are strict.</summary>
public sealed class CheckpointLoadOptions
{
    /// <summary>
    /// Accept NaN and infinite values (and float64 values too large for float32) in the tensors; by default they are
    /// rejected, since a model holding them computes nothing useful. Default false.
    /// </summary>
    public bool AllowNonFinite { get; init; }

    /// <summary>
    /// Accept tensors the model does not have (they are checked for a known dtype, a consistent size and their place in
    /// the data, then ignored), e.g. to read the model out of a training checkpoint or a file with extra buffers.
    /// Default false: an unexpected tensor is an error, because it usually means the wrong model.
    /// </summary>
    public bool AllowExtraTensors { get; init; }
}
