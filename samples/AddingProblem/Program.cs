using System;
using System.Globalization;
using AddingProblem;

// The adding problem with a gap of 50 steps, for the three cells side by side, from the same seed and budget.
int updates = args.Length > 0 && int.TryParse(args[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) && n > 0 ? n : 5000;
const int Seed = 1;
Console.WriteLine($"adding problem: {AddingTask.Length} steps, first marker within the first {AddingTask.FirstMarkerRange} (gap ≥ {AddingTask.Gap});");
Console.WriteLine($"32 hidden units, Adam 3e-3, batches of {Experiment.BatchSize}, clip norm 1, {updates} updates, seed {Seed}; {Experiment.TestSequences} held-out sequences");
Console.WriteLine("answering 1 every time: MSE 0.167; 'right' = within 0.04 of the sum");
Console.WriteLine();
Console.WriteLine("cell   |    MSE | right  | time");
Console.WriteLine("-------|--------|--------|-------");
Print(Experiment.Run<RnnAdder, RnnAdder.State>(Seed, updates));
Print(Experiment.Run<LstmAdder, LstmAdder.State>(Seed, updates));
Print(Experiment.Run<GruAdder, GruAdder.State>(Seed, updates));

static void Print(ExperimentResult r) =>
    Console.WriteLine($"{r.Cell,-6} | {r.MeanSquaredError,6:F4} | {r.Accuracy,6:P1} | {r.Elapsed.TotalSeconds,4:F1} s");
