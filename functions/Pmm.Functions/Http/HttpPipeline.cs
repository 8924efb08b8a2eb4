using System.Collections.Concurrent;
using System.Reflection;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using Pmm.Core;
using Pmm.Functions.Auth;

namespace Pmm.Functions.Http;

/// <summary>
/// What happens to every HTTP call before and around its function, the same under Azure Functions
/// (<see cref="HttpPipelineMiddleware"/>) and under the local host: the bearer token is validated, the role
/// checked against the function's <see cref="AccessAttribute"/>, a <c>{memberCode}</c> route value must be a
/// canonical Member code (anything else is 404 for every role, before any data is read) and, on a Member-scoped
/// function, the caller's own Member; any unexpected exception becomes a logged <c>PMM-SERVER-001</c> problem that
/// says nothing about its cause.
/// </summary>
public sealed class HttpPipeline(RequestAuthenticator auth, ILogger<HttpPipeline> logger)
{
    static readonly ConcurrentDictionary<MethodInfo, bool> MemberRoutes = new();

    /// <summary>Runs one call: the result to write (a refusal, the function's own, or the server error problem).</summary>
    public async Task<object?> RunAsync(MethodInfo function, HttpContext http, IReadOnlyDictionary<string, object?> routeValues, Func<Task<object?>> invoke)
    {
        ArgumentNullException.ThrowIfNull(function);
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(routeValues);
        ArgumentNullException.ThrowIfNull(invoke);
        try
        {
            if (await AdmitAsync(function, http, routeValues) is { } refusal)
            {
                return refusal;
            }

            return await invoke();
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            // The server's own body limit (Kestrel's MaxRequestBodySize) was hit while the function read the body.
            return Problems.TooLarge("The request body is larger than the server accepts.");
        }
        catch (Exception ex) when (!http.RequestAborted.IsCancellationRequested)
        {
            logger.LogError(ex, "Function {Function} failed", function.Name);
            return Problems.ServerError();
        }
    }

    async Task<IActionResult?> AdmitAsync(MethodInfo function, HttpContext http, IReadOnlyDictionary<string, object?> routeValues)
    {
        // Deny by default: a function that does not say who may call it is a defect, refused for everyone.
        if (function.GetCustomAttribute<AccessAttribute>() is not { } access)
        {
            throw new InvalidOperationException($"HTTP function {function.DeclaringType?.Name}.{function.Name} has no [Access] attribute.");
        }

        if (access.Anonymous)
        {
            // No token is read, so nothing may depend on a caller: no roles, no Member.
            return access.Roles.Count == 0 && !access.MemberScoped && !HasMemberRoute(function)
                ? null
                : throw new InvalidOperationException($"HTTP function {function.Name} is anonymous but names roles or a Member.");
        }

        var (caller, failure) = await auth.AuthenticateAsync(http.Request, [.. access.Roles]);
        if (failure is not null)
        {
            return failure;
        }

        // Only a route parameter names a Member: under Azure Functions the binding data also holds query values.
        if (HasMemberRoute(function))
        {
            var memberCode = routeValues.TryGetValue(Routes.MemberCodeParameter, out var value) ? value?.ToString() : null;
            if (!Identifiers.IsMemberCode(memberCode))
            {
                return Problems.UnknownMember(memberCode);
            }

            if (!access.MemberScoped)
            {
                throw new InvalidOperationException($"HTTP function {function.Name} has a {{{Routes.MemberCodeParameter}}} route but is not Member-scoped.");
            }

            if (!caller!.MayActFor(memberCode!))
            {
                return Problems.Forbidden(ProblemCodes.OtherMember, $"This token is bound to Member '{caller.MemberCode}' and cannot access data of Member '{memberCode}'.");
            }
        }

        http.Items[typeof(Caller)] = caller;
        return null;
    }

    static bool HasMemberRoute(MethodInfo function) =>
        MemberRoutes.GetOrAdd(function, f => f.GetParameters()
            .Select(p => p.GetCustomAttribute<HttpTriggerAttribute>()?.Route)
            .Any(r => r is not null && r.Contains($"{{{Routes.MemberCodeParameter}}}", StringComparison.Ordinal)));
}

/// <summary>The caller <see cref="HttpPipeline"/> authenticated for this request.</summary>
public static class HttpContextCaller
{
    public static Caller GetCaller(this HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        return http.Items.TryGetValue(typeof(Caller), out var caller) && caller is Caller c
            ? c
            : throw new InvalidOperationException("No authenticated caller: the request did not pass through HttpPipeline.");
    }
}
