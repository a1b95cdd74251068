using System;

namespace RnnGen;

/// <summary>
/// Where a <see cref="CharTrainer{TState}"/> stands, everything it needs to go on as if it had never stopped: the step
/// count, the corpus position, the smoothed and last loss (bit for bit) and the hidden state carried into the next
/// window, plus what identifies the run (window length, corpus length and a hash of the corpus) so it is not restored
/// into another. Made by <see cref="CharTrainer{TState}.Snapshot"/>, given back to
/// <see cref="CharTrainer{TState}.Restore"/>; <see cref="TrainingCheckpoint"/> stores it with the model and the optimizer.
/// The optimizer's state is not part of it.
/// </summary>
public sealed class CharTrainerSnapshot
{
    private readonly float[] _hiddenState;

    /// <summary>Describes a trainer's position.</summary>
    /// <param name="stepCount">Optimizer steps taken; not negative.</param>
    /// <param name="position">Index in the corpus of the next window's first token.</param>
    /// <param name="smoothedLoss">The smoothed loss.</param>
    /// <param name="lastLoss">The loss of the last window (NaN before the first step).</param>
    /// <param name="hiddenState">The state carried into the next window, as <see cref="IRnnState.CopyTo"/> writes it; copied.</param>
    /// <param name="windowLength">Tokens per window.</param>
    /// <param name="corpusLength">Tokens in the corpus.</param>
    /// <param name="corpusHash">The corpus's 64-bit FNV-1a hash (see <see cref="CharTrainer{TState}.CorpusHash"/>).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="stepCount"/>, <paramref name="position"/>, <paramref name="windowLength"/> or <paramref name="corpusLength"/> is negative.</exception>
    public CharTrainerSnapshot(long stepCount, int position, float smoothedLoss, float lastLoss, ReadOnlySpan<float> hiddenState,
        int windowLength, int corpusLength, ulong corpusHash)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(stepCount);
        ArgumentOutOfRangeException.ThrowIfNegative(position);
        ArgumentOutOfRangeException.ThrowIfNegative(windowLength);
        ArgumentOutOfRangeException.ThrowIfNegative(corpusLength);
        StepCount = stepCount;
        Position = position;
        SmoothedLoss = smoothedLoss;
        LastLoss = lastLoss;
        _hiddenState = hiddenState.ToArray();
        WindowLength = windowLength;
        CorpusLength = corpusLength;
        CorpusHash = corpusHash;
    }

    /// <summary>Optimizer steps taken.</summary>
    public long StepCount { get; }

    /// <summary>Index in the corpus of the next window's first token.</summary>
    public int Position { get; }

    /// <summary>The exponential moving average of the loss.</summary>
    public float SmoothedLoss { get; }

    /// <summary>The loss of the last window; NaN before the first step.</summary>
    public float LastLoss { get; }

    /// <summary>The hidden state carried into the next window.</summary>
    public ReadOnlySpan<float> HiddenState => _hiddenState;

    /// <summary>Tokens per window of the trainer it came from.</summary>
    public int WindowLength { get; }

    /// <summary>Tokens in the corpus of the trainer it came from.</summary>
    public int CorpusLength { get; }

    /// <summary>The 64-bit FNV-1a hash of that corpus's token ids.</summary>
    public ulong CorpusHash { get; }
}
