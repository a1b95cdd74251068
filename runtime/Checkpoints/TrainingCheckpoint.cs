using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;

namespace RnnGen;

/// <summary>
/// Saves and restores a whole training run, so that training N steps, saving, loading in a fresh process and training M
/// more gives the parameters of N + M steps straight, bit for bit: the model's parameters, the optimizer's state (every
/// state buffer and its step count), the trainer's position (step count, corpus position, smoothed and last loss, the
/// hidden state carried into the next window) and, optionally, a sampler's random position.
/// </summary>
/// <remarks>
/// <para>
/// The file is one safetensors file, separate from the model checkpoint that <see cref="Checkpoint"/> writes, so that
/// one stays exactly PyTorch's <c>state_dict</c>. It holds the model's tensors under their usual names, then
/// <c>optimizer.{buffer}.{parameter}</c> for each optimizer state buffer (PyTorch's names: <c>exp_avg</c>,
/// <c>exp_avg_sq</c>, <c>sum</c>, …) split by parameter tensor, shaped like it, and <c>trainer.hidden_state</c>. Counts,
/// losses and the random position are <c>__metadata__</c> entries (<c>checkpoint_kind</c> = <c>training</c>,
/// <c>trainer.*</c>, <c>optimizer</c>, <c>optimizer.*</c>, <c>sampler.random_state</c>) beside the model's description.
/// <see cref="Checkpoint.Load(IRnnModel, string, CheckpointLoadOptions?)"/> with
/// <see cref="CheckpointLoadOptions.AllowExtraTensors"/> reads the model out of it.
/// </para>
/// <para>
/// Loading checks everything first, the file as <see cref="Checkpoint"/> does and then that it fits the trainer (same
/// optimizer type, corpus, window length, state size); on any failure it throws <see cref="CheckpointException"/> and
/// changes nothing. The learning rate is recorded (<c>optimizer.learning_rate</c>) but not restored. Saving to a path is
/// atomic, as for <see cref="Checkpoint"/>.
/// </para>
/// </remarks>
public static class TrainingCheckpoint
{
    private const string KindKey = "checkpoint_kind";
    private const string KindValue = "training";
    private const string TrainerStep = "trainer.step_count";
    private const string TrainerPosition = "trainer.position";
    private const string TrainerSmoothedLoss = "trainer.smoothed_loss";
    private const string TrainerLastLoss = "trainer.last_loss";
    private const string TrainerWindow = "trainer.window_length";
    private const string TrainerCorpusLength = "trainer.corpus_length";
    private const string TrainerCorpusHash = "trainer.corpus_hash";
    private const string OptimizerType = "optimizer";
    private const string OptimizerStep = "optimizer.step_count";
    private const string OptimizerLearningRate = "optimizer.learning_rate";
    private const string SamplerState = "sampler.random_state";
    private const string DropoutState = "model.dropout_state";
    private const string HiddenStateTensor = "trainer.hidden_state";

    private static readonly string[] s_keys =
    {
        KindKey, TrainerStep, TrainerPosition, TrainerSmoothedLoss, TrainerLastLoss, TrainerWindow, TrainerCorpusLength,
        TrainerCorpusHash, OptimizerType, OptimizerStep, OptimizerLearningRate, SamplerState, DropoutState,
    };

    /// <summary>Saves the training run of <paramref name="trainer"/> to <paramref name="path"/>, atomically, replacing any file there.</summary>
    /// <param name="trainer">The trainer; its model and optimizer are saved with it.</param>
    /// <param name="path">The file to write.</param>
    /// <param name="sampler">A sampler whose random position to save too (e.g. <see cref="TextSampler{TState}.Sampler"/>), or null.</param>
    /// <param name="metadata">Model name, vocabulary and further entries; the step defaults to the trainer's step count.</param>
    /// <exception cref="ArgumentNullException"><paramref name="trainer"/> or <paramref name="path"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty, or <paramref name="metadata"/> is invalid.</exception>
    /// <exception cref="CheckpointException">A parameter or optimizer value is NaN or infinite, or the file could not be written; the previous file is unchanged.</exception>
    public static void Save<TState>(CharTrainer<TState> trainer, string path, Sampler? sampler = null, CheckpointMetadata? metadata = null)
        where TState : struct, IRnnState =>
        Save(trainer, path, sampler, metadata, null);

    /// <summary>Writes the training run of <paramref name="trainer"/> to <paramref name="stream"/>, from its current position.</summary>
    /// <param name="trainer">The trainer; its model and optimizer are saved with it.</param>
    /// <param name="stream">A writable stream; it is not closed.</param>
    /// <param name="sampler">A sampler whose random position to save too, or null.</param>
    /// <param name="metadata">Model name, vocabulary and further entries; the step defaults to the trainer's step count.</param>
    /// <exception cref="ArgumentNullException"><paramref name="trainer"/> or <paramref name="stream"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="metadata"/> is invalid.</exception>
    /// <exception cref="CheckpointException">A value is NaN or infinite (nothing is written), or the stream failed.</exception>
    public static void Save<TState>(CharTrainer<TState> trainer, Stream stream, Sampler? sampler = null, CheckpointMetadata? metadata = null)
        where TState : struct, IRnnState
    {
        ArgumentNullException.ThrowIfNull(trainer);
        ArgumentNullException.ThrowIfNull(stream);
        var source = new CheckpointSource(null);
        Action<Stream> write = Prepare(trainer, sampler, metadata, source);
        try
        {
            write(stream);
        }
        catch (Exception e) when (e is not CheckpointException)
        {
            throw source.Error($"could not be written ({e.Message}).", null, e);
        }
    }

    /// <summary>Save with a hook that wraps the temporary file's stream, so tests can make the write fail midway.</summary>
    internal static void Save<TState>(CharTrainer<TState> trainer, string path, Sampler? sampler, CheckpointMetadata? metadata, Func<Stream, Stream>? wrapStream)
        where TState : struct, IRnnState
    {
        ArgumentNullException.ThrowIfNull(trainer);
        ArgumentException.ThrowIfNullOrEmpty(path);
        var source = new CheckpointSource(path);
        AtomicFile.Write(path, Prepare(trainer, sampler, metadata, source), wrapStream, source);
    }

    /// <summary>
    /// Restores a training run saved by <see cref="Save{TState}(CharTrainer{TState}, string, Sampler?, CheckpointMetadata?)"/>
    /// into <paramref name="trainer"/> (its model, optimizer and position) and <paramref name="sampler"/>, after checking all of it.
    /// </summary>
    /// <param name="trainer">A trainer over the same corpus, with a model of the same layout and an optimizer of the same type; unchanged if anything fails.</param>
    /// <param name="path">The file to read.</param>
    /// <param name="sampler">A sampler to put back at the saved random position, or null; if given, the file must hold one.</param>
    /// <param name="options">What to accept beyond the strict defaults; null for the defaults.</param>
    /// <returns>The file's metadata.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="trainer"/> or <paramref name="path"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty.</exception>
    /// <exception cref="CheckpointException">The file is missing, unreadable, corrupt, a model checkpoint only, or of another model, optimizer or corpus.</exception>
    public static CheckpointMetadata Load<TState>(CharTrainer<TState> trainer, string path, Sampler? sampler = null, CheckpointLoadOptions? options = null)
        where TState : struct, IRnnState
    {
        ArgumentNullException.ThrowIfNull(trainer);
        ArgumentException.ThrowIfNullOrEmpty(path);
        var source = new CheckpointSource(path);
        return Checkpoint.WithFile(path, source, stream => LoadCore(trainer, stream, sampler, options ?? new CheckpointLoadOptions(), source));
    }

    /// <summary>Restores a training run from <paramref name="stream"/>; see <see cref="Load{TState}(CharTrainer{TState}, string, Sampler?, CheckpointLoadOptions?)"/>.</summary>
    /// <param name="trainer">A trainer over the same corpus, with a model of the same layout and an optimizer of the same type; unchanged if anything fails.</param>
    /// <param name="stream">A readable stream holding exactly one training checkpoint from its position on; it is not closed.</param>
    /// <param name="sampler">A sampler to put back at the saved random position, or null.</param>
    /// <param name="options">What to accept beyond the strict defaults; null for the defaults.</param>
    /// <returns>The file's metadata.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="trainer"/> or <paramref name="stream"/> is null.</exception>
    /// <exception cref="CheckpointException">The data is unreadable, corrupt, or does not fit the trainer.</exception>
    public static CheckpointMetadata Load<TState>(CharTrainer<TState> trainer, Stream stream, Sampler? sampler = null, CheckpointLoadOptions? options = null)
        where TState : struct, IRnnState
    {
        ArgumentNullException.ThrowIfNull(trainer);
        ArgumentNullException.ThrowIfNull(stream);
        var source = new CheckpointSource(null);
        return Checkpoint.Guard(source, () => LoadCore(trainer, stream, sampler, options ?? new CheckpointLoadOptions(), source));
    }

    /// <summary>The tensors of a training checkpoint and where they sit in one flat buffer: parameters, optimizer buffers, hidden state.</summary>
    private static List<TensorSpec> Specs(IRnnModel model, IOptimizer optimizer, int stateLength)
    {
        List<TensorSpec> specs = TensorSpec.FromLayout(model);
        int parameters = model.ParameterCount;
        for (int b = 0; b < optimizer.StateBufferCount; b++)
        {
            string buffer = optimizer.GetStateBufferName(b);
            foreach (ParameterInfo info in model.Layout)
                specs.Add(new TensorSpec($"optimizer.{buffer}.{info.Name}", info.Shape, parameters * (1 + b) + info.Offset, info.Length));
        }
        specs.Add(new TensorSpec(HiddenStateTensor, new[] { stateLength }, parameters * (1 + optimizer.StateBufferCount), stateLength));
        return specs;
    }

    private static Action<Stream> Prepare<TState>(CharTrainer<TState> trainer, Sampler? sampler, CheckpointMetadata? metadata, CheckpointSource source)
        where TState : struct, IRnnState
    {
        IRnnModel model = trainer.Model;
        IOptimizer optimizer = trainer.Optimizer;
        CharTrainerSnapshot snapshot = trainer.Snapshot();
        int parameters = model.ParameterCount;
        List<TensorSpec> specs = Specs(model, optimizer, snapshot.HiddenState.Length);

        float[] values = new float[parameters * (1 + optimizer.StateBufferCount) + snapshot.HiddenState.Length];
        model.Parameters.CopyTo(values);
        for (int b = 0; b < optimizer.StateBufferCount; b++)
            optimizer.GetStateBuffer(b).CopyTo(values.AsSpan(parameters * (1 + b), parameters));
        snapshot.HiddenState.CopyTo(values.AsSpan(parameters * (1 + optimizer.StateBufferCount)));
        foreach (TensorSpec spec in specs)
            SafeTensorsWriter.CheckFinite(spec, values.AsSpan(spec.Offset, spec.Length), source);

        var withStep = new CheckpointMetadata
        {
            ModelName = metadata?.ModelName,
            Step = metadata?.Step ?? snapshot.StepCount,
            Vocabulary = metadata?.Vocabulary,
            Entries = metadata?.Entries ?? new Dictionary<string, string>(),
        };
        List<KeyValuePair<string, string>> entries = Checkpoint.DescribeModel(model, withStep);
        entries.RemoveAll(e => Array.IndexOf(s_keys, e.Key) >= 0);
        void Add(string key, string value) => entries.Add(new KeyValuePair<string, string>(key, value));
        Add(KindKey, KindValue);
        Add(TrainerStep, Int(snapshot.StepCount));
        Add(TrainerPosition, Int(snapshot.Position));
        Add(TrainerSmoothedLoss, snapshot.SmoothedLoss.ToString("R", CultureInfo.InvariantCulture));
        Add(TrainerLastLoss, snapshot.LastLoss.ToString("R", CultureInfo.InvariantCulture));
        Add(TrainerWindow, Int(snapshot.WindowLength));
        Add(TrainerCorpusLength, Int(snapshot.CorpusLength));
        Add(TrainerCorpusHash, snapshot.CorpusHash.ToString("x16", CultureInfo.InvariantCulture));
        Add(OptimizerType, optimizer.GetType().Name);
        Add(OptimizerStep, Int(optimizer.StepCount));
        Add(OptimizerLearningRate, optimizer.LearningRate.ToString("R", CultureInfo.InvariantCulture));
        if (MetadataKeys.HasDropout(model))
            Add(DropoutState, model.DropoutState.ToString("x16", CultureInfo.InvariantCulture));
        if (sampler is not null)
        {
            (ulong s0, ulong s1) = sampler.RandomState;
            Add(SamplerState, s0.ToString("x16", CultureInfo.InvariantCulture) + ":" + s1.ToString("x16", CultureInfo.InvariantCulture));
        }

        byte[] header = SafeTensorsWriter.Header(specs, entries);
        return stream =>
        {
            stream.Write(header);
            byte[] scratch = new byte[1 << 16];
            foreach (TensorSpec spec in specs)
                SafeTensorsWriter.WriteFloats(stream, values.AsSpan(spec.Offset, spec.Length), scratch);
        };
    }

    private static CheckpointMetadata LoadCore<TState>(CharTrainer<TState> trainer, Stream stream, Sampler? sampler, CheckpointLoadOptions options, CheckpointSource source)
        where TState : struct, IRnnState
    {
        IRnnModel model = trainer.Model;
        IOptimizer optimizer = trainer.Optimizer;
        long available = SafeTensorsReader.Available(stream);
        SafeTensorsHeader header = SafeTensorsReader.ReadHeader(stream, available, source);
        Dictionary<string, string> entries = header.Metadata;
        if (!entries.TryGetValue(KindKey, out string? kind) || kind != KindValue)
        {
            throw source.Error("it is not a training checkpoint (its metadata has no checkpoint_kind 'training'); " +
                               "a model checkpoint holds no optimizer or trainer state to resume from.");
        }
        CheckpointMetadata metadata = Checkpoint.ReadMetadata(entries, model, source);
        string optimizerType = Entry(entries, OptimizerType, source);
        if (optimizerType != optimizer.GetType().Name)
            throw source.Error($"it holds the state of a {optimizerType}; the trainer's optimizer is a {optimizer.GetType().Name}.");
        long optimizerStep = Long(entries, OptimizerStep, source);
        long trainerStep = Long(entries, TrainerStep, source);
        int position = (int)Math.Min(Long(entries, TrainerPosition, source), int.MaxValue);
        int window = (int)Math.Min(Long(entries, TrainerWindow, source), int.MaxValue);
        int corpusLength = (int)Math.Min(Long(entries, TrainerCorpusLength, source), int.MaxValue);
        ulong corpusHash = Hex(Entry(entries, TrainerCorpusHash, source), TrainerCorpusHash, source);
        float smoothedLoss = Float(entries, TrainerSmoothedLoss, source);
        float lastLoss = Float(entries, TrainerLastLoss, source);
        ulong dropoutState = MetadataKeys.HasDropout(model) ? Hex(Entry(entries, DropoutState, source), DropoutState, source) : model.DropoutState;
        (ulong S0, ulong S1) randomState = default;
        if (sampler is not null)
        {
            string text = Entry(entries, SamplerState, source);
            int colon = text.IndexOf(':', StringComparison.Ordinal);
            if (colon < 0)
                throw source.Error($"its metadata entry '{SamplerState}' is '{text}'; expected two hexadecimal numbers as s0:s1.");
            randomState = (Hex(text.Substring(0, colon), SamplerState, source), Hex(text.Substring(colon + 1), SamplerState, source));
            if (randomState.S0 == 0 && randomState.S1 == 0)
                throw source.Error($"its metadata entry '{SamplerState}' is all zero, which no random generator reaches.");
        }

        int stateLength = trainer.State.Length;
        List<TensorSpec> specs = Specs(model, optimizer, stateLength);
        SafeTensorsReader.CheckTensors(header, specs, available, options.AllowExtraTensors, source);
        int parameters = model.ParameterCount;
        float[] values = new float[parameters * (1 + optimizer.StateBufferCount) + stateLength];
        SafeTensorsReader.ReadData(stream, header, specs, values, options.AllowNonFinite, source);

        var snapshot = new CharTrainerSnapshot(trainerStep, position, smoothedLoss, lastLoss,
            values.AsSpan(parameters * (1 + optimizer.StateBufferCount), stateLength), window, corpusLength, corpusHash);
        if (trainer.Check(snapshot) is { } problem)
            throw source.Error($"it does not fit the trainer: {problem}");

        // Everything is checked; from here on nothing can fail.
        values.AsSpan(0, parameters).CopyTo(model.Parameters);
        optimizer.LoadState(optimizerStep, values.AsSpan(parameters, parameters * optimizer.StateBufferCount));
        trainer.Restore(snapshot);
        model.DropoutState = dropoutState;
        if (sampler is not null)
            sampler.RandomState = randomState;
        return metadata;
    }

    private static string Int(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Entry(Dictionary<string, string> entries, string key, CheckpointSource source) =>
        entries.TryGetValue(key, out string? value) ? value : throw source.Error($"its metadata has no '{key}' entry, which a training checkpoint needs.");

    private static long Long(Dictionary<string, string> entries, string key, CheckpointSource source)
    {
        string text = Entry(entries, key, source);
        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long value)
            ? value
            : throw source.Error($"its metadata entry '{key}' is '{text}'; expected a whole number ≥ 0.");
    }

    private static float Float(Dictionary<string, string> entries, string key, CheckpointSource source)
    {
        string text = Entry(entries, key, source);
        return float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out float value)
            ? value
            : throw source.Error($"its metadata entry '{key}' is '{text}'; expected a number.");
    }

    private static ulong Hex(string text, string key, CheckpointSource source) =>
        text.Length is > 0 and <= 16 && ulong.TryParse(text, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out ulong value)
            ? value
            : throw source.Error($"its metadata entry '{key}' holds '{text}'; expected hexadecimal numbers of up to 16 digits.");
}
