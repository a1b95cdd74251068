using System;
using Xunit;
using Xunit.Abstractions;

namespace RnnGen.Tests.Training;

/// <summary>End to end: a vanilla RNN learns a small fixed text, deterministically.</summary>
public class LearningTests(ITestOutputHelper output)
{
    /// <summary>Two pangrams; 30 distinct characters, so a uniform guess costs ln 32 ≈ 3.47 nats per character.</summary>
    public const string Text =
        "the quick brown fox jumps over the lazy dog.\n" +
        "pack my box with five dozen liquor jugs!\n" +
        "how vexingly quick daft zebras jump.\n";

    private const int Steps = 3000;

    /// <summary>
    /// Memorizing 120 characters: after 3,000 windows of 16 (Adagrad 0.1, clip ±5, seed 7) the smoothed loss must be below
    /// 1.0 nats/char, less than a third of the uniform guess. (The loss is an average over the smoothing horizon,
    /// so it lags the current loss, which is far lower.)
    /// </summary>
    public const float Threshold = 1.0f;

    internal static (CharTrainer<LearningModel.State> Trainer, LearningModel Model, CharVocabulary Vocabulary) Create(int seed)
    {
        var vocabulary = CharVocabulary.Build(Text, LearningModel.InputSize);
        var model = new LearningModel();
        model.InitializeParameters(seed);
        var optimizer = new AdagradOptimizer(LearningModel.ParameterCount, 0.1f, epsilon: 1e-8f);
        var trainer = new CharTrainer<LearningModel.State>(model, vocabulary.Encode(Text), optimizer, new CharTrainerOptions { ClipValue = 5f });
        return (trainer, model, vocabulary);
    }

    [Fact]
    public void SmoothedLossFallsBelowThresholdAndRunsReproduce()
    {
        var (first, firstModel, vocabulary) = Create(seed: 7);
        first.Train(Steps);
        output.WriteLine($"smoothed loss after {Steps} steps: {first.SmoothedLoss:R} (last window {first.LastLoss:R})");
        Assert.True(first.SmoothedLoss < Threshold, $"smoothed loss {first.SmoothedLoss} is not below {Threshold}");

        var (second, secondModel, _) = Create(seed: 7);
        second.Train(Steps);
        Assert.Equal(BitConverter.SingleToInt32Bits(first.SmoothedLoss), BitConverter.SingleToInt32Bits(second.SmoothedLoss));
        Assert.True(firstModel.Parameters.SequenceEqual(secondModel.Parameters), "same seed, different parameters");

        // And the model really learned the text: greedy continuation of "the quick " reproduces it.
        var state = new LearningModel.State();
        var logits = new float[LearningModel.OutputSize];
        string prompt = "the quick ";
        foreach (char c in prompt)
            firstModel.Step(vocabulary.Encode(c), ref state, logits);
        var sampler = new TextSampler<LearningModel.State>(firstModel, seed: 1);
        int[] continuation = new int[20];
        sampler.Generate(ref state, Sampler.Argmax(logits), continuation.AsSpan(1), temperature: 0);
        continuation[0] = Sampler.Argmax(logits);
        string text = vocabulary.Decode(continuation);
        output.WriteLine("greedy continuation: " + prompt + text);
        Assert.StartsWith("brown fox", text, StringComparison.Ordinal);
    }

    [Fact]
    public void DifferentSeedsTrainDifferently()
    {
        var (a, _, _) = Create(seed: 1);
        var (b, _, _) = Create(seed: 2);
        a.Train(50);
        b.Train(50);
        Assert.NotEqual(a.SmoothedLoss, b.SmoothedLoss);
    }
}
