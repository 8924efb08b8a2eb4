using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Pmm.Functions.Configuration;

namespace Pmm.Load;

/// <summary>One request to the host under test, described well enough to find it again in a report.</summary>
sealed record LoadRequest(string Class, string Operation, HttpMethod Method, string Path, string? Authorization, byte[]? Body, string? ContentType)
{
    public string Describe()
    {
        var path = Path.Length > 140 ? $"{Path[..140]}...({Path.Length} chars)" : Path;
        var body = Body is null ? "" : $" [{ContentType ?? "no content type"}, {Body.Length.ToString("N0", CultureInfo.InvariantCulture)} B]";
        return $"{Class}/{Operation} {Method} {path}{body}";
    }
}

/// <summary>What came back: a status code, or a dropped connection or timeout (Status 0).</summary>
sealed record Outcome(int Status, string? Failure, double Milliseconds, long ResponseBytes, string Excerpt, TimeSpan? RetryAfter = null)
{
    public bool IsServerError => Status >= 500 || Failure is not null;
}

/// <summary>The cycles, files and reference documents every run starts from.</summary>
sealed record SetUp(string CycleId, string DeadlineCycleId, string CloseCycleId, int ReportingYear, byte[] Template, IReadOnlyList<Seed> Seeds, byte[] MembersDocument, byte[] CatalogueDocument);

/// <summary>The host under test: where it listens, its process (for memory), tokens it accepts.</summary>
sealed class LoadTarget : IDisposable
{
    /// <summary>The Member the runs upload as (its template is the Excel seed).</summary>
    public const string Member = "KEN";

    /// <summary>The year of the corpus's good files.</summary>
    public const int ReportingYear = 2025;

    /// <summary>Responses are kept up to this size for the report; longer ones are counted, not kept.</summary>
    const int KeptResponseBytes = 4 << 20;

    readonly HttpClient http;

    LoadTarget(LoadOptions options, Tokens tokens)
    {
        Options = options;
        Tokens = tokens;
        Host = new HostProcess(options.HostPid);
        http = new HttpClient(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = options.Concurrency + 2,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
        })
        { Timeout = Timeout.InfiniteTimeSpan };
    }

    public LoadOptions Options { get; }

    public Tokens Tokens { get; }

    public HostProcess Host { get; }

    public static LoadTarget Create(LoadOptions options)
    {
        var auth = new ConfigurationBuilder().AddEnvironmentVariables().Build().GetSection(AuthOptions.Section).Get<AuthOptions>() ?? new AuthOptions();
        return new LoadTarget(options, new Tokens(auth));
    }

    /// <summary>Opens the run's cycles (or finds them open), fetches the Member's template and the reference documents, reads the seed files.</summary>
    public async Task<SetUp?> SetUpAsync(TextWriter output, params string[] cycles)
    {
        var staff = "Bearer " + Tokens.Staff;
        foreach (var cycleId in cycles)
        {
            var body = JsonSerializer.SerializeToUtf8Bytes(new { cycleId, reportingYear = ReportingYear, deadline = DateTimeOffset.UtcNow.AddDays(60) });
            var open = await SendAsync(new LoadRequest("setup", "open", HttpMethod.Post, Api.Cycles, staff, body, "application/json"), TimeSpan.FromSeconds(60));
            if (open.Status is not (201 or 202 or 409))
            {
                output.WriteLine($"Could not open cycle {cycleId}: {open.Status} {open.Failure} {open.Excerpt}");
                return null;
            }
        }

        var template = await GetBytesAsync(Api.MemberPath(cycles[0], Member, Api.Template), "Bearer " + Tokens.Member(Member), output);
        var members = await GetBytesAsync($"{Api.Members}/2026.1", staff, output);
        var catalogue = await GetBytesAsync($"{Api.Catalogues}/2026.1", staff, output);
        if (template is null || members is null || catalogue is null)
        {
            return null;
        }

        var seeds = Seed.Load(Path.Combine(Options.RepositoryRoot, "tests", "Pmm.Core.Tests", "Corpus"), template);
        output.WriteLine($"Set-up: cycles {string.Join(", ", cycles)} (reporting year {ReportingYear}); {seeds.Count} seed files ({string.Join(", ", seeds.GroupBy(s => s.Format).Select(g => $"{g.Count()} {g.Key}"))}); host RSS {HostProcess.Mb(Host.RssKb)}");
        return new SetUp(cycles[0], cycles.ElementAtOrDefault(1) ?? cycles[0], cycles.ElementAtOrDefault(2) ?? cycles[0], ReportingYear, template, seeds, members, catalogue);
    }

    public async Task<byte[]?> GetBytesAsync(string path, string authorization, TextWriter output)
    {
        using var request = Message(new LoadRequest("setup", "get", HttpMethod.Get, path, authorization, null, null));
        using var response = await http.SendAsync(request);
        if (!response.IsSuccessStatusCode)
        {
            output.WriteLine($"GET {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            return null;
        }

        return await response.Content.ReadAsByteArrayAsync();
    }

    /// <summary>Bodies above this go over a plain socket (see <see cref="SendRawAsync"/>).</summary>
    const int RawAbove = 8 << 20;

    public async Task<Outcome> SendAsync(LoadRequest r, TimeSpan timeout)
    {
        if (r.Body is { Length: > RawAbove })
        {
            return await SendRawAsync(r, timeout);
        }

        using var cancel = new CancellationTokenSource(timeout);
        var clock = Stopwatch.StartNew();
        try
        {
            using var request = Message(r);
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancel.Token);
            await using var stream = await response.Content.ReadAsStreamAsync(cancel.Token);
            var kept = new MemoryStream();
            var buffer = new byte[81920];
            long total = 0;
            int read;
            while ((read = await stream.ReadAsync(buffer, cancel.Token)) > 0)
            {
                if (total < KeptResponseBytes)
                {
                    kept.Write(buffer, 0, (int)Math.Min(read, KeptResponseBytes - total));
                }

                total += read;
            }

            return new Outcome((int)response.StatusCode, null, clock.Elapsed.TotalMilliseconds, total, Encoding.UTF8.GetString(kept.GetBuffer(), 0, (int)kept.Length), response.Headers.RetryAfter?.Delta);
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            return new Outcome(0, $"timeout after {timeout.TotalSeconds:0} s", clock.Elapsed.TotalMilliseconds, 0, "");
        }
        catch (HttpRequestException ex)
        {
            return new Outcome(0, "dropped: " + Innermost(ex), clock.Elapsed.TotalMilliseconds, 0, "");
        }
        catch (IOException ex)
        {
            return new Outcome(0, "dropped: " + Innermost(ex), clock.Elapsed.TotalMilliseconds, 0, "");
        }
    }

    /// <summary>
    /// Sends a large body over a plain socket while reading the answer at the same time. A server may answer
    /// (413, say) and close before the body is all sent; HttpClient then reports only its failed write ("broken
    /// pipe"), this keeps the answer. Only a connection closed without any answer counts as dropped.
    /// </summary>
    async Task<Outcome> SendRawAsync(LoadRequest r, TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        var clock = Stopwatch.StartNew();
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(Options.BaseAddress.Host, Options.BaseAddress.Port, cancel.Token);
            var stream = client.GetStream();
            var head = new StringBuilder()
                .Append(CultureInfo.InvariantCulture, $"{r.Method} {Options.BaseAddress.AbsolutePath}{r.Path} HTTP/1.1\r\nHost: {Options.BaseAddress.Authority}\r\n")
                .Append(r.Authorization is null ? "" : $"Authorization: {r.Authorization}\r\n")
                .Append(r.ContentType is null ? "" : $"Content-Type: {r.ContentType}\r\n")
                .Append(CultureInfo.InvariantCulture, $"Content-Length: {r.Body!.Length}\r\nConnection: close\r\n\r\n");
            var answer = new MemoryStream();
            long total = 0;
            var reading = Task.Run(async () =>
            {
                var buffer = new byte[81920];
                int read;
                try
                {
                    while ((read = await stream.ReadAsync(buffer, cancel.Token)) > 0)
                    {
                        answer.Write(buffer, 0, (int)Math.Min(read, Math.Max(0, KeptResponseBytes - answer.Length)));
                        total += read;
                    }
                }
                catch (IOException)
                {
                }
            });
            string? writeFailure = null;
            try
            {
                await stream.WriteAsync(Encoding.ASCII.GetBytes(head.ToString()), cancel.Token);
                await stream.WriteAsync(r.Body, cancel.Token);
            }
            catch (IOException ex)
            {
                writeFailure = Innermost(ex);
            }

            await reading;
            var text = Encoding.UTF8.GetString(answer.GetBuffer(), 0, (int)answer.Length);
            var parts = text.Split(' ', 3);
            if (parts.Length < 2 || !parts[0].StartsWith("HTTP/", StringComparison.Ordinal) || !int.TryParse(parts[1], CultureInfo.InvariantCulture, out var status))
            {
                return new Outcome(0, "dropped: " + (writeFailure ?? "closed without an answer"), clock.Elapsed.TotalMilliseconds, 0, "");
            }

            var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            var body = end >= 0 ? text[(end + 4)..] : "";

            // Counted on the wire: with chunked encoding, a few bytes per chunk more than the body itself.
            return new Outcome(status, null, clock.Elapsed.TotalMilliseconds, end >= 0 ? total - Encoding.UTF8.GetByteCount(text.AsSpan(0, end + 4)) : 0, body);
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            return new Outcome(0, $"timeout after {timeout.TotalSeconds:0} s", clock.Elapsed.TotalMilliseconds, 0, "");
        }
        catch (SocketException ex)
        {
            return new Outcome(0, "dropped: " + ex.Message, clock.Elapsed.TotalMilliseconds, 0, "");
        }
    }

    static string Innermost(Exception ex)
    {
        while (ex.InnerException is not null && ex is not SocketException)
        {
            ex = ex.InnerException;
        }

        return ex.Message;
    }

    HttpRequestMessage Message(LoadRequest r)
    {
        // Paths are sent exactly as written (already percent-encoded), so that "..", "%2E%2E" and "%0A" reach the host.
        var uri = new Uri(Options.BaseAddress + r.Path, new UriCreationOptions { DangerousDisablePathAndQueryCanonicalization = true });
        var message = new HttpRequestMessage(r.Method, uri);
        if (r.Authorization is not null)
        {
            message.Headers.TryAddWithoutValidation("Authorization", r.Authorization);
        }

        if (r.Body is not null)
        {
            message.Content = new ByteArrayContent(r.Body);
            if (r.ContentType is not null)
            {
                message.Content.Headers.TryAddWithoutValidation("Content-Type", r.ContentType);
            }
        }

        return message;
    }

    public void Dispose()
    {
        http.Dispose();
        Host.Dispose();
    }
}

/// <summary>The host's routes as a client writes them (percent-encoded segments are passed through unchanged).</summary>
static class Api
{
    public const string Prefix = "api/";
    public const string Cycles = Prefix + "cycles";
    public const string Members = Prefix + "members";
    public const string Catalogues = Prefix + "catalogues";
    public const string Template = "template";
    public const string Submissions = "submissions";
    public const string Validate = "validate";

    public static string Cycle(string cycleId, string? then = null) => $"{Cycles}/{cycleId}{(then is null ? "" : "/" + then)}";

    public static string MemberPath(string cycleId, string member, string then) => $"{Cycles}/{cycleId}/members/{member}/{then}";
}
