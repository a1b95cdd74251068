using RnnGen;

namespace CharRnn;

/// <summary>Something to do with a model loaded from a checkpoint, whichever of the two models it holds.</summary>
internal interface IModelCommand
{
    int Run<TState>(ITokenRnnModel<TState> model, CharVocabulary vocabulary) where TState : struct, IRnnState;
}

/// <summary>Opens a checkpoint written by <c>train --save</c> for the sample, eval and visualize commands.</summary>
internal static class ModelFile
{
    /// <summary>The model class that <c>--cell</c> names.</summary>
    public static string ModelName(string cell) => cell == "rnn" ? nameof(CharVanilla) : nameof(CharLstm);

    /// <summary>" (--cell lstm)" for a model this program knows, "" otherwise.</summary>
    public static string CellOption(string? modelName) => modelName switch
    {
        nameof(CharLstm) => " (--cell lstm)",
        nameof(CharVanilla) => " (--cell rnn)",
        _ => "",
    };

    /// <summary>
    /// Reads the checkpoint at <paramref name="path"/> (a model file or its training file), checks it holds the model
    /// <paramref name="cell"/> names (any this program knows when null) and a vocabulary, loads it and runs
    /// <paramref name="command"/> on it.
    /// </summary>
    /// <exception cref="UsageException">The file cannot be read, holds another model or has no vocabulary.</exception>
    public static int Open(string path, string? cell, IModelCommand command)
    {
        CheckpointMetadata metadata;
        try
        {
            metadata = Checkpoint.ReadMetadata(path);
        }
        catch (CheckpointException e)
        {
            throw new UsageException(e.Message);
        }
        string? wanted = cell is null ? null : ModelName(cell);
        string? held = metadata.ModelName is nameof(CharLstm) or nameof(CharVanilla) ? metadata.ModelName : null;
        if (wanted is not null && held is not null && wanted != held)
            throw new UsageException($"'{path}' holds a {held}{CellOption(held)}, not a {wanted}{CellOption(wanted)}");
        if (held is null && wanted is null)
            throw new UsageException($"'{path}' holds a {metadata.ModelName ?? "model of unknown kind"}; this program knows CharLstm and CharVanilla (give --cell for a file without a model name)");
        if (metadata.Vocabulary is null)
            throw new UsageException($"'{path}' has no vocabulary in its metadata; this command needs one to turn characters into ids");
        return (held ?? wanted) == nameof(CharVanilla)
            ? Load(new CharVanilla(), path, metadata.Vocabulary, command)
            : Load(new CharLstm(), path, metadata.Vocabulary, command);
    }

    private static int Load<TState>(ITokenRnnModel<TState> model, string path, CharVocabulary vocabulary, IModelCommand command)
        where TState : struct, IRnnState
    {
        try
        {
            // A training file holds the model's tensors too, beside the optimizer's and the trainer's.
            Checkpoint.Load(model, path, new CheckpointLoadOptions { AllowExtraTensors = true });
        }
        catch (CheckpointException e)
        {
            throw new UsageException(e.Message);
        }
        return command.Run(model, CharVocabulary.FromCharacters(vocabulary.Characters, model.InputSize, vocabulary.HasUnknown));
    }
}
