using System;
using Xunit;

namespace RnnGen.Tests.Training;

/// <summary>How the trainer walks the corpus, carries the state, clips and stops.</summary>
public class TrainerTests
{
    private static int[] Corpus(int length)
    {
        int[] tokens = new int[length];
        for (int i = 0; i < length; i++)
            tokens[i] = (i * 5 + i / 7) % LearningModel.InputSize;
        return tokens;
    }

    [Fact]
    public void FirstStepIsComputeGradientsOnTheFirstWindowThenAnOptimizerStep()
    {
        int[] tokens = Corpus(100);
        var model = new LearningModel();
        model.InitializeParameters(3);
        var reference = new LearningModel();
        model.Parameters.CopyTo(reference.Parameters);

        var trainer = new CharTrainer<LearningModel.State>(model, tokens, new SgdOptimizer(LearningModel.ParameterCount, 0.5f), new CharTrainerOptions { ClipValue = 0 });
        float loss = trainer.TrainStep();

        var state = new LearningModel.State();
        float expectedLoss = reference.ComputeGradients(tokens.AsSpan(0, 16), tokens.AsSpan(1, 16), ref state);
        Assert.Equal(expectedLoss, loss);
        float[] expectedState = new float[state.Length], actualState = new float[state.Length];
        state.CopyTo(expectedState);
        trainer.State.CopyTo(actualState);
        Assert.Equal(expectedState, actualState);
        for (int i = 0; i < LearningModel.ParameterCount; i++)
            Assert.Equal(reference.Parameters[i] - 0.5f * reference.Gradients[i], model.Parameters[i]);
        Assert.Equal(16, trainer.Position);
    }

    [Fact]
    public void StateIsCarriedAcrossWindowsAndResetWhenTheCorpusWraps()
    {
        int[] tokens = Corpus(40); // two windows of 16 fit (needs 17 tokens each), the third wraps
        var model = new LearningModel();
        model.InitializeParameters(4);
        var trainer = new CharTrainer<LearningModel.State>(model, tokens, new SgdOptimizer(LearningModel.ParameterCount, 0f));
        trainer.TrainStep();
        trainer.TrainStep();
        Assert.Equal(32, trainer.Position);

        // With a learning rate of 0 the parameters stay put, so the carried state is that of running 32 tokens straight.
        var state = new LearningModel.State();
        float[] logits = new float[32 * LearningModel.OutputSize];
        model.Forward(tokens.AsSpan(0, 32), ref state, logits);
        float[] expected = new float[state.Length], actual = new float[state.Length];
        state.CopyTo(expected);
        trainer.State.CopyTo(actual);
        Assert.Equal(expected, actual);

        trainer.TrainStep(); // 32 + 16 + 1 > 40: back to the start with a zero state
        Assert.Equal(16, trainer.Position);
        state = new LearningModel.State();
        model.Forward(tokens.AsSpan(0, 16), ref state, logits.AsSpan(0, 16 * LearningModel.OutputSize));
        state.CopyTo(expected);
        trainer.State.CopyTo(actual);
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void DivergenceStopsWithoutTouchingTheParameters()
    {
        var model = new LearningModel();
        model.InitializeParameters(5);
        var trainer = new CharTrainer<LearningModel.State>(model, Corpus(100), new AdamOptimizer(LearningModel.ParameterCount));
        trainer.TrainStep();
        float[] stateBefore = new float[trainer.State.Length];
        trainer.State.CopyTo(stateBefore);
        model.Parameter("head.bias")[3] = float.NaN;
        float[] before = model.Parameters.ToArray();
        var e = Assert.Throws<TrainingDivergedException>(() => trainer.TrainStep());
        float[] stateAfter = new float[trainer.State.Length];
        trainer.State.CopyTo(stateAfter);
        Assert.Equal(stateBefore, stateAfter);
        Assert.Equal(16, trainer.Position);
        Assert.Equal(2, e.Step);
        Assert.Contains("diverged at step 2", e.Message, StringComparison.Ordinal);
        float[] after = model.Parameters.ToArray();
        for (int i = 0; i < before.Length; i++)
            Assert.Equal(BitConverter.SingleToInt32Bits(before[i]), BitConverter.SingleToInt32Bits(after[i]));
        Assert.Equal(1, trainer.StepCount);
    }

    [Fact]
    public void BadArgumentsAreRejected()
    {
        var model = new LearningModel();
        var optimizer = new AdagradOptimizer(LearningModel.ParameterCount);
        Assert.Throws<ArgumentException>(() => new CharTrainer<LearningModel.State>(model, Corpus(16), optimizer));
        var outOfRange = Assert.Throws<ArgumentException>(() => new CharTrainer<LearningModel.State>(model, new int[] { 0, 1, 2, 40, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 }, optimizer));
        Assert.Contains("tokens[3] = 40", outOfRange.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new CharTrainer<LearningModel.State>(model, Corpus(100), new AdagradOptimizer(10)));
        Assert.Throws<ArgumentException>(() => new CharTrainer<LearningModel.State>(model, Corpus(100), optimizer, new CharTrainerOptions { WindowLength = 17 }));
        Assert.Throws<ArgumentException>(() => new CharTrainer<LearningModel.State>(model, Corpus(100), optimizer, new CharTrainerOptions { ClipValue = -1 }));
    }

    [Fact]
    public void ProgressIsReportedEveryNStepsAndAtTheEnd()
    {
        var model = new LearningModel();
        model.InitializeParameters(6);
        var steps = new System.Collections.Generic.List<long>();
        var trainer = new CharTrainer<LearningModel.State>(model, Corpus(200), new AdagradOptimizer(LearningModel.ParameterCount, 0.1f),
            new CharTrainerOptions { ReportEvery = 4, Progress = p => steps.Add(p.Step) });
        trainer.Train(10);
        Assert.Equal(new long[] { 4, 8, 10 }, steps);
    }

    [Fact]
    public void SamplingStaysInsideASmallerVocabulary()
    {
        // An untrained model over 32 outputs, a vocabulary of 5: samples and greedy picks never leave [0, 5).
        var model = new LearningModel();
        model.InitializeParameters(8);
        var sampler = new TextSampler<LearningModel.State>(model, seed: 4);
        int[] output = new int[2000];
        var state = new LearningModel.State();
        sampler.Generate(ref state, 0, output, temperature: 3f, tokenCount: 5);
        Assert.All(output, id => Assert.InRange(id, 0, 4));
        sampler.Generate(ref state, 0, output.AsSpan(0, 100), temperature: 0f, tokenCount: 5);
        Assert.All(output.AsSpan(0, 100).ToArray(), id => Assert.InRange(id, 0, 4));
        Assert.Throws<ArgumentOutOfRangeException>(() => sampler.Generate(ref state, 0, output, tokenCount: 33));
    }
}
