using AddingProblem;
using Xunit;
using Xunit.Abstractions;

namespace RnnGen.Tests.Learning;

/// <summary>
/// A task a vanilla RNN cannot learn: the adding problem with a gap of at least 50 steps (samples/AddingProblem).
/// From seed 1, 5,000 updates of 16 sequences (Adam 3e-3, clip norm 1), measured on 500 held-out sequences:
/// LSTM and GRU reach a mean squared error below 0.005 (answering the mean scores 1/6 ≈ 0.167) with at least 60% of
/// answers within 0.04 of the sum; the vanilla RNN, same budget, stays above 0.1. Deterministic; about 25 s in all.
/// (Measured when written: LSTM 0.0008 / 84.6%, GRU 0.0001 / 100%, RNN 0.163 / 8%.)
/// </summary>
public class AddingProblemTests(ITestOutputHelper output)
{
    private const int Seed = 1, Updates = 5000;
    private const double LearnedError = 0.005, LearnedAccuracy = 0.6, UnlearnedError = 0.1;

    [Fact]
    public void LstmLearnsIt()
    {
        ExperimentResult result = Experiment.Run<LstmAdder, LstmAdder.State>(Seed, Updates);
        output.WriteLine(result.ToString());
        Assert.True(result.MeanSquaredError < LearnedError, result.ToString());
        Assert.True(result.Accuracy >= LearnedAccuracy, result.ToString());
    }

    [Fact]
    public void GruLearnsIt()
    {
        ExperimentResult result = Experiment.Run<GruAdder, GruAdder.State>(Seed, Updates);
        output.WriteLine(result.ToString());
        Assert.True(result.MeanSquaredError < LearnedError, result.ToString());
        Assert.True(result.Accuracy >= LearnedAccuracy, result.ToString());
    }

    [Fact]
    public void VanillaRnnDoesNot()
    {
        ExperimentResult result = Experiment.Run<RnnAdder, RnnAdder.State>(Seed, Updates);
        output.WriteLine(result.ToString());
        Assert.True(result.MeanSquaredError > UnlearnedError, result.ToString());
    }
}
