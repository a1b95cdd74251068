using System;
using System.Collections.Generic;
using System.Linq;
using Xunit;

namespace RnnGen.Tests.Stacks;

/// <summary>
/// Layer stacks against PyTorch: every layer kind, activation, cell, Layers, Bidirectional, Bias, both inputs, every
/// head, both output modes, the input skip and custom names (tests/fixtures/make_stack_fixtures.py). .ci/run repeats it
/// on the portable path.
/// </summary>
public class StackParityTests
{
    public static IEnumerable<object[]> Cases() => StackCase.All.Keys.OrderBy(k => k, StringComparer.Ordinal).Select(k => new object[] { k });

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesPyTorch(string caseName) => StackDispatch.Run(StackCase.All[caseName]);

    [Fact]
    public void EveryDeclaredModelHasACase()
    {
        var models = StackCase.All.Values.Select(c => c.Model).ToHashSet();
        Assert.Equal(StackDispatch.Models.OrderBy(m => m, StringComparer.Ordinal), models.OrderBy(m => m, StringComparer.Ordinal));
    }
}
