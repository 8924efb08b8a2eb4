using Pmm.Core.Catalogue;

namespace Pmm.Core.Benchmarks;

/// <summary>
/// One Member's KPI values, as used for benchmarking, with the disclosure level the Member chose for each KPI
/// (a KPI missing from <see cref="Disclosure"/> has the catalogue's default level).
/// </summary>
public sealed record MemberKpis(string MemberCode, IReadOnlyDictionary<string, decimal> Values, IReadOnlyDictionary<string, string>? Disclosure = null)
{
    /// <summary>The Member's accepted data item values of year T (for plausibility checks; not benchmarked).</summary>
    public IReadOnlyDictionary<string, decimal> Items { get; init; } = new Dictionary<string, decimal>();
}

/// <summary>Scopes a benchmark can be computed over.</summary>
public static class BenchmarkScopes
{
    public const string Global = "global";
    public const string Region = "region";
    public const string IncomeGroup = "income";
    public const string AllGroup = "all";
}

/// <summary>
/// An aggregate of one KPI over a group of Members, for one audience (a disclosure level): only values their Member
/// allowed that audience to see are in it. <see cref="Confidentiality"/> says whether the figures are published
/// (<see cref="Pmm.Core.Benchmarks.Confidentiality"/>) and <see cref="Reason"/> why a figure is missing
/// (<see cref="SuppressionReasons"/>): a suppressed row has no count and no statistic.
/// </summary>
public sealed record Benchmark(
    string KpiCode,
    string Scope,
    string Group,
    string Audience,
    int? N,
    double? Mean,
    double? Q1,
    double? Median,
    double? Q3,
    string Confidentiality,
    string? Reason)
{
    public bool Suppressed => Confidentiality != Pmm.Core.Benchmarks.Confidentiality.Free;
}

/// <summary>
/// A snapshot already released to callers other than Staff: what went into it and what it published. Figures that
/// are already out can be combined with new ones, so a new snapshot of the same cycle is checked together with them.
/// </summary>
public sealed record PriorRelease(KpiCatalogue Catalogue, MemberDirectory Members, IReadOnlyList<MemberKpis> Inputs, IReadOnlyList<Benchmark> Rows);

/// <summary>
/// Computes per-KPI benchmarks: global, per WCO region and per World Bank income group, once per audience of the
/// catalogue's disclosure levels. A Member's value reaches the audience of the level it chose and every more
/// restricted one (levels are ordered most open first), never a more open one. Pure: no I/O.
/// </summary>
public static class BenchmarkCalculator
{
    /// <summary>The only audience of a catalogue without disclosure levels.</summary>
    public const string AllAudience = "all";

    /// <summary>The audiences benchmarks are computed for: the catalogue's disclosure levels, most open first, or one for all.</summary>
    public static IReadOnlyList<string> Audiences(KpiCatalogue catalogue)
    {
        ArgumentNullException.ThrowIfNull(catalogue);
        return catalogue.DisclosureLevels.Count > 0 ? catalogue.DisclosureLevels : [AllAudience];
    }

    /// <summary>Names the method (statistics, rounding, disclosure control) in each snapshot's manifest; bumped when any of it changes.</summary>
    public const string MethodVersion = "pmm-benchmarks-2";

    /// <summary>
    /// Every benchmark row of a snapshot: per KPI, per audience (most open first), global, then each region, then each
    /// income group, with disclosure control applied (README, "Disclosure control"). <paramref name="protectedAudiences"/>
    /// is how many of the most open audiences callers other than Staff can read: their rows are checked against each
    /// other and against <paramref name="prior"/> releases of the same cycle for differencing.
    /// </summary>
    public static IReadOnlyList<Benchmark> Compute(KpiCatalogue catalogue, MemberDirectory members, IEnumerable<MemberKpis> submissions, DisclosureParameters disclosure, int protectedAudiences, IReadOnlyList<PriorRelease>? prior = null)
    {
        ArgumentNullException.ThrowIfNull(catalogue);
        ArgumentNullException.ThrowIfNull(members);
        ArgumentNullException.ThrowIfNull(disclosure);
        if (disclosure.Problems() is [var problem, ..])
        {
            throw new ArgumentException($"Disclosure parameters: {problem}", nameof(disclosure));
        }

        var audiences = Audiences(catalogue);
        var rows = submissions
            .Where(s => members.ByCode.ContainsKey(s.MemberCode))
            .Select(s => (Region: members.ByCode[s.MemberCode].Region, Income: members.ByCode[s.MemberCode].IncomeGroup, s.Values, s.Disclosure))
            .ToList();
        var result = new List<Benchmark>();
        foreach (var kpi in catalogue.Kpis)
        {
            var reported = rows
                .Where(r => r.Values.ContainsKey(kpi.Code))
                .Select(r => (r.Region, r.Income, Value: r.Values[kpi.Code], Level: LevelIndex(catalogue, kpi, r.Disclosure)))
                .ToList();
            for (var a = 0; a < audiences.Count; a++)
            {
                var audience = audiences[a];
                var visible = reported.Where(r => r.Level <= a).ToList();
                result.Add(Aggregate(kpi.Code, BenchmarkScopes.Global, BenchmarkScopes.AllGroup, audience, visible.Select(r => r.Value), disclosure));
                foreach (var region in members.Regions)
                {
                    result.Add(Aggregate(kpi.Code, BenchmarkScopes.Region, region.Code, audience, visible.Where(r => r.Region == region.Code).Select(r => r.Value), disclosure));
                }

                foreach (var income in members.IncomeGroups)
                {
                    result.Add(Aggregate(kpi.Code, BenchmarkScopes.IncomeGroup, income, audience, visible.Where(r => r.Income == income).Select(r => r.Value), disclosure));
                }
            }
        }

        return result;
    }

    /// <summary>
    /// The KPI values of a Member that an audience (a position in the catalogue's disclosure levels) may see: those
    /// whose level, chosen or default, is that audience's or more open. Used wherever other Members' values reach
    /// someone, e.g. the peer comparison shown to a submitting Member.
    /// </summary>
    public static IReadOnlyDictionary<string, decimal> VisibleValues(KpiCatalogue catalogue, MemberKpis member, int audience)
    {
        ArgumentNullException.ThrowIfNull(catalogue);
        ArgumentNullException.ThrowIfNull(member);
        return catalogue.Kpis
            .Where(k => member.Values.ContainsKey(k.Code) && LevelIndex(catalogue, k, member.Disclosure) <= audience)
            .ToDictionary(k => k.Code, k => member.Values[k.Code], StringComparer.Ordinal);
    }

    /// <summary>
    /// The data item values of a Member that an audience may see. Items have no disclosure level of their own: an item
    /// is visible only if every KPI computed from it is, so no item reveals what a KPI's level hides (an item no KPI
    /// uses is never shown).
    /// </summary>
    public static IReadOnlyDictionary<string, decimal> VisibleItems(KpiCatalogue catalogue, MemberKpis member, int audience)
    {
        ArgumentNullException.ThrowIfNull(catalogue);
        ArgumentNullException.ThrowIfNull(member);
        var visible = new Dictionary<string, decimal>(StringComparer.Ordinal);
        foreach (var (item, value) in member.Items)
        {
            var users = catalogue.KpisUsing(item);
            if (users.Count > 0 && users.All(k => LevelIndex(catalogue, k, member.Disclosure) <= audience))
            {
                visible[item] = value;
            }
        }

        return visible;
    }

    /// <summary>
    /// The position of the level a Member chose for a KPI (else the KPI's default) in the catalogue's levels; an
    /// unknown level counts as the most restricted, so a doubt never widens an audience.
    /// </summary>
    static int LevelIndex(KpiCatalogue catalogue, Kpi kpi, IReadOnlyDictionary<string, string>? disclosure)
    {
        if (catalogue.DisclosureLevels.Count == 0)
        {
            return 0;
        }

        var level = disclosure is not null && disclosure.TryGetValue(kpi.Code, out var chosen) ? chosen : kpi.Disclosure;
        var index = catalogue.IndexOfDisclosureLevel(level);
        return index < 0 ? catalogue.DisclosureLevels.Count - 1 : index;
    }

    static Benchmark Aggregate(string kpi, string scope, string group, string audience, IEnumerable<decimal> values, DisclosureParameters disclosure)
    {
        var data = values.ToArray();
        if (data.Length < disclosure.MeanThreshold)
        {
            return new Benchmark(kpi, scope, group, audience, null, null, null, null, null, Confidentiality.Primary, SuppressionReasons.BelowThreshold);
        }

        var mean = (double)Statistics.Mean(data);
        if (data.Length < disclosure.QuantileThreshold)
        {
            return new Benchmark(kpi, scope, group, audience, data.Length, mean, null, null, null, Confidentiality.Free, SuppressionReasons.QuantilesBelowThreshold);
        }

        Array.Sort(data);
        return new Benchmark(kpi, scope, group, audience, data.Length, mean, (double)Statistics.Quantile(data, 0.25m), (double)Statistics.Quantile(data, 0.5m), (double)Statistics.Quantile(data, 0.75m), Confidentiality.Free, null);
    }
}
