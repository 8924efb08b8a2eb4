using System.Globalization;
using System.Text.Json.Serialization;
using Pmm.Core.Catalogue;
using Pmm.Core.Formats;
using Pmm.Core.Kpis;
using Pmm.Core.Submissions;

namespace Pmm.Core.Validation;

/// <summary>The verdict on a submission.</summary>
public enum ValidationStatus
{
    Accepted,
    AcceptedWithWarnings,
    Rejected,
}

/// <summary>
/// What validation concluded: the verdict, every finding, and the KPI values when accepted; with the submission's
/// canonical form (values and states, the disclosure level of each KPI, comments) when the file could be read.
/// </summary>
public sealed record ValidationResult(
    ValidationStatus Status,
    IReadOnlyList<Finding> Findings,
    IReadOnlyDictionary<string, decimal> KpiValues,
    int Observations,
    string? Format = null)
{
    public CanonicalSubmission? Canonical { get; init; }

    /// <summary>The accepted data item values of year T (empty when rejected), kept for other Members' plausibility checks.</summary>
    public IReadOnlyDictionary<string, decimal> ItemValues { get; init; } = new Dictionary<string, decimal>();

    /// <summary>Errors left out of <see cref="Findings"/> (past <see cref="FindingList.MaxListed"/>), counted in its last, summary finding.</summary>
    public int OmittedErrors { get; init; }

    /// <summary>Warnings left out of <see cref="Findings"/>, counted in its summary finding.</summary>
    public int OmittedWarnings { get; init; }

    /// <summary>Every error found, listed or not (the summary finding is not one).</summary>
    [JsonIgnore]
    public int Errors => Findings.Count(f => f.Severity == Severity.Error && f.RuleId != RuleIds.TooManyFindings) + OmittedErrors;

    /// <summary>Every warning found, listed or not (the summary finding is not one).</summary>
    [JsonIgnore]
    public int Warnings => Findings.Count(f => f.Severity == Severity.Warning && f.RuleId != RuleIds.TooManyFindings) + OmittedWarnings;
}

/// <summary>
/// Checks a parsed submission against the catalogue for a reporting year. Pure: no I/O.
/// Structural checks (known item codes, years T/T-1, numbers, bounds, integer counts, duplicates, required items,
/// states and their reasons, disclosure levels, text lengths), then the catalogue's rules and the peer comparison.
/// </summary>
public sealed class SubmissionValidator(KpiCatalogue catalogue)
{
    /// <summary>The longest comment or reason kept, in characters.</summary>
    public const int MaxTextLength = 2000;

    /// <param name="peers">Other Members' accepted KPI values in the cycle, for the robust outlier warning; none skips it.</param>
    /// <param name="peerItems">Other Members' accepted data item values for year T, for the same warning on items; none skips it.</param>
    public ValidationResult Validate(ParsedSubmission parsed, int reportingYear, IReadOnlyList<IReadOnlyDictionary<string, decimal>>? peers = null, IReadOnlyList<IReadOnlyDictionary<string, decimal>>? peerItems = null)
    {
        ArgumentNullException.ThrowIfNull(parsed);
        var findings = new FindingList(parsed.Findings);
        var unknownCodes = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var accepted = new Dictionary<(string Item, int Year), decimal>();
        // Observations, not their pointers: a CSV observation's pointer is text only once read, which only a finding needs.
        var acceptedFrom = new Dictionary<(string Item, int Year), Observation>();
        var firstSeen = new Dictionary<(string Item, int Year), Observation>();
        foreach (var o in parsed.Observations)
        {
            if (!catalogue.ItemsByCode.TryGetValue(o.ItemCode, out var item))
            {
                unknownCodes.Add(o.ItemCode);
                if (findings.Omit(RuleIds.UnknownItem, Severity.Error))
                {
                    // Past the cap: counted, without the cost of a suggestion.
                    continue;
                }

                var suggestion = Closest(o.ItemCode, catalogue.Items.Select(i => i.Code));
                findings.Add(new Finding(RuleIds.UnknownItem, Severity.Error, $"'{UserText.Excerpt(o.ItemCode)}' is not a data item of catalogue {catalogue.Version}." + (suggestion is null ? "" : $" Did you mean '{suggestion}'?"), "Use the item codes of the cycle's template; GET /api/cycles/{cycleId}/catalogue lists them.", o.ItemCode, o.ItemPointer ?? o.Pointer, o.Line, Found: o.ItemCode, Expected: suggestion));
                continue;
            }

            var allowed = item.PreviousYear ? $"{reportingYear} or {reportingYear - 1}" : $"{reportingYear}";
            if (o.Year != reportingYear && !(item.PreviousYear && o.Year == reportingYear - 1))
            {
                findings.Add(new Finding(RuleIds.WrongYear, Severity.Error, $"{item.Code} is asked for {allowed}, not {o.Year}.", $"This cycle collects year {reportingYear}" + (item.PreviousYear ? $" and, for this item, {reportingYear - 1}." : "."), item.Code, o.YearPointer ?? o.Pointer, o.Line, Found: o.Year.ToString(CultureInfo.InvariantCulture), Expected: allowed));
                continue;
            }

            var key = (item.Code, o.Year);
            if (firstSeen.TryGetValue(key, out var earlier))
            {
                findings.Add(new Finding(RuleIds.DuplicateItem, Severity.Error, $"{item.Code} for {o.Year} is given twice ({earlier.Pointer} and {o.Pointer}).", "Keep one entry per item and year.", item.Code, o.Pointer, o.Line));
                continue;
            }

            firstSeen[key] = o;
            if (o.Reason is not null)
            {
                CheckLength(o.Reason, "reason", item.Code, o.StatePointer ?? o.Pointer, o.Line, findings);
            }

            if (!CheckState(o, item, findings))
            {
                continue;
            }

            if (o.Value is not { } value)
            {
                continue;
            }

            if (item.Min is { } min && value < min || item.Max is { } max && value > max)
            {
                var range = $"{item.Min?.ToString(CultureInfo.InvariantCulture) ?? "-inf"}..{item.Max?.ToString(CultureInfo.InvariantCulture) ?? "+inf"}";
                findings.Add(new Finding(RuleIds.OutOfBounds, Severity.Error, $"{item.Code} = {value.ToString(CultureInfo.InvariantCulture)} is outside {range}.", $"{item.Label} is measured in {item.Unit}; check the sign and the unit.", item.Code, o.ValuePointer ?? o.Pointer, o.Line, Found: value.ToString(CultureInfo.InvariantCulture), Expected: range));
                continue;
            }

            if (item.Integer && value != decimal.Truncate(value))
            {
                findings.Add(new Finding(RuleIds.NotAnInteger, Severity.Error, $"{item.Code} is a count; {value.ToString(CultureInfo.InvariantCulture)} is not a whole number.", "Counts are whole numbers; remove the decimals.", item.Code, o.ValuePointer ?? o.Pointer, o.Line, Found: value.ToString(CultureInfo.InvariantCulture), Expected: "a whole number"));
                continue;
            }

            accepted[key] = value;
            acceptedFrom[key] = o;
        }

        // When the file as a whole could not be read, listing every required item as missing would bury the real problem.
        var fileRefused = parsed.Findings.Any(f => f.RuleId is RuleIds.FileEmpty or RuleIds.FileUnreadable or RuleIds.FileBeyondLimits or RuleIds.HeaderMissingColumn);
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

        CheckComments(parsed.Comments, unknownCodes, findings);
        CheckDisclosures(parsed.Disclosures, findings);
        findings.AddAll(CheckRules(accepted, acceptedFrom, reportingYear));
        var rejected = findings.HasErrors;
        var overflowed = new List<string>();
        var kpis = rejected
            ? new Dictionary<string, decimal>()
            : KpiCalculator.Compute(catalogue, accepted, reportingYear, overflowed);
        findings.AddAll(overflowed.Select(code => new Finding(RuleIds.KpiNotComputable, Severity.Warning, $"KPI {code} cannot be computed: its data items are too large to combine.", "Check the units of the items this KPI uses (e.g. amounts in USD, not in thousandths of a cent).", code, "file")));
        if (!rejected && peers is { Count: > 0 })
        {
            findings.AddAll(PeerComparison.Check(catalogue, kpis, peers));
        }

        if (!rejected && peerItems is { Count: > 0 })
        {
            var own = accepted.Where(a => a.Key.Year == reportingYear).ToDictionary(a => a.Key.Item, a => (a.Value, acceptedFrom[a.Key].ValuePointer ?? acceptedFrom[a.Key].Pointer, acceptedFrom[a.Key].Line), StringComparer.Ordinal);
            findings.AddAll(PeerComparison.CheckItems(catalogue, own, peerItems));
        }

        var status = rejected ? ValidationStatus.Rejected
            : findings.Total > 0 ? ValidationStatus.AcceptedWithWarnings
            : ValidationStatus.Accepted;
        var canonical = fileRefused ? null : CanonicalSubmission.From(parsed, catalogue);
        var items = rejected ? new Dictionary<string, decimal>() : accepted.Where(a => a.Key.Year == reportingYear).ToDictionary(a => a.Key.Item, a => a.Value, StringComparer.Ordinal);
        return new ValidationResult(status, [.. findings], kpis, parsed.Observations.Count, parsed.Format)
        {
            Canonical = canonical,
            ItemValues = items,
            OmittedErrors = findings.OmittedErrors,
            OmittedWarnings = findings.OmittedWarnings,
        };
    }

    /// <summary>
    /// The state of an observation: a value and a state together, "not applicable" where the catalogue does not allow
    /// it or without a reason, "not available" for a required item, a reason next to a value. False when the
    /// observation has no value to check further.
    /// </summary>
    static bool CheckState(Observation o, DataItem item, FindingList findings)
    {
        if (o.State == ValueState.Reported && o.Reason is null)
        {
            // Nearly every observation: settled before its pointer is made into text.
            return true;
        }

        var at = o.StatePointer ?? o.Pointer;
        var word = ValueStates.Word(o.State);
        switch (o.State)
        {
            case ValueState.Reported when o.Reason is not null:
                findings.Add(new Finding(RuleIds.ReasonWithValue, Severity.Warning, o.Value is null ? $"{item.Code} for {o.Year} has a reason but neither a value nor a status; the line is ignored." : $"{item.Code} for {o.Year} has a value and a reason; the reason is not kept.", o.Value is null ? $"If {item.Code} does not apply to your administration, set the status to '{ValueStates.NotApplicable}'; if you cannot give the figure, '{ValueStates.NotAvailable}'." : "A reason explains a status of 'not applicable' or 'not available'; put other remarks in the comment.", item.Code, at, o.Line, Found: UserText.Excerpt(o.Reason)));
                return o.Value is not null;
            case var _ when o.Value is { } value:
                findings.Add(new Finding(RuleIds.ValueAndState, Severity.Error, $"{item.Code} for {o.Year} has both a value ({value.ToString(CultureInfo.InvariantCulture)}) and the status '{word}'.", $"Give either the value (and leave the status empty) or the status '{word}' (and leave the value empty).", item.Code, at, o.Line, Found: $"{value.ToString(CultureInfo.InvariantCulture)}, {word}", Expected: "a value or a status, not both"));
                return false;
            case ValueState.NotApplicable when !item.NotApplicable:
                findings.Add(new Finding(RuleIds.NotApplicableNotAllowed, Severity.Error, $"{item.Code} ({item.Label}) cannot be declared not applicable.", item.Required ? "This item is required: every administration has it; give its value." : $"Give the value, or '{ValueStates.NotAvailable}' if you cannot.", item.Code, at, o.Line, Found: word, Expected: "a value"));
                return false;
            case ValueState.NotApplicable when string.IsNullOrWhiteSpace(o.Reason):
                findings.Add(new Finding(RuleIds.ReasonMissing, Severity.Error, $"{item.Code} for {o.Year} is declared not applicable without a reason.", "Say briefly why the item does not apply to your administration (e.g. 'no Customs laboratory'); reviewers read it.", item.Code, at, o.Line, Found: word, Expected: "a reason"));
                return false;
            case ValueState.NotAvailable when item.Required:
                findings.Add(new Finding(RuleIds.MissingRequiredItem, Severity.Error, $"Required item {item.Code} ({item.Label}) for {o.Year} is marked not available; a value is required.", "Give the value; a submission cannot be accepted without the required items.", item.Code, at, o.Line, Found: word, Expected: "a value"));
                return false;
            default:
                return false;
        }
    }

    static void CheckLength(string? text, string what, string? code, string pointer, int? line, FindingList findings)
    {
        if (text is { Length: > MaxTextLength })
        {
            // Readers keep at most MaxTextLength + 1 characters: enough to tell that the text is too long.
            findings.Add(new Finding(RuleIds.TextTooLong, Severity.Error, $"The {what} for {UserText.Excerpt(code)} is longer than {MaxTextLength} characters; at most {MaxTextLength} are kept.", $"Shorten the {what}; attach longer explanations to your exchange with the WCO Secretariat.", code, pointer, line, Found: $"more than {MaxTextLength} characters", Expected: $"at most {MaxTextLength} characters"));
        }
    }

    void CheckComments(IReadOnlyList<ItemComment> comments, HashSet<string> unknownCodes, FindingList findings)
    {
        foreach (var c in comments)
        {
            CheckLength(c.Text, "comment", c.ItemCode, c.Pointer, c.Line, findings);
            if (!catalogue.ItemsByCode.ContainsKey(c.ItemCode) && unknownCodes.Add(c.ItemCode) && !findings.Omit(RuleIds.UnknownItem, Severity.Error))
            {
                var suggestion = Closest(c.ItemCode, catalogue.Items.Select(i => i.Code));
                findings.Add(new Finding(RuleIds.UnknownItem, Severity.Error, $"The comment is on '{UserText.Excerpt(c.ItemCode)}', which is not a data item of catalogue {catalogue.Version}." + (suggestion is null ? "" : $" Did you mean '{suggestion}'?"), "Comment on one of the cycle's item codes (GET /api/cycles/{cycleId}/catalogue lists them).", c.ItemCode, c.Pointer, c.Line, Found: c.ItemCode, Expected: suggestion));
            }
        }
    }

    /// <summary>Each disclosure choice names a KPI of the catalogue, once, with one of the catalogue's levels.</summary>
    void CheckDisclosures(IReadOnlyList<DisclosureChoice> choices, FindingList findings)
    {
        var seen = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var levels = string.Join(", ", catalogue.DisclosureLevels);
        foreach (var choice in choices)
        {
            if (!catalogue.KpisByCode.TryGetValue(choice.KpiCode.Trim(), out var kpi))
            {
                if (findings.Omit(RuleIds.UnknownKpi, Severity.Error))
                {
                    continue;
                }

                var suggestion = Closest(choice.KpiCode, catalogue.Kpis.Select(k => k.Code));
                findings.Add(new Finding(RuleIds.UnknownKpi, Severity.Error, $"'{UserText.Excerpt(choice.KpiCode)}' is not a KPI of catalogue {catalogue.Version}." + (suggestion is null ? "" : $" Did you mean '{suggestion}'?"), "Disclosure levels are chosen per KPI; use the KPI codes listed by GET /api/cycles/{cycleId}/catalogue (e.g. TF-01).", choice.KpiCode, choice.Pointer, choice.Line, Found: choice.KpiCode, Expected: suggestion));
                continue;
            }

            if (CanonicalSubmission.DisclosureLevel(catalogue, choice.Level) is null)
            {
                findings.Add(new Finding(RuleIds.InvalidDisclosureLevel, Severity.Error, $"'{UserText.Excerpt(choice.Level)}' is not a disclosure level; {kpi.Code} can be disclosed as {levels}.", $"Choose one of {levels} (most open first), or leave it out to keep the default '{kpi.Disclosure}'.", kpi.Code, choice.Pointer, choice.Line, Found: UserText.Excerpt(choice.Level), Expected: levels));
                continue;
            }

            if (!seen.TryAdd(kpi.Code, choice.Pointer))
            {
                findings.Add(new Finding(RuleIds.DuplicateDisclosure, Severity.Error, $"The disclosure level of {kpi.Code} is chosen twice ({seen[kpi.Code]} and {choice.Pointer}).", "Keep one choice per KPI.", kpi.Code, choice.Pointer, choice.Line));
            }
        }
    }

    /// <summary>
    /// The code nearest to a mistyped one (edit distance at most a third of its length, minimum 2), if any. Only codes
    /// whose length differs by no more than that are compared (the distance is at least the difference), and a code
    /// longer than any code can be (<see cref="Identifiers.MaxCodeLength"/>) is compared with none: a 9 MB item code
    /// once cost 42 s of CPU here.
    /// </summary>
    static string? Closest(string code, IEnumerable<string> candidates)
    {
        if (code.Length > Identifiers.MaxCodeLength)
        {
            return null;
        }

        var upper = code.ToUpperInvariant();
        var limit = Math.Max(2, upper.Length / 3);
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var candidate in candidates)
        {
            if (Math.Abs(candidate.Length - upper.Length) > limit)
            {
                continue;
            }

            var distance = EditDistance(upper, candidate.ToUpperInvariant());
            if (distance <= limit && distance < bestDistance)
            {
                (best, bestDistance) = (candidate, distance);
            }
        }

        return best;
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
    IEnumerable<Finding> CheckRules(Dictionary<(string Item, int Year), decimal> values, Dictionary<(string Item, int Year), Observation> from, int year)
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
                    var at = from[(part, year)];
                    yield return new Finding(rule.Id, severity, rule.Message, rule.Hint, part, at.ValuePointer ?? at.Pointer, at.Line, Found: Invariant($"{part} = {p} > {total} = {t}"), Expected: Invariant($"{part} ≤ {total}"));
                }
            }
            else if (rule.Kind == CatalogueRuleKinds.YearOnYear)
            {
                var item = catalogue.ItemsByCode[rule.Item!].Code;
                if (values.TryGetValue((item, year), out var now) && values.TryGetValue((item, year - 1), out var before) && now > 0 && before > 0
                    && Math.Max(now, before) / Math.Min(now, before) > rule.MaxRatio)
                {
                    var at = from[(item, year)];
                    yield return new Finding(rule.Id, severity, rule.Message, rule.Hint, item, at.ValuePointer ?? at.Pointer, at.Line, Found: Invariant($"{year - 1}: {before}, {year}: {now}"), Expected: Invariant($"a change within a factor of {rule.MaxRatio}"));
                }
            }
        }
    }

    static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
