using System;
using System.Collections.Generic;
using System.Linq;
using Xunit;

namespace RnnGen.Tests.Matrix;

/// <summary>
/// The whole matrix against PyTorch: every cell × 1, 2, 3 layers × uni/bi × token/dense × softmax/linear × every/last
/// step at I=7, H=13, O=5 (windows of 21, and of 1 for one-layer models), plus three models with 100 hidden units.
/// Outputs, loss, final states and every parameter gradient; .ci/run repeats it on the portable path.
/// </summary>
public class MatrixParityTests
{
    public static IEnumerable<object[]> Cases() => MatrixCase.All.Keys.OrderBy(k => k, StringComparer.Ordinal).Select(k => new object[] { k });

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesPyTorch(string caseName) => MatrixDispatch.Run(MatrixCase.All[caseName]);

    [Fact]
    public void EveryDeclaredModelHasACaseAndTheMatrixIsComplete()
    {
        var models = MatrixCase.All.Values.Select(c => c.Model).ToHashSet();
        Assert.Equal(MatrixDispatch.Models.OrderBy(m => m, StringComparer.Ordinal), models.OrderBy(m => m, StringComparer.Ordinal));
        var small = MatrixCase.All.Values.Where(c => c.HiddenSize == 13).ToList();
        var combinations = small.Select(c => (c.Cell, c.Layers, c.Bidirectional, c.Input, c.Head, c.Output)).Distinct().Count();
        Assert.Equal(4 * 3 * 2 * 2 * 2 * 2, combinations);
        Assert.Contains(small, c => c.Length == 1);
        Assert.Contains(small, c => c.Length > 20);
        Assert.Contains(MatrixCase.All.Values, c => c.HiddenSize >= 100);
    }
}
