using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;
using Pmm.Functions.Configuration;

// Azure Functions entry point (isolated worker with ASP.NET Core integration). The local development
// host (functions/Pmm.LocalHost) registers the same services through AddPmm and runs the same classes.
var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.Services.AddPmm(builder.Configuration);
builder.Build().Run();
