using System;
using System.Text.Json;
using RnnGen;
using Xunit;

namespace RnnGen.Tests.Runtime;

public sealed class GradientClippingTests
{
    [Theory]
    [InlineData("clips")]
    [InlineData("does_not_clip")]
    public void ClipByGlobalNormMatchesClipGradNorm(string name)
    {
        JsonElement c = OptimizerFixture.Case("clipNorm", name);
        float[] g = OptimizerFixture.Floats(c.GetProperty("input"));
        float norm = GradientClipping.ClipByGlobalNorm(g, (float)c.GetProperty("maxNorm").GetDouble());
        float expectedNorm = (float)c.GetProperty("totalNorm").GetDouble();
        Assert.True(Math.Abs(norm - expectedNorm) <= 1e-6 * expectedNorm, $"norm {norm:R}, PyTorch {expectedNorm:R}");
        OptimizerFixture.AssertClose(OptimizerFixture.Floats(c.GetProperty("output")), g, $"clip_grad_norm_ {name}");
    }

    [Theory]
    [InlineData("clips")]
    [InlineData("does_not_clip")]
    public void ClipByValueMatchesClipGradValue(string name)
    {
        JsonElement c = OptimizerFixture.Case("clipValue", name);
        float[] g = OptimizerFixture.Floats(c.GetProperty("input"));
        GradientClipping.ClipByValue(g, (float)c.GetProperty("limit").GetDouble());
        Assert.Equal(OptimizerFixture.Floats(c.GetProperty("output")), g); // clamping is exact
    }

    [Fact]
    public void ClipByGlobalNormByHand()
    {
        // ‖(3, 4)‖ = 5; clipping to 1 scales by 1/(5 + 1e-6).
        float[] g = { 3f, 4f };
        Assert.Equal(5f, GradientClipping.ClipByGlobalNorm(g, 1f));
        Assert.Equal(0.6f, g[0], 6);
        Assert.Equal(0.8f, g[1], 6);

        // Below the limit nothing changes, bit for bit; and exactly at the limit the 1e-6 keeps the coefficient below 1.
        float[] h = { 3f, 4f };
        Assert.Equal(5f, GradientClipping.ClipByGlobalNorm(h, 10f));
        Assert.Equal(new[] { 3f, 4f }, h);
        float[] k = { 3f, 4f };
        GradientClipping.ClipByGlobalNorm(k, 5f);
        Assert.True(k[1] < 4f && k[1] > 3.99999f);

        Assert.Equal(0f, GradientClipping.ClipByGlobalNorm(Span<float>.Empty, 1f));
        Assert.Equal(5f, GradientClipping.GlobalNorm(new[] { 3f, 0f, 4f }));
    }

    [Fact]
    public void ClipByGlobalNormLeavesNonFiniteGradientsAlone()
    {
        float[] g = { 1f, float.PositiveInfinity, 2f };
        Assert.Equal(float.PositiveInfinity, GradientClipping.ClipByGlobalNorm(g, 1f));
        Assert.Equal(new[] { 1f, float.PositiveInfinity, 2f }, g);
        float[] h = { 1f, float.NaN };
        Assert.True(float.IsNaN(GradientClipping.ClipByGlobalNorm(h, 1f)));
        Assert.Equal(1f, h[0]);
    }

    [Fact]
    public void ClipByGlobalNormDoesNotOverflowForLargeFloats()
    {
        // Squares of 2e38 overflow float but not the double accumulator; the norm, 2√2·1e38, is a float.
        float[] g = { 2e38f, -2e38f };
        float norm = GradientClipping.ClipByGlobalNorm(g, 1f);
        Assert.Equal(2.828427e38f, norm, 1e32f);
        Assert.Equal(0.70710677f, g[0], 6);
        Assert.Equal(-0.70710677f, g[1], 6);
    }

    [Fact]
    public void ClipByValueClampsBothSidesAndKeepsNaN()
    {
        float[] g = { -3f, -1f, 0f, 1f, 3f, float.NaN, float.NegativeInfinity, 2f };
        GradientClipping.ClipByValue(g, 2f);
        Assert.Equal(new[] { -2f, -1f, 0f, 1f, 2f }, g.AsSpan(0, 5).ToArray());
        Assert.True(float.IsNaN(g[5]));
        Assert.Equal(-2f, g[6]);
        Assert.Equal(2f, g[7]);
    }

    [Theory]
    [InlineData(0f)]
    [InlineData(-1f)]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    public void ClippingRejectsBadLimits(float limit)
    {
        Assert.Throws<ArgumentOutOfRangeException>("limit", () => GradientClipping.ClipByValue(new float[3], limit));
        Assert.Throws<ArgumentOutOfRangeException>("maxNorm", () => GradientClipping.ClipByGlobalNorm(new float[3], limit));
    }
}
