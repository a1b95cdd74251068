using System.Collections.Generic;
using RnnGen.Generator.Helpers;

namespace RnnGen.Generator;

public sealed partial class RnnGenerator
{
    internal static partial class Emitter
    {
        /// <summary>
        /// One matrix of an affine step: its offset constant, its columns, and the padded scratch vector it multiplies
        /// (null: the caller adds the product itself, e.g. a one-hot column).
        /// </summary>
        private sealed class RowSource
        {
            public RowSource(string offset, int columns, string? vector)
            {
                Offset = offset;
                Columns = columns;
                Vector = vector;
            }

            public string Offset { get; }
            public int Columns { get; }
            public string? Vector { get; }
        }

        /// <summary>What <see cref="WriteStepRows"/> computes: Gates × Rows rows, the sum of some matrix products and biases.</summary>
        private sealed class StepRowsSpec
        {
            public StepRowsSpec(int gates, int rows, RowSource[] sources, string[] biases)
            {
                Gates = gates;
                Rows = rows;
                Sources = sources;
                Biases = biases;
            }

            public int Gates { get; }
            public int Rows { get; }
            public RowSource[] Sources { get; }
            public string[] Biases { get; }
        }

        /// <summary>
        /// y[g·Rp + j] = Σ biases[g·R + j] + Σ_s W_s[g·R + j, :]·x_s for each of the gates' rows: a step's fused affine
        /// part, written for the sizes at hand. The AVX2 path takes eight rows of a gate at a time, one accumulator each,
        /// streaming the columns in whole vectors (the vectors' pads are zero, so a row's last vector may run on into the
        /// next row), and reduces the eight accumulators into one vector of eight outputs; a gate's last, partial block
        /// repeats its last row in the pad lanes, whose results nothing reads. A one-column matrix is a column of eight
        /// consecutive rows, one load and one FMA. The model's parameter buffer has eight floats of slack past its end,
        /// so these whole-vector loads never leave it.
        /// </summary>
        private static void WriteStepRows(SourceWriter w, string name, StepRowsSpec spec)
        {
            int rows = spec.Rows, padded = Pad(rows), gates = spec.Gates;
            var sources = new List<(RowSource Source, int Index)>();
            for (int s = 0; s < spec.Sources.Length; s++)
            {
                if (spec.Sources[s].Vector is not null)
                    sources.Add((spec.Sources[s], s));
            }
            w.Line("/// <summary>" + SourceWriter.Int(gates) + (gates == 1 ? " block" : " gates") + " of " + SourceWriter.Int(rows) + " rows: y = " + Formula(spec) + ", each block padded to " + SourceWriter.Int(padded) + ".</summary>");
            w.Open("private static void " + name + "(ReadOnlySpan<float> parameters, Span<float> scratch, int outputOffset)");
            if (sources.Count == 0 && spec.Biases.Length == 0)
            {
                w.Line("scratch.Slice(outputOffset, " + SourceWriter.Int(gates * padded) + ").Clear(); // no bias: the caller adds the only term");
                w.Close();
                w.Line();
                return;
            }
            w.Line("const int Rows = " + SourceWriter.Int(rows) + ";");
            w.Line("const int PaddedRows = " + SourceWriter.Int(padded) + ";");
            foreach ((RowSource source, int s) in sources)
                w.Line("ref float w" + s + " = ref MemoryMarshal.GetReference(parameters.Slice(" + source.Offset + ", " + SourceWriter.Int((long)gates * rows * source.Columns + Pad(source.Columns) - source.Columns + (source.Columns == 1 ? 8 : 0)) + "));");
            for (int b = 0; b < spec.Biases.Length; b++)
                w.Line("ref float b" + b + " = ref MemoryMarshal.GetReference(parameters.Slice(" + spec.Biases[b] + ", " + SourceWriter.Int(gates * rows + 8) + "));");
            foreach ((RowSource source, int s) in sources)
                w.Line("ref float x" + s + " = ref MemoryMarshal.GetReference(scratch.Slice(" + source.Vector + "Offset, " + SourceWriter.Int(Pad(source.Columns)) + "));");
            w.Line("ref float y = ref MemoryMarshal.GetReference(scratch.Slice(outputOffset, " + SourceWriter.Int(gates * padded) + "));");
            w.Open("if (UseAvx2)");
            // Column vectors few enough to keep in registers across the blocks are loaded once.
            int vectors = 0;
            foreach ((RowSource source, int _) in sources)
                vectors += source.Columns == 1 ? 1 : Pad(source.Columns) / 8;
            bool preload = vectors <= 4;
            if (preload)
            {
                foreach ((RowSource source, int s) in sources)
                {
                    if (source.Columns == 1)
                        w.Line("Vector256<float> x" + s + "v = Vector256.Create(x" + s + ");");
                    else
                        for (int v = 0; v < Pad(source.Columns) / 8; v++)
                            w.Line("Vector256<float> x" + s + "v" + v + " = Vector256.LoadUnsafe(ref x" + s + ", " + SourceWriter.Int(8 * v) + ");");
                }
            }
            string gateLoop = gates == 1 ? null! : "for (int gate = 0; gate < " + SourceWriter.Int(gates) + "; gate++)";
            if (gates > 1)
                w.Open(gateLoop);
            string gateRow = gates == 1 ? "" : "gate * Rows + ";
            string gateOut = gates == 1 ? "" : "gate * PaddedRows + ";
            if (rows >= 8)
            {
                w.Open("for (int j = 0; j <= Rows - 8; j += 8)");
                WriteStepBlock(w, spec, sources, preload, gateRow + "j", gateOut + "j", 8);
                w.Close();
            }
            if (rows % 8 != 0)
            {
                w.Open("// The last block" + (gates > 1 ? " of the gate" : "") + ": " + SourceWriter.Int(rows % 8) + (rows % 8 == 1 ? " row" : " rows"));
                w.Line("const int j = " + SourceWriter.Int(rows - rows % 8) + ";");
                WriteStepBlock(w, spec, sources, preload, gateRow + "j", gateOut + "j", rows % 8);
                w.Close();
            }
            if (gates > 1)
                w.Close();
            w.Close();
            w.Open("else");
            w.Open("for (int gate = 0; gate < " + SourceWriter.Int(gates) + "; gate++)");
            w.Open("for (int j = 0; j < Rows; j++)");
            w.Line("int row = gate * Rows + j;");
            string sum = "float s = 0f;";
            w.Line(sum);
            for (int b = 0; b < spec.Biases.Length; b++)
                w.Line("s += Unsafe.Add(ref b" + b + ", row);");
            foreach ((RowSource source, int s) in sources)
            {
                w.Line("for (int c = 0; c < " + SourceWriter.Int(source.Columns) + "; c++)");
                w.Line("    s += Unsafe.Add(ref w" + s + ", row * " + SourceWriter.Int(source.Columns) + " + c) * Unsafe.Add(ref x" + s + ", c);");
            }
            w.Line("Unsafe.Add(ref y, gate * PaddedRows + j) = s;");
            w.Close();
            w.Close();
            w.Close();
            w.Close();
            w.Line();
        }

        private static string Formula(StepRowsSpec spec)
        {
            var terms = new List<string>();
            foreach (string bias in spec.Biases)
                terms.Add("b");
            foreach (RowSource source in spec.Sources)
                terms.Add(source.Vector is null ? "(caller's W·x)" : "W·x");
            return terms.Count == 0 ? "0" : string.Join(" + ", terms);
        }

        /// <summary>One block of up to eight rows starting at row <paramref name="row"/>: rows past <paramref name="valid"/> repeat the last.</summary>
        private static void WriteStepBlock(SourceWriter w, StepRowsSpec spec, List<(RowSource Source, int Index)> sources, bool preload, string row, string output, int valid)
        {
            w.Line("int row = " + row + ";");
            bool perRow = valid <= 2;
            int lanes = perRow ? valid : 8;
            // Matrices of two or more columns: one accumulator per row (lane).
            bool any = false;
            foreach ((RowSource source, int _) in sources)
                any |= source.Columns > 1;
            if (any)
            {
                for (int k = 0; k < lanes; k++)
                    w.Line("Vector256<float> s" + k + " = Vector256<float>.Zero;");
                foreach ((RowSource source, int s) in sources)
                {
                    if (source.Columns == 1)
                        continue;
                    int columns = source.Columns;
                    int count = Pad(columns) / 8;
                    w.Line("ref float a" + s + " = ref Unsafe.Add(ref w" + s + ", row * " + SourceWriter.Int(columns) + ");");
                    bool loop = count > 8;
                    if (loop)
                        w.Open("for (int v = 0; v < " + SourceWriter.Int(count * 8) + "; v += 8)");
                    int iterations = loop ? 1 : count;
                    for (int v = 0; v < iterations; v++)
                    {
                        string at = loop ? "v" : SourceWriter.Int(8 * v);
                        string xv = preload && !loop ? "x" + s + "v" + v : "xv" + s;
                        if (!(preload && !loop))
                            w.Line((v == 0 ? "Vector256<float> " : "") + xv + " = Vector256.LoadUnsafe(ref x" + s + ", (nuint)(" + at + "));");
                        for (int k = 0; k < lanes; k++)
                        {
                            int laneRow = System.Math.Min(k, valid - 1);
                            string offset = laneRow == 0 ? at : SourceWriter.Int(laneRow * columns) + " + " + at;
                            w.Line("s" + k + " = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref a" + s + ", (nuint)(" + offset + ")), " + xv + ", s" + k + ");");
                        }
                    }
                    if (loop)
                        w.Close();
                }
            }
            if (perRow)
            {
                for (int k = 0; k < valid; k++)
                {
                    string value = any ? "Vector256.Sum(s" + k + ")" : "0f";
                    for (int b = 0; b < spec.Biases.Length; b++)
                        value += " + Unsafe.Add(ref b" + b + ", row + " + SourceWriter.Int(k) + ")";
                    foreach ((RowSource source, int s) in sources)
                    {
                        if (source.Columns == 1)
                            value += " + Unsafe.Add(ref w" + s + ", row + " + SourceWriter.Int(k) + ") * x" + s;
                    }
                    w.Line("Unsafe.Add(ref y, " + output + " + " + SourceWriter.Int(k) + ") = " + value + ";");
                }
                return;
            }
            w.Line("Vector256<float> sums = " + (any ? "SumEach(s0, s1, s2, s3, s4, s5, s6, s7)" : "Vector256<float>.Zero") + ";");
            for (int b = 0; b < spec.Biases.Length; b++)
                w.Line("sums += Vector256.LoadUnsafe(ref b" + b + ", (nuint)row);");
            foreach ((RowSource source, int s) in sources)
            {
                if (source.Columns == 1)
                    w.Line("sums = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref w" + s + ", (nuint)row), " + (preload ? "x" + s + "v" : "Vector256.Create(x" + s + ")") + ", sums);");
            }
            w.Line("sums.StoreUnsafe(ref y, (nuint)(" + output + "));");
        }
    }
}
