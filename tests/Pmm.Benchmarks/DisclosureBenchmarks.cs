using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Jobs;
using Pmm.Core.Benchmarks;
using Pmm.Core.Catalogue;

namespace Pmm.Benchmarks;

/// <summary>
/// One snapshot's benchmark rows with disclosure control, for a full cycle: every Member of the shipped Members set
/// that a cycle would invite (181) reporting all 55 KPIs, a fifth of the choices more restricted than the default;
/// "correction" also checks against an earlier release of the same cycle in which 5 Members had other values and
/// 3 had not yet reported. Seeded, so every run computes the same cycle.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(RuntimeMoniker.Net10_0, launchCount: 1, warmupCount: 1, iterationCount: 3)]
public class DisclosureBenchmarks
{
    KpiCatalogue catalogue = null!;
    MemberDirectory members = null!;
    List<MemberKpis> inputs = [];
    PriorRelease[] prior = [];

    [Params(false, true)]
    public bool Correction { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        catalogue = KpiCatalogue.LoadEmbedded();
        members = MemberDirectory.LoadEmbedded();
        var random = new Random(181);
        var levels = catalogue.DisclosureLevels;
        inputs = [.. members.Members.Take(181).Select(m => new MemberKpis(
            m.Code,
            catalogue.Kpis.ToDictionary(k => k.Code, _ => Math.Round((decimal)(random.NextDouble() * 100), 2)),
            catalogue.Kpis.Where(_ => random.NextDouble() < 0.2).ToDictionary(k => k.Code, _ => levels[random.Next(levels.Count)])))];
        if (Correction)
        {
            var earlier = inputs.Skip(3).Select((m, i) => i % 30 == 0 ? m with { Values = m.Values.ToDictionary(v => v.Key, v => v.Value + 1) } : m).ToList();
            prior = [new PriorRelease(catalogue, members, earlier, BenchmarkCalculator.Compute(catalogue, members, earlier, new DisclosureParameters(), 2))];
        }
    }

    [Benchmark(Description = "181 Members × 55 KPIs, disclosure control")]
    public int Compute() => BenchmarkCalculator.Compute(catalogue, members, inputs, new DisclosureParameters(), 2, prior).Count(r => r.Suppressed);
}
