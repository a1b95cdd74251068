using System;

namespace RnnGen;

/// <summary>Settings of a <see cref="CharTrainer{TState}"/>. The defaults are min-char-rnn's.</summary>
public sealed class CharTrainerOptions
{
    /// <summary>Tokens per window (truncated BPTT length); 0 means the model's SequenceLength.</summary>
    public int WindowLength { get; init; }

    /// <summary>Clip every gradient element to ±this value before the optimizer step (min-char-rnn: 5); 0 turns it off.</summary>
    public float ClipValue { get; init; } = 5f;

    /// <summary>Scale the gradients so their global L2 norm is at most this value; 0 turns it off.</summary>
    public float ClipNorm { get; init; }

    /// <summary>Call <see cref="Progress"/> after every step whose step count (since training began, resumed runs included) is a multiple of this, and after the last step of each <c>Train</c> call.</summary>
    public int ReportEvery { get; init; } = 100;

    /// <summary>Receives progress reports; may be null.</summary>
    public Action<TrainingProgress>? Progress { get; init; }
}
