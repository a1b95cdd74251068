using System;
using System.Diagnostics;
using System.Threading;

namespace RnnGen;

/// <summary>
/// Trains a token model on a corpus the way min-char-rnn does: consecutive windows, the hidden state carried from one
/// window to the next (truncated BPTT), back to the start with a fresh state when the corpus runs out; per window,
/// gradients, clipping and one optimizer step. Deterministic: the same model, corpus, optimizer and options give the
/// same parameters to the last bit. A step allocates nothing.
/// </summary>
/// <typeparam name="TState">The model's generated state type.</typeparam>
public sealed class CharTrainer<TState> where TState : struct, IRnnState
{
    private const float SmoothingDecay = 0.999f;

    private readonly ITokenRnnModel<TState> _model;
    private readonly IOptimizer _optimizer;
    private readonly int[] _tokens;
    private readonly int _window;
    private readonly CharTrainerOptions _options;
    private TState _state;
    private int _position;

    /// <summary>Prepares training of <paramref name="model"/> on <paramref name="tokens"/> (ids in [0, InputSize) that are also targets in [0, OutputSize)).</summary>
    /// <exception cref="ArgumentException">The corpus is shorter than one window plus one token, holds an id out of range, or an option is invalid.</exception>
    public CharTrainer(ITokenRnnModel<TState> model, ReadOnlySpan<int> tokens, IOptimizer optimizer, CharTrainerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(optimizer);
        options ??= new CharTrainerOptions();
        if (optimizer.ParameterCount != model.ParameterCount)
            throw new ArgumentException($"The optimizer updates {optimizer.ParameterCount} parameters; the model has {model.ParameterCount}.", nameof(optimizer));
        int window = options.WindowLength == 0 ? model.SequenceLength : options.WindowLength;
        if (window < 1 || window > model.SequenceLength)
            throw new ArgumentException($"WindowLength is {options.WindowLength}; it must be in [1, {model.SequenceLength}] (the model's SequenceLength), or 0 for SequenceLength.", nameof(options));
        if (!(options.ClipValue >= 0) || !(options.ClipNorm >= 0) || float.IsInfinity(options.ClipValue) || float.IsInfinity(options.ClipNorm))
            throw new ArgumentException("ClipValue and ClipNorm must be finite and non-negative (0 turns clipping off).", nameof(options));
        if (options.ReportEvery < 1)
            throw new ArgumentException("ReportEvery must be at least 1.", nameof(options));
        if (tokens.Length < window + 1)
            throw new ArgumentException($"The corpus has {tokens.Length} tokens; training needs at least one window plus one ({window + 1}).", nameof(tokens));
        int limit = Math.Min(model.InputSize, model.OutputSize);
        for (int i = 0; i < tokens.Length; i++)
        {
            if ((uint)tokens[i] >= (uint)limit)
                throw new ArgumentException($"tokens[{i}] = {tokens[i]} is outside [0, {limit}): every token is both an input and a target.", nameof(tokens));
        }
        _model = model;
        _optimizer = optimizer;
        _tokens = tokens.ToArray();
        _window = window;
        _options = options;
        SmoothedLoss = MathF.Log(model.OutputSize); // the loss of a uniform guess
        CorpusHash = Fnv1a(_tokens);
    }

    /// <summary>The model being trained.</summary>
    public ITokenRnnModel<TState> Model => _model;

    /// <summary>The optimizer that updates the model's parameters.</summary>
    public IOptimizer Optimizer => _optimizer;

    /// <summary>Number of tokens in the corpus.</summary>
    public int CorpusLength => _tokens.Length;

    /// <summary>
    /// The 64-bit FNV-1a hash of the corpus (each token id as 4 little-endian bytes), which a
    /// <see cref="CharTrainerSnapshot"/> carries so it is not restored into a trainer of another corpus.
    /// </summary>
    public ulong CorpusHash { get; }

    /// <summary>Optimizer steps taken.</summary>
    public long StepCount { get; private set; }

    /// <summary>Exponential moving average of the per-character loss (starts at ln OutputSize, a uniform guess).</summary>
    public float SmoothedLoss { get; private set; }

    /// <summary>The loss of the last window.</summary>
    public float LastLoss { get; private set; } = float.NaN;

    /// <summary>Index in the corpus of the next window's first token.</summary>
    public int Position => _position;

    /// <summary>Tokens per window.</summary>
    public int WindowLength => _window;

    /// <summary>The hidden state carried into the next window.</summary>
    public TState State => _state;

    /// <summary>
    /// Where training stands: step count, corpus position, losses and the carried hidden state (not the model's
    /// parameters or the optimizer's state; <see cref="TrainingCheckpoint"/> saves all of them together).
    /// </summary>
    public CharTrainerSnapshot Snapshot()
    {
        float[] state = new float[_state.Length];
        _state.CopyTo(state);
        return new CharTrainerSnapshot(StepCount, _position, SmoothedLoss, LastLoss, state, _window, _tokens.Length, CorpusHash);
    }

    /// <summary>
    /// Puts the trainer back where <paramref name="snapshot"/> says, so the next steps are exactly those it would have
    /// taken then (given the same parameters and optimizer state, which are restored separately).
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="snapshot"/> is null.</exception>
    /// <exception cref="ArgumentException">The snapshot is of another corpus or window length, or its position, losses or state do not fit this trainer; nothing was changed.</exception>
    public void Restore(CharTrainerSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        if (Check(snapshot) is { } problem)
            throw new ArgumentException(problem, nameof(snapshot));
        _state.CopyFrom(snapshot.HiddenState);
        _position = snapshot.Position;
        StepCount = snapshot.StepCount;
        SmoothedLoss = snapshot.SmoothedLoss;
        LastLoss = snapshot.LastLoss;
    }

    /// <summary>Why <paramref name="snapshot"/> cannot be restored into this trainer, or null if it can.</summary>
    internal string? Check(CharTrainerSnapshot snapshot)
    {
        if (snapshot.WindowLength != _window)
            return $"The snapshot is of windows of {snapshot.WindowLength} tokens; this trainer's are {_window}.";
        if (snapshot.CorpusLength != _tokens.Length || snapshot.CorpusHash != CorpusHash)
            return $"The snapshot is of another corpus ({snapshot.CorpusLength} tokens, hash {snapshot.CorpusHash:x16}; this trainer's has {_tokens.Length}, hash {CorpusHash:x16}).";
        if (snapshot.Position > _tokens.Length)
            return $"The snapshot's position {snapshot.Position} is past the end of the corpus ({_tokens.Length} tokens).";
        if (snapshot.HiddenState.Length != _state.Length)
            return $"The snapshot's hidden state has {snapshot.HiddenState.Length} floats; the model's has {_state.Length}.";
        if (!float.IsFinite(snapshot.SmoothedLoss))
            return $"The snapshot's smoothed loss is {snapshot.SmoothedLoss}; it must be finite.";
        foreach (float value in snapshot.HiddenState)
        {
            if (!float.IsFinite(value))
                return "The snapshot's hidden state holds a NaN or infinite value.";
        }
        return null;
    }

    private static ulong Fnv1a(int[] tokens)
    {
        ulong hash = 0xcbf29ce484222325;
        foreach (int token in tokens)
        {
            for (int shift = 0; shift < 32; shift += 8)
            {
                hash ^= (byte)(token >> shift);
                hash *= 0x100000001b3;
            }
        }
        return hash;
    }

    /// <summary>Takes one step: a window's gradients, clipping, an optimizer step. Returns the window's loss.</summary>
    /// <exception cref="TrainingDivergedException">The loss or the gradients are NaN or infinite; the parameters, the state and the position were not updated.</exception>
    public float TrainStep() => TrainStep(out _);

    private float TrainStep(out float gradientNorm)
    {
        if (_position + _window + 1 > _tokens.Length)
        {
            _position = 0;
            _state.Reset();
        }
        ReadOnlySpan<int> inputs = _tokens.AsSpan(_position, _window);
        ReadOnlySpan<int> targets = _tokens.AsSpan(_position + 1, _window);
        _model.ZeroGradients();
        TState before = _state;
        float loss = _model.ComputeGradients(inputs, targets, ref _state);
        Span<float> gradients = _model.Gradients;
        gradientNorm = GradientClipping.GlobalNorm(gradients);
        if (!float.IsFinite(loss) || !float.IsFinite(gradientNorm))
        {
            _state = before; // a retry (say with a lower learning rate) starts where this step started
            throw new TrainingDivergedException(StepCount + 1, loss, gradientNorm);
        }
        if (_options.ClipValue > 0)
            GradientClipping.ClipByValue(gradients, _options.ClipValue);
        if (_options.ClipNorm > 0)
            GradientClipping.ClipByGlobalNorm(gradients, _options.ClipNorm);
        _optimizer.Step(_model.Parameters, gradients);
        _position += _window;
        StepCount++;
        LastLoss = loss;
        SmoothedLoss = SmoothingDecay * SmoothedLoss + (1 - SmoothingDecay) * loss;
        return loss;
    }

    /// <summary>
    /// Takes <paramref name="steps"/> steps, reporting progress after every step whose <see cref="StepCount"/> is a
    /// multiple of <see cref="CharTrainerOptions.ReportEvery"/>, and after the last one.
    /// </summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled (between steps).</exception>
    public void Train(int steps, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(steps);
        long start = Stopwatch.GetTimestamp();
        long lastReport = start;
        long charactersSinceReport = 0;
        for (int i = 1; i <= steps; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            TrainStep(out float norm);
            charactersSinceReport += _window;
            if (_options.Progress is { } progress && (StepCount % _options.ReportEvery == 0 || i == steps))
            {
                long now = Stopwatch.GetTimestamp();
                double seconds = Stopwatch.GetElapsedTime(lastReport, now).TotalSeconds;
                progress(new TrainingProgress(StepCount, LastLoss, SmoothedLoss, norm,
                    seconds > 0 ? charactersSinceReport / seconds : 0, Stopwatch.GetElapsedTime(start, now), _position));
                lastReport = now;
                charactersSinceReport = 0;
            }
        }
    }
}

/// <summary>Training produced a NaN or infinite loss or gradient; the step that did was not applied.</summary>
public sealed class TrainingDivergedException : Exception
{
    /// <summary>Describes the divergence.</summary>
    public TrainingDivergedException(long step, float loss, float gradientNorm)
        : base($"Training diverged at step {step}: loss {loss}, gradient norm {gradientNorm}. The parameters keep their values from before this step; lower the learning rate or clip the gradients.")
    {
        Step = step;
        Loss = loss;
        GradientNorm = gradientNorm;
    }

    /// <summary>The step that diverged (1-based).</summary>
    public long Step { get; }

    /// <summary>Its loss.</summary>
    public float Loss { get; }

    /// <summary>Its global gradient norm.</summary>
    public float GradientNorm { get; }
}
