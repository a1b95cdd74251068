using RnnGen.Generator.Helpers;

namespace RnnGen.Generator;

public sealed partial class RnnGenerator
{
    internal static partial class Emitter
    {
        private const int SequenceRows = 4;

        /// <summary>
        /// Y[k] += W·X[t(k)] for every step k of a window (t(k) = k, or steps − 1 − k for a reverse layer): the input
        /// projections of a whole window, hoisted out of the recurrence. The AVX2 path takes 4 rows × 2 steps at a time
        /// (8 accumulators), so each block of W is loaded once per window instead of once per step.
        /// </summary>
        private static void WriteMultiplyAddSequence(SourceWriter w, string name, int rows, int columns, string what, string outputs)
        {
            bool vectorColumns = columns >= Lanes, columnTail = columns % Lanes != 0;
            string tailStart = vectorColumns ? "VectorColumns" : "0";
            w.Line("/// <summary>" + outputs + "[k] += W·x[t(k)] for every step of the window, W = " + what + " [" + SourceWriter.Int(rows) + " × " + SourceWriter.Int(columns) + "].</summary>");
            w.Line("/// <remarks>x is steps × " + SourceWriter.Int(columns) + " in time order; with <paramref name=\"reversed\"/>, output row k reads input row steps − 1 − k.</remarks>");
            w.Open("private static void " + name + "(ReadOnlySpan<float> weights, ReadOnlySpan<float> inputs, int steps, bool reversed, Span<float> outputs)");
            w.Line("const int Rows = " + SourceWriter.Int(rows) + ";");
            w.Line("const int Columns = " + SourceWriter.Int(columns) + ";");
            w.Open("if (UseAvx2)");
            w.Line("ref float wRef = ref MemoryMarshal.GetReference(weights.Slice(0, Rows * Columns));");
            w.Line("ref float xRef = ref MemoryMarshal.GetReference(inputs.Slice(0, steps * Columns));");
            w.Line("ref float yRef = ref MemoryMarshal.GetReference(outputs.Slice(0, steps * Rows));");
            w.Line("ref float xFirst = ref Unsafe.Add(ref xRef, (reversed ? steps - 1 : 0) * Columns);");
            w.Line("int inputStep = reversed ? -Columns : Columns;");
            if (vectorColumns)
                w.Line("const int VectorColumns = Columns / Lanes * Lanes;");
            w.Line("int row = 0;");
            if (rows >= SequenceRows)
            {
                w.Open("for (; row <= Rows - " + SequenceRows + "; row += " + SequenceRows + ")");
                w.Line("ref float w0 = ref Unsafe.Add(ref wRef, row * Columns);");
                w.Line("int k = 0;");
                // Two steps at a time.
                w.Open("for (; k <= steps - 2; k += 2)");
                w.Line("ref float x0 = ref Unsafe.Add(ref xFirst, k * inputStep);");
                w.Line("ref float x1 = ref Unsafe.Add(ref x0, inputStep);");
                for (int s = 0; s < 2; s++)
                    for (int r = 0; r < SequenceRows; r++)
                        w.Line("Vector256<float> a" + r + s + " = Vector256<float>.Zero;");
                if (vectorColumns)
                {
                    w.Open("for (int c = 0; c < VectorColumns; c += Lanes)");
                    w.Line("Vector256<float> xa = Vector256.LoadUnsafe(ref x0, (nuint)c);");
                    w.Line("Vector256<float> xb = Vector256.LoadUnsafe(ref x1, (nuint)c);");
                    for (int r = 0; r < SequenceRows; r++)
                    {
                        w.Line((r == 0 ? "Vector256<float> " : "") + "wv = Vector256.LoadUnsafe(ref w0, (nuint)(" + RowOffset(r) + "c));");
                        w.Line("a" + r + "0 = Fma.MultiplyAdd(wv, xa, a" + r + "0);");
                        w.Line("a" + r + "1 = Fma.MultiplyAdd(wv, xb, a" + r + "1);");
                    }
                    w.Close();
                }
                w.Line("Vector256<float> sums = SumEach(a00, a10, a20, a30, a01, a11, a21, a31);");
                if (columnTail)
                {
                    for (int s = 0; s < 2; s++)
                        for (int r = 0; r < SequenceRows; r++)
                            w.Line("float t" + r + s + " = 0f;");
                    w.Open("for (int c = " + tailStart + "; c < Columns; c++)");
                    w.Line("float xa = Unsafe.Add(ref x0, c), xb = Unsafe.Add(ref x1, c);");
                    for (int r = 0; r < SequenceRows; r++)
                    {
                        w.Line("float w" + r + "c = Unsafe.Add(ref w0, " + RowOffset(r) + "c);");
                        w.Line("t" + r + "0 += w" + r + "c * xa;");
                        w.Line("t" + r + "1 += w" + r + "c * xb;");
                    }
                    w.Close();
                    w.Line("sums = Avx.Add(sums, Vector256.Create(t00, t10, t20, t30, t01, t11, t21, t31));");
                }
                w.Line("ref float y0 = ref Unsafe.Add(ref yRef, k * Rows + row);");
                w.Line("Vector128.Add(Vector128.LoadUnsafe(ref y0), sums.GetLower()).StoreUnsafe(ref y0);");
                w.Line("ref float y1 = ref Unsafe.Add(ref y0, Rows);");
                w.Line("Vector128.Add(Vector128.LoadUnsafe(ref y1), sums.GetUpper()).StoreUnsafe(ref y1);");
                w.Close();
                // The last step of an odd window.
                w.Open("if (k < steps)");
                w.Line("ref float x0 = ref Unsafe.Add(ref xFirst, k * inputStep);");
                for (int r = 0; r < SequenceRows; r++)
                    w.Line("float s" + r + " = 0f;");
                if (vectorColumns)
                {
                    for (int r = 0; r < SequenceRows; r++)
                        w.Line("Vector256<float> a" + r + " = Vector256<float>.Zero;");
                    w.Open("for (int c = 0; c < VectorColumns; c += Lanes)");
                    w.Line("Vector256<float> xa = Vector256.LoadUnsafe(ref x0, (nuint)c);");
                    for (int r = 0; r < SequenceRows; r++)
                        w.Line("a" + r + " = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref w0, (nuint)(" + RowOffset(r) + "c)), xa, a" + r + ");");
                    w.Close();
                    for (int r = 0; r < SequenceRows; r++)
                        w.Line("s" + r + " = Vector256.Sum(a" + r + ");");
                }
                if (columnTail)
                {
                    w.Open("for (int c = " + tailStart + "; c < Columns; c++)");
                    w.Line("float xa = Unsafe.Add(ref x0, c);");
                    for (int r = 0; r < SequenceRows; r++)
                        w.Line("s" + r + " += Unsafe.Add(ref w0, " + RowOffset(r) + "c) * xa;");
                    w.Close();
                }
                w.Line("ref float y0 = ref Unsafe.Add(ref yRef, k * Rows + row);");
                for (int r = 0; r < SequenceRows; r++)
                    w.Line("Unsafe.Add(ref y0, " + r + ") += s" + r + ";");
                w.Close();
                w.Close();
            }
            if (rows % SequenceRows != 0)
            {
                w.Open("for (; row < Rows; row++)");
                w.Line("ref float w0 = ref Unsafe.Add(ref wRef, row * Columns);");
                w.Open("for (int k = 0; k < steps; k++)");
                w.Line("ref float x0 = ref Unsafe.Add(ref xFirst, k * inputStep);");
                if (vectorColumns)
                {
                    w.Line("Vector256<float> a = Vector256<float>.Zero;");
                    w.Line("for (int c = 0; c < VectorColumns; c += Lanes)");
                    w.Line("    a = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref w0, (nuint)c), Vector256.LoadUnsafe(ref x0, (nuint)c), a);");
                    w.Line("float s = Vector256.Sum(a);");
                }
                else
                {
                    w.Line("float s = 0f;");
                }
                if (columnTail)
                {
                    w.Line("for (int c = " + tailStart + "; c < Columns; c++)");
                    w.Line("    s += Unsafe.Add(ref w0, c) * Unsafe.Add(ref x0, c);");
                }
                w.Line("Unsafe.Add(ref yRef, k * Rows + row) += s;");
                w.Close();
                w.Close();
            }
            w.Close();
            w.Open("else");
            w.Open("for (int k = 0; k < steps; k++)");
            w.Line("int t = reversed ? steps - 1 - k : k;");
            w.Open("for (int row = 0; row < Rows; row++)");
            w.Line("float s = 0f;");
            w.Line("for (int c = 0; c < Columns; c++)");
            w.Line("    s += weights[row * Columns + c] * inputs[t * Columns + c];");
            w.Line("outputs[k * Rows + row] += s;");
            w.Close();
            w.Close();
            w.Close();
            w.Close();
            w.Line();
        }
    }
}
