using System.Text.Json.Serialization;

namespace Pmm.Core.Submissions;

/// <summary>How serious a finding is: any error rejects the submission; warnings do not.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<Severity>))]
public enum Severity
{
    Warning,
    Error,
}

/// <summary>
/// One problem found in a submission: a stable rule id, where it is (<see cref="Pointer"/> is
/// "line L, column C" for CSV), what was found and expected, and how to fix it.
/// </summary>
public sealed record Finding(
    string RuleId,
    Severity Severity,
    string Message,
    string Hint,
    string? ItemCode = null,
    string? Pointer = null,
    int? Line = null,
    int? Column = null,
    string? Found = null,
    string? Expected = null);

/// <summary>Stable rule ids. Users and support staff quote these; never renumber.</summary>
public static class RuleIds
{
    public const string FileEmpty = "PMM-FILE-001";
    public const string FileUnreadable = "PMM-FILE-002";
    public const string FileBeyondLimits = "PMM-FILE-003";
    public const string TooManyFindings = "PMM-FILE-004";
    public const string HeaderMissingColumn = "PMM-CSV-001";
    public const string RowShape = "PMM-CSV-002";
    public const string DisclosureLineShape = "PMM-CSV-003";
    public const string UnknownItem = "PMM-ITEM-001";
    public const string DuplicateItem = "PMM-ITEM-002";
    public const string MissingRequiredItem = "PMM-ITEM-003";
    public const string WrongYear = "PMM-YEAR-001";
    public const string NotANumber = "PMM-VALUE-001";
    public const string OutOfBounds = "PMM-VALUE-002";
    public const string NotAnInteger = "PMM-VALUE-003";
    public const string PeerOutlier = "PMM-PLAUS-001";
    public const string PeerItemOutlier = "PMM-PLAUS-002";
    public const string UnknownState = "PMM-STATE-001";
    public const string ReasonMissing = "PMM-STATE-002";
    public const string NotApplicableNotAllowed = "PMM-STATE-003";
    public const string ValueAndState = "PMM-STATE-004";
    public const string ReasonWithValue = "PMM-STATE-005";
    public const string InvalidDisclosureLevel = "PMM-DISC-001";
    public const string UnknownKpi = "PMM-DISC-002";
    public const string DuplicateDisclosure = "PMM-DISC-003";
    public const string TextTooLong = "PMM-TEXT-001";
    public const string KpiNotComputable = "PMM-KPI-001";
    public const string SystemError = "PMM-SYS-001";
}
