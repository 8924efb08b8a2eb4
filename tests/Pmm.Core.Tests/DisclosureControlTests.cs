using System.Globalization;
using System.Text;
using System.Text.Json;
using MathNet.Numerics.LinearAlgebra;
using Pmm.Core.Benchmarks;
using Pmm.Core.Catalogue;

namespace Pmm.Core.Tests;

/// <summary>
/// Disclosure control as a guarantee: every reconstruction the issue found fails, and for generated cycles an
/// independent check (floating-point null space per Member value, not the exact atom arithmetic of the calculator)
/// finds no value and no sum of fewer than the threshold that a Member-role or Reader-role caller could work out.
/// </summary>
public class DisclosureControlTests(Xunit.Abstractions.ITestOutputHelper output)
{
    /// <summary>What the independent check looked at, for the record (printed by the generated-cycles test).</summary>
    sealed class Tally
    {
        public int Systems;
        public long Facts;
        public long Values;
        public long Sets;
        public long Insiders;
    }

    [ThreadStatic]
    static Tally? tally;

    const string Kpi = "TF-01";
    const string Second = "TF-02";
    const int MemberAudiences = 2;
    static readonly KpiCatalogue Catalogue = KpiCatalogue.LoadEmbedded();
    static readonly MemberDirectory Members = MemberDirectory.LoadEmbedded();
    static readonly DisclosureParameters Defaults = new();

    static MemberKpis M(string code, decimal value, string level = "public") => new(
        code,
        new Dictionary<string, decimal> { [Kpi] = value },
        new Dictionary<string, string> { [Kpi] = level });

    static Benchmark Row(IReadOnlyList<Benchmark> rows, string audience, string scope, string group) =>
        rows.Single(r => r.KpiCode == Kpi && r.Audience == audience && r.Scope == scope && r.Group == group);

    static string[] InRegion(string region, int count) => [.. Members.Members.Where(m => m.Region == region).Select(m => m.Code).Take(count)];

    // Global n=6 minus region n=5 was one Member's value: one of the two is now suppressed as differencing.
    [Fact]
    public void GlobalMinusRegion_OneMember_NotBothPublished()
    {
        var esa = InRegion("ESA", 5);
        var other = Members.Members.First(m => m.Region != "ESA").Code;
        var inputs = esa.Select((c, i) => M(c, 50 + i)).Append(M(other, 73.4567m)).ToList();

        var rows = BenchmarkCalculator.Compute(Catalogue, Members, inputs, Defaults, MemberAudiences);

        var global = Row(rows, "public", BenchmarkScopes.Global, BenchmarkScopes.AllGroup);
        var region = Row(rows, "public", BenchmarkScopes.Region, "ESA");
        Assert.True(global.Suppressed || region.Suppressed);
        Assert.Contains(Confidentiality.Secondary, new[] { global.Confidentiality, region.Confidentiality });
        Assert.Equal(SuppressionReasons.Differencing, new[] { global, region }.Single(r => r.Confidentiality == Confidentiality.Secondary).Reason);
        AssertSafe(inputs, rows, Members, []);
    }

    // public n=5 and wco n=6 for one group gave the sixth Member's value to any NCP.
    [Fact]
    public void PublicVersusWco_OneMember_NotBothPublished()
    {
        var eur = InRegion("EUR", 6);
        var inputs = eur.Select((c, i) => M(c, 60 + i, i == 5 ? "wco" : "public")).ToList();

        var rows = BenchmarkCalculator.Compute(Catalogue, Members, inputs, Defaults, MemberAudiences);

        Assert.False(Row(rows, "public", BenchmarkScopes.Region, "EUR").Suppressed && Row(rows, "wco", BenchmarkScopes.Region, "EUR").Suppressed);
        Assert.True(Row(rows, "public", BenchmarkScopes.Region, "EUR").Suppressed || Row(rows, "wco", BenchmarkScopes.Region, "EUR").Suppressed);
        AssertSafe(inputs, rows, Members, []);
    }

    // Staff-only audiences are not checked against each other (Staff read every value anyway): a restricted row stays.
    [Fact]
    public void RestrictedAudience_OnlyPrimary()
    {
        var eur = InRegion("EUR", 6);
        var inputs = eur.Select((c, i) => M(c, 60 + i, i == 5 ? "restricted" : "public")).ToList();

        var rows = BenchmarkCalculator.Compute(Catalogue, Members, inputs, Defaults, MemberAudiences);

        Assert.Equal((6, Confidentiality.Free), (Row(rows, "restricted", BenchmarkScopes.Region, "EUR").N, Row(rows, "restricted", BenchmarkScopes.Region, "EUR").Confidentiality));
        Assert.Equal((5, Confidentiality.Free), (Row(rows, "public", BenchmarkScopes.Region, "EUR").N, Row(rows, "public", BenchmarkScopes.Region, "EUR").Confidentiality));
    }

    // A Member that knows its own value must not learn another's: with both in groups the caller can difference.
    [Fact]
    public void ReleasedThenOneMemberAdded_NewSnapshotHidesTheNewcomer()
    {
        var eur = InRegion("EUR", 12);
        var first = eur.Take(11).Select((c, i) => M(c, 40 + (i * 3.5m))).ToList();
        var before = BenchmarkCalculator.Compute(Catalogue, Members, first, Defaults, MemberAudiences);
        Assert.Equal(11, Row(before, "public", BenchmarkScopes.Region, "EUR").N);
        var second = first.Append(M(eur[11], 99.125m)).ToList();
        var release = new PriorRelease(Catalogue, Members, first, before);

        var unguarded = BenchmarkCalculator.Compute(Catalogue, Members, second, Defaults, MemberAudiences);
        var after = BenchmarkCalculator.Compute(Catalogue, Members, second, Defaults, MemberAudiences, [release]);

        Assert.NotEmpty(Violations(second, unguarded, Members, [(first, before)]));
        Assert.True(Row(after, "public", BenchmarkScopes.Region, "EUR").Suppressed);
        AssertSafe(second, after, Members, [(first, before)]);
    }

    // The same inputs give the same rows, in the same order, whatever order the Members come in.
    [Fact]
    public void Compute_SameInputs_SameRows()
    {
        var (directory, inputs) = Generate(new Random(11), 120, synthetic: false);

        var once = BenchmarkCalculator.Compute(Catalogue, directory, inputs, Defaults, MemberAudiences);
        var again = BenchmarkCalculator.Compute(Catalogue, directory, inputs.AsEnumerable().Reverse(), Defaults, MemberAudiences);

        Assert.Equal(once, again);
    }

    // The evidence the issue asks for: generated cycles (real and random regions and income groups, random disclosure
    // choices, 0 to 181 respondents, and for some a second release after corrections), every relation a Member-role and
    // a Reader-role caller can form is examined by an independent check.
    [Theory]
    [InlineData(1, 6)]
    [InlineData(2, 6)]
    [InlineData(3, 6)]
    [InlineData(4, 6)]
    public void GeneratedCycles_NothingSmallCanBeWorkedOut(int seed, int cycles)
    {
        var random = new Random(seed);
        var checkedRows = 0;
        tally = new Tally();
        for (var c = 0; c < cycles; c++)
        {
            var respondents = c == 0 ? random.Next(0, 6) : c == 1 ? 181 : random.Next(0, 182);
            var (directory, inputs) = Generate(random, respondents, synthetic: (seed + c) % 2 == 0);
            var parameters = c % 3 == 2 ? new DisclosureParameters(3, 3) : Defaults;
            var rows = BenchmarkCalculator.Compute(Catalogue, directory, inputs, parameters, MemberAudiences);
            AssertSafe(inputs, rows, directory, [], parameters.MeanThreshold);
            checkedRows += rows.Count(r => r.KpiCode is Kpi or Second);

            if (c % 2 == 1)
            {
                var corrected = Correct(random, directory, inputs);
                var next = BenchmarkCalculator.Compute(Catalogue, directory, corrected, parameters, MemberAudiences, [new PriorRelease(Catalogue, directory, inputs, rows)]);
                AssertSafe(corrected, next, directory, [(inputs, rows)], parameters.MeanThreshold);
            }
        }

        Assert.True(checkedRows > 0);
        output.WriteLine($"seed {seed}: {cycles} cycles, {tally.Systems} systems of facts (per KPI, caller and snapshot), {tally.Facts} published rows as facts, {tally.Values} values, {tally.Sets} sets of fewer than the threshold examined, {tally.Insiders} (Member, other value) pairs examined");
    }

    // The check itself can fail: unguarded rows of the first reconstruction are flagged.
    [Fact]
    public void Verifier_FlagsTheOldPublication()
    {
        var esa = InRegion("ESA", 5);
        var other = Members.Members.First(m => m.Region != "ESA").Code;
        var inputs = esa.Select((c, i) => M(c, 50 + i)).Append(M(other, 73.4567m)).ToList();
        var rows = BenchmarkCalculator.Compute(Catalogue, Members, inputs, Defaults, MemberAudiences)
            .Select(r => r.Confidentiality == Confidentiality.Secondary ? Recomputed(r, inputs, Members) : r)
            .ToList();

        var found = Violations(inputs, rows, Members, []);

        Assert.Contains(found, v => v.Contains(other, StringComparison.Ordinal));
    }

    static Benchmark Recomputed(Benchmark row, IReadOnlyList<MemberKpis> inputs, MemberDirectory directory)
    {
        var values = Contributors(row, inputs, directory).Select(x => x.Value).ToList();
        return row with { N = values.Count, Mean = (double)(values.Sum() / values.Count), Confidentiality = Confidentiality.Free, Reason = null };
    }

    static void AssertSafe(IReadOnlyList<MemberKpis> inputs, IReadOnlyList<Benchmark> rows, MemberDirectory directory, IReadOnlyList<(IReadOnlyList<MemberKpis> Inputs, IReadOnlyList<Benchmark> Rows)> prior, int threshold = DisclosureParameters.DefaultMeanThreshold)
    {
        var violations = Violations(inputs, rows, directory, prior, threshold);
        Assert.True(violations.Count == 0, string.Join("\n", violations.Take(10)));
    }

    /// <summary>
    /// Everything a Reader (public rows) and a Member (public and wco rows, and its own values) can work out, per KPI:
    /// each published row is the fact "the sum of these Members' values is n·mean"; values are (Member, value) pairs,
    /// the same across releases when unchanged.
    /// </summary>
    static List<string> Violations(IReadOnlyList<MemberKpis> inputs, IReadOnlyList<Benchmark> rows, MemberDirectory directory, IReadOnlyList<(IReadOnlyList<MemberKpis> Inputs, IReadOnlyList<Benchmark> Rows)> prior, int threshold = DisclosureParameters.DefaultMeanThreshold)
    {
        var found = new List<string>();
        foreach (var kpi in new[] { Kpi, Second })
        {
            foreach (var audiences in new[] { 1, MemberAudiences })
            {
                var variables = new List<(string Member, decimal Value)>();
                var facts = new List<HashSet<int>>();
                foreach (var (someInputs, someRows) in prior.Append((inputs, rows)))
                {
                    foreach (var row in someRows.Where(r => r.KpiCode == kpi && !r.Suppressed && Catalogue.IndexOfDisclosureLevel(r.Audience) < audiences))
                    {
                        var contributors = Contributors(row, someInputs, directory);
                        Assert.Equal(row.N, contributors.Count);
                        Assert.InRange(row.Mean!.Value - (double)(contributors.Sum(x => x.Value) / contributors.Count), -1e-6, 1e-6);
                        facts.Add([.. contributors.Select(x => Index(variables, x))]);
                    }
                }

                foreach (var v in Determined(facts, variables, threshold, insiders: audiences == MemberAudiences))
                {
                    found.Add($"{kpi}, audiences {audiences}: {v}");
                }
            }
        }

        return found;
    }

    static int Index(List<(string Member, decimal Value)> variables, (string Member, decimal Value) x)
    {
        var i = variables.IndexOf(x);
        if (i < 0)
        {
            variables.Add(x);
            i = variables.Count - 1;
        }

        return i;
    }

    static List<(string Member, decimal Value)> Contributors(Benchmark row, IReadOnlyList<MemberKpis> inputs, MemberDirectory directory)
    {
        var audience = Catalogue.IndexOfDisclosureLevel(row.Audience);
        return [.. inputs
            .Where(m => directory.ByCode.TryGetValue(m.MemberCode, out var d)
                && m.Values.ContainsKey(row.KpiCode)
                && LevelOf(m, row.KpiCode) <= audience
                && (row.Scope == BenchmarkScopes.Global || (row.Scope == BenchmarkScopes.Region ? d.Region : d.IncomeGroup) == row.Group))
            .Select(m => (m.MemberCode, m.Values[row.KpiCode]))];
    }

    static int LevelOf(MemberKpis m, string kpi)
    {
        var level = m.Disclosure is not null && m.Disclosure.TryGetValue(kpi, out var chosen) ? chosen : Catalogue.KpisByCode[kpi].Disclosure;
        var index = Catalogue.IndexOfDisclosureLevel(level);
        return index < 0 ? Catalogue.DisclosureLevels.Count - 1 : index;
    }

    /// <summary>
    /// Sets of fewer than <paramref name="threshold"/> values whose sum the facts determine, and (insiders) values a
    /// Member determines from the facts and its own values. Works per value on a floating-point null space (MathNet's
    /// SVD): a combination of values is determined exactly when the same combination of their null-space rows is zero.
    /// Sets are found by meeting in the middle: every set of fewer than five values is the union of two halves of at most
    /// two values, matched on a random projection and then checked on the whole rows.
    /// </summary>
    static IEnumerable<string> Determined(List<HashSet<int>> facts, List<(string Member, decimal Value)> variables, int threshold, bool insiders)
    {
        Assert.InRange(threshold, 3, 5);
        if (facts.Count == 0)
        {
            yield break;
        }

        // A value in no published row cannot be worked out, nor can any sum that includes one: only the others are searched.
        var inFacts = facts.SelectMany(f => f).Distinct().Order().ToArray();
        if (tally is { } t)
        {
            t.Systems++;
            t.Facts += facts.Count;
            t.Values += inFacts.Length;
        }

        var kernel = Kernel(facts, variables.Count, []);
        var rows = Enumerable.Range(0, variables.Count).Select(i => kernel.Select(k => k[i]).ToArray()).ToArray();
        var direction = new Random(5).Let(r => Enumerable.Range(0, kernel.Length).Select(_ => r.NextDouble() - 0.5).ToArray());
        var projected = rows.Select(r => r.Zip(direction, (a, b) => a * b).Sum()).ToArray();
        var halves = inFacts.Select(i => (A: i, B: -1, P: projected[i]))
            .Concat(inFacts.SelectMany((i, x) => inFacts.Skip(x + 1).Select(j => (A: i, B: j, P: projected[i] + projected[j]))))
            .OrderBy(h => h.P)
            .ToArray();
        var keys = halves.Select(h => h.P).ToArray();
        var found = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var h in halves)
        {
            Report([h.A, h.B]);
            var from = Array.BinarySearch(keys, -h.P - 1e-9);
            for (var x = from < 0 ? ~from : from; x < keys.Length && keys[x] <= -h.P + 1e-9; x++)
            {
                Report([h.A, h.B, halves[x].A, halves[x].B]);
            }
        }

        void Report(int[] members)
        {
            if (tally is { } counted)
            {
                counted.Sets++;
            }

            var set = members.Where(m => m >= 0).Distinct().ToArray();
            if (set.Length == members.Count(m => m >= 0) && set.Length < threshold
                && Enumerable.Range(0, kernel.Length).All(j => Math.Abs(set.Sum(i => rows[i][j])) < 1e-7))
            {
                found.Add("sum of " + string.Join(" + ", set.Select(i => variables[i].Member)) + " is determined");
            }
        }

        foreach (var f in found)
        {
            yield return f;
        }

        if (!insiders)
        {
            yield break;
        }

        // A Member knows its own values: another value is determined when its null-space row is a combination of the rows
        // of the Member's own values (least squares leaves no residual).
        foreach (var own in inFacts.GroupBy(i => variables[i].Member, StringComparer.Ordinal))
        {
            var basis = Matrix<double>.Build.DenseOfRowArrays(own.Select(i => rows[i]));
            foreach (var u in inFacts.Where(u => variables[u].Member != own.Key))
            {
                if (tally is { } counted)
                {
                    counted.Insiders++;
                }

                var target = Vector<double>.Build.DenseOfArray(rows[u]);
                if (target.L2Norm() < 1e-7)
                {
                    continue;
                }

                var coefficients = basis.Transpose().Svd().Solve(target);
                if ((basis.Transpose() * coefficients - target).L2Norm() < 1e-7)
                {
                    yield return $"{own.Key} can work out {variables[u].Member}'s value";
                }
            }
        }
    }

    static Vector<double>[] Kernel(List<HashSet<int>> facts, int width, List<int> known)
    {
        var m = Matrix<double>.Build.Dense(facts.Count + known.Count, width);
        for (var f = 0; f < facts.Count; f++)
        {
            foreach (var v in facts[f])
            {
                m[f, v] = 1;
            }
        }

        for (var k = 0; k < known.Count; k++)
        {
            m[facts.Count + k, known[k]] = 1;
        }

        return m.Kernel();
    }

    /// <summary>A cycle: real or random regions and income groups, a random subset of Members, random values and disclosure choices.</summary>
    static (MemberDirectory Directory, List<MemberKpis> Inputs) Generate(Random random, int respondents, bool synthetic)
    {
        var directory = synthetic ? SyntheticDirectory(random) : Members;
        var levels = new[] { "public", "public", "public", "wco", "restricted" };
        var inputs = directory.Members
            .OrderBy(_ => random.Next())
            .Take(respondents)
            .Select(m =>
            {
                var values = new Dictionary<string, decimal>();
                var disclosure = new Dictionary<string, string>();
                foreach (var kpi in new[] { Kpi, Second })
                {
                    if (random.NextDouble() < 0.9)
                    {
                        values[kpi] = Math.Round((decimal)(random.NextDouble() * 100), 2);
                        disclosure[kpi] = levels[random.Next(levels.Length)];
                    }
                }

                return new MemberKpis(m.Code, values, disclosure);
            })
            .OrderBy(m => m.MemberCode, StringComparer.Ordinal)
            .ToList();
        return (directory, inputs);
    }

    /// <summary>A correction: some Members change a value or their disclosure choice, some join, some leave.</summary>
    static List<MemberKpis> Correct(Random random, MemberDirectory directory, List<MemberKpis> inputs)
    {
        var present = inputs.Select(i => i.MemberCode).ToHashSet();
        var corrected = inputs
            .Where(_ => random.NextDouble() > 0.03)
            .Select(i => random.NextDouble() < 0.1
                ? new MemberKpis(i.MemberCode, i.Values.ToDictionary(v => v.Key, v => v.Value + 1.5m), i.Disclosure)
                : random.NextDouble() < 0.05
                    ? new MemberKpis(i.MemberCode, i.Values, i.Values.Keys.ToDictionary(k => k, _ => "public"))
                    : i)
            .ToList();
        corrected.AddRange(directory.Members.Where(m => !present.Contains(m.Code)).Take(random.Next(0, 3))
            .Select(m => new MemberKpis(m.Code, new Dictionary<string, decimal> { [Kpi] = Math.Round((decimal)(random.NextDouble() * 100), 2) }, new Dictionary<string, string> { [Kpi] = "public" })));
        return corrected;
    }

    static MemberDirectory SyntheticDirectory(Random random)
    {
        var regions = Enumerable.Range(0, random.Next(1, 9)).Select(i => $"R{i}").ToArray();
        var incomes = Enumerable.Range(0, random.Next(1, 5)).Select(i => $"I{i}").ToArray();
        var document = new
        {
            version = "gen",
            incomeGroups = incomes,
            regions = regions.Select(r => new { code = r, name = r }),
            members = Members.Members.Select(m => new
            {
                code = m.Code,
                name = m.Name,
                region = regions[Math.Min(regions.Length - 1, (int)Math.Floor(Math.Pow(random.NextDouble(), 2) * regions.Length))],
                incomeGroup = incomes[random.Next(incomes.Length)],
            }),
        };
        return MemberDirectory.Load(new MemoryStream(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(document))), "generated");
    }
}

static class Functional
{
    public static TResult Let<T, TResult>(this T value, Func<T, TResult> f) => f(value);
}
