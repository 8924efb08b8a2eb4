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

        var inputs = submissions.ToList();
        var perKpi = new Benchmark[catalogue.Kpis.Count][];

        // KPIs are independent of each other (each its own values), so they are computed side by side.
        Parallel.For(0, catalogue.Kpis.Count, k =>
        {
            var kpi = catalogue.Kpis[k];
            var cells = Cells(catalogue, kpi, members, inputs).ToList();
            var rows = cells.Select(c => Aggregate(kpi.Code, c.Scope, c.Group, c.Audience, c.Values, disclosure)).ToArray();
            Suppress(kpi, cells, rows, protectedAudiences, disclosure, prior ?? []);
            perKpi[k] = rows;
        });
        return [.. perKpi.SelectMany(rows => rows)];
    }

    /// <summary>One group of one audience: the Members whose values it aggregates, in <see cref="Compute"/>'s row order.</summary>
    sealed record Cell(int AudienceIndex, string Audience, int ScopeOrder, string Scope, string Group, IReadOnlyList<string> MemberCodes, IReadOnlyList<decimal> Values);

    static IEnumerable<Cell> Cells(KpiCatalogue catalogue, Kpi kpi, MemberDirectory members, IReadOnlyList<MemberKpis> inputs)
    {
        var audiences = Audiences(catalogue);
        var reported = inputs
            .Where(s => members.ByCode.ContainsKey(s.MemberCode) && s.Values.ContainsKey(kpi.Code))
            .Select(s => (s.MemberCode, members.ByCode[s.MemberCode].Region, Income: members.ByCode[s.MemberCode].IncomeGroup, Value: s.Values[kpi.Code], Level: LevelIndex(catalogue, kpi, s.Disclosure)))
            .ToList();
        for (var a = 0; a < audiences.Count; a++)
        {
            var visible = reported.Where(r => r.Level <= a).ToList();
            yield return Of(0, BenchmarkScopes.Global, BenchmarkScopes.AllGroup, visible);
            foreach (var region in members.Regions)
            {
                yield return Of(1, BenchmarkScopes.Region, region.Code, visible.Where(r => r.Region == region.Code));
            }

            foreach (var income in members.IncomeGroups)
            {
                yield return Of(2, BenchmarkScopes.IncomeGroup, income, visible.Where(r => r.Income == income));
            }

            Cell Of(int order, string scope, string group, IEnumerable<(string MemberCode, string Region, string? Income, decimal Value, int Level)> rows)
            {
                var list = rows.ToList();
                return new Cell(a, audiences[a], order, scope, group, [.. list.Select(r => r.MemberCode)], [.. list.Select(r => r.Value)]);
            }
        }
    }

    /// <summary>
    /// Secondary suppression of one KPI's rows (README, "Disclosure control"): while the published rows of the audiences
    /// callers other than Staff read, together with those of earlier releases, reveal a small group's values, suppress
    /// the published fact (the rows with exactly the same values) whose suppression leaves the fewest values exposed
    /// (ties: the fact whose most open row is the most restricted, then the fewest Members, then the first in row order),
    /// and look again.
    /// </summary>
    static void Suppress(Kpi kpi, List<Cell> cells, Benchmark[] rows, int protectedAudiences, DisclosureParameters disclosure, IReadOnlyList<PriorRelease> prior)
    {
        var variables = new Dictionary<(string Member, decimal Value), int>();
        var owners = new List<string>();
        int[] VariablesOf(Cell cell) => [.. cell.MemberCodes.Select((m, i) =>
        {
            if (!variables.TryGetValue((m, cell.Values[i]), out var v))
            {
                variables[(m, cell.Values[i])] = v = owners.Count;
                owners.Add(m);
            }

            return v;
        })];

        var released = new List<IReadOnlyList<int>>();
        foreach (var release in prior)
        {
            if (!release.Catalogue.KpisByCode.TryGetValue(kpi.Code, out var earlier))
            {
                continue;
            }

            var published = release.Rows
                .Where(r => r.KpiCode == kpi.Code && !r.Suppressed)
                .Select(r => (r.Audience, r.Scope, r.Group))
                .ToHashSet();
            released.AddRange(Cells(release.Catalogue, earlier, release.Members, release.Inputs)
                .Where(c => c.AudienceIndex < protectedAudiences && published.Contains((c.Audience, c.Scope, c.Group)))
                .Select(c => (IReadOnlyList<int>)new HashSet<int>(VariablesOf(c)).ToArray()));
        }

        var guarded = Enumerable.Range(0, cells.Count).Where(i => cells[i].AudienceIndex < protectedAudiences).ToList();
        var sets = cells.Select(c => c.AudienceIndex < protectedAudiences ? VariablesOf(c) : []).ToArray();

        // Rows holding the same values state the same fact: they are published or suppressed together.
        var facts = guarded
            .Where(i => !rows[i].Suppressed)
            .GroupBy(i => string.Join(',', sets[i].Order()), StringComparer.Ordinal)
            .Select(g => g.ToList())
            .ToList();
        HashSet<int> ExposedWithout(List<int>? left) =>
            DifferencingCheck.Exposed([.. released, .. facts.Where(f => f != left).Select(f => sets[f[0]])], owners, disclosure.MeanThreshold);
        var exposed = ExposedWithout(null);
        while (exposed.Count > 0 && facts.Count > 0)
        {
            var (fact, left) = facts
                .Select(f => (Rows: f, Left: ExposedWithout(f)))
                .OrderBy(c => c.Left.Count)
                .ThenByDescending(c => c.Rows.Min(i => cells[i].AudienceIndex))
                .ThenBy(c => rows[c.Rows[0]].N)
                .ThenBy(c => c.Rows[0])
                .First();
            foreach (var row in fact)
            {
                rows[row] = rows[row] with { N = null, Mean = null, Q1 = null, Median = null, Q3 = null, Confidentiality = Confidentiality.Secondary, Reason = SuppressionReasons.Differencing };
            }

            facts.Remove(fact);
            exposed = left;
        }

        // Values still exposed here are exposed by earlier releases alone: nothing in this snapshot can hide them again.
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

    static Benchmark Aggregate(string kpi, string scope, string group, string audience, IReadOnlyList<decimal> values, DisclosureParameters disclosure)
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
