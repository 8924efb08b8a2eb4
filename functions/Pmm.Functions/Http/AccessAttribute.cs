namespace Pmm.Functions.Http;

/// <summary>
/// Who may call an HTTP function: declared once, on the function, and enforced for every call by
/// <see cref="HttpPipeline"/> under both hosts. <see cref="MemberScoped"/>: on a <c>{memberCode}</c> route, a
/// Member-role caller may act only for the Member its token is bound to (Staff for any).
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class AccessAttribute(params string[] roles) : Attribute
{
    public IReadOnlyList<string> Roles { get; } = roles;

    public bool MemberScoped { get; set; }
}
