using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Azure.Functions.Worker.OpenTelemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Pmm.Functions.Configuration;
using Pmm.Functions.Http;

// Azure Functions entry point (isolated worker with ASP.NET Core integration). The local development
// host (functions/Pmm.LocalHost) registers the same services through AddPmm and runs the same classes.
var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();

// Who may call each HTTP function ([Access]) and PMM-SERVER-001 for unexpected errors: the same HttpPipeline the
// local host runs around every call.
builder.UseWhen<HttpPipelineMiddleware>(HttpPipelineMiddleware.IsHttp);
builder.Services.AddPmm(builder.Configuration);

// Under Azure Functions the worker's spans join the host's invocation (same trace, function name and invocation id).
builder.Services.AddOpenTelemetry().UseFunctionsWorkerDefaults();
builder.Build().Run();
