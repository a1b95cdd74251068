using System;
using System.Text.Json;
using RnnGen;
using Xunit;

namespace RnnGen.Tests.Runtime;

/// <summary>Optimizer contracts beyond parity: argument checks, state save/restore, lane/tail agreement.</summary>
public sealed class OptimizerTests
{
    public static TheoryData<string> Kinds => new() { "sgd", "sgd_momentum", "adagrad", "rmsprop", "adam" };

    private static IOptimizer Make(string kind, int count) => kind switch
    {
        "sgd" => new SgdOptimizer(count, 0.1f),
        "sgd_momentum" => new SgdOptimizer(count, 0.05f, 0.9f),
        "adagrad" => new AdagradOptimizer(count, 0.1f),
        "rmsprop" => new RmsPropOptimizer(count),
        "adam" => new AdamOptimizer(count, 0.01f),
        _ => throw new ArgumentException(kind, nameof(kind)),
    };

    [Theory]
    [MemberData(nameof(Kinds))]
    public void StepRejectsSpansOfTheWrongLength(string kind)
    {
        IOptimizer optimizer = Make(kind, 10);
        var p = new float[10];
        var g = new float[10];
        var e1 = Assert.Throws<ArgumentException>(() => optimizer.Step(new float[9], g));
        Assert.Equal("parameters", e1.ParamName);
        Assert.Contains("expected 10", e1.Message);
        var e2 = Assert.Throws<ArgumentException>(() => optimizer.Step(p, new float[11]));
        Assert.Equal("gradients", e2.ParamName);
        Assert.Contains("expected 10", e2.Message);
        Assert.Equal(0L, optimizer.StepCount);
        Assert.All(p, v => Assert.Equal(0f, v));
    }

    [Fact]
    public void ConstructorsRejectBadHyperparameters()
    {
        Assert.Throws<ArgumentOutOfRangeException>("parameterCount", () => new SgdOptimizer(0, 0.1f));
        Assert.Throws<ArgumentOutOfRangeException>("learningRate", () => new SgdOptimizer(3, -0.1f));
        Assert.Throws<ArgumentOutOfRangeException>("learningRate", () => new SgdOptimizer(3, float.NaN));
        Assert.Throws<ArgumentOutOfRangeException>("momentum", () => new SgdOptimizer(3, 0.1f, -0.5f));
        Assert.Throws<ArgumentOutOfRangeException>("parameterCount", () => new AdagradOptimizer(-1));
        Assert.Throws<ArgumentOutOfRangeException>("learningRate", () => new AdagradOptimizer(3, float.PositiveInfinity));
        Assert.Throws<ArgumentOutOfRangeException>("epsilon", () => new AdagradOptimizer(3, 0.1f, -1e-10f));
        Assert.Throws<ArgumentOutOfRangeException>("alpha", () => new RmsPropOptimizer(3, 0.01f, float.NaN));
        Assert.Throws<ArgumentOutOfRangeException>("epsilon", () => new RmsPropOptimizer(3, 0.01f, 0.99f, float.NaN));
        Assert.Throws<ArgumentOutOfRangeException>("beta1", () => new AdamOptimizer(3, 1e-3f, 1f));
        Assert.Throws<ArgumentOutOfRangeException>("beta1", () => new AdamOptimizer(3, 1e-3f, -0.1f));
        Assert.Throws<ArgumentOutOfRangeException>("beta2", () => new AdamOptimizer(3, 1e-3f, 0.9f, 1.5f));
        Assert.Throws<ArgumentOutOfRangeException>("epsilon", () => new AdamOptimizer(3, 1e-3f, 0.9f, 0.999f, -1f));
        Assert.Throws<ArgumentOutOfRangeException>("parameterCount", () => new AdamOptimizer(int.MaxValue / 2 + 1));
        // PyTorch accepts a zero learning rate and zero epsilon; so does the runtime.
        _ = new AdamOptimizer(3, 0f, 0f, 0f, 0f);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void LearningRateCanChangeButNotToNonsense(string kind)
    {
        IOptimizer optimizer = Make(kind, 4);
        optimizer.LearningRate = 0.5f;
        Assert.Equal(0.5f, optimizer.LearningRate);
        Assert.Throws<ArgumentOutOfRangeException>(() => optimizer.LearningRate = -1f);
        Assert.Throws<ArgumentOutOfRangeException>(() => optimizer.LearningRate = float.NaN);
        Assert.Equal(0.5f, optimizer.LearningRate);
    }

    [Fact]
    public void StateBuffersHavePyTorchNames()
    {
        Assert.Equal(0, new SgdOptimizer(4, 0.1f).StateBufferCount);
        Assert.Equal(0, new SgdOptimizer(4, 0.1f).MomentumBuffer.Length);
        Assert.Equal("momentum_buffer", new SgdOptimizer(4, 0.1f, 0.9f).GetStateBufferName(0));
        Assert.Equal("sum", new AdagradOptimizer(4).GetStateBufferName(0));
        Assert.Equal("square_avg", new RmsPropOptimizer(4).GetStateBufferName(0));
        var adam = new AdamOptimizer(4);
        Assert.Equal(2, adam.StateBufferCount);
        Assert.Equal("exp_avg", adam.GetStateBufferName(0));
        Assert.Equal("exp_avg_sq", adam.GetStateBufferName(1));
        Assert.Throws<ArgumentOutOfRangeException>("index", () => adam.GetStateBufferName(2));
        Assert.Throws<ArgumentOutOfRangeException>("index", () => adam.GetStateBuffer(-1));
        Assert.Throws<ArgumentOutOfRangeException>("index", () => new SgdOptimizer(4, 0.1f).GetStateBuffer(0));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void SavedStateResumesBitForBit(string kind)
    {
        JsonElement root = OptimizerFixture.Root;
        float[] initial = OptimizerFixture.Floats(root.GetProperty("initial"));
        float[][] gradients = new float[6][];
        for (int k = 0; k < 6; k++)
            gradients[k] = OptimizerFixture.Floats(root.GetProperty("gradients")[k]);

        // Uninterrupted: six steps.
        IOptimizer straight = Make(kind, initial.Length);
        float[] expected = (float[])initial.Clone();
        foreach (float[] g in gradients)
            straight.Step(expected, g);

        // Three steps, save, restore into a new optimizer, three more.
        IOptimizer first = Make(kind, initial.Length);
        float[] p = (float[])initial.Clone();
        for (int k = 0; k < 3; k++)
            first.Step(p, gradients[k]);
        var saved = new float[first.StateBufferCount * first.ParameterCount];
        for (int b = 0; b < first.StateBufferCount; b++)
            first.GetStateBuffer(b).CopyTo(saved.AsSpan(b * first.ParameterCount));

        IOptimizer second = Make(kind, initial.Length);
        second.LoadState(first.StepCount, saved);
        Assert.Equal(3L, second.StepCount);
        for (int k = 3; k < 6; k++)
            second.Step(p, gradients[k]);

        Assert.Equal(expected, p);
        for (int b = 0; b < straight.StateBufferCount; b++)
            Assert.Equal(straight.GetStateBuffer(b).ToArray(), second.GetStateBuffer(b).ToArray());
    }

    [Fact]
    public void LoadStateChecksItsArguments()
    {
        var adam = new AdamOptimizer(5);
        var e = Assert.Throws<ArgumentException>(() => adam.LoadState(1, new float[5]));
        Assert.Equal("stateBuffers", e.ParamName);
        Assert.Contains("expected 10", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>("stepCount", () => adam.LoadState(-1, new float[10]));
        new SgdOptimizer(5, 0.1f).LoadState(7, ReadOnlySpan<float>.Empty);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void VectorLanesAndScalarTailAgreeBitForBit(string kind)
    {
        // 37 = whole vectors plus a scalar tail, whatever Vector<float>.Count is: equal inputs must give equal outputs.
        IOptimizer optimizer = Make(kind, 37);
        var p = new float[37];
        var g = new float[37];
        p.AsSpan().Fill(0.3f);
        for (int step = 0; step < 5; step++)
        {
            g.AsSpan().Fill(step % 2 == 0 ? 0.7f : -1.3f);
            optimizer.Step(p, g);
        }
        for (int i = 1; i < p.Length; i++)
            Assert.Equal(BitConverter.SingleToInt32Bits(p[0]), BitConverter.SingleToInt32Bits(p[i]));
        Assert.NotEqual(0.3f, p[0]);
    }

    [Fact]
    public void FirstAdamStepMovesEachParameterByTheLearningRate()
    {
        // By hand: after one step m̂ = g and v̂ = g², so p moves by lr·g/(|g| + ε) ≈ lr·sign(g).
        var adam = new AdamOptimizer(3, 0.01f);
        float[] p = { 1f, 1f, 1f };
        adam.Step(p, new[] { 2f, -0.5f, 0f });
        Assert.Equal(0.99f, p[0], 6);
        Assert.Equal(1.01f, p[1], 6);
        Assert.Equal(1f, p[2]);
    }

    [Fact]
    public void SgdMomentumBufferStartsAsTheFirstGradient()
    {
        // PyTorch: buf = g on the first step (not momentum·0 + g·(1 − dampening) with a different meaning), then m·buf + g.
        var sgd = new SgdOptimizer(2, 0.5f, 0.9f);
        float[] p = { 0f, 0f };
        sgd.Step(p, new[] { 1f, -2f });
        Assert.Equal(new[] { 1f, -2f }, sgd.MomentumBuffer.ToArray());
        Assert.Equal(new[] { -0.5f, 1f }, p);
        sgd.Step(p, new[] { 1f, -2f });
        Assert.Equal(new[] { 0.9f * 1f + 1f, 0.9f * -2f + -2f }, sgd.MomentumBuffer.ToArray());
    }
}
