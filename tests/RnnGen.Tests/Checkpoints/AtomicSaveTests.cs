using System;
using System.IO;
using System.Linq;
using Xunit;

namespace RnnGen.Tests.Checkpoints;

/// <summary>
/// A save that fails midway (a write or the flush throws, as on a full disk) leaves the previous checkpoint exactly as it
/// was and no temporary file behind: the new content goes to a temporary file that replaces the target only once complete.
/// </summary>
public sealed class AtomicSaveTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("rnngen-atomic-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static LstmStackedBi Model(int seed)
    {
        var model = new LstmStackedBi();
        model.InitializeParameters(seed);
        return model;
    }

    [Fact]
    public void ASaveThatFailsMidwayLeavesTheOldFileAndNoTemporaryFile()
    {
        string path = Path.Combine(_folder, "model.safetensors");
        Checkpoint.Save(Model(1), path);
        byte[] old = File.ReadAllBytes(path);
        LstmStackedBi next = Model(2);
        int length = SafeTensorsFile.Save(next).Length;

        foreach (long failAfter in new long[] { 0, 1, 7, 8, 100, length / 2, length - 1 })
        {
            var e = Assert.Throws<CheckpointException>(() => Checkpoint.Save(next, path, null, s => new FailingStream(s, failAfter)));
            Assert.IsType<IOException>(e.InnerException);
            Assert.Equal(path, e.FilePath);
            Assert.Contains("unchanged", e.Message, StringComparison.Ordinal);
            Assert.Equal(old, File.ReadAllBytes(path));
            Assert.Equal(new[] { path }, Directory.GetFiles(_folder));
        }

        var flush = Assert.Throws<CheckpointException>(() => Checkpoint.Save(next, path, null, s => new FailingStream(s, long.MaxValue, failOnFlush: true)));
        Assert.Contains("injected failure on flush", flush.Message, StringComparison.Ordinal);
        Assert.Equal(old, File.ReadAllBytes(path));
        Assert.Equal(new[] { path }, Directory.GetFiles(_folder));

        // With nothing failing, the same call replaces the file, and still leaves nothing else.
        Checkpoint.Save(next, path, null, s => new FailingStream(s, long.MaxValue));
        Assert.Equal(SafeTensorsFile.Save(next), File.ReadAllBytes(path));
        Assert.Equal(new[] { path }, Directory.GetFiles(_folder));
    }

    [Fact]
    public void AFailedFirstSaveLeavesNoFileAtAll()
    {
        string path = Path.Combine(_folder, "first.safetensors");
        Assert.Throws<CheckpointException>(() => Checkpoint.Save(Model(3), path, null, s => new FailingStream(s, 50)));
        Assert.Empty(Directory.GetFiles(_folder));

        var missingFolder = Assert.Throws<CheckpointException>(() => Checkpoint.Save(Model(3), Path.Combine(_folder, "no", "such", "folder.safetensors")));
        Assert.Contains("could not be written", missingFolder.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFileSystemEntries(_folder));
    }

    [Fact]
    public void ATrainingCheckpointSaveThatFailsMidwayLeavesTheOldFileToo()
    {
        var model = new LearningModel();
        model.InitializeParameters(4);
        int[] corpus = Enumerable.Range(0, 200).Select(i => i * 7 % LearningModel.InputSize).ToArray();
        var trainer = new CharTrainer<LearningModel.State>(model, corpus, new AdamOptimizer(LearningModel.ParameterCount));
        trainer.Train(3);
        string path = Path.Combine(_folder, "run.training.safetensors");
        TrainingCheckpoint.Save(trainer, path);
        byte[] old = File.ReadAllBytes(path);

        trainer.Train(2);
        foreach (long failAfter in new long[] { 0, 500, old.Length - 3 })
        {
            Assert.Throws<CheckpointException>(() => TrainingCheckpoint.Save(trainer, path, null, null, s => new FailingStream(s, failAfter)));
            Assert.Equal(old, File.ReadAllBytes(path));
            Assert.Equal(new[] { path }, Directory.GetFiles(_folder));
        }
        TrainingCheckpoint.Save(trainer, path);
        Assert.NotEqual(old, File.ReadAllBytes(path));
        Assert.Equal(new[] { path }, Directory.GetFiles(_folder));
    }
}
