using System.Globalization;
using Pmm.Core.Catalogue;

namespace Pmm.Core.Submissions;

/// <summary>The verdict on a submission.</summary>
public enum ValidationStatus
{
    Accepted,
    AcceptedWithWarnings,
    Rejected,
}

/// <summary>What validation concluded: the verdict, every finding, and the KPI values when accepted.</summary>
public sealed record ValidationResult(
    ValidationStatus Status,
    IReadOnlyList<Finding> Findings,
    IReadOnlyDictionary<string, decimal> KpiValues,
    int Observations,
    string? Format = null);

/// <summary>
/// Checks a parsed submission against the catalogue for a reporting year. Pure: no I/O.
/// Minimal rule set of the walking skeleton: known item codes, years T/T-1, numbers, bounds,
/// integer counts, duplicates, required items.
/// </summary>
public sealed class SubmissionValidator(KpiCatalogue catalogue)
{
    /// <param name="peers">Other Members' accepted KPI values in the cycle, for the robust outlier warning; none skips it.</param>
    public ValidationResult Validate(ParsedSubmission parsed, int reportingYear, IReadOnlyList<IReadOnlyDictionary<string, decimal>>? peers = null)
    {
        var findings = new List<Finding>(parsed.Findings);
        var accepted = new Dictionary<(string Item, int Year), decimal>();
        var pointers = new Dictionary<(string Item, int Year), (string Pointer, int? Line)>();
        var firstSeen = new Dictionary<(string Item, int Year), string>();
        foreach (var o in parsed.Observations)
        {
            if (!catalogue.ItemsByCode.TryGetValue(o.ItemCode, out var item))
            {
                var suggestion = Closest(o.ItemCode);
                findings.Add(new Finding(RuleIds.UnknownItem, Severity.Error, $"'{o.ItemCode}' is not a data item of catalogue {catalogue.Version}." + (suggestion is null ? "" : $" Did you mean '{suggestion}'?"), "Use the item codes of the cycle's template; codes are listed by GET /api/catalogue.", o.ItemCode, o.Pointer, o.Line, Found: o.ItemCode, Expected: suggestion));
                continue;
            }

            var allowed = item.PreviousYear ? $"{reportingYear} or {reportingYear - 1}" : $"{reportingYear}";
            if (o.Year != reportingYear && !(item.PreviousYear && o.Year == reportingYear - 1))
            {
                findings.Add(new Finding(RuleIds.WrongYear, Severity.Error, $"{item.Code} is asked for {allowed}, not {o.Year}.", $"This cycle collects year {reportingYear}" + (item.PreviousYear ? $" and, for this item, {reportingYear - 1}." : "."), item.Code, o.Pointer, o.Line, Found: o.Year.ToString(CultureInfo.InvariantCulture), Expected: allowed));
                continue;
            }

            var key = (item.Code, o.Year);
            if (firstSeen.TryGetValue(key, out var earlier))
            {
                findings.Add(new Finding(RuleIds.DuplicateItem, Severity.Error, $"{item.Code} for {o.Year} is given twice ({earlier} and {o.Pointer}).", "Keep one entry per item and year.", item.Code, o.Pointer, o.Line));
                continue;
            }

            firstSeen[key] = o.Pointer;
            if (o.Value is not { } value)
            {
                continue;
            }

            if (item.Min is { } min && value < min || item.Max is { } max && value > max)
            {
                var range = $"{item.Min?.ToString(CultureInfo.InvariantCulture) ?? "-inf"}..{item.Max?.ToString(CultureInfo.InvariantCulture) ?? "+inf"}";
                findings.Add(new Finding(RuleIds.OutOfBounds, Severity.Error, $"{item.Code} = {value.ToString(CultureInfo.InvariantCulture)} is outside {range}.", $"{item.Label} is measured in {item.Unit}; check the sign and the unit.", item.Code, o.Pointer, o.Line, Found: value.ToString(CultureInfo.InvariantCulture), Expected: range));
                continue;
            }

            if (item.Integer && value != decimal.Truncate(value))
            {
                findings.Add(new Finding(RuleIds.NotAnInteger, Severity.Error, $"{item.Code} is a count; {value.ToString(CultureInfo.InvariantCulture)} is not a whole number.", "Counts are whole numbers; remove the decimals.", item.Code, o.Pointer, o.Line, Found: value.ToString(CultureInfo.InvariantCulture), Expected: "a whole number"));
                continue;
            }

            accepted[key] = value;
            pointers[key] = (o.Pointer, o.Line);
        }

        // When the file as a whole could not be read, listing every required item as missing would bury the real problem.
        var fileRefused = parsed.Findings.Any(f => f.RuleId is RuleIds.FileEmpty or RuleIds.FileUnreadable or RuleIds.HeaderMissingColumn);
        foreach (var item in catalogue.Items.Where(i => i.Required && !fileRefused))
        {
            var years = item.PreviousYear ? new[] { reportingYear, reportingYear - 1 } : [reportingYear];
            foreach (var year in years)
            {
                if (!firstSeen.ContainsKey((item.Code, year)))
                {
                    findings.Add(new Finding(RuleIds.MissingRequiredItem, Severity.Error, $"Required item {item.Code} ({item.Label}) for {year} is missing.", $"Add a line '{item.Code},{year},<value>'.", item.Code, "file", Expected: $"{item.Code} for {year}"));
                }
            }
        }

        findings.AddRange(CheckRules(accepted, pointers, reportingYear));
        var rejected = findings.Any(f => f.Severity == Severity.Error);
        var kpis = rejected
            ? new Dictionary<string, decimal>()
            : KpiCalculator.Compute(catalogue, accepted, reportingYear);
        if (!rejected && peers is { Count: > 0 })
        {
            findings.AddRange(PeerComparison.Check(catalogue, kpis, peers));
        }

        var status = rejected ? ValidationStatus.Rejected
            : findings.Count > 0 ? ValidationStatus.AcceptedWithWarnings
            : ValidationStatus.Accepted;
        return new ValidationResult(status, findings, kpis, parsed.Observations.Count, parsed.Format);
    }

    /// <summary>The catalogue code nearest to a mistyped one (edit distance at most a third of its length, minimum 2), if any.</summary>
    string? Closest(string code)
    {
        var upper = code.ToUpperInvariant();
        var limit = Math.Max(2, upper.Length / 3);
        return catalogue.Items
            .Select(i => (i.Code, Distance: EditDistance(upper, i.Code)))
            .Where(c => c.Distance <= limit)
            .OrderBy(c => c.Distance)
            .Select(c => c.Code)
            .FirstOrDefault();
    }

    static int EditDistance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }

    /// <summary>The catalogue's cross-item rules, on the values that passed the structural checks.</summary>
    IEnumerable<Finding> CheckRules(Dictionary<(string Item, int Year), decimal> values, Dictionary<(string Item, int Year), (string Pointer, int? Line)> pointers, int year)
    {
        foreach (var rule in catalogue.Rules)
        {
            var severity = rule.Severity == "error" ? Severity.Error : Severity.Warning;
            if (rule.Kind == CatalogueRuleKinds.PartOfTotal)
            {
                var part = catalogue.ItemsByCode[rule.Part!].Code;
                var total = catalogue.ItemsByCode[rule.Total!].Code;
                if (values.TryGetValue((part, year), out var p) && values.TryGetValue((total, year), out var t) && p > t)
                {
                    var at = pointers[(part, year)];
                    yield return new Finding(rule.Id, severity, rule.Message, rule.Hint, part, at.Pointer, at.Line, Found: Invariant($"{part} = {p} > {total} = {t}"), Expected: Invariant($"{part} ≤ {total}"));
                }
            }
            else if (rule.Kind == CatalogueRuleKinds.YearOnYear)
            {
                var item = catalogue.ItemsByCode[rule.Item!].Code;
                if (values.TryGetValue((item, year), out var now) && values.TryGetValue((item, year - 1), out var before) && now > 0 && before > 0
                    && Math.Max(now, before) / Math.Min(now, before) > rule.MaxRatio)
                {
                    var at = pointers[(item, year)];
                    yield return new Finding(rule.Id, severity, rule.Message, rule.Hint, item, at.Pointer, at.Line, Found: Invariant($"{year - 1}: {before}, {year}: {now}"), Expected: Invariant($"a change within a factor of {rule.MaxRatio}"));
                }
            }
        }
    }

    static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
