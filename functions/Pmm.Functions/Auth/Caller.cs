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

    /// <summary>Staff may act on any Member; a Member only on the Member its token is bound to.</summary>
    public bool MayActFor(string memberCode) =>
        IsStaff || (Roles.Contains(AppRoles.Member) && string.Equals(MemberCode, memberCode, StringComparison.Ordinal));
}
