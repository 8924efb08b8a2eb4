using System.Collections.Concurrent;
using System.Reflection;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Middleware;

namespace Pmm.Functions.Http;

/// <summary>
/// Runs <see cref="HttpPipeline"/> around every HTTP-triggered function under Azure Functions. The ASP.NET Core
/// integration writes the invocation result (an <c>IActionResult</c>) to the response after this middleware, so a
/// refusal or the server error problem is handed to it as the result.
/// </summary>
public sealed class HttpPipelineMiddleware(HttpPipeline pipeline) : IFunctionsWorkerMiddleware
{
    static readonly ConcurrentDictionary<string, MethodInfo?> Methods = new(StringComparer.Ordinal);

    /// <summary>Whether a function has an HTTP trigger (the middleware runs for those only).</summary>
    public static bool IsHttp(FunctionContext context) =>
        context.FunctionDefinition.InputBindings.Values.Any(b => string.Equals(b.Type, "httpTrigger", StringComparison.OrdinalIgnoreCase));

    public async Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var http = context.GetHttpContext();
        var method = Methods.GetOrAdd(context.FunctionDefinition.EntryPoint, MethodOf);
        if (http is null || method is null)
        {
            throw new InvalidOperationException($"Function {context.FunctionDefinition.Name} is not an HTTP function of this app ({context.FunctionDefinition.EntryPoint}).");
        }

        var result = await pipeline.RunAsync(method, http, context.BindingContext.BindingData, async () =>
        {
            await next(context);
            return context.GetInvocationResult().Value;
        });
        context.GetInvocationResult().Value = result;
    }

    /// <summary>The method an entry point (<c>Namespace.Type.Method</c>) names in this app.</summary>
    internal static MethodInfo? MethodOf(string entryPoint)
    {
        var dot = entryPoint.LastIndexOf('.');
        return dot <= 0
            ? null
            : typeof(HttpPipeline).Assembly.GetType(entryPoint[..dot])?.GetMethod(entryPoint[(dot + 1)..], BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static);
    }
}
