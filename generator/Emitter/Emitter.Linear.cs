using RnnGen.Generator.Helpers;

namespace RnnGen.Generator;

public sealed partial class RnnGenerator
{
    internal static partial class Emitter
    {
        /// <summary>Rows a matrix–vector kernel keeps in independent accumulators (enough to cover the FMA latency).</summary>
        private const int RowBlock = 8;

        /// <summary>
        /// Vector256 accumulators a transposed or outer-product kernel keeps per column strip: eight independent FMA
        /// chains cover the FMA latency at two FMAs per cycle; narrower strips (four, then one vector) take the rest.
        /// </summary>
        private const int ColumnBlock = 8;

        /// <summary>The strip width used for the columns left after the <see cref="ColumnBlock"/>-wide strips.</summary>
        private const int NarrowColumnBlock = 4;

        private const int Lanes = 8;

        /// <summary>
        /// y += W·x for a row-major [rows × columns] matrix. The AVX2 path takes <see cref="RowBlock"/> rows at a time,
        /// one Vector256 accumulator each, streaming the columns, and reduces the eight accumulators into one vector of
        /// eight sums; the tails are written only when the sizes need them.
        /// </summary>
        private static void WriteMultiplyAdd(SourceWriter w, string name, int rows, int columns, string rowsName, string columnsName, string what)
        {
            bool vectorColumns = columns >= Lanes, columnTail = columns % Lanes != 0;
            string tailStart = vectorColumns ? "VectorColumns" : "0";
            w.Line("/// <summary>y += W·x for " + what + " [" + SourceWriter.Int(rows) + " × " + SourceWriter.Int(columns) + "], row-major.</summary>");
            w.Open("private static void " + name + "(ReadOnlySpan<float> weights, ReadOnlySpan<float> x, Span<float> y)");
            w.Line("const int Rows = " + rowsName + ";");
            w.Line("const int Columns = " + columnsName + ";");
            w.Open("if (UseAvx2)");
            w.Line("ref float wRef = ref MemoryMarshal.GetReference(weights.Slice(0, Rows * Columns));");
            w.Line("ref float xRef = ref MemoryMarshal.GetReference(x.Slice(0, Columns));");
            w.Line("ref float yRef = ref MemoryMarshal.GetReference(y.Slice(0, Rows));");
            if (vectorColumns)
                w.Line("const int VectorColumns = Columns / Lanes * Lanes;");
            w.Line("int row = 0;");
            if (rows >= RowBlock)
            {
                w.Open("for (; row <= Rows - RowBlock; row += RowBlock)");
                w.Line("ref float w0 = ref Unsafe.Add(ref wRef, row * Columns);");
                for (int r = 0; r < RowBlock; r++)
                    w.Line("Vector256<float> sum" + r + " = Vector256<float>.Zero;");
                if (vectorColumns)
                {
                    w.Open("for (int c = 0; c < VectorColumns; c += Lanes)");
                    w.Line("Vector256<float> xv = Vector256.LoadUnsafe(ref xRef, (nuint)c);");
                    for (int r = 0; r < RowBlock; r++)
                        w.Line("sum" + r + " = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref w0, (nuint)(" + RowOffset(r) + "c)), xv, sum" + r + ");");
                    w.Close();
                }
                w.Line("Vector256<float> sums = SumEach(sum0, sum1, sum2, sum3, sum4, sum5, sum6, sum7);");
                if (columnTail)
                {
                    for (int r = 0; r < RowBlock; r++)
                        w.Line("float t" + r + " = 0f;");
                    w.Open("for (int c = " + tailStart + "; c < Columns; c++)");
                    w.Line("float xc = Unsafe.Add(ref xRef, c);");
                    for (int r = 0; r < RowBlock; r++)
                        w.Line("t" + r + " += Unsafe.Add(ref w0, " + RowOffset(r) + "c) * xc;");
                    w.Close();
                    w.Line("sums = Avx.Add(sums, Vector256.Create(t0, t1, t2, t3, t4, t5, t6, t7));");
                }
                w.Line("Avx.Add(Vector256.LoadUnsafe(ref yRef, (nuint)row), sums).StoreUnsafe(ref yRef, (nuint)row);");
                w.Close();
            }
            if (rows % RowBlock != 0)
            {
                w.Open("for (; row < Rows; row++)");
                w.Line("ref float w0 = ref Unsafe.Add(ref wRef, row * Columns);");
                if (vectorColumns)
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
                if (columnTail)
                {
                    w.Line("for (int c = " + tailStart + "; c < Columns; c++)");
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

        /// <summary>The eight-way horizontal sum the blocked matrix–vector kernels share.</summary>
        private static void WriteSumEach(SourceWriter w)
        {
            w.Lines("""
                /// <summary>[Σ s0, Σ s1, …, Σ s7]: eight horizontal sums in one vector (three rounds of pairwise adds).</summary>
                [MethodImpl(MethodImplOptions.AggressiveInlining)]
                private static Vector256<float> SumEach(Vector256<float> s0, Vector256<float> s1, Vector256<float> s2, Vector256<float> s3,
                    Vector256<float> s4, Vector256<float> s5, Vector256<float> s6, Vector256<float> s7)
                {
                    Vector256<float> a = Avx.HorizontalAdd(Avx.HorizontalAdd(s0, s1), Avx.HorizontalAdd(s2, s3));
                    Vector256<float> b = Avx.HorizontalAdd(Avx.HorizontalAdd(s4, s5), Avx.HorizontalAdd(s6, s7));
                    return Avx.Add(Avx.Permute2x128(a, b, 0x20), Avx.Permute2x128(a, b, 0x31));
                }

                """);
        }

        /// <summary>
        /// y += Wᵀ·d for a row-major [rows × columns] matrix. The AVX2 path walks strips of <see cref="ColumnBlock"/>
        /// vectors of y kept in registers while every row, scaled by d[row], is added: y is read and written once.
        /// </summary>
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
            WriteColumnStrips(w, columns,
                strip: (width) =>
                {
                    for (int i = 0; i < width; i++)
                        w.Line("Vector256<float> a" + i + " = Vector256.LoadUnsafe(ref yRef, (nuint)(c" + Plus(i * Lanes) + "));");
                    w.Open("for (int row = 0; row < Rows; row++)");
                    w.Line("Vector256<float> dv = Vector256.Create(Unsafe.Add(ref dRef, row));");
                    w.Line("ref float wr = ref Unsafe.Add(ref wRef, row * Columns + c);");
                    for (int i = 0; i < width; i++)
                        w.Line("a" + i + " = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref wr, " + SourceWriter.Int(i * Lanes) + "), dv, a" + i + ");");
                    w.Close();
                    for (int i = 0; i < width; i++)
                        w.Line("a" + i + ".StoreUnsafe(ref yRef, (nuint)(c" + Plus(i * Lanes) + "));");
                },
                tail: () =>
                {
                    w.Line("float s = Unsafe.Add(ref yRef, c);");
                    w.Line("for (int row = 0; row < Rows; row++)");
                    w.Line("    s += Unsafe.Add(ref wRef, row * Columns + c) * Unsafe.Add(ref dRef, row);");
                    w.Line("Unsafe.Add(ref yRef, c) = s;");
                });
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
        /// G += Σ_t d_t ⊗ x_t over a window: the weight gradient of a whole window as one product over time. The AVX2
        /// path keeps a strip of each gradient row in registers while it sums over the steps, so G is read and written once.
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
            w.Line("int firstRow = reversed ? steps - 1 : 0, rowStep = reversed ? -Columns : Columns;");
            w.Open("for (int row = 0; row < Rows; row++)");
            w.Line("ref float g = ref Unsafe.Add(ref gRef, row * Columns);");
            WriteColumnStrips(w, columns,
                strip: (width) =>
                {
                    for (int i = 0; i < width; i++)
                        w.Line("Vector256<float> a" + i + " = Vector256.LoadUnsafe(ref g, (nuint)(c" + Plus(i * Lanes) + "));");
                    w.Line("ref float xc = ref Unsafe.Add(ref xRef, firstRow * Columns + c);");
                    w.Open("for (int t = 0; t < steps; t++)");
                    w.Line("Vector256<float> dv = Vector256.Create(Unsafe.Add(ref dRef, t * Rows + row));");
                    w.Line("ref float xt = ref Unsafe.Add(ref xc, t * rowStep);");
                    for (int i = 0; i < width; i++)
                        w.Line("a" + i + " = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref xt, " + SourceWriter.Int(i * Lanes) + "), dv, a" + i + ");");
                    w.Close();
                    for (int i = 0; i < width; i++)
                        w.Line("a" + i + ".StoreUnsafe(ref g, (nuint)(c" + Plus(i * Lanes) + "));");
                },
                tail: () =>
                {
                    w.Line("float s = Unsafe.Add(ref g, c);");
                    w.Line("for (int t = 0; t < steps; t++)");
                    w.Line("    s += Unsafe.Add(ref xRef, (firstRow * Columns + c) + t * rowStep) * Unsafe.Add(ref dRef, t * Rows + row);");
                    w.Line("Unsafe.Add(ref g, c) = s;");
                });
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

        /// <summary>
        /// Walks the columns in strips: <see cref="ColumnBlock"/> vectors at a time, then <see cref="NarrowColumnBlock"/>,
        /// then single vectors, then the scalar tail — each written only when the column count needs it. Inside,
        /// <c>c</c> is the strip's first column.
        /// </summary>
        private static void WriteColumnStrips(SourceWriter w, int columns, System.Action<int> strip, System.Action tail)
        {
            w.Line("int c = 0;");
            int left = columns;
            foreach (int width in new[] { ColumnBlock, NarrowColumnBlock, 1 })
            {
                int span = width * Lanes;
                if (left < span)
                    continue;
                // A loop only where more than one strip of this width can fit; the last strips of a width run once.
                w.Open((left >= 2 * span ? "for (; c <= Columns - " : "if (c <= Columns - ") + SourceWriter.Int(span) + (left >= 2 * span ? "; c += " + SourceWriter.Int(span) + ")" : ")"));
                strip(width);
                if (left < 2 * span)
                    w.Line("c += " + SourceWriter.Int(span) + ";");
                w.Close();
                left %= span;
            }
            if (left > 0)
            {
                w.Open("for (; c < Columns; c++)");
                tail();
                w.Close();
            }
        }

        private static string Plus(int offset) => offset == 0 ? "" : " + " + SourceWriter.Int(offset);

        private static string RowOffset(int r) => r switch
        {
            0 => "",
            1 => "Columns + ",
            _ => r + " * Columns + ",
        };
    }
}
