using System.Text.RegularExpressions;

namespace Pmm.Core;

/// <summary>Shapes of the identifiers users type: they end up in blob names and table keys, so they are checked strictly.</summary>
public static partial class Identifiers
{
    /// <summary>The longest code reference data may have (<see cref="IsReferenceCode"/>); readers cut longer codes in files to this.</summary>
    public const int MaxCodeLength = 64;

    /// <summary>A cycle id: 3-40 letters, digits or hyphens, starting with a letter or digit (e.g. <c>2026</c>, <c>pmm-2026</c>).</summary>
    public static bool IsCycleId(string? value) => value is not null && CycleId().IsMatch(value);

    /// <summary>A Member code: ISO 3166-1 alpha-3, upper case.</summary>
    public static bool IsMemberCode(string? value) => value is not null && MemberCode().IsMatch(value);

    /// <summary>
    /// A catalogue or Members reference version: 1-40 letters, digits, dots, hyphens or underscores, starting with a
    /// letter or digit (e.g. <c>2026.1</c>, <c>2027.1-draft</c>). Case matters: <c>2026.1-A</c> and <c>2026.1-a</c> differ.
    /// </summary>
    public static bool IsReferenceVersion(string? value) => value is not null && ReferenceVersion().IsMatch(value);

    /// <summary>
    /// A code in reference data (region, income group, KPI, data item, dimension, outcome, disclosure level): 1-64
    /// letters, digits, dots, hyphens or underscores, starting with a letter or digit. Codes become parts of table keys
    /// such as <c>{audience}~{kpiCode}~{scope}~{group}</c> and of URLs, so '/', '#', '?', '\\', '~', spaces and control
    /// characters are never allowed.
    /// </summary>
    public static bool IsReferenceCode(string? value) => value is not null && ReferenceCode().IsMatch(value);

    // Every pattern ends in \z: $ also matches before a final line feed, so "abc\n" would pass.
    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}\z")]
    private static partial Regex ReferenceCode();

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}\z")]
    private static partial Regex ReferenceVersion();

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9-]{2,39}\z")]
    private static partial Regex CycleId();

    [GeneratedRegex(@"^[A-Z]{3}\z")]
    private static partial Regex MemberCode();
}
