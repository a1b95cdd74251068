using System;
using RnnGen.Benchmarks.Baselines;

namespace RnnGen.Benchmarks;

/// <summary>
/// The proof, run in the setup of <see cref="SamplingBenchmarks"/>, that the sampling baselines draw what the runtime
/// draws. <see cref="Sample"/>: on the benchmark's logits, on the same logits with a tie at the top-k boundary, and
/// with another temperature and k, each baseline's probability of every token (computed by the code its draw uses)
/// must be within 1e-5 of a double-precision softmax over the top k computed here; and the frequencies of 100,000
/// draws by each baseline and by the runtime's <see cref="Sampler"/> must match those probabilities within five
/// standard deviations, a token outside the top k never being drawn. <see cref="Generate"/>: with top-k 1 (greedy)
/// each baseline generator must produce exactly the generated model's argmax sequence (which
/// <see cref="TextSampler{TState}"/> must produce too), and on that sequence and on a top-k sequence of its own its
/// logits at every step must be within 1e-4 of the generated model's <c>Step</c>, each drawn token being among the
/// top k.
/// </summary>
internal static class SamplingCheck
{
    /// <summary>A baseline's probability of a token against the double-precision reference: |error| ≤ 1e-5.</summary>
    private const double ProbabilityTolerance = 1e-5;

    /// <summary>Frequencies against the reference probabilities: |f − p| ≤ 5 · √(p(1 − p)/N).</summary>
    private const double Sigmas = 5;

    private const int Draws = 100_000;

    /// <summary>A baseline's logits against the generated model's <c>Step</c>: |error| ≤ 1e-4.</summary>
    private const float LogitTolerance = 1e-4f;

    /// <summary>Checks <paramref name="scalar"/> and <paramref name="vector"/> against the reference and <see cref="Sampler"/>; reseeds both.</summary>
    public static void Sample(float[] logits, float temperature, int topK, int seed, SampleBaseline scalar, SampleBaseline vector)
    {
        int n = logits.Length;
        int[] order = ReferenceOrder(logits);
        float[] tied = (float[])logits.Clone();
        tied[order[topK]] = tied[order[topK - 1]];
        (string Name, float[] Logits, float Temperature, int TopK)[] cases =
        [
            ("the benchmark's logits", logits, temperature, topK),
            ($"a tie at the top-{topK} boundary (tokens {order[topK - 1]} and {order[topK]})", tied, temperature, topK),
            ("temperature 1.7, top-3", logits, 1.7f, 3),
        ];
        (string Name, SampleBaseline Baseline)[] baselines = [("scalar", scalar), ("Vector256", vector)];

        var probabilities = new double[n];
        var sampler = new Sampler(n, seed);
        double probabilityError = 0, samplerSigmas = 0, baselineSigmas = 0;
        foreach (var (name, caseLogits, caseTemperature, caseTopK) in cases)
        {
            double[] expected = Reference(caseLogits, caseTemperature, caseTopK);
            samplerSigmas = Math.Max(samplerSigmas,
                Frequencies(expected, () => sampler.Sample(caseLogits, caseTemperature, caseTopK), $"Sample, {name}: the runtime's Sampler"));
            foreach (var (baselineName, baseline) in baselines)
            {
                string what = $"Sample, {name}: the {baselineName} baseline";
                baseline.Probabilities(caseLogits, caseTemperature, caseTopK, probabilities);
                for (int i = 0; i < n; i++)
                {
                    double error = Math.Abs(probabilities[i] - expected[i]);
                    if (!(error <= ProbabilityTolerance))
                        throw new InvalidOperationException($"{what}'s probability of token {i} is {probabilities[i]:G9}, the reference's {expected[i]:G9} (error {error:E2}, tolerance {ProbabilityTolerance:E0}).");
                    probabilityError = Math.Max(probabilityError, error);
                }
                baseline.Reseed(seed);
                baselineSigmas = Math.Max(baselineSigmas, Frequencies(expected, () => baseline.Sample(caseLogits, caseTemperature, caseTopK), what));
                baseline.Reseed(seed);
            }
        }
        Console.WriteLine(
            $"Sample check, {cases.Length} cases: baselines' probabilities vs double reference, largest error {probabilityError:E2}; "
            + $"{Draws} draws each, largest frequency deviation {baselineSigmas:F2} σ (baselines), {samplerSigmas:F2} σ (runtime's Sampler)");
    }

    /// <summary>
    /// Checks <paramref name="scalar"/> and <paramref name="vector"/> against <paramref name="model"/> and
    /// <paramref name="text"/> (whose sampler it reseeds) over <paramref name="count"/> tokens from <paramref name="first"/>.
    /// </summary>
    public static void Generate<TState>(ITokenRnnModel<TState> model, TextSampler<TState> text, int first, int count, float temperature, int topK, int seed,
        TokenGenerator scalar, TokenGenerator vector)
        where TState : struct, IRnnState
    {
        var logits = new float[model.OutputSize];
        var greedy = new int[count];
        TState state = default;
        state.Reset();
        int token = first;
        for (int i = 0; i < count; i++)
        {
            model.Step(token, ref state, logits);
            token = greedy[i] = Sampler.Argmax(logits);
        }

        var tokens = new int[count];
        state.Reset();
        text.Generate(ref state, first, tokens, temperature, 1);
        text.Sampler.Reseed(seed);
        SameTokens(greedy, tokens, "Generate, top-1: TextSampler");

        float logitError = 0f;
        int distinct = 0;
        foreach (var (name, baseline) in new[] { ("scalar", scalar), ("Vector256", vector) })
        {
            baseline.Generate(first, tokens, temperature, 1);
            SameTokens(greedy, tokens, $"Generate, top-1: the {name} baseline");
            logitError = Math.Max(logitError, Replay(model, baseline.Model, first, tokens, 1, $"Generate, top-1: the {name} baseline"));

            baseline.Generate(first, tokens, temperature, topK);
            baseline.Sampler.Reseed(seed);
            distinct = Math.Max(distinct, new System.Collections.Generic.HashSet<int>(tokens).Count);
            logitError = Math.Max(logitError, Replay(model, baseline.Model, first, tokens, topK, $"Generate, top-{topK}: the {name} baseline"));
        }
        Console.WriteLine(
            $"Generate check, {count} tokens: top-1 sequences of both baselines and TextSampler == the generated model's argmax sequence; "
            + $"baselines' logits vs generated Step (top-1 and top-{topK} sequences, up to {distinct} distinct tokens), largest error {logitError:E2}");
    }

    /// <summary>
    /// Feeds <paramref name="first"/> and then <paramref name="tokens"/> to the generated model and to
    /// <paramref name="baseline"/> from zero states; each step's logits must agree, and each token must be among the
    /// <paramref name="topK"/> largest logits of the step before it. Returns the largest logit error.
    /// </summary>
    private static float Replay<TState>(ITokenRnnModel<TState> model, ITokenStepBaseline baseline, int first, int[] tokens, int topK, string what)
        where TState : struct, IRnnState
    {
        var expected = new float[model.OutputSize];
        var actual = new float[model.OutputSize];
        TState state = default;
        state.Reset();
        baseline.Reset();
        float largest = 0f;
        int token = first;
        for (int t = 0; t < tokens.Length; t++)
        {
            model.Step(token, ref state, expected);
            baseline.Step(token, actual);
            for (int k = 0; k < expected.Length; k++)
            {
                float error = MathF.Abs(actual[k] - expected[k]);
                if (!(error <= LogitTolerance))
                    throw new InvalidOperationException($"{what}'s logit {k} at step {t} is {actual[k]}, the generated model's {expected[k]} (error {error:E2}, tolerance {LogitTolerance:E0}).");
                largest = MathF.Max(largest, error);
            }
            token = tokens[t];
            int above = 0;
            foreach (float logit in expected)
            {
                if (logit > expected[token] + LogitTolerance)
                    above++;
            }
            if (above >= topK)
                throw new InvalidOperationException($"{what} drew token {token} at step {t}, below the top {topK} of the generated model's logits ({above} are larger).");
        }
        return largest;
    }

    private static void SameTokens(int[] expected, int[] actual, string what)
    {
        for (int t = 0; t < expected.Length; t++)
        {
            if (actual[t] != expected[t])
                throw new InvalidOperationException($"{what} gave token {actual[t]} at step {t}; the generated model's argmax is {expected[t]}.");
        }
    }

    /// <summary>
    /// <see cref="Draws"/> draws of <paramref name="draw"/>: every token's frequency within <see cref="Sigmas"/>
    /// standard deviations of <paramref name="expected"/>, exactly 0 where that is 0. Returns the largest deviation in σ.
    /// </summary>
    private static double Frequencies(double[] expected, Func<int> draw, string what)
    {
        var counts = new int[expected.Length];
        for (int d = 0; d < Draws; d++)
            counts[draw()]++;
        double largest = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            double p = expected[i];
            double frequency = (double)counts[i] / Draws;
            if (p == 0)
            {
                if (counts[i] != 0)
                    throw new InvalidOperationException($"{what} drew token {i}, outside the top k, {counts[i]} times in {Draws}.");
                continue;
            }
            double sigmas = Math.Abs(frequency - p) / Math.Sqrt(p * (1 - p) / Draws);
            if (!(sigmas <= Sigmas))
                throw new InvalidOperationException($"{what} drew token {i} with frequency {frequency:G6}, probability {p:G6} ({sigmas:F1} σ off, tolerance {Sigmas} σ).");
            largest = Math.Max(largest, sigmas);
        }
        return largest;
    }

    /// <summary>softmax((logit − max)/temperature) over the top k, in double; 0 elsewhere.</summary>
    private static double[] Reference(float[] logits, float temperature, int topK)
    {
        int[] order = ReferenceOrder(logits);
        var probabilities = new double[logits.Length];
        double max = logits[order[0]], total = 0;
        for (int j = 0; j < topK; j++)
            total += probabilities[order[j]] = Math.Exp((logits[order[j]] - max) / temperature);
        for (int j = 0; j < topK; j++)
            probabilities[order[j]] /= total;
        return probabilities;
    }

    /// <summary>The indices by logit descending, then index ascending (Sampler's top-k rule).</summary>
    private static int[] ReferenceOrder(float[] logits)
    {
        int[] order = new int[logits.Length];
        for (int i = 0; i < order.Length; i++)
            order[i] = i;
        Array.Sort(order, (a, b) => logits[a] != logits[b] ? logits[b].CompareTo(logits[a]) : a.CompareTo(b));
        return order;
    }
}
