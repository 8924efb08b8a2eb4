namespace Pmm.Core.Benchmarks;

/// <summary>
/// The thresholds of the disclosure control (README, "Disclosure control"): a group's count and mean are published only
/// when at least <see cref="MeanThreshold"/> Members' values are in it, its median and quartiles only from
/// <see cref="QuantileThreshold"/>. Neither may be below <see cref="Least"/>: with two, either Member reads the other's
/// value off the mean.
/// </summary>
public sealed record DisclosureParameters(int MeanThreshold = DisclosureParameters.DefaultMeanThreshold, int QuantileThreshold = DisclosureParameters.DefaultQuantileThreshold)
{
    public const int DefaultMeanThreshold = 5;
    public const int DefaultQuantileThreshold = 10;
    public const int Least = 3;

    /// <summary>
    /// The highest mean threshold: the search for differencing looks at every set of fewer Members than it, which grows
    /// combinatorially.
    /// </summary>
    public const int Most = 10;

    /// <summary>What is wrong with these thresholds, one message per problem (empty when they may be used).</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (MeanThreshold < Least || MeanThreshold > Most)
        {
            problems.Add($"the mean threshold is {MeanThreshold}; it must be between {Least} and {Most}, or one Member's value could be read off a published group.");
        }

        if (QuantileThreshold < MeanThreshold)
        {
            problems.Add($"the quantile threshold is {QuantileThreshold}; it must be at least the mean threshold ({MeanThreshold}).");
        }

        return problems;
    }
}

/// <summary>
/// Whether a benchmark row's figures are published, as SDMX's confidentiality status (CL_CONF_STATUS) says it:
/// <see cref="Free"/>, <see cref="Primary"/> (too few Members) or <see cref="Secondary"/> (its figures would let a
/// caller work out a small group's values from other figures it can read).
/// </summary>
public static class Confidentiality
{
    public const string Free = "F";
    public const string Primary = "C";
    public const string Secondary = "D";
}

/// <summary>Why a figure of a benchmark row is not published: a stable code per reason.</summary>
public static class SuppressionReasons
{
    /// <summary>Fewer Members than the mean threshold: nothing is published but the reason.</summary>
    public const string BelowThreshold = "below-threshold";

    /// <summary>Count and mean are published; fewer Members than the quantile threshold, so no median or quartiles.</summary>
    public const string QuantilesBelowThreshold = "quantiles-below-threshold";

    /// <summary>Enough Members, but with the other figures the same caller can read it would reveal a small group's values.</summary>
    public const string Differencing = "differencing";
}
