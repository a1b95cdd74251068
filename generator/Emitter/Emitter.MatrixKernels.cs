using System.Collections.Generic;
using RnnGen.Generator.Helpers;

namespace RnnGen.Generator;

public sealed partial class RnnGenerator
{
    internal static partial class Emitter
    {
        /// <summary>
        /// The matrix kernels a model's layers call, one per operation and shape, named after both (e.g.
        /// <c>MultiplyAdd32x8</c>): layers of the same shape share one. Requested while the layers are written, written
        /// after them in the order first requested, so the same model gives the same text.
        /// </summary>
        private sealed class KernelSet
        {
            private enum Kind
            {
                MultiplyAdd,
                MultiplyAddSequence,
                MultiplyTransposedAdd,
                AccumulateOuter,
                GatherColumns,
                ScatterColumn,
            }

            private readonly List<(Kind Kind, int Rows, int Columns)> _requested = new();
            private readonly List<(string Name, StepRowsSpec Spec)> _stepRows = new();

            /// <summary>The affine rows of one layer's step (<see cref="WriteStepRows"/>), written with the other kernels.</summary>
            public string StepRows(string name, int gates, int rows, RowSource[] sources, string[] biases)
            {
                _stepRows.Add((name, new StepRowsSpec(gates, rows, sources, biases)));
                return name;
            }

            /// <summary>y += W·x for one vector.</summary>
            public string MultiplyAdd(int rows, int columns) => Request(Kind.MultiplyAdd, rows, columns);

            /// <summary>Y[k] += W·X[t(k)] for every step of a window.</summary>
            public string MultiplyAddSequence(int rows, int columns) => Request(Kind.MultiplyAddSequence, rows, columns);

            /// <summary>y += Wᵀ·d.</summary>
            public string MultiplyTransposedAdd(int rows, int columns) => Request(Kind.MultiplyTransposedAdd, rows, columns);

            /// <summary>G += Σ_t d_t ⊗ x_t.</summary>
            public string AccumulateOuter(int rows, int columns) => Request(Kind.AccumulateOuter, rows, columns);

            /// <summary>Y[k] += W[:, token k]: the product with one-hot inputs.</summary>
            public string GatherColumns(int rows, int columns) => Request(Kind.GatherColumns, rows, columns);

            /// <summary>G[:, token] += d: the gradient of a column gather.</summary>
            public string ScatterColumn(int rows, int columns) => Request(Kind.ScatterColumn, rows, columns);

            private string Request(Kind kind, int rows, int columns)
            {
                if (!_requested.Contains((kind, rows, columns)))
                    _requested.Add((kind, rows, columns));
                return Name(kind, rows, columns);
            }

            private static string Name(Kind kind, int rows, int columns) => kind + SourceWriter.Int(rows) + "x" + SourceWriter.Int(columns);

            public void Write(Context c)
            {
                SourceWriter w = c.W;
                foreach ((Kind kind, int rows, int columns) in _requested)
                {
                    string name = Name(kind, rows, columns);
                    string what = "a [" + SourceWriter.Int(rows) + " × " + SourceWriter.Int(columns) + "] matrix";
                    switch (kind)
                    {
                        case Kind.MultiplyAdd:
                            WriteMultiplyAdd(w, name, rows, columns, what);
                            break;
                        case Kind.MultiplyAddSequence:
                            WriteMultiplyAddSequence(w, name, rows, columns, what, "outputs");
                            break;
                        case Kind.MultiplyTransposedAdd:
                            WriteMultiplyTransposedAdd(w, name, rows, columns, what);
                            break;
                        case Kind.AccumulateOuter:
                            WriteAccumulateOuter(w, name, rows, columns, what);
                            break;
                        case Kind.GatherColumns:
                            WriteGatherColumns(w, name, rows, columns);
                            break;
                        default:
                            WriteScatterColumn(w, name, rows, columns);
                            break;
                    }
                }
                foreach ((string name, StepRowsSpec spec) in _stepRows)
                    WriteStepRows(w, name, spec);
            }
        }

        /// <summary>
        /// Row k of the target += W[:, token k] for every step k (tokens in reverse for a reverse direction): the product of
        /// W with a one-hot input is a column gather. A column's floats are Columns apart, each on its own cache line, so
        /// the window is gathered 16 rows of W at a time: those rows stay in L1 for every step's token, and W is streamed
        /// once per window instead of one cache line per weight.
        /// </summary>
        private static void WriteGatherColumns(SourceWriter w, string name, int rows, int columns)
        {
            w.Lines($$"""
                /// <summary>Row k of <paramref name="target"/> += W[:, token k] for every step k of the window, W [{{SourceWriter.Int(rows)}} × {{SourceWriter.Int(columns)}}] (one-hot inputs).</summary>
                private static void {{name}}(ReadOnlySpan<float> weights, ReadOnlySpan<int> tokens, int steps, bool reversed, Span<float> target)
                {
                    const int Rows = {{SourceWriter.Int(rows)}};
                    const int Columns = {{SourceWriter.Int(columns)}};
                    const int GatherRows = 16; // rows of W gathered together for a window
                    const int ColumnSpan = (Rows - 1) * Columns + 1; // floats from W[0, c] to W[Rows − 1, c]
                    target = target.Slice(0, steps * Rows);
                    for (int row = 0; row < Rows; row += GatherRows)
                    {
                        int rows = Math.Min(GatherRows, Rows - row);
                        for (int k = 0; k < steps; k++)
                        {
                            int token = tokens[reversed ? steps - 1 - k : k];
                            // The slice checks the token against the whole column: W[row + j, token] = column[(row + j) * Columns].
                            ref float column = ref Unsafe.Add(ref MemoryMarshal.GetReference(weights.Slice(token, ColumnSpan)), row * Columns);
                            ref float t = ref MemoryMarshal.GetReference(target.Slice(k * Rows + row, rows));
                            int j = 0;
                            if (UseAvx2)
                            {
                                for (; j <= rows - Lanes; j += Lanes)
                                {
                                    ref float c = ref Unsafe.Add(ref column, j * Columns); // the other seven are constant offsets from it
                                    Vector256<float> gathered = Vector256.Create(
                                        c, Unsafe.Add(ref c, Columns), Unsafe.Add(ref c, 2 * Columns), Unsafe.Add(ref c, 3 * Columns),
                                        Unsafe.Add(ref c, 4 * Columns), Unsafe.Add(ref c, 5 * Columns), Unsafe.Add(ref c, 6 * Columns), Unsafe.Add(ref c, 7 * Columns));
                                    (Vector256.LoadUnsafe(ref t, (nuint)j) + gathered).StoreUnsafe(ref t, (nuint)j);
                                }
                            }
                            for (; j < rows; j++)
                                Unsafe.Add(ref t, j) += Unsafe.Add(ref column, j * Columns);
                        }
                    }
                }

                """);
        }

        /// <summary>G[:, token] += d: the weight gradient of a column gather.</summary>
        private static void WriteScatterColumn(SourceWriter w, string name, int rows, int columns)
        {
            w.Lines($$"""
                /// <summary>dW[:, token] += delta for W [{{SourceWriter.Int(rows)}} × {{SourceWriter.Int(columns)}}]: the gradient of a column gather.</summary>
                private static void {{name}}(ReadOnlySpan<float> delta, int token, Span<float> gradient)
                {
                    const int Rows = {{SourceWriter.Int(rows)}};
                    const int Columns = {{SourceWriter.Int(columns)}};
                    ref float d = ref MemoryMarshal.GetReference(delta.Slice(0, Rows));
                    ref float column = ref MemoryMarshal.GetReference(gradient.Slice(token, (Rows - 1) * Columns + 1));
                    for (int j = 0; j < Rows; j++)
                        Unsafe.Add(ref column, j * Columns) += Unsafe.Add(ref d, j);
                }

                """);
        }

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
        private static void WriteMultiplyAdd(SourceWriter w, string name, int rows, int columns, string what)
        {
            bool vectorColumns = columns >= Lanes, columnTail = columns % Lanes != 0;
            string tailStart = vectorColumns ? "VectorColumns" : "0";
            w.Line("/// <summary>y += W·x for " + what + " [" + SourceWriter.Int(rows) + " × " + SourceWriter.Int(columns) + "], row-major.</summary>");
            w.Open("private static void " + name + "(ReadOnlySpan<float> weights, ReadOnlySpan<float> x, Span<float> y)");
            w.Line("const int Rows = " + SourceWriter.Int(rows) + ";");
            w.Line("const int Columns = " + SourceWriter.Int(columns) + ";");
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

        /// <summary>
        /// y += Wᵀ·d for a row-major [rows × columns] matrix. The AVX2 path walks strips of <see cref="ColumnBlock"/>
        /// vectors of y kept in registers while every row, scaled by d[row], is added: y is read and written once.
        /// </summary>
        private static void WriteMultiplyTransposedAdd(SourceWriter w, string name, int rows, int columns, string what)
        {
            w.Line("/// <summary>y += Wᵀ·d for " + what + " [" + SourceWriter.Int(rows) + " × " + SourceWriter.Int(columns) + "], row-major.</summary>");
            w.Open("private static void " + name + "(ReadOnlySpan<float> weights, ReadOnlySpan<float> d, Span<float> y)");
            w.Line("const int Rows = " + SourceWriter.Int(rows) + ";");
            w.Line("const int Columns = " + SourceWriter.Int(columns) + ";");
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
        private static void WriteAccumulateOuter(SourceWriter w, string name, int rows, int columns, string what)
        {
            w.Line("/// <summary>G += Σ_t d_t ⊗ x_t for the gradient of " + what + " [" + SourceWriter.Int(rows) + " × " + SourceWriter.Int(columns) +
                   "]; d is steps × " + SourceWriter.Int(rows) + ", x is steps × " + SourceWriter.Int(columns) + ".</summary>");
            w.Line("/// <remarks>With <paramref name=\"reversed\"/>, delta row k pairs with input row steps − 1 − k (a reverse-direction layer).</remarks>");
            w.Open("private static void " + name + "(ReadOnlySpan<float> deltas, ReadOnlySpan<float> inputs, int steps, Span<float> gradient, bool reversed)");
            w.Line("const int Rows = " + SourceWriter.Int(rows) + ";");
            w.Line("const int Columns = " + SourceWriter.Int(columns) + ";");
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
