namespace Pmm.Functions.Http;

/// <summary>
/// Who may call an HTTP function: declared once, on the function, and enforced for every call by
/// <see cref="HttpPipeline"/> under both hosts. <see cref="MemberScoped"/>: on a <c>{memberCode}</c> route, a
/// Member-role caller may act only for the Member its token is bound to (Staff for any). <see cref="Anonymous"/>:
/// anyone may call, without a token; said explicitly, with no roles, on a route naming no Member (the health endpoint).
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class AccessAttribute(params string[] roles) : Attribute
{
    public IReadOnlyList<string> Roles { get; } = roles;

    public bool MemberScoped { get; set; }

    public bool Anonymous { get; set; }
}
