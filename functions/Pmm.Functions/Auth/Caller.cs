namespace Pmm.Functions.Auth;

/// <summary>The three application roles (Entra ID app roles; the same values in development tokens).</summary>
public static class AppRoles
{
    /// <summary>A Member's National Contact Point: submits and reads its own Member's data.</summary>
    public const string Member = "Member";

    /// <summary>WCO Secretariat: runs cycles, reads everything.</summary>
    public const string Staff = "Staff";

    /// <summary>Dashboards and analysts: read published benchmarks only.</summary>
    public const string Reader = "Reader";

    public static readonly IReadOnlyList<string> All = [Member, Staff, Reader];
}

/// <summary>Who is calling: from a validated bearer token.</summary>
public sealed record Caller(string Subject, IReadOnlySet<string> Roles, string? MemberCode)
{
    public bool IsStaff => Roles.Contains(AppRoles.Staff);

    /// <summary>
    /// The most restricted disclosure level (audience) whose benchmarks the caller may read, from the catalogue's
    /// levels ordered most open first: Staff read every level; a Member's NCP reads the WCO level (the second
    /// level: "all NCPs and peer reviewers"); Readers (dashboards, the public report) read the first, public, level.
    /// </summary>
    public int AudienceIndex(IReadOnlyList<string> levels)
    {
        ArgumentNullException.ThrowIfNull(levels);
        var last = Math.Max(0, levels.Count - 1);
        return IsStaff ? last : Roles.Contains(AppRoles.Member) ? MemberAudienceIndex(levels) : 0;
    }

    /// <summary>The audience of Members' NCPs: the WCO level, the second of the catalogue's levels (or the only one).</summary>
    public static int MemberAudienceIndex(IReadOnlyList<string> levels)
    {
        ArgumentNullException.ThrowIfNull(levels);
        return Math.Min(1, Math.Max(0, levels.Count - 1));
    }

    /// <summary>Staff may act on any Member; a Member only on the Member its token is bound to.</summary>
    public bool MayActFor(string memberCode) =>
        IsStaff || (Roles.Contains(AppRoles.Member) && string.Equals(MemberCode, memberCode, StringComparison.Ordinal));
}
