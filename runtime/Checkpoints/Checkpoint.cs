using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Globalization;
using System.IO;

namespace RnnGen;

/// <summary>
/// Saves a model's parameters to a safetensors file and loads them back, in the layout PyTorch uses, so the same file
/// loads into the matching <c>nn.RNN</c>/<c>nn.LSTM</c>/<c>nn.GRU</c> + <c>nn.Linear</c> with <c>load_state_dict</c>, and
/// a file saved from one loads here.
/// </summary>
/// <remarks>
/// <para>
/// The file is safetensors: an 8-byte little-endian header length N, N bytes of UTF-8 JSON, then the raw little-endian
/// data. The JSON maps each tensor name to its dtype, shape and byte range, and <c>__metadata__</c> to string entries
/// (see <see cref="CheckpointMetadata"/>). The tensors are the model's <see cref="IRnnModel.Layout"/>: PyTorch's names
/// for the recurrent layers (<c>weight_ih_l0</c>, <c>weight_hh_l0</c>, <c>bias_ih_l0</c>, <c>bias_hh_l0</c>, with
/// <c>_reverse</c> for a backward direction), and <c>head.weight</c>, <c>head.bias</c> for the output layer. RnnGen
/// writes float32; it reads float32, float16, bfloat16 and float64, converting to float32.
/// </para>
/// <para>
/// Loading checks the whole file before it touches the model: the header's length (at most
/// <see cref="MaxHeaderLength"/> and within the file), its JSON (UTF-8, well-formed, no key twice), every tensor of the
/// model present with a supported dtype and exactly the model's shape, no other tensor (unless
/// <see cref="CheckpointLoadOptions.AllowExtraTensors"/>), byte ranges that tile the data with no hole or overlap, a file
/// exactly as long as header and data, and finite values (unless <see cref="CheckpointLoadOptions.AllowNonFinite"/>).
/// Any failure is a <see cref="CheckpointException"/> and leaves the model as it was.
/// </para>
/// <para>
/// Saving to a path is atomic: a temporary file in the same folder, flushed to the disk, then renamed over the target.
/// A crash or an error mid-save leaves the previous file intact and no temporary file behind (on an error; a killed
/// process can leave a hidden <c>.NAME.*.tmp</c>). A model holding NaN or infinite parameters is not saved.
/// </para>
/// </remarks>
public static class Checkpoint
{
    /// <summary>The largest header accepted when loading, in bytes (100 MB).</summary>
    public const long MaxHeaderLength = SafeTensorsReader.MaxHeaderLength;

    /// <summary>Saves <paramref name="model"/>'s parameters to <paramref name="path"/>, atomically, replacing any file there.</summary>
    /// <param name="model">The model to save.</param>
    /// <param name="path">The file to write, usually ending in <c>.safetensors</c>.</param>
    /// <param name="metadata">Model name, step, vocabulary and further entries to record; null records the model's description only.</param>
    /// <exception cref="ArgumentNullException"><paramref name="model"/> or <paramref name="path"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty, or <paramref name="metadata"/> is invalid (a negative step, a vocabulary larger than the model's InputSize).</exception>
    /// <exception cref="CheckpointException">A parameter is NaN or infinite, or the file could not be written; the previous file is unchanged.</exception>
    public static void Save(IRnnModel model, string path, CheckpointMetadata? metadata = null) => Save(model, path, metadata, null);

    /// <summary>Writes <paramref name="model"/>'s parameters to <paramref name="stream"/>, from its current position.</summary>
    /// <param name="model">The model to save.</param>
    /// <param name="stream">A writable stream; it is not closed.</param>
    /// <param name="metadata">Model name, step, vocabulary and further entries to record; null records the model's description only.</param>
    /// <exception cref="ArgumentNullException"><paramref name="model"/> or <paramref name="stream"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="metadata"/> is invalid.</exception>
    /// <exception cref="CheckpointException">A parameter is NaN or infinite (nothing is written), or the stream failed.</exception>
    public static void Save(IRnnModel model, Stream stream, CheckpointMetadata? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(stream);
        var source = new CheckpointSource(null);
        Action<Stream> write = Prepare(model, metadata, source);
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
    internal static void Save(IRnnModel model, string path, CheckpointMetadata? metadata, Func<Stream, Stream>? wrapStream)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrEmpty(path);
        var source = new CheckpointSource(path);
        AtomicFile.Write(path, Prepare(model, metadata, source), wrapStream, source);
    }

    /// <summary>Loads <paramref name="model"/>'s parameters from the safetensors file at <paramref name="path"/>, after checking all of it.</summary>
    /// <param name="model">The model to load into; unchanged if anything fails.</param>
    /// <param name="path">The file to read.</param>
    /// <param name="options">What to accept beyond the strict defaults; null for the defaults.</param>
    /// <returns>The file's metadata (empty for a file without any).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="model"/> or <paramref name="path"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty.</exception>
    /// <exception cref="CheckpointException">The file is missing, unreadable, corrupt or for another model; the message says which tensor and what was expected.</exception>
    public static CheckpointMetadata Load(IRnnModel model, string path, CheckpointLoadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrEmpty(path);
        var source = new CheckpointSource(path);
        return WithFile(path, source, stream => LoadCore(model, stream, SafeTensorsReader.Available(stream), options ?? new CheckpointLoadOptions(), source));
    }

    /// <summary>Loads <paramref name="model"/>'s parameters from <paramref name="stream"/> (from its position to its end), after checking all of it.</summary>
    /// <param name="model">The model to load into; unchanged if anything fails.</param>
    /// <param name="stream">A readable stream holding exactly one checkpoint from its position on; it is not closed.</param>
    /// <param name="options">What to accept beyond the strict defaults; null for the defaults.</param>
    /// <returns>The file's metadata.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="model"/> or <paramref name="stream"/> is null.</exception>
    /// <exception cref="CheckpointException">The data is unreadable, corrupt or for another model.</exception>
    public static CheckpointMetadata Load(IRnnModel model, Stream stream, CheckpointLoadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(stream);
        var source = new CheckpointSource(null);
        return Guard(source, () => LoadCore(model, stream, SafeTensorsReader.Available(stream), options ?? new CheckpointLoadOptions(), source));
    }

    /// <summary>
    /// Reads a checkpoint's metadata without a model, e.g. to find out which model to create: checks the header and
    /// the tensors' byte ranges against the file's length, but not the data.
    /// </summary>
    /// <param name="path">The file to read.</param>
    /// <returns>The metadata; its vocabulary, if any, has the capacity the <c>input_size</c> entry gives (or just enough).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="path"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty.</exception>
    /// <exception cref="CheckpointException">The file is missing, unreadable or corrupt.</exception>
    public static CheckpointMetadata ReadMetadata(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var source = new CheckpointSource(path);
        return WithFile(path, source, stream => ReadMetadataCore(stream, source));
    }

    /// <summary>Reads a checkpoint's metadata from <paramref name="stream"/> without a model; see <see cref="ReadMetadata(string)"/>.</summary>
    /// <param name="stream">A readable stream holding a checkpoint from its position on; it is not closed.</param>
    /// <returns>The metadata.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="stream"/> is null.</exception>
    /// <exception cref="CheckpointException">The header is unreadable or corrupt.</exception>
    public static CheckpointMetadata ReadMetadata(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var source = new CheckpointSource(null);
        return Guard(source, () => ReadMetadataCore(stream, source));
    }

    private static CheckpointMetadata ReadMetadataCore(Stream stream, CheckpointSource source)
    {
        long available = SafeTensorsReader.Available(stream);
        SafeTensorsHeader header = SafeTensorsReader.ReadHeader(stream, available, source);
        SafeTensorsReader.CheckTensors(header, Array.Empty<TensorSpec>(), available, allowExtra: true, source);
        return ReadMetadata(header.Metadata, null, source);
    }

    private static CheckpointMetadata LoadCore(IRnnModel model, Stream stream, long available, CheckpointLoadOptions options, CheckpointSource source)
    {
        SafeTensorsHeader header = SafeTensorsReader.ReadHeader(stream, available, source);
        List<TensorSpec> specs = TensorSpec.FromLayout(model);
        SafeTensorsReader.CheckTensors(header, specs, available, options.AllowExtraTensors, source);
        CheckpointMetadata metadata = ReadMetadata(header.Metadata, model, source);
        float[] values = model.Parameters.ToArray();
        SafeTensorsReader.ReadData(stream, header, specs, values, options.AllowNonFinite, source);
        values.CopyTo(model.Parameters);
        return metadata;
    }

    /// <summary>Checks the arguments and the parameters, and returns what writes the file.</summary>
    private static Action<Stream> Prepare(IRnnModel model, CheckpointMetadata? metadata, CheckpointSource source)
    {
        List<TensorSpec> specs = TensorSpec.FromLayout(model);
        List<KeyValuePair<string, string>> entries = DescribeModel(model, metadata);
        float[] values = model.Parameters.ToArray();
        foreach (TensorSpec spec in specs)
            SafeTensorsWriter.CheckFinite(spec, values.AsSpan(spec.Offset, spec.Length), source);
        byte[] header = SafeTensorsWriter.Header(specs, entries);
        return stream =>
        {
            stream.Write(header);
            byte[] scratch = new byte[1 << 16];
            foreach (TensorSpec spec in specs)
                SafeTensorsWriter.WriteFloats(stream, values.AsSpan(spec.Offset, spec.Length), scratch);
        };
    }

    /// <summary>
    /// The <c>__metadata__</c> entries of a checkpoint of <paramref name="model"/>: its description, then step and
    /// vocabulary when given, then the caller's own entries in ordinal key order, reserved keys skipped.
    /// </summary>
    internal static List<KeyValuePair<string, string>> DescribeModel(IRnnModel model, CheckpointMetadata? metadata)
    {
        var entries = new List<KeyValuePair<string, string>>();
        void Add(string key, string value) => entries.Add(new KeyValuePair<string, string>(key, value));
        static string Int(long value) => value.ToString(CultureInfo.InvariantCulture);

        Add(MetadataKeys.Version, Int(MetadataKeys.FormatVersion));
        Add(MetadataKeys.Library, "RnnGen");
        Add(MetadataKeys.Model, metadata?.ModelName ?? model.GetType().Name);
        Add(MetadataKeys.Cell, MetadataKeys.CellName(model.Cell));
        Add(MetadataKeys.InputSize, Int(model.InputSize));
        Add(MetadataKeys.HiddenSize, Int(model.HiddenSize));
        Add(MetadataKeys.OutputSize, Int(model.OutputSize));
        Add(MetadataKeys.Layers, Int(model.Layers));
        Add(MetadataKeys.Bidirectional, model.Bidirectional ? "true" : "false");
        Add(MetadataKeys.Input, MetadataKeys.InputName(model.Input));
        Add(MetadataKeys.Head, MetadataKeys.HeadName(model.Head));
        Add(MetadataKeys.Output, MetadataKeys.OutputName(model.Output));
        Add(MetadataKeys.SequenceLength, Int(model.SequenceLength));
        if (!MetadataKeys.DescribedByLegacyEntries(model))
            Add(MetadataKeys.Architecture, MetadataKeys.ArchitectureText(model));
        if (metadata is null)
            return entries;

        if (metadata.Step is long step)
        {
            if (step < 0)
                throw new ArgumentException($"metadata.Step is {step}; a step count is not negative.", nameof(metadata));
            Add(MetadataKeys.Step, Int(step));
        }
        if (metadata.Vocabulary is { } vocabulary)
        {
            if (vocabulary.Count > model.InputSize)
                throw new ArgumentException($"The vocabulary has {vocabulary.Count} ids; the model's InputSize is {model.InputSize}.", nameof(metadata));
            Add(MetadataKeys.Vocabulary, vocabulary.Characters);
            Add(MetadataKeys.VocabularyHasUnknown, vocabulary.HasUnknown ? "true" : "false");
        }
        if (metadata.Entries is null)
            throw new ArgumentException("metadata.Entries is null.", nameof(metadata));
        var keys = new List<string>(metadata.Entries.Keys);
        keys.Sort(StringComparer.Ordinal);
        var reserved = new HashSet<string>(MetadataKeys.Reserved, StringComparer.Ordinal) { MetadataKeys.Architecture };
        foreach (string key in keys)
        {
            if (key is null || metadata.Entries[key] is not { } value)
                throw new ArgumentException("metadata.Entries has a null key or value.", nameof(metadata));
            if (!reserved.Contains(key))
                Add(key, value);
        }
        return entries;
    }

    /// <summary>
    /// The metadata of a file; with a model, checks what the tensors' shapes cannot: the format version and the cell.
    /// The vocabulary is rebuilt for the model's InputSize (or, without a model, the <c>input_size</c> entry's).
    /// </summary>
    internal static CheckpointMetadata ReadMetadata(Dictionary<string, string> entries, IRnnModel? model, CheckpointSource source)
    {
        if (entries.TryGetValue(MetadataKeys.Version, out string? version)
            && (!int.TryParse(version, NumberStyles.None, CultureInfo.InvariantCulture, out int number) || number < 1 || number > MetadataKeys.FormatVersion))
        {
            throw source.Error($"its format_version is '{version}'; this version of RnnGen reads checkpoints of version 1 (a newer RnnGen wrote it, or the header is corrupt).");
        }
        if (model is not null && entries.TryGetValue(MetadataKeys.Cell, out string? cell) && cell != MetadataKeys.CellName(model.Cell))
        {
            throw source.Error($"it holds a '{cell}' model (metadata entry 'cell'); the model is '{MetadataKeys.CellName(model.Cell)}'. " +
                               "Their tensors may have the same shapes, but not the same meaning.");
        }

        if (model is not null && entries.TryGetValue(MetadataKeys.Architecture, out string? architecture) && architecture != MetadataKeys.ArchitectureText(model))
        {
            throw source.Error($"it holds the model '{architecture}' (metadata entry 'architecture'); this model is '{MetadataKeys.ArchitectureText(model)}'. " +
                               "Their tensors may have the same names and shapes, but not the same meaning.");
        }

        long? step = null;
        if (entries.TryGetValue(MetadataKeys.Step, out string? stepText))
        {
            if (!long.TryParse(stepText, NumberStyles.None, CultureInfo.InvariantCulture, out long parsed))
                throw source.Error($"its metadata entry 'step' is '{stepText}'; expected a whole number ≥ 0.");
            step = parsed;
        }

        CharVocabulary? vocabulary = null;
        if (entries.TryGetValue(MetadataKeys.Vocabulary, out string? characters))
        {
            bool hasUnknown = false;
            if (entries.TryGetValue(MetadataKeys.VocabularyHasUnknown, out string? unknown) && !bool.TryParse(unknown, out hasUnknown))
                throw source.Error($"its metadata entry 'vocabulary_has_unknown' is '{unknown}'; expected true or false.");
            int needed = characters.Length + (hasUnknown ? 1 : 0);
            int capacity = model?.InputSize
                ?? (entries.TryGetValue(MetadataKeys.InputSize, out string? size) && int.TryParse(size, NumberStyles.None, CultureInfo.InvariantCulture, out int declared) && declared >= needed
                    ? declared
                    : needed);
            try
            {
                vocabulary = CharVocabulary.FromCharacters(characters, capacity, hasUnknown);
            }
            catch (ArgumentException e)
            {
                throw source.Error($"its vocabulary ({needed} ids) does not fit a model with {capacity} inputs, or is invalid: {e.Message}", null, e);
            }
        }

        return new CheckpointMetadata
        {
            ModelName = entries.TryGetValue(MetadataKeys.Model, out string? name) ? name : null,
            Step = step,
            Vocabulary = vocabulary,
            Entries = new ReadOnlyDictionary<string, string>(new Dictionary<string, string>(entries, StringComparer.Ordinal)),
        };
    }

    /// <summary>Opens <paramref name="path"/> for reading and runs <paramref name="read"/> on it, every failure a <see cref="CheckpointException"/>.</summary>
    internal static T WithFile<T>(string path, CheckpointSource source, Func<Stream, T> read) =>
        Guard(source, () =>
        {
            FileStream stream;
            try
            {
                stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16, FileOptions.SequentialScan);
            }
            catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
            {
                throw source.Error("the file does not exist.", null, e);
            }
            using (stream)
                return read(stream);
        });

    /// <summary>Runs <paramref name="body"/>, turning any exception other than a <see cref="CheckpointException"/> into one.</summary>
    internal static T Guard<T>(CheckpointSource source, Func<T> body)
    {
        try
        {
            return body();
        }
        catch (Exception e) when (e is not CheckpointException)
        {
            throw source.Error($"could not be read ({e.GetType().Name}: {e.Message}).", null, e);
        }
    }
}
