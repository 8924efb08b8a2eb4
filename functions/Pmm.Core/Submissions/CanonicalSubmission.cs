using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Pmm.Core.Catalogue;

namespace Pmm.Core.Submissions;

/// <summary>One data item for one year in the canonical form: a value, or a state (with its reason) instead.</summary>
public sealed record CanonicalValue(string Item, int Year, decimal? Value, ValueState State = ValueState.Reported, string? Reason = null);

/// <summary>
/// What a submission says, independent of its file format: each item and year with its value or state, the
/// disclosure level of every KPI of the catalogue (the Member's choice, else the KPI's default), and comments per
/// item. The same data as CSV, JSON or Excel gives the same canonical form, and <see cref="Hash"/> identifies it.
/// </summary>
public sealed record CanonicalSubmission(
    IReadOnlyList<CanonicalValue> Values,
    IReadOnlyDictionary<string, string> Disclosure,
    IReadOnlyDictionary<string, string> Comments)
{
    /// <summary>
    /// The canonical form of a parsed file: codes in the catalogue's spelling, states and levels in their canonical
    /// words, comments on the same item joined. Values that could not be read, codes the catalogue does not have and
    /// an item and year given again are left out: the file then has findings and is hashed by its bytes instead, and
    /// its canonical form stays as small as the catalogue (a file of 300,000 unknown codes once made a 30 MB result).
    /// </summary>
    public static CanonicalSubmission From(ParsedSubmission parsed, KpiCatalogue catalogue)
    {
        ArgumentNullException.ThrowIfNull(parsed);
        ArgumentNullException.ThrowIfNull(catalogue);
        var seen = new HashSet<(string Item, int Year)>();
        var values = parsed.Observations
            .Where(o => (o.Value is not null || o.State != ValueState.Reported) && Known(catalogue, o.ItemCode) is { } code && seen.Add((code, o.Year)))
            .Select(o => new CanonicalValue(ItemCode(catalogue, o.ItemCode), o.Year, o.Value, o.State, o.State == ValueState.Reported ? null : Clean(o.Reason)))
            .OrderBy(v => v.Item, StringComparer.Ordinal)
            .ThenByDescending(v => v.Year)
            .ToList();

        var disclosure = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var kpi in catalogue.Kpis)
        {
            if (kpi.Disclosure is { } level)
            {
                disclosure[kpi.Code] = level;
            }
        }

        foreach (var choice in parsed.Disclosures)
        {
            if (catalogue.KpisByCode.TryGetValue(choice.KpiCode.Trim(), out var kpi))
            {
                disclosure[kpi.Code] = DisclosureLevel(catalogue, choice.Level) ?? UserText.Code(choice.Level.Trim().ToLowerInvariant());
            }
        }

        var comments = parsed.Comments
            .Where(c => Known(catalogue, c.ItemCode) is not null)
            .GroupBy(c => ItemCode(catalogue, c.ItemCode), StringComparer.Ordinal)
            .ToDictionary(
                g => g.Key,
                g => string.Join("\n", g.Select(c => Clean(c.Text)!).Where(t => t.Length > 0).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)),
                StringComparer.Ordinal);
        return new CanonicalSubmission(values, disclosure, new SortedDictionary<string, string>(comments.Where(c => c.Value.Length > 0).ToDictionary(), StringComparer.Ordinal));
    }

    /// <summary>The catalogue's spelling of a disclosure level given in any case, or null when it is not one of its levels.</summary>
    public static string? DisclosureLevel(KpiCatalogue catalogue, string level)
    {
        ArgumentNullException.ThrowIfNull(catalogue);
        return catalogue.IndexOfDisclosureLevel(level) is >= 0 and var index ? catalogue.DisclosureLevels[index] : null;
    }

    /// <summary>
    /// The canonical text, one line per fact, sorted: "value ITEM YEAR NUMBER", "state ITEM YEAR WORD REASON",
    /// "disclosure KPI LEVEL", "comment ITEM TEXT" (tab-separated; tabs, newlines and backslashes in texts escaped).
    /// </summary>
    public IEnumerable<string> Lines()
    {
        var lines = new List<string>(Values.Count + Disclosure.Count + Comments.Count);
        foreach (var v in Values)
        {
            lines.Add(v.Value is { } value && v.State == ValueState.Reported
                ? Invariant($"value\t{v.Item}\t{v.Year}\t{Normalize(value)}")
                : Invariant($"state\t{v.Item}\t{v.Year}\t{ValueStates.Word(v.State) ?? "value"}\t{Escape(v.Reason)}"));
        }

        lines.AddRange(Disclosure.Select(d => $"disclosure\t{d.Key}\t{Escape(d.Value)}"));
        lines.AddRange(Comments.Select(c => $"comment\t{c.Key}\t{Escape(c.Value)}"));
        lines.Sort(StringComparer.Ordinal);
        return lines;
    }

    /// <summary>SHA-256 (lower-case hex) of <see cref="Lines"/> joined by newlines, in UTF-8.</summary>
    public string Hash() => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', Lines()))));

    static string? Known(KpiCatalogue catalogue, string code) => catalogue.ItemsByCode.TryGetValue(code.Trim(), out var item) ? item.Code : null;

    static string ItemCode(KpiCatalogue catalogue, string code) =>
        catalogue.ItemsByCode.TryGetValue(code.Trim(), out var item) ? item.Code : code.Trim().ToUpperInvariant();

    /// <summary>Text as stored: trimmed, line ends as "\n"; null stays null.</summary>
    internal static string? Clean(string? text) => text?.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n').Trim();

    static string Escape(string? text) => (text ?? "").Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\t", "\\t", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    /// <summary>A decimal without trailing zeros, in invariant culture (1.50 and 1.5 are the same value).</summary>
    static string Normalize(decimal value) => (value / 1.0000000000000000000000000000m).ToString(CultureInfo.InvariantCulture);

    static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
