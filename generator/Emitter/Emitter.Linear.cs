using RnnGen.Generator.Helpers;

namespace RnnGen.Generator;

public sealed partial class RnnGenerator
{
    internal static partial class Emitter
    {
        /// <summary>Rows a matrix–vector kernel keeps in independent accumulators.</summary>
        private const int RowBlock = 4;

        private const int Lanes = 8;

        /// <summary>
        /// y += W·x for a row-major [rows × columns] matrix. The AVX2 path takes <see cref="RowBlock"/> rows at a time,
        /// one Vector256 accumulator each, streaming the columns; the tails are written only when the sizes need them.
        /// </summary>
        private static void WriteMultiplyAdd(SourceWriter w, string name, int rows, int columns, string rowsName, string columnsName, string what)
        {
            w.Line("/// <summary>y += W·x for " + what + " [" + SourceWriter.Int(rows) + " × " + SourceWriter.Int(columns) + "], row-major.</summary>");
            w.Open("private static void " + name + "(ReadOnlySpan<float> weights, ReadOnlySpan<float> x, Span<float> y)");
            w.Line("const int Rows = " + rowsName + ";");
            w.Line("const int Columns = " + columnsName + ";");
            w.Open("if (UseAvx2)");
            WriteRowPointers(w, vectorColumns: columns >= Lanes);
            w.Line("int row = 0;");
            if (rows >= RowBlock)
            {
                w.Open("for (; row <= Rows - RowBlock; row += RowBlock)");
                w.Line("ref float w0 = ref Unsafe.Add(ref wRef, row * Columns);");
                if (columns >= Lanes)
                {
                    for (int r = 0; r < RowBlock; r++)
                        w.Line("Vector256<float> sum" + r + " = Vector256<float>.Zero;");
                    w.Open("for (int c = 0; c < VectorColumns; c += Lanes)");
                    w.Line("Vector256<float> xv = Vector256.LoadUnsafe(ref xRef, (nuint)c);");
                    for (int r = 0; r < RowBlock; r++)
                        w.Line("sum" + r + " = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref w0, (nuint)(" + RowOffset(r) + "c)), xv, sum" + r + ");");
                    w.Close();
                    for (int r = 0; r < RowBlock; r++)
                        w.Line("float s" + r + " = Vector256.Sum(sum" + r + ");");
                }
                else
                {
                    for (int r = 0; r < RowBlock; r++)
                        w.Line("float s" + r + " = 0f;");
                }
                if (columns % Lanes != 0)
                {
                    w.Open("for (int c = " + (columns >= Lanes ? "VectorColumns" : "0") + "; c < Columns; c++)");
                    w.Line("float xc = Unsafe.Add(ref xRef, c);");
                    for (int r = 0; r < RowBlock; r++)
                        w.Line("s" + r + " += Unsafe.Add(ref w0, " + RowOffset(r) + "c) * xc;");
                    w.Close();
                }
                for (int r = 0; r < RowBlock; r++)
                    w.Line("Unsafe.Add(ref yRef, row" + (r == 0 ? "" : " + " + r) + ") += s" + r + ";");
                w.Close();
            }
            if (rows % RowBlock != 0)
            {
                w.Open("for (; row < Rows; row++)");
                w.Line("ref float w0 = ref Unsafe.Add(ref wRef, row * Columns);");
                if (columns >= Lanes)
                {
                    w.Line("Vector256<float> sum = Vector256<float>.Zero;");
                    w.Line("for (int c = 0; c < VectorColumns; c += Lanes)");
                    w.Line("    sum = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref w0, (nuint)c), Vector256.LoadUnsafe(ref xRef, (nuint)c), sum);");
                    w.Line("float s = Vector256.Sum(sum);");
                }
                else
                {
                    w.Line("float s = 0f;");
                }
                if (columns % Lanes != 0)
                {
                    w.Line("for (int c = " + (columns >= Lanes ? "VectorColumns" : "0") + "; c < Columns; c++)");
                    w.Line("    s += Unsafe.Add(ref w0, c) * Unsafe.Add(ref xRef, c);");
                }
                w.Line("Unsafe.Add(ref yRef, row) += s;");
                w.Close();
            }
            w.Close();
            w.Open("else");
            w.Open("for (int row = 0; row < Rows; row++)");
            w.Line("float s = 0f;");
            w.Line("for (int c = 0; c < Columns; c++)");
            w.Line("    s += weights[row * Columns + c] * x[c];");
            w.Line("y[row] += s;");
            w.Close();
            w.Close();
            w.Close();
            w.Line();
        }

        /// <summary>y += Wᵀ·d for a row-major [rows × columns] matrix: each row, scaled by d[row], is added to y.</summary>
        private static void WriteMultiplyTransposedAdd(SourceWriter w, string name, int rows, int columns, string rowsName, string columnsName, string what)
        {
            w.Line("/// <summary>y += Wᵀ·d for " + what + " [" + SourceWriter.Int(rows) + " × " + SourceWriter.Int(columns) + "], row-major.</summary>");
            w.Open("private static void " + name + "(ReadOnlySpan<float> weights, ReadOnlySpan<float> d, Span<float> y)");
            w.Line("const int Rows = " + rowsName + ";");
            w.Line("const int Columns = " + columnsName + ";");
            w.Open("if (UseAvx2)");
            w.Line("ref float wRef = ref MemoryMarshal.GetReference(weights.Slice(0, Rows * Columns));");
            w.Line("ref float dRef = ref MemoryMarshal.GetReference(d.Slice(0, Rows));");
            w.Line("ref float yRef = ref MemoryMarshal.GetReference(y.Slice(0, Columns));");
            if (columns >= Lanes)
                w.Line("const int VectorColumns = Columns / Lanes * Lanes;");
            w.Open("for (int row = 0; row < Rows; row++)");
            w.Line("float dr = Unsafe.Add(ref dRef, row);");
            w.Line("ref float wr = ref Unsafe.Add(ref wRef, row * Columns);");
            if (columns >= Lanes)
            {
                w.Line("Vector256<float> dv = Vector256.Create(dr);");
                w.Line("for (int c = 0; c < VectorColumns; c += Lanes)");
                w.Line("    Fma.MultiplyAdd(Vector256.LoadUnsafe(ref wr, (nuint)c), dv, Vector256.LoadUnsafe(ref yRef, (nuint)c)).StoreUnsafe(ref yRef, (nuint)c);");
            }
            if (columns % Lanes != 0)
            {
                w.Line("for (int c = " + (columns >= Lanes ? "VectorColumns" : "0") + "; c < Columns; c++)");
                w.Line("    Unsafe.Add(ref yRef, c) += Unsafe.Add(ref wr, c) * dr;");
            }
            w.Close();
            w.Close();
            w.Open("else");
            w.Open("for (int row = 0; row < Rows; row++)");
            w.Line("float dr = d[row];");
            w.Line("for (int c = 0; c < Columns; c++)");
            w.Line("    y[c] += weights[row * Columns + c] * dr;");
            w.Close();
            w.Close();
            w.Close();
            w.Line();
        }

        /// <summary>
        /// G += Σ_t d_t ⊗ x_t over a window: the weight gradient of a whole window as one product over time,
        /// each gradient row read and written once per step while it sits in L1.
        /// </summary>
        private static void WriteAccumulateOuter(SourceWriter w, string name, int rows, int columns, string rowsName, string columnsName, string what, bool last = false)
        {
            w.Line("/// <summary>G += Σ_t d_t ⊗ x_t for the gradient of " + what + " [" + SourceWriter.Int(rows) + " × " + SourceWriter.Int(columns) +
                   "]; d is steps × " + SourceWriter.Int(rows) + ", x is steps × " + SourceWriter.Int(columns) + ".</summary>");
            w.Line("/// <remarks>With <paramref name=\"reversed\"/>, delta row k pairs with input row steps − 1 − k (a reverse-direction layer).</remarks>");
            w.Open("private static void " + name + "(ReadOnlySpan<float> deltas, ReadOnlySpan<float> inputs, int steps, Span<float> gradient, bool reversed)");
            w.Line("const int Rows = " + rowsName + ";");
            w.Line("const int Columns = " + columnsName + ";");
            w.Open("if (UseAvx2)");
            w.Line("ref float dRef = ref MemoryMarshal.GetReference(deltas.Slice(0, steps * Rows));");
            w.Line("ref float xRef = ref MemoryMarshal.GetReference(inputs.Slice(0, steps * Columns));");
            w.Line("ref float gRef = ref MemoryMarshal.GetReference(gradient.Slice(0, Rows * Columns));");
            if (columns >= Lanes)
                w.Line("const int VectorColumns = Columns / Lanes * Lanes;");
            w.Open("for (int row = 0; row < Rows; row++)");
            w.Line("ref float g = ref Unsafe.Add(ref gRef, row * Columns);");
            w.Open("for (int t = 0; t < steps; t++)");
            w.Line("float dt = Unsafe.Add(ref dRef, t * Rows + row);");
            w.Line("ref float xt = ref Unsafe.Add(ref xRef, (reversed ? steps - 1 - t : t) * Columns);");
            if (columns >= Lanes)
            {
                w.Line("Vector256<float> dv = Vector256.Create(dt);");
                w.Line("for (int c = 0; c < VectorColumns; c += Lanes)");
                w.Line("    Fma.MultiplyAdd(Vector256.LoadUnsafe(ref xt, (nuint)c), dv, Vector256.LoadUnsafe(ref g, (nuint)c)).StoreUnsafe(ref g, (nuint)c);");
            }
            if (columns % Lanes != 0)
            {
                w.Line("for (int c = " + (columns >= Lanes ? "VectorColumns" : "0") + "; c < Columns; c++)");
                w.Line("    Unsafe.Add(ref g, c) += Unsafe.Add(ref xt, c) * dt;");
            }
            w.Close();
            w.Close();
            w.Close();
            w.Open("else");
            w.Open("for (int row = 0; row < Rows; row++)");
            w.Open("for (int t = 0; t < steps; t++)");
            w.Line("float dt = deltas[t * Rows + row];");
            w.Line("for (int c = 0; c < Columns; c++)");
            w.Line("    gradient[row * Columns + c] += inputs[(reversed ? steps - 1 - t : t) * Columns + c] * dt;");
            w.Close();
            w.Close();
            w.Close();
            w.Close();
            if (!last)
                w.Line();
        }

        private static void WriteRowPointers(SourceWriter w, bool vectorColumns)
        {
            w.Line("ref float wRef = ref MemoryMarshal.GetReference(weights.Slice(0, Rows * Columns));");
            w.Line("ref float xRef = ref MemoryMarshal.GetReference(x.Slice(0, Columns));");
            w.Line("ref float yRef = ref MemoryMarshal.GetReference(y.Slice(0, Rows));");
            if (vectorColumns)
                w.Line("const int VectorColumns = Columns / Lanes * Lanes;");
        }

        private static string RowOffset(int r) => r switch
        {
            0 => "",
            1 => "Columns + ",
            _ => r + " * Columns + ",
        };
    }
}
