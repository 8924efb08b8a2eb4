using Pmm.Core.Benchmarks;

namespace Pmm.Core.Tests;

public class StatisticsTests
{
    // Definition 7 (R's default, Excel's QUARTILE.INC), worked by hand: h = (n − 1)·p on the sorted values, zero-based.
    [Theory]
    [InlineData(new[] { 7.0 }, 0.25, 7.0)]
    [InlineData(new[] { 1.0, 2.0 }, 0.25, 1.25)]
    [InlineData(new[] { 1.0, 2.0 }, 0.75, 1.75)]
    [InlineData(new[] { 1.0, 2.0, 4.0, 8.0, 16.0 }, 0.25, 2.0)]
    [InlineData(new[] { 1.0, 2.0, 4.0, 8.0, 16.0 }, 0.5, 4.0)]
    [InlineData(new[] { 1.0, 2.0, 4.0, 8.0, 16.0, 32.0 }, 0.25, 2.5)]
    [InlineData(new[] { 1.0, 2.0, 4.0, 8.0, 16.0, 32.0 }, 0.5, 6.0)]
    [InlineData(new[] { 1.0, 2.0, 4.0, 8.0, 16.0, 32.0 }, 0.75, 14.0)]
    [InlineData(new[] { 10.0, 20.0, 30.0, 40.0, 50.0, 60.0, 70.0, 80.0, 90.0, 100.0 }, 0.25, 32.5)]
    [InlineData(new[] { 10.0, 20.0, 30.0, 40.0, 50.0, 60.0, 70.0, 80.0, 90.0, 100.0 }, 0.75, 77.5)]
    public void Quantile_Type7_MatchesHand(double[] sorted, double p, double expected)
    {
        Assert.Equal((decimal)expected, Statistics.Quantile([.. sorted.Select(v => (decimal)v)], (decimal)p));
    }

    // MathNet's default quantile (definition 8, approximately median-unbiased) gives another Q1 for the same values:
    // the definition has to be chosen explicitly.
    [Fact]
    public void Quantile_NotMathNetsDefault()
    {
        double[] values = [1, 2, 4, 8, 16, 32];

        Assert.NotEqual((double)Statistics.Quantile([.. values.Select(v => (decimal)v)], 0.25m), MathNet.Numerics.Statistics.Statistics.Quantile(values, 0.25));
    }

    // Figures are rounded once, to 6 decimal places, half to even.
    [Theory]
    [InlineData("0.000001", "0", "0.000000")]
    [InlineData("0.000001", "0.000002", "0.000002")]
    [InlineData("0.000003", "0.000002", "0.000002")]
    [InlineData("1", "2", "1.5")]
    public void Mean_RoundedHalfToEven(string a, string b, string expected)
    {
        Assert.Equal(decimal.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), Statistics.Mean([decimal.Parse(a, System.Globalization.CultureInfo.InvariantCulture), decimal.Parse(b, System.Globalization.CultureInfo.InvariantCulture)]));
    }
}
