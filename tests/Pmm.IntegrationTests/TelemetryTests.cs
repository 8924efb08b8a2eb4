using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Pmm.Functions.Auth;
using Pmm.Functions.Health;
using Pmm.Functions.Http;
using Pmm.Functions.Telemetry;
using Pmm.Storage;

namespace Pmm.IntegrationTests;

/// <summary>The app's OpenTelemetry metrics and spans, and the health endpoint, against the local host over HTTP.</summary>
[Collection(LocalHostFixture.Collection)]
public sealed class TelemetryTests(LocalHostFixture app) : IDisposable
{
    static readonly int Year = DateTime.UtcNow.Year - 1;

    sealed record Measurement(string Instrument, double Value, IReadOnlyDictionary<string, object?> Tags);

    readonly ConcurrentQueue<Measurement> measurements = new();
    readonly ConcurrentQueue<Activity> spans = new();
    readonly MeterListener meters = new();
    readonly ActivityListener activities = new()
    {
        ShouldListenTo = s => s.Name == PmmTelemetry.Name,
        Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
    };

    void Listen()
    {
        // The local host runs in this process, so its instruments report to a listener here as they would to an exporter.
        meters.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == PmmTelemetry.Name)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        meters.SetMeasurementEventCallback<long>((i, v, tags, _) => Record(i, v, tags));
        meters.SetMeasurementEventCallback<double>((i, v, tags, _) => Record(i, v, tags));
        meters.Start();
        activities.ActivityStopped = spans.Enqueue;
        ActivitySource.AddActivityListener(activities);
    }

    void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var copy = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var tag in tags)
        {
            copy[tag.Key] = tag.Value;
        }

        measurements.Enqueue(new Measurement(instrument.Name, value, copy));
    }

    public void Dispose()
    {
        meters.Dispose();
        activities.Dispose();
    }

    IEnumerable<Measurement> Of(string instrument, string cycleId) =>
        measurements.Where(m => m.Instrument == instrument && Equals(m.Tags.GetValueOrDefault(PmmTelemetry.CycleTag), cycleId));

    static async Task WaitForAsync(Func<bool> done, string what)
    {
        var timeout = TestStorage.Timeout(30);
        while (!done())
        {
            Assert.False(timeout.IsCancellationRequested, $"No {what} within 30 s.");
            await Task.Delay(100, CancellationToken.None);
        }
    }

    // An accepted and a rejected upload over HTTP: both counted as received (csv), one verdict each with its latency, the
    // rejection's rule id counted, a validation span per upload, the provisional benchmarks timed; and nothing recorded
    // anywhere (metric tags, span tags, span names) names a Member, the caller or a value that was uploaded.
    [Fact]
    public async Task Upload_RecordsUploadAndVerdictMetrics_WithoutMemberOrValues()
    {
        Listen();
        var staff = app.Token(AppRoles.Staff);
        var cycleId = TestStorage.Unique("tel");
        var open = await app.SendAsync(HttpMethod.Post, "api/cycles", staff, JsonContent.Create(new { cycleId, reportingYear = Year, deadline = DateTimeOffset.UtcNow.AddDays(1) }));
        Assert.Equal(HttpStatusCode.Created, open.StatusCode);

        var subject = $"subject-{Guid.NewGuid():N}";
        var uploads = new[]
        {
            // Distinctive figures, so any of them leaking into telemetry is found below.
            (Member: "KEN", Csv: LocalHostFixture.ValidCsv(Year, 987_654, 912_345), Verdict: "accepted"),
            (Member: "UGA", Csv: LocalHostFixture.ValidCsv(Year, 876_543, 954_321), Verdict: "rejected"),
        };
        foreach (var (member, csv, verdict) in uploads)
        {
            var token = DevelopmentTokens.Mint(app.Auth, AppRoles.Member, member, subject: subject);
            var upload = await app.SendAsync(HttpMethod.Post, $"api/cycles/{cycleId}/members/{member}/submissions", token, LocalHostFixture.Csv(csv));
            Assert.Equal(HttpStatusCode.Accepted, upload.StatusCode);
            var statusUrl = (await upload.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("statusUrl").GetString()!;
            var done = await LocalHostFixture.PollAsync(app.Http, statusUrl.TrimStart('/'), token, s => s.GetProperty("status").GetString() is "accepted" or "rejected");
            Assert.Equal(verdict, done.GetProperty("status").GetString());
        }

        await WaitForAsync(() => Of("pmm.verdicts", cycleId).Count() == 2 && Of("pmm.verdict.latency", cycleId).Count() == 2, "verdict metrics");
        await WaitForAsync(() => Of("pmm.benchmarks.duration", cycleId).Any(), "benchmark computation time");

        var received = Of("pmm.uploads.received", cycleId).ToList();
        Assert.Equal(2, received.Sum(m => m.Value));
        Assert.All(received, m => Assert.Equal("csv", m.Tags[PmmTelemetry.FormatTag]));
        Assert.All(received, m => Assert.Equal(true, m.Tags[PmmTelemetry.NewVersionTag]));
        Assert.Equal(["accepted", "rejected"], Of("pmm.verdicts", cycleId).Select(m => (string)m.Tags[PmmTelemetry.VerdictTag]!).Order(StringComparer.Ordinal));
        Assert.All(Of("pmm.verdict.latency", cycleId), m => Assert.True(m.Value >= 0));
        Assert.Contains(Of("pmm.validation.failures", cycleId), m => Equals(m.Tags[PmmTelemetry.RuleTag], "PMM-RULE-001"));
        Assert.All(Of("pmm.benchmarks.duration", cycleId), m => Assert.Equal("provisional", m.Tags[PmmTelemetry.KindTag]));
        Assert.Equal(2, spans.Count(s => s.OperationName == "pmm.validate" && Equals(s.GetTagItem(PmmTelemetry.CycleTag), cycleId)));
        Assert.Contains(spans, s => s.OperationName == "pmm.benchmarks.compute" && Equals(s.GetTagItem(PmmTelemetry.CycleTag), cycleId));

        var recorded = measurements.SelectMany(m => m.Tags.Select(t => $"{t.Key}={t.Value}"))
            .Concat(spans.SelectMany(s => s.TagObjects.Select(t => $"{t.Key}={t.Value}").Append(s.DisplayName)))
            .ToList();
        Assert.NotEmpty(recorded);
        string[] secrets = ["KEN", "UGA", subject, "987654", "912345", "876543", "954321"];
        foreach (var secret in secrets)
        {
            Assert.DoesNotContain(recorded, r => r.Contains(secret, StringComparison.OrdinalIgnoreCase));
        }
    }

    // The local host runs the same OpenTelemetry registration as the Functions app (AddPmm): both providers exist.
    [Fact]
    public void LocalHost_RegistersTelemetryProviders()
    {
        Assert.NotNull(app.Host.Services.GetService<MeterProvider>());
        Assert.NotNull(app.Host.Services.GetService<TracerProvider>());
    }

    // Anonymous: no token needed; storage answers, so healthy, and the answer names no account, address or setting.
    [Fact]
    public async Task Health_NoToken_200Healthy()
    {
        var response = await app.SendAsync(HttpMethod.Get, "api/" + Routes.Health, token: null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        var body = JsonDocument.Parse(text).RootElement;
        Assert.Equal("healthy", body.GetProperty("status").GetString());
        Assert.Equal("healthy", body.GetProperty("checks").GetProperty(HealthCheck.Tables).GetString());
        Assert.Equal("healthy", body.GetProperty("checks").GetProperty(HealthCheck.Blobs).GetString());
        Assert.DoesNotContain("devstoreaccount1", text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("127.0.0.1", text, StringComparison.Ordinal);
    }

    // Storage that does not answer (a closed port, real clients and sockets): 503 PMM-HEALTH-001 naming what failed,
    // within the check's timeout rather than the SDK's retries. A whole host cannot start without storage (its start-up
    // creates tables and its task hub), so the function runs directly here.
    [Fact]
    public async Task Health_StorageUnreachable_503()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var key = Convert.ToBase64String(new byte[64]);
        var closed = $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={key};BlobEndpoint=http://127.0.0.1:{port}/devstoreaccount1;TableEndpoint=http://127.0.0.1:{port}/devstoreaccount1;";
        var health = new HealthFunctions(new HealthCheck(new PmmStorage(new BlobServiceClient(closed), new TableServiceClient(closed))));

        var result = Assert.IsType<ObjectResult>(await health.GetHealth(new DefaultHttpContext().Request, TestStorage.Timeout(30)));

        Assert.Equal(StatusCodes.Status503ServiceUnavailable, result.StatusCode);
        var problem = Assert.IsType<ProblemDetails>(result.Value);
        Assert.Equal(ProblemCodes.Unhealthy, problem.Extensions["code"]);
        Assert.Contains(Problems.ContentType, result.ContentTypes);
        Assert.DoesNotContain(port.ToString(System.Globalization.CultureInfo.InvariantCulture), problem.Detail, StringComparison.Ordinal);
        Assert.Equal(HealthCheck.Failed, ((IReadOnlyDictionary<string, string>)problem.Extensions["errors"]!)[HealthCheck.Tables]);
    }
}
