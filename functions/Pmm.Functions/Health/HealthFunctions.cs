using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Pmm.Functions.Http;

namespace Pmm.Functions.Health;

/// <summary>The health endpoint: anonymous, for load balancers, uptime probes and operators during a burst.</summary>
public sealed class HealthFunctions(HealthCheck health)
{
    /// <summary>200 <c>{"status":"healthy"}</c> when storage answers, 503 <c>PMM-HEALTH-001</c> when it does not.</summary>
    [Function(nameof(GetHealth))]
    [Access(Anonymous = true)]
    public async Task<IActionResult> GetHealth(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.Health)] HttpRequest req,
        CancellationToken cancellationToken)
    {
        var report = await health.CheckAsync(cancellationToken);
        req.HttpContext.Response.Headers.CacheControl = "no-store";
        if (report.Healthy)
        {
            return new OkObjectResult(new { status = HealthCheck.Ok, checks = report.Checks });
        }

        return Problems.Create(
            StatusCodes.Status503ServiceUnavailable,
            ProblemCodes.Unhealthy,
            "The service is not healthy.",
            $"Storage did not answer within {HealthCheck.Timeout.TotalSeconds:0} seconds: {string.Join(", ", report.Checks.Where(c => c.Value != HealthCheck.Ok).Select(c => c.Key))}.",
            errors: report.Checks);
    }
}
