using System;
using System.Globalization;
using System.IO;
using System.Text.Json;
using RnnGen;
using Xunit;

namespace RnnGen.Tests.Runtime;

/// <summary>Reads Fixtures/optimizers.json, written by tests/fixtures/make_optimizer_fixtures.py from PyTorch.</summary>
internal static class OptimizerFixture
{
    private static readonly Lazy<JsonDocument> Document = new(() =>
        JsonDocument.Parse(File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Fixtures", "optimizers.json"))));

    public static JsonElement Root => Document.Value.RootElement;

    public static float[] Floats(JsonElement array)
    {
        var values = new float[array.GetArrayLength()];
        int i = 0;
        foreach (JsonElement e in array.EnumerateArray())
            values[i++] = (float)e.GetDouble(); // each number is a float32 written exactly
        return values;
    }

    public static ulong Hex(JsonElement e) => ulong.Parse(e.GetString()!, NumberStyles.HexNumber, CultureInfo.InvariantCulture);

    public static JsonElement Case(string section, string name)
    {
        foreach (JsonElement e in Root.GetProperty(section).EnumerateArray())
        {
            if (e.GetProperty("name").GetString() == name)
                return e;
        }
        throw new InvalidOperationException($"No {section} case named {name} in optimizers.json.");
    }

    /// <summary>|actual − expected| ≤ 1e-7 + 1e-6·|expected| for every element, with the first failure named.</summary>
    public static void AssertClose(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            double tolerance = 1e-7 + 1e-6 * Math.Abs(expected[i]);
            double error = Math.Abs((double)actual[i] - expected[i]);
            Assert.True(error <= tolerance,
                $"{what}[{i}]: expected {expected[i]:R}, got {actual[i]:R} (error {error:E2} > tolerance {tolerance:E2}).");
        }
    }
}
