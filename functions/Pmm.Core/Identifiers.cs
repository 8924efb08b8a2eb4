using System.Text.RegularExpressions;

namespace Pmm.Core;

/// <summary>Shapes of the identifiers users type: they end up in blob names and table keys, so they are checked strictly.</summary>
public static partial class Identifiers
{
    /// <summary>A cycle id: 3-40 letters, digits or hyphens, starting with a letter or digit (e.g. <c>2026</c>, <c>pmm-2026</c>).</summary>
    public static bool IsCycleId(string? value) => value is not null && CycleId().IsMatch(value);

    /// <summary>A Member code: ISO 3166-1 alpha-3, upper case.</summary>
    public static bool IsMemberCode(string? value) => value is not null && MemberCode().IsMatch(value);

    /// <summary>
    /// A catalogue or Members reference version: 1-40 letters, digits, dots, hyphens or underscores, starting with a
    /// letter or digit (e.g. <c>2026.1</c>, <c>2027.1-draft</c>). Case matters: <c>2026.1-A</c> and <c>2026.1-a</c> differ.
    /// </summary>
    public static bool IsReferenceVersion(string? value) => value is not null && ReferenceVersion().IsMatch(value);

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")]
    private static partial Regex ReferenceVersion();

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9-]{2,39}$")]
    private static partial Regex CycleId();

    [GeneratedRegex("^[A-Z]{3}$")]
    private static partial Regex MemberCode();
}
