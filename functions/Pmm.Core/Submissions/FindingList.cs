using System.Collections;
using System.Globalization;
using System.Text;

namespace Pmm.Core.Submissions;

/// <summary>
/// The findings of one file, bounded: the first <see cref="MaxListed"/> are kept, the rest only counted by rule id and
/// severity, and listed as one <see cref="RuleIds.TooManyFindings"/> summary at the end. A 10 MB file of unknown codes
/// made 215 MB responses and 175 MB result blobs when every finding was kept; nobody reads past the first few hundred,
/// and they are usually one mistake repeated on every line.
/// </summary>
/// <remarks>
/// Enumerating gives the kept findings and then the summary (when any was left out), so the list never holds more than
/// <see cref="MaxListed"/> + 1 findings. Callers that build a costly finding (a message, a "did you mean") ask
/// <see cref="Omit"/> first and build it only when it will be kept.
/// </remarks>
public sealed class FindingList : IReadOnlyList<Finding>
{
    /// <summary>The most findings listed for one file; the rest are counted in the summary.</summary>
    public const int MaxListed = 200;

    readonly List<Finding> listed = [];
    readonly SortedDictionary<string, int> omitted = new(StringComparer.Ordinal);
    int listedErrors;
    Finding? summary;

    public FindingList()
    {
    }

    /// <summary>A list starting with the findings given (a reader's, whose own left-out findings are counted too).</summary>
    public FindingList(IEnumerable<Finding> findings) => AddAll(findings);

    /// <summary>True once <see cref="MaxListed"/> findings are kept: further findings are only counted.</summary>
    public bool Full => listed.Count >= MaxListed;

    /// <summary>Findings left out of the list, errors among them.</summary>
    public int OmittedErrors { get; private set; }

    /// <summary>Findings left out of the list, warnings among them.</summary>
    public int OmittedWarnings { get; private set; }

    /// <summary>Every finding, listed or counted; the summary is not one of them.</summary>
    public int Total => listed.Count + OmittedErrors + OmittedWarnings;

    /// <summary>True when any finding, listed or counted, is an error: the submission is rejected.</summary>
    public bool HasErrors => listedErrors > 0 || OmittedErrors > 0;

    /// <summary>The errors, listed or counted; the summary is not one of them.</summary>
    public int Errors => listedErrors + OmittedErrors;

    /// <summary>The warnings, listed or counted.</summary>
    public int Warnings => listed.Count - listedErrors + OmittedWarnings;

    /// <summary>The kept findings, then the summary when any was left out.</summary>
    public int Count => listed.Count + (omitted.Count > 0 ? 1 : 0);

    public Finding this[int index] => index == listed.Count && omitted.Count > 0 ? Summary() : listed[index];

    public void Add(Finding finding)
    {
        ArgumentNullException.ThrowIfNull(finding);
        if (!Omit(finding.RuleId, finding.Severity))
        {
            Keep(finding);
        }
    }

    /// <summary>
    /// When the list is full, counts a finding of this rule and severity without it being built, and returns true;
    /// otherwise returns false, and the caller adds the finding.
    /// </summary>
    public bool Omit(string ruleId, Severity severity)
    {
        if (!Full)
        {
            return false;
        }

        CountOmitted(ruleId, severity, 1);
        return true;
    }

    /// <summary>Adds findings in order; another <see cref="FindingList"/>'s left-out findings are counted as left out here.</summary>
    public void AddAll(IEnumerable<Finding> findings)
    {
        ArgumentNullException.ThrowIfNull(findings);
        if (findings is not FindingList other)
        {
            foreach (var finding in findings)
            {
                Add(finding);
            }

            return;
        }

        foreach (var finding in other.listed)
        {
            Add(finding);
        }

        foreach (var (key, count) in other.omitted)
        {
            var (ruleId, severity) = Split(key);
            CountOmitted(ruleId, severity, count);
        }
    }

    public IEnumerator<Finding> GetEnumerator()
    {
        foreach (var finding in listed)
        {
            yield return finding;
        }

        if (omitted.Count > 0)
        {
            yield return Summary();
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    void Keep(Finding finding)
    {
        listed.Add(finding);
        listedErrors += finding.Severity == Severity.Error ? 1 : 0;
    }

    void CountOmitted(string ruleId, Severity severity, int count)
    {
        var key = Key(ruleId, severity);
        omitted[key] = omitted.GetValueOrDefault(key) + count;
        _ = severity == Severity.Error ? OmittedErrors += count : OmittedWarnings += count;
        summary = null;
    }

    /// <summary>"1,234 more findings not listed: PMM-ITEM-001 × 1,200, PMM-YEAR-001 × 34." (an error when any left out is one).</summary>
    Finding Summary()
    {
        if (summary is not null)
        {
            return summary;
        }

        var byRule = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var (key, count) in omitted)
        {
            var ruleId = Split(key).RuleId;
            byRule[ruleId] = byRule.GetValueOrDefault(ruleId) + count;
        }

        var counts = new StringBuilder();
        foreach (var (ruleId, count) in byRule.OrderByDescending(r => r.Value).ThenBy(r => r.Key, StringComparer.Ordinal))
        {
            counts.Append(counts.Length == 0 ? "" : ", ").Append(CultureInfo.InvariantCulture, $"{ruleId} × {count:N0}");
        }

        var left = OmittedErrors + OmittedWarnings;
        var errors = OmittedErrors > 0 ? string.Create(CultureInfo.InvariantCulture, $" ({OmittedErrors:N0} of them errors)") : "";
        summary = new Finding(
            RuleIds.TooManyFindings,
            OmittedErrors > 0 ? Severity.Error : Severity.Warning,
            string.Create(CultureInfo.InvariantCulture, $"{left:N0} more findings not listed{errors}: {counts}."),
            $"Only the first {MaxListed} findings of a file are listed. They are often one mistake repeated on every line (a wrong column, code list or year): fix those, then validate again to see what remains.",
            Pointer: "file",
            Found: string.Create(CultureInfo.InvariantCulture, $"{Total:N0} findings"),
            Expected: string.Create(CultureInfo.InvariantCulture, $"at most {MaxListed} listed"));
        return summary;
    }

    static string Key(string ruleId, Severity severity) => severity == Severity.Error ? ruleId + " E" : ruleId + " W";

    static (string RuleId, Severity Severity) Split(string key) => (key[..^2], key[^1] == 'E' ? Severity.Error : Severity.Warning);
}
