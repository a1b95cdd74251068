using System;
using System.Linq;
using Xunit;

namespace RnnGen.Tests.Stacks;

/// <summary>What layer stacks promise beyond the numbers: dropout's masks, scaling and reproducibility, no allocation,
/// the state's accessors, the architecture and names, and PyTorch's initialization per module.</summary>
public class StackBehaviourTests
{
    [Fact]
    public void DropoutMasksDropASharePOfValuesAndScaleTheRestByOneOverOneMinusP()
    {
        const float p = 0.4f;
        var mask = new float[100_000];
        ulong state = 12345;
        RnnGen.Kernels.DropoutMasks.Fill(mask, p, ref state);
        int dropped = mask.Count(m => m == 0f);
        Assert.All(mask.Where(m => m != 0f), m => Assert.Equal(1f / (1f - p), m));
        // Binomial(100000, 0.4): σ ≈ 155; allow 5σ.
        Assert.InRange(dropped, 40_000 - 775, 40_000 + 775);
        Assert.NotEqual(12345UL, state);
    }

    [Fact]
    public void DropoutInATrainedModelZeroesAShareOfUnitsAndScalesTheRest()
    {
        // x → RNN(512) → Dense(1, no bias) → Dropout(0.4), one step, target 0: the loss is (m · W·h)², where m is 0 or 1/(1 − p). Over many windows the share of zero
        // losses is p and every other loss is (W·h / (1 − p))², W·h being what Forward (no dropout) outputs.
        var model = new DropoutProbe();
        model.InitializeParameters(3);
        float[] input = { 0.5f, -0.25f, 1f };
        var state = new DropoutProbe.State();
        float[] forward = new float[1];
        model.Forward(input, ref state, forward);
        double expected = Math.Pow(forward[0] / (1 - 0.4), 2);
        Assert.True(forward[0] != 0f);
        model.DropoutState = 99;
        int zeros = 0;
        const int windows = 4000;
        for (int i = 0; i < windows; i++)
        {
            state = new DropoutProbe.State();
            float loss = model.ComputeGradients(input, new float[] { 0f }, ref state);
            if (loss == 0f)
                zeros++;
            else
                Assert.Equal(expected, loss, 1e-4 * expected);
        }
        // Binomial(4000, 0.4): σ ≈ 31; allow 5σ.
        Assert.InRange(zeros, 1600 - 155, 1600 + 155);
    }

    [Fact]
    public void DropoutIsTheIdentityInForwardAndStepAndLeavesTheGeneratorAlone()
    {
        var model = new TokenDropoutLstm();
        model.InitializeParameters(5);
        int[] tokens = { 1, 4, 2, 8, 0, 3 };
        model.DropoutState = 777;
        var a = new TokenDropoutLstm.State();
        var b = new TokenDropoutLstm.State();
        float[] first = new float[tokens.Length * TokenDropoutLstm.OutputSize];
        float[] second = new float[first.Length];
        model.Forward(tokens, ref a, first);
        model.Forward(tokens, ref b, second);
        Assert.Equal(first, second);
        Assert.Equal(777UL, model.DropoutState);
        // The same through Step (its own kernels: the same values up to the order of the sums).
        var c = new TokenDropoutLstm.State();
        float[] logits = new float[TokenDropoutLstm.OutputSize];
        for (int t = 0; t < tokens.Length; t++)
        {
            model.Step(tokens[t], ref c, logits);
            for (int k = 0; k < logits.Length; k++)
                Assert.Equal(first[t * logits.Length + k], logits[k], 1e-5f);
        }
        Assert.Equal(777UL, model.DropoutState);
    }

    [Fact]
    public void TheSameSeedGivesTheSameTrainingAndAnotherGeneratorStateOtherMasks()
    {
        float[] Gradients(int seed, ulong? dropout)
        {
            var model = new TokenDropoutLstm();
            model.InitializeParameters(seed);
            if (dropout is { } d)
                model.DropoutState = d;
            var state = new TokenDropoutLstm.State();
            model.ComputeGradients(new[] { 1, 2, 3, 4, 5, 6, 7, 8 }, new[] { 2, 3, 4, 5, 6, 7, 8, 0 }, ref state);
            model.ComputeGradients(new[] { 8, 7, 6, 5, 4, 3, 2, 1 }, new[] { 7, 6, 5, 4, 3, 2, 1, 0 }, ref state);
            return model.Gradients.ToArray();
        }
        Assert.Equal(Gradients(11, null), Gradients(11, null));
        Assert.NotEqual(Gradients(11, null), Gradients(11, 424242));
        Assert.Equal(Gradients(11, 424242), Gradients(11, 424242));
    }

    [Fact]
    public void ForwardStepAndTrainingAllocateNothing()
    {
        var amp = new IssueAmpModel();
        amp.InitializeParameters(1);
        float[] signal = Enumerable.Range(0, 4096).Select(i => MathF.Sin(i * 0.05f)).ToArray();
        float[] output = new float[signal.Length];
        float[] one = new float[1];
        var ampState = new IssueAmpModel.State();
        var tokenModel = new TokenDropoutLstm();
        tokenModel.InitializeParameters(2);
        int[] tokens = { 1, 2, 3, 4, 5, 6, 7, 8, 0, 1 };
        var tokenState = new TokenDropoutLstm.State();
        float[] logits = new float[TokenDropoutLstm.OutputSize];
        var conv = new FdDenseConvLstm();
        conv.InitializeParameters(3);
        float[] convInputs = new float[12 * FdDenseConvLstm.InputSize];
        float[] convTargets = new float[12 * FdDenseConvLstm.OutputSize];
        var convState = new FdDenseConvLstm.State();

        void Work()
        {
            amp.Forward(signal, ref ampState, output);
            for (int i = 0; i < 1000; i++)
                amp.Step(signal.AsSpan(i, 1), ref ampState, one);
            amp.ComputeGradients(signal.AsSpan(0, 2048), signal.AsSpan(1, 2048), ref ampState);
            for (int i = 0; i < 200; i++)
            {
                tokenModel.ComputeGradients(tokens, tokens, ref tokenState);
                tokenModel.Step(tokens[i % tokens.Length], ref tokenState, logits);
                conv.ComputeGradients(convInputs, convTargets, ref convState);
            }
        }
        Work();
        Assert.Equal(0, AllocationMeasure.Settled(Work));
    }

    [Fact]
    public void StateAccessorsNumberTheRecurrentLayersAcrossTheStack()
    {
        var state = new FdNoBiasTwoRecurrent.State();
        Assert.Equal(2, FdNoBiasTwoRecurrent.State.Layers);
        Assert.Equal(4 + 4 + 5, state.Length); // h of the LSTM (4) and the GRU (5), c of the LSTM (4)
        Assert.Equal(4, state.H(0).Length);
        Assert.Equal(5, state.H(1).Length);
        Assert.Equal(4, state.C(0).Length);
        state.H(1).Fill(2f);
        state.C(0).Fill(3f);
        float[] packed = new float[state.Length];
        state.CopyTo(packed);
        Assert.Equal(new float[] { 0, 0, 0, 0, 2, 2, 2, 2, 2, 3, 3, 3, 3 }, packed);
        Assert.Throws<ArgumentException>(() => new FdNoBiasTwoRecurrent.State().C(1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new FdNoBiasTwoRecurrent.State().H(2));
        Assert.Throws<ArgumentOutOfRangeException>(() => new FdNoBiasTwoRecurrent.State().H(0, 1));
        var bi = new FdEmbeddingBiGru.State();
        Assert.Equal(5, bi.H(0, 1).Length);
        // The convolutions' history follows h and c: (3 − 1)·2 rows of 5 inputs, then none for a one-tap convolution.
        Assert.Equal(6 + 6 + 2 * 2 * 5, new FdDenseConvLstm.State().Length);
    }

    [Fact]
    public void TheArchitectureNamesAndShapesArePyTorchs()
    {
        var model = new IssueAmpModel();
        Assert.Equal(new[] { "layers.0.weight", "layers.0.bias", "layers.1.weight_ih_l0", "layers.1.weight_hh_l0", "layers.1.bias_ih_l0", "layers.1.bias_hh_l0", "layers.2.weight", "layers.2.bias", "layers.3.weight", "layers.3.bias" },
            IssueAmpModel.Layout.Select(p => p.Name));
        Assert.Equal(new[] { 24, 8 }, IssueAmpModel.Layout[2].Shape);
        Assert.Equal(8 * 1, model.Parameter("layers.0.weight").Length);
        Assert.Throws<ArgumentException>(() => model.Parameter("layers.4.weight"));
        Assert.Equal(new[] { "Dense(1→8, Tanh)", "Gru(8→8)", "Dense(8→8, Sigmoid)", "Dense(8→1)" },
            IssueAmpModel.Architecture.Select(l => l.ToString()));
        IRnnModel contract = model;
        Assert.Equal(CellKind.Gru, contract.Cell);
        Assert.Equal(8, contract.HiddenSize);
        Assert.Equal(1, contract.Layers);
        Assert.Equal(1, IssueAmpModel.OutputSize);
        Assert.False(contract.Bidirectional);
        Assert.Equal(RnnGen.LayerKind.Embedding, FdEmbeddingBiGru.Architecture[0].Kind);
        Assert.True(((IRnnModel)new FdEmbeddingBiGru()).Bidirectional);
        // The first form lists its recurrent layer (bare names) and its head.
        IRnnModel first = new LstmStackedBi();
        Assert.Equal(new[] { "", "head" }, first.Architecture.Select(l => l.Name));
    }

    [Fact]
    public void InitializationFollowsPyTorchsDefaultForEachModule()
    {
        var model = new FdEmbeddingBiGru();
        model.InitializeParameters(9);
        float[] embedding = model.Parameter("layers.0.weight").ToArray();        // normal(0, 1)
        float[] gru = model.Parameter("layers.1.weight_hh_l0").ToArray();         // ±1/√5
        float[] dense = model.Parameter("layers.2.weight").ToArray();             // ±1/√10 (fan-in: both directions)
        Assert.Contains(embedding, v => MathF.Abs(v) > 1f);
        Assert.InRange(embedding.Average(), -0.5, 0.5);
        Assert.All(gru, v => Assert.InRange(v, -1 / MathF.Sqrt(5), 1 / MathF.Sqrt(5)));
        Assert.Contains(gru, v => MathF.Abs(v) > 0.8f / MathF.Sqrt(5));
        Assert.All(dense, v => Assert.InRange(v, -1 / MathF.Sqrt(10), 1 / MathF.Sqrt(10)));
        var conv = new FdDenseConvLstm();
        conv.InitializeParameters(9);
        Assert.All(conv.Parameter("layers.1.weight").ToArray(), v => Assert.InRange(v, -1 / MathF.Sqrt(5 * 3), 1 / MathF.Sqrt(5 * 3))); // fan-in 5 channels × 3 taps
        Assert.Equal(9UL, conv.DropoutState);
    }
}
