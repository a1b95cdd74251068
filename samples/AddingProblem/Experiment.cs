using System;
using System.Diagnostics;
using RnnGen;

namespace AddingProblem;

/// <summary>What one training run reached on held-out sequences.</summary>
/// <param name="Cell">The cell trained.</param>
/// <param name="Updates">Optimizer steps taken.</param>
/// <param name="MeanSquaredError">On the held-out sequences (answering 1 every time gives 1/6 ≈ 0.167).</param>
/// <param name="Accuracy">Fraction of held-out answers within <see cref="AddingTask.Tolerance"/> of the true sum.</param>
/// <param name="Elapsed">Training time.</param>
public readonly record struct ExperimentResult(CellKind Cell, int Updates, double MeanSquaredError, double Accuracy, TimeSpan Elapsed);

/// <summary>Trains a model on the adding problem with mini-batches (gradients of several sequences averaged), Adam and norm clipping.</summary>
public static class Experiment
{
    /// <summary>Sequences per optimizer step.</summary>
    public const int BatchSize = 16;

    /// <summary>Held-out sequences the result is measured on.</summary>
    public const int TestSequences = 500;

    /// <summary>Trains from <paramref name="seed"/> for <paramref name="updates"/> steps and measures the result.</summary>
    public static ExperimentResult Run<TModel, TState>(int seed, int updates, float learningRate = 3e-3f, float clipNorm = 1f)
        where TModel : IRnnModel<TState, float, float>, new()
        where TState : struct, IRnnState
    {
        var model = new TModel();
        model.InitializeParameters(seed);
        var optimizer = new AdamOptimizer(model.ParameterCount, learningRate);
        var random = new Random(seed);
        float[] inputs = new float[AddingTask.Length * AddingTask.Features];
        float[] target = new float[1];
        long start = Stopwatch.GetTimestamp();
        for (int update = 0; update < updates; update++)
        {
            model.ZeroGradients();
            for (int b = 0; b < BatchSize; b++)
            {
                target[0] = AddingTask.Fill(random, inputs);
                var state = new TState();
                model.ComputeGradients(inputs, target, ref state);
            }
            Span<float> gradients = model.Gradients;
            for (int i = 0; i < gradients.Length; i++)
                gradients[i] *= 1f / BatchSize;
            GradientClipping.ClipByGlobalNorm(gradients, clipNorm);
            optimizer.Step(model.Parameters, gradients);
        }
        TimeSpan elapsed = Stopwatch.GetElapsedTime(start);
        (double mse, double accuracy) = Evaluate<TModel, TState>(model, new Random(unchecked(seed * 7919 + 1)));
        return new ExperimentResult(model.Cell, updates, mse, accuracy, elapsed);
    }

    /// <summary>Mean squared error and accuracy over <see cref="TestSequences"/> fresh sequences.</summary>
    public static (double MeanSquaredError, double Accuracy) Evaluate<TModel, TState>(TModel model, Random random)
        where TModel : IRnnModel<TState, float, float>
        where TState : struct, IRnnState
    {
        float[] inputs = new float[AddingTask.Length * AddingTask.Features];
        float[] output = new float[1];
        double squares = 0;
        int right = 0;
        for (int i = 0; i < TestSequences; i++)
        {
            float answer = AddingTask.Fill(random, inputs);
            var state = new TState();
            model.Forward(inputs, ref state, output);
            double error = output[0] - answer;
            squares += error * error;
            if (Math.Abs(error) < AddingTask.Tolerance)
                right++;
        }
        return (squares / TestSequences, (double)right / TestSequences);
    }
}
