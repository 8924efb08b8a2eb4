using System.Reflection;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Routing;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Pmm.Functions.Http;

namespace Pmm.LocalHost;

/// <summary>Maps each HTTP-triggered function to an ASP.NET Core endpoint at <c>/{routePrefix}/{route}</c>, as the Functions host does.</summary>
static class HttpFunctionEndpoints
{
    public static void Map(IEndpointRouteBuilder endpoints, FunctionIndex index, string routePrefix, ILogger logger)
    {
        var prefix = string.IsNullOrEmpty(routePrefix) ? "" : "/" + routePrefix.Trim('/');
        foreach (var function in index.Http)
        {
            if (function.AuthLevel != AuthorizationLevel.Anonymous)
            {
                // Core Tools does not enforce function keys locally either.
                logger.LogInformation("{Function}: auth level {Level} is not enforced by the local host", function.Name, function.AuthLevel);
            }

            endpoints.MapMethods($"{prefix}/{function.Route}", function.Verbs, context => InvokeAsync(function, context))
                .WithDisplayName(function.Name);
        }
    }

    /// <summary>Runs the function inside the app's <see cref="HttpPipeline"/>, as its worker middleware does under Azure Functions.</summary>
    static async Task InvokeAsync(HttpFunction function, HttpContext context)
    {
        var services = context.RequestServices;
        var result = await services.GetRequiredService<HttpPipeline>().RunAsync(function.Method, context, context.Request.RouteValues, () =>
            Invocation.InvokeAsync(function.Method, Invocation.CreateInstance(function.Method, services), [.. function.Method.GetParameters().Select(p => Bind(p, context))]));

        if (result is IActionResult action)
        {
            await action.ExecuteResultAsync(new ActionContext(context, context.GetRouteData(), new ActionDescriptor()));
        }
    }

    static object? Bind(ParameterInfo p, HttpContext context) =>
        p.GetCustomAttribute<HttpTriggerAttribute>() is not null ? context.Request
        : p.GetCustomAttribute<DurableClientAttribute>() is not null ? context.RequestServices.GetRequiredService<DurableTaskClient>()
        : p.ParameterType == typeof(CancellationToken) ? context.RequestAborted
        : context.Request.RouteValues[p.Name!]?.ToString();
}
