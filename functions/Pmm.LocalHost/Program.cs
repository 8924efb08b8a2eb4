using Microsoft.Extensions.Options;
using Pmm.Functions.Auth;
using Pmm.Functions.Configuration;
using Pmm.LocalHost;

// Commands (the ./pmm script calls these):
//   (none)                       run the function app locally (default port 7071, --port N to change)
//   init                         create local.settings.json from the sample with a new development signing key
//   token <role> [memberCode]    print a development bearer token (role: Staff, Member, Reader)
//   demo [baseUrl]               play a small cycle over HTTP against a running host
var appRoot = FunctionsConfiguration.FindAppRoot();
var command = args.FirstOrDefault(a => !a.StartsWith('-'));
switch (command)
{
    case "init":
        Console.WriteLine(DevSettings.EnsureLocalSettings(appRoot)
            ? "Created local.settings.json with a new development signing key."
            : "local.settings.json exists; left as it is.");
        return 0;

    case "token":
        {
            var rest = args.SkipWhile(a => a != "token").Skip(1).ToArray();
            var role = AppRoles.All.FirstOrDefault(r => string.Equals(r, rest.ElementAtOrDefault(0), StringComparison.OrdinalIgnoreCase));
            var member = rest.ElementAtOrDefault(1)?.ToUpperInvariant();
            if (role is null || (role == AppRoles.Member) != (member is not null))
            {
                Console.Error.WriteLine("usage: token Staff | token Reader | token Member <ISO3 member code>");
                return 2;
            }

            var auth = FunctionsConfiguration.Build(appRoot, []).GetSection(AuthOptions.Section).Get<AuthOptions>() ?? new AuthOptions();
            Console.WriteLine(DevelopmentTokens.Mint(auth, role, member));
            return 0;
        }

    case "demo":
        {
            var configuration = FunctionsConfiguration.Build(appRoot, []);
            var auth = configuration.GetSection(AuthOptions.Section).Get<AuthOptions>() ?? new AuthOptions();
            var baseUrl = args.SkipWhile(a => a != "demo").Skip(1).FirstOrDefault() ?? "http://localhost:7071";
            return await Demo.RunAsync(new Uri(baseUrl), auth, Console.Out);
        }

    default:
        {
            var configuration = FunctionsConfiguration.Build(appRoot, args);
            var port = configuration.GetValue("port", 7071);
            await using var host = await LocalFunctionsHost.StartAsync(configuration, port);
            Console.WriteLine(Banner.Text(host.BaseAddress, host.Functions, configuration));
            await host.WaitForShutdownSignalAsync();
            return 0;
        }
}
