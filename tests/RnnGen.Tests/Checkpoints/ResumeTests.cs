using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using Xunit;

namespace RnnGen.Tests.Checkpoints;

/// <summary>
/// Training N steps, saving, loading into a fresh object graph (new model, optimizer, trainer and sampler, initialized
/// differently) and training M more gives the parameters, optimizer state, trainer position and random position of
/// N + M steps straight, to the bit. The same in two processes is <see cref="CharRnnProcessTests"/>.
/// </summary>
public sealed class ResumeTests : IDisposable
{
    private const int First = 37, Then = 29;
    private readonly string _folder = Directory.CreateTempSubdirectory("rnngen-resume-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static int[] Corpus(int vocabulary) => Enumerable.Range(0, 300).Select(i => (i * 5 + i / 7 + i * i % 11) % vocabulary).ToArray();

    [Fact]
    public void AdagradRunResumesBitForBit() =>
        AssertResumesBitForBit(() => new LearningModel(), m => new AdagradOptimizer(m.ParameterCount, 0.1f, epsilon: 1e-8f), new CharTrainerOptions { ClipValue = 5f });

    [Fact]
    public void AdamRunOfAStackedLstmResumesBitForBit() =>
        AssertResumesBitForBit(() => new CkLstm(), m => new AdamOptimizer(m.ParameterCount, 5e-3f), new CharTrainerOptions { ClipValue = 0, ClipNorm = 5f });

    [Fact]
    public void AdamRunOfALayerStackWithDropoutResumesBitForBit() =>
        AssertResumesBitForBit(() => new Stacks.TokenDropoutLstm(), m => new AdamOptimizer(m.ParameterCount, 5e-3f), new CharTrainerOptions { ClipValue = 0, ClipNorm = 5f });

    private void AssertResumesBitForBit<TState>(Func<ITokenRnnModel<TState>> create, Func<IRnnModel, IOptimizer> optimizer, CharTrainerOptions options)
        where TState : struct, IRnnState
    {
        int vocabulary = create().OutputSize;
        int[] corpus = Corpus(vocabulary); // short enough that both runs wrap around it
        int[] sampled = new int[10];

        // Straight: N steps, some sampling (which moves the random generator), M steps.
        ITokenRnnModel<TState> straightModel = create();
        straightModel.InitializeParameters(5);
        var straight = new CharTrainer<TState>(straightModel, corpus, optimizer(straightModel), options);
        var straightSampler = new TextSampler<TState>(straightModel, seed: 9);
        straight.Train(First);
        var sampleState = new TState();
        straightSampler.Generate(ref sampleState, 0, sampled, temperature: 1f);
        straight.Train(Then);

        // The same N steps and sampling, then a save.
        ITokenRnnModel<TState> firstModel = create();
        firstModel.InitializeParameters(5);
        var first = new CharTrainer<TState>(firstModel, corpus, optimizer(firstModel), options);
        var firstSampler = new TextSampler<TState>(firstModel, seed: 9);
        first.Train(First);
        sampleState = new TState();
        firstSampler.Generate(ref sampleState, 0, sampled, temperature: 1f);
        string path = Path.Combine(_folder, "run.training.safetensors");
        TrainingCheckpoint.Save(first, path, firstSampler.Sampler);

        // A fresh object graph, nothing shared, everything initialized differently; load; M steps.
        ITokenRnnModel<TState> resumedModel = create();
        resumedModel.InitializeParameters(999);
        var resumed = new CharTrainer<TState>(resumedModel, corpus.ToArray(), optimizer(resumedModel), options);
        var resumedSampler = new TextSampler<TState>(resumedModel, seed: 12345);
        CheckpointMetadata metadata = TrainingCheckpoint.Load(resumed, path, resumedSampler.Sampler);
        Assert.Equal(First, metadata.Step);
        Assert.Equal(First, resumed.StepCount);
        Assert.Equal(First, resumed.Optimizer.StepCount);
        Assert.Equal(first.Position, resumed.Position);
        resumed.Train(Then);

        Assert.Equal(Bits(straightModel.Parameters), Bits(resumedModel.Parameters));
        for (int b = 0; b < straight.Optimizer.StateBufferCount; b++)
            Assert.Equal(Bits(straight.Optimizer.GetStateBuffer(b)), Bits(resumed.Optimizer.GetStateBuffer(b)));
        Assert.Equal(straight.Optimizer.StepCount, resumed.Optimizer.StepCount);
        Assert.Equal(straight.StepCount, resumed.StepCount);
        Assert.Equal(straight.Position, resumed.Position);
        Assert.Equal(BitConverter.SingleToInt32Bits(straight.SmoothedLoss), BitConverter.SingleToInt32Bits(resumed.SmoothedLoss));
        Assert.Equal(BitConverter.SingleToInt32Bits(straight.LastLoss), BitConverter.SingleToInt32Bits(resumed.LastLoss));
        Assert.Equal(Bits(straight.Snapshot().HiddenState), Bits(resumed.Snapshot().HiddenState));
        Assert.Equal(straightSampler.Sampler.RandomState, resumedSampler.Sampler.RandomState);

        // Everything at once: both runs save the same bytes.
        var a = new MemoryStream();
        var b2 = new MemoryStream();
        TrainingCheckpoint.Save(straight, a, straightSampler.Sampler);
        TrainingCheckpoint.Save(resumed, b2, resumedSampler.Sampler);
        Assert.Equal(a.ToArray(), b2.ToArray());
    }

    private static int[] Bits(ReadOnlySpan<float> values) => MemoryMarshal.Cast<float, int>(values).ToArray();

    private static CharTrainer<LearningModel.State> Trainer(IOptimizer? optimizer = null, int[]? corpus = null, int seed = 3)
    {
        var model = new LearningModel();
        model.InitializeParameters(seed);
        return new CharTrainer<LearningModel.State>(model, corpus ?? Corpus(LearningModel.InputSize), optimizer ?? new AdamOptimizer(LearningModel.ParameterCount));
    }

    /// <summary>Everything a failed load must leave alone.</summary>
    private static string Fingerprint(CharTrainer<LearningModel.State> trainer, Sampler? sampler = null)
    {
        var parts = new List<int>(Bits(trainer.Model.Parameters));
        for (int b = 0; b < trainer.Optimizer.StateBufferCount; b++)
            parts.AddRange(Bits(trainer.Optimizer.GetStateBuffer(b)));
        parts.AddRange(Bits(trainer.Snapshot().HiddenState));
        return string.Join(",", parts) + $"|{trainer.StepCount}|{trainer.Optimizer.StepCount}|{trainer.Position}|{BitConverter.SingleToInt32Bits(trainer.SmoothedLoss)}|{sampler?.RandomState}";
    }

    [Fact]
    public void TheFileHoldsTheModelUnderItsOwnNamesAndTheOptimizerStateByPyTorchsNames()
    {
        CharTrainer<LearningModel.State> trainer = Trainer();
        trainer.Train(4);
        string path = Path.Combine(_folder, "run.training.safetensors");
        TrainingCheckpoint.Save(trainer, path);

        // The model loads out of it when extra tensors are allowed, and not otherwise.
        var model = new LearningModel();
        var e = Assert.Throws<CheckpointException>(() => Checkpoint.Load(model, path));
        Assert.StartsWith("optimizer.exp_avg", e.TensorName, StringComparison.Ordinal);
        CheckpointMetadata metadata = Checkpoint.Load(model, path, new CheckpointLoadOptions { AllowExtraTensors = true });
        Assert.True(model.Parameters.SequenceEqual(trainer.Model.Parameters));
        Assert.Equal("training", metadata.Entries["checkpoint_kind"]);
        Assert.Equal("AdamOptimizer", metadata.Entries["optimizer"]);
        Assert.Equal("4", metadata.Entries["optimizer.step_count"]);
        Assert.Equal(4, metadata.Step);

        // A Python reader finds exp_avg / exp_avg_sq per parameter, shaped like it.
        var names = new HashSet<string>(new[] { "trainer.hidden_state" }
            .Concat(LearningModel.Layout.Select(p => p.Name))
            .Concat(LearningModel.Layout.Select(p => "optimizer.exp_avg." + p.Name))
            .Concat(LearningModel.Layout.Select(p => "optimizer.exp_avg_sq." + p.Name)));
        byte[] file = File.ReadAllBytes(path);
        using var header = System.Text.Json.JsonDocument.Parse(file.AsMemory(8, SafeTensorsFile.DataStart(file) - 8));
        Assert.True(names.SetEquals(header.RootElement.EnumerateObject().Select(p => p.Name).Where(n => n != "__metadata__")));
        Assert.Equal(new[] { 64, 32 }, header.RootElement.GetProperty("optimizer.exp_avg_sq.weight_ih_l0").GetProperty("shape").EnumerateArray().Select(x => x.GetInt32()));
    }

    [Fact]
    public void AFileThatDoesNotFitTheTrainerChangesNothing()
    {
        CharTrainer<LearningModel.State> saved = Trainer();
        saved.Train(5);
        string path = Path.Combine(_folder, "run.training.safetensors");
        TrainingCheckpoint.Save(saved, path);
        string modelOnly = Path.Combine(_folder, "model.safetensors");
        Checkpoint.Save(saved.Model, modelOnly);

        void Refused(CharTrainer<LearningModel.State> trainer, string file, string expected, Sampler? sampler = null)
        {
            trainer.Train(2);
            string before = Fingerprint(trainer, sampler);
            var e = Assert.Throws<CheckpointException>(() => TrainingCheckpoint.Load(trainer, file, sampler));
            Assert.Contains(expected, e.Message, StringComparison.Ordinal);
            Assert.Equal(before, Fingerprint(trainer, sampler));
        }

        Refused(Trainer(new AdagradOptimizer(LearningModel.ParameterCount)), path, "AdamOptimizer; the trainer's optimizer is a AdagradOptimizer");
        Refused(Trainer(corpus: Corpus(LearningModel.InputSize).Reverse().ToArray()), path, "another corpus");
        Refused(Trainer(), modelOnly, "not a training checkpoint");
        Refused(Trainer(), path, "sampler.random_state", new Sampler(4, 1)); // saved without a sampler
        Refused(Trainer(), Path.Combine(_folder, "missing.safetensors"), "does not exist");

        // Truncated or flipped training files.
        byte[] file = File.ReadAllBytes(path);
        var random = new Random(7);
        for (int i = 0; i < 60; i++)
        {
            string bad = Path.Combine(_folder, "bad.safetensors");
            byte[] copy = i < 30 ? file[..random.Next(file.Length)] : (byte[])file.Clone();
            if (i >= 30)
                copy[random.Next(SafeTensorsFile.DataStart(file))] ^= (byte)(1 << random.Next(8));
            File.WriteAllBytes(bad, copy);
            CharTrainer<LearningModel.State> trainer = Trainer();
            trainer.Train(1);
            string before = Fingerprint(trainer);
            try
            {
                TrainingCheckpoint.Load(trainer, bad);
                Assert.True(i >= 30, "a truncated file loaded"); // a harmless metadata flip may load
            }
            catch (CheckpointException)
            {
                Assert.Equal(before, Fingerprint(trainer));
            }
        }
    }

    [Fact]
    public void SnapshotsRestoreOnlyIntoTheirOwnKindOfTrainer()
    {
        CharTrainer<LearningModel.State> trainer = Trainer();
        trainer.Train(3);
        CharTrainerSnapshot snapshot = trainer.Snapshot();
        Assert.Equal(3, snapshot.StepCount);
        Assert.Equal(48, snapshot.Position);

        CharTrainer<LearningModel.State> other = Trainer(seed: 8);
        other.Restore(snapshot);
        Assert.Equal(3, other.StepCount);
        Assert.Equal(48, other.Position);
        Assert.Equal(BitConverter.SingleToInt32Bits(trainer.SmoothedLoss), BitConverter.SingleToInt32Bits(other.SmoothedLoss));

        Assert.Throws<ArgumentException>(() => Trainer(corpus: Corpus(LearningModel.InputSize)[..200]).Restore(snapshot));
        var state = new float[snapshot.HiddenState.Length];
        state[0] = float.NaN;
        Assert.Throws<ArgumentException>(() => other.Restore(new CharTrainerSnapshot(1, 0, 1f, 1f, state, snapshot.WindowLength, snapshot.CorpusLength, snapshot.CorpusHash)));
        Assert.Throws<ArgumentException>(() => other.Restore(new CharTrainerSnapshot(1, 301, 1f, 1f, snapshot.HiddenState, snapshot.WindowLength, snapshot.CorpusLength, snapshot.CorpusHash)));
        Assert.Throws<ArgumentNullException>(() => other.Restore(null!));
        Assert.Equal(3, other.StepCount);
    }
}
