namespace Pmm.Core.Benchmarks;

/// <summary>
/// The published statistics, computed exactly in decimal and then rounded once (README, "Statistics and rounding"), so
/// that any reimplementation with decimal arithmetic gets the same figures.
/// </summary>
public static class Statistics
{
    /// <summary>Decimal places of every published mean, median and quartile; rounding is half to even.</summary>
    public const int Decimals = 6;

    /// <summary>The arithmetic mean, rounded to <see cref="Decimals"/> places (half to even).</summary>
    public static decimal Mean(IReadOnlyList<decimal> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count == 0)
        {
            throw new ArgumentException("The mean of no values is undefined.", nameof(values));
        }

        var sum = 0m;
        foreach (var v in values)
        {
            sum += v;
        }

        return decimal.Round(sum / values.Count, Decimals, MidpointRounding.ToEven);
    }

    /// <summary>
    /// The <paramref name="p"/>-quantile of values sorted ascending by Hyndman and Fan's definition 7 (R's default,
    /// Excel's PERCENTILE.INC and QUARTILE.INC, NumPy's default): h = (n − 1)·p, Q = x[⌊h⌋] + (h − ⌊h⌋)·(x[⌊h⌋ + 1] − x[⌊h⌋]),
    /// zero-based, rounded to <see cref="Decimals"/> places (half to even).
    /// </summary>
    public static decimal Quantile(IReadOnlyList<decimal> sorted, decimal p)
    {
        ArgumentNullException.ThrowIfNull(sorted);
        if (sorted.Count == 0)
        {
            throw new ArgumentException("The quantile of no values is undefined.", nameof(sorted));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(p, 0m);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(p, 1m);
        var h = (sorted.Count - 1) * p;
        var j = (int)decimal.Floor(h);
        var g = h - j;
        var q = j + 1 < sorted.Count ? sorted[j] + (g * (sorted[j + 1] - sorted[j])) : sorted[j];
        return decimal.Round(q, Decimals, MidpointRounding.ToEven);
    }
}
