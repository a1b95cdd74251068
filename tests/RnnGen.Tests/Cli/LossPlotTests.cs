using System.Globalization;
using System.Linq;
using System.Xml.Linq;
using CharRnn;
using Xunit;

namespace RnnGen.Tests.Cli;

/// <summary>The loss curve's geometry, worked out by hand for two points.</summary>
public class LossPlotTests
{
    private static readonly XNamespace s_svg = "http://www.w3.org/2000/svg";

    [Fact]
    public void PointsLandWhereTheAxesSay()
    {
        // Steps 100 and 200 of a fresh run: the x axis spans 0..200 over the plot's 706 px from x = 70, so step 100 is at
        // 70 + 353 = 423 and step 200 at 776. The losses span 1.0..2.5: about 6 ticks of 0.25 round up to 0.5, so the y axis
        // spans 1.0..2.5 over 336 px from y = 48: 2.5 → 48, 2.0 → 48 + 336 / 3 = 160, 1.0 → 384.
        var svg = XDocument.Parse(LossPlot.Svg(new[] { new LossPoint(100, 2.0f, 2.5f), new LossPoint(200, 1.0f, 2.0f) }, "a <title>"));
        string Points(string id) => svg.Descendants(s_svg + "polyline").Single(p => (string?)p.Attribute("id") == id).Attribute("points")!.Value;
        Assert.Equal("423,160 776,384", Points("training"));
        Assert.Equal("423,48 776,160", Points("validation"));

        string[] labels = svg.Descendants(s_svg + "text").Select(t => t.Value).ToArray();
        Assert.Equal(new[] { "1.00", "1.50", "2.00", "2.50" }, labels.Where(l => l.Contains('.')).ToArray());
        Assert.Equal(new[] { "0", "50", "100", "150", "200" }, labels.Where(l => int.TryParse(l, NumberStyles.AllowThousands, CultureInfo.InvariantCulture, out _)).ToArray());
        Assert.Contains("a <title>", labels);
    }

    [Fact]
    public void WithoutValidationThereIsOneCurve()
    {
        var svg = XDocument.Parse(LossPlot.Svg(new[] { new LossPoint(10, 3f, null), new LossPoint(20, 2f, null), new LossPoint(30, 1.5f, null) }, "t"));
        Assert.Single(svg.Descendants(s_svg + "polyline"));
        Assert.DoesNotContain(svg.Descendants(s_svg + "text"), t => t.Value.StartsWith("validation", System.StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(1.5, 6, 0.5)]
    [InlineData(200, 6, 50)]
    [InlineData(20_000, 6, 5_000)]
    [InlineData(9, 6, 2)]
    [InlineData(0.05, 6, 0.01)]
    public void TickSpacingIsOneTwoOrFiveTimesAPowerOfTen(double range, int ticks, double expected) =>
        Assert.Equal(expected, LossPlot.NiceStep(range, ticks), 12);
}
