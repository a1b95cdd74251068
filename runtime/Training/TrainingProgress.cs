using System;

namespace RnnGen;

/// <summary>Where training stands, as reported to <see cref="CharTrainerOptions.Progress"/>.</summary>
/// <param name="Step">Optimizer steps taken so far.</param>
/// <param name="Loss">Mean cross-entropy (nats per character) of the last window.</param>
/// <param name="SmoothedLoss">Exponential moving average of the loss, min-char-rnn's 0.999 / 0.001.</param>
/// <param name="GradientNorm">Global L2 norm of the last window's gradients, before clipping.</param>
/// <param name="CharactersPerSecond">Training throughput since the last report.</param>
/// <param name="Elapsed">Wall time spent in <see cref="CharTrainer{TState}.Train"/> so far.</param>
/// <param name="Position">Index in the corpus of the next window's first token.</param>
public readonly record struct TrainingProgress(
    long Step,
    float Loss,
    float SmoothedLoss,
    float GradientNorm,
    double CharactersPerSecond,
    TimeSpan Elapsed,
    int Position);
