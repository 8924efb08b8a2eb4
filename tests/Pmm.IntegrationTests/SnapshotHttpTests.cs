using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Pmm.Core.Catalogue;
using Pmm.Core.Cycles;
using Pmm.Functions.Auth;
using Pmm.Functions.Http;
using Pmm.Storage;

namespace Pmm.IntegrationTests;

/// <summary>Snapshots and their publication over HTTP on the local host: who reads what, whole snapshots only, embargo, recompute.</summary>
[Collection(LocalHostFixture.Collection)]
public class SnapshotHttpTests(LocalHostFixture app)
{
    const int Year = 2025;

    string Staff => app.Token(AppRoles.Staff);

    string Reader => app.Token(AppRoles.Reader);

    BenchmarkStore Store => app.Host.Services.GetRequiredService<BenchmarkStore>();

    /// <summary>A closed cycle recorded directly (no orchestration, so no timer or close computes it), for snapshots written by the test.</summary>
    async Task<string> ClosedCycleAsync()
    {
        var cycleId = TestStorage.Unique("snap");
        var now = DateTimeOffset.UtcNow;
        Assert.True(await app.Host.Services.GetRequiredService<CycleStore>().TryCreateAsync(new Cycle(cycleId, Year, now, CycleStatus.Closed, now, now, "closed by staff (test)", KpiCatalogue.Embedded.Version, MemberDirectory.Embedded.Version!)));
        return cycleId;
    }

    /// <summary>Writes a complete final snapshot whose public TF-01 global mean is <paramref name="mean"/>.</summary>
    async Task<SnapshotManifest> FinalSnapshotAsync(string cycleId, double mean)
    {
        List<Pmm.Core.Benchmarks.Benchmark> rows = [SnapshotStoreTests.Row("TF-01", mean, "public"), SnapshotStoreTests.Row("TF-02", null, "public")];
        var manifest = SnapshotStoreTests.Manifest(cycleId, BenchmarkKind.Final, rows);
        await Store.WriteSnapshotAsync(manifest, rows);
        return manifest;
    }

    static async Task<JsonElement> OkAsync(HttpResponseMessage response, HttpStatusCode status = HttpStatusCode.OK)
    {
        Assert.Equal(status, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    static async Task ProblemAsync(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal(code, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
    }

    static double GlobalMean(JsonElement benchmarks) =>
        benchmarks.GetProperty("rows").EnumerateArray().Single(r => r.GetProperty("kpiCode").GetString() == "TF-01" && r.GetProperty("scope").GetString() == "global").GetProperty("mean").GetDouble();

    // A new snapshot whose rows are written but which never completed (a crash mid-write) is never shown: Readers keep
    // the published whole snapshot, Staff the previous final one, and it cannot be published.
    [Fact]
    public async Task Benchmarks_SnapshotHalfWritten_ReadersSeePreviousWholeSnapshot()
    {
        var cycleId = await ClosedCycleAsync();
        var first = await FinalSnapshotAsync(cycleId, 50);
        Assert.Equal("published", (await OkAsync(await app.SendAsync(HttpMethod.Post, $"api/cycles/{cycleId}/publish", Staff))).GetProperty("status").GetString());
        List<Pmm.Core.Benchmarks.Benchmark> rows = [SnapshotStoreTests.Row("TF-01", 99, "public"), SnapshotStoreTests.Row("TF-02", 98, "public"), SnapshotStoreTests.Row("TF-03", 97, "public")];
        var second = SnapshotStoreTests.Manifest(cycleId, BenchmarkKind.Final, rows);

        await Store.WriteRowsAsync(second, rows);

        var asReader = await OkAsync(await app.SendAsync(HttpMethod.Get, $"api/cycles/{cycleId}/benchmarks", Reader));
        var asStaff = await OkAsync(await app.SendAsync(HttpMethod.Get, $"api/cycles/{cycleId}/benchmarks?audience=public", Staff));
        foreach (var view in new[] { asReader, asStaff })
        {
            Assert.Equal((first.SnapshotId, 2, 50.0), (view.GetProperty("snapshotId").GetString(), view.GetProperty("rows").GetArrayLength(), GlobalMean(view)));
        }

        await ProblemAsync(await app.SendAsync(HttpMethod.Post, $"api/cycles/{cycleId}/publish", Staff, JsonContent.Create(new { snapshotId = second.SnapshotId })), HttpStatusCode.NotFound, ProblemCodes.SnapshotNotFound);
        await Store.WriteSnapshotAsync(second, rows);
        Assert.Equal(second.SnapshotId, (await OkAsync(await app.SendAsync(HttpMethod.Get, $"api/cycles/{cycleId}/benchmarks", Staff))).GetProperty("snapshotId").GetString());
        Assert.Equal(first.SnapshotId, (await OkAsync(await app.SendAsync(HttpMethod.Get, $"api/cycles/{cycleId}/benchmarks", Reader))).GetProperty("snapshotId").GetString());
    }

    // Members and Readers read published figures only: provisional, unpublished final and snapshots by id are Staff's
    // (403 PMM-AUTH-006), nothing published yet is 404 PMM-SNAP-002; the history lists only the published snapshot to them.
    [Fact]
    public async Task Benchmarks_NonStaff_PublishedOnly()
    {
        var cycleId = await ClosedCycleAsync();
        var final = await FinalSnapshotAsync(cycleId, 50);
        var member = app.Token(AppRoles.Member, "FRA");

        foreach (var token in new[] { Reader, member })
        {
            await ProblemAsync(await app.SendAsync(HttpMethod.Get, $"api/cycles/{cycleId}/benchmarks", token), HttpStatusCode.NotFound, ProblemCodes.NoSnapshot);
            await ProblemAsync(await app.SendAsync(HttpMethod.Get, $"api/cycles/{cycleId}/benchmarks?status=provisional", token), HttpStatusCode.Forbidden, ProblemCodes.UnpublishedBenchmarks);
            await ProblemAsync(await app.SendAsync(HttpMethod.Get, $"api/cycles/{cycleId}/benchmarks?status=final", token), HttpStatusCode.Forbidden, ProblemCodes.UnpublishedBenchmarks);
            await ProblemAsync(await app.SendAsync(HttpMethod.Get, $"api/cycles/{cycleId}/benchmarks?snapshot={final.SnapshotId}", token), HttpStatusCode.Forbidden, ProblemCodes.UnpublishedBenchmarks);
            Assert.Equal(0, (await OkAsync(await app.SendAsync(HttpMethod.Get, $"api/cycles/{cycleId}/snapshots", token))).GetProperty("snapshots").GetArrayLength());
        }

        var older = await FinalSnapshotAsync(cycleId, 40);
        await OkAsync(await app.SendAsync(HttpMethod.Post, $"api/cycles/{cycleId}/publish", Staff, JsonContent.Create(new { snapshotId = final.SnapshotId })));

        var published = await OkAsync(await app.SendAsync(HttpMethod.Get, $"api/cycles/{cycleId}/benchmarks?status=published", member));
        Assert.Equal((final.SnapshotId, "wco"), (published.GetProperty("snapshotId").GetString(), published.GetProperty("audience").GetString()));
        var history = await OkAsync(await app.SendAsync(HttpMethod.Get, $"api/cycles/{cycleId}/snapshots", Reader));
        var listed = Assert.Single(history.GetProperty("snapshots").EnumerateArray());
        Assert.Equal((final.SnapshotId, JsonValueKind.Null), (listed.GetProperty("snapshotId").GetString(), listed.GetProperty("rowsHash").ValueKind));
        var staffHistory = await OkAsync(await app.SendAsync(HttpMethod.Get, $"api/cycles/{cycleId}/snapshots", Staff));
        Assert.Equal(2, staffHistory.GetProperty("snapshots").GetArrayLength());
        Assert.Equal(older.SnapshotId, staffHistory.GetProperty("current").GetProperty("final").GetString());
        Assert.Equal(40.0, GlobalMean(await OkAsync(await app.SendAsync(HttpMethod.Get, $"api/cycles/{cycleId}/benchmarks?snapshot={older.SnapshotId}&audience=public", Staff))));
    }

    // Publishing is refused with a stable code: an open cycle, a snapshot that does not exist or is provisional, one older
    // than the published one; only Staff publish and recompute.
    [Fact]
    public async Task Publish_Refusals_StableCodes()
    {
        var openCycle = TestStorage.Unique("snap");
        await app.SendAsync(HttpMethod.Post, "api/cycles", Staff, JsonContent.Create(new { cycleId = openCycle, reportingYear = Year, deadline = DateTimeOffset.UtcNow.AddDays(1) }));
        await ProblemAsync(await app.SendAsync(HttpMethod.Post, $"api/cycles/{openCycle}/publish", Staff), HttpStatusCode.Conflict, ProblemCodes.CycleNotClosed);
        await ProblemAsync(await app.SendAsync(HttpMethod.Post, $"api/cycles/{openCycle}/recompute", Staff), HttpStatusCode.Conflict, ProblemCodes.CycleNotClosed);

        var cycleId = await ClosedCycleAsync();
        await ProblemAsync(await app.SendAsync(HttpMethod.Post, $"api/cycles/{cycleId}/publish", Staff), HttpStatusCode.NotFound, ProblemCodes.NoSnapshot);
        var older = await FinalSnapshotAsync(cycleId, 40);
        var newer = await FinalSnapshotAsync(cycleId, 50);
        List<Pmm.Core.Benchmarks.Benchmark> rows = [SnapshotStoreTests.Row("TF-01", 1, "public")];
        var provisional = SnapshotStoreTests.Manifest(cycleId, BenchmarkKind.Provisional, rows);
        await Store.WriteSnapshotAsync(provisional, rows);

        await ProblemAsync(await app.SendAsync(HttpMethod.Post, $"api/cycles/{cycleId}/publish", app.Token(AppRoles.Member, "FRA")), HttpStatusCode.Forbidden, ProblemCodes.WrongRole);
        await ProblemAsync(await app.SendAsync(HttpMethod.Post, $"api/cycles/{cycleId}/recompute", Reader), HttpStatusCode.Forbidden, ProblemCodes.WrongRole);
        await ProblemAsync(await app.SendAsync(HttpMethod.Post, $"api/cycles/{cycleId}/publish", Staff, JsonContent.Create(new { snapshotId = "final-nothing" })), HttpStatusCode.NotFound, ProblemCodes.SnapshotNotFound);
        await ProblemAsync(await app.SendAsync(HttpMethod.Post, $"api/cycles/{cycleId}/publish", Staff, JsonContent.Create(new { snapshotId = provisional.SnapshotId })), HttpStatusCode.Conflict, ProblemCodes.SnapshotNotPublishable);
        await ProblemAsync(await app.SendAsync(HttpMethod.Post, $"api/cycles/{cycleId}/publish", Staff, JsonContent.Create(new { releaseAt = "soon" })), HttpStatusCode.BadRequest, ProblemCodes.BadRequestBody);
        Assert.Equal(newer.SnapshotId, (await OkAsync(await app.SendAsync(HttpMethod.Post, $"api/cycles/{cycleId}/publish", Staff))).GetProperty("snapshotId").GetString());
        await ProblemAsync(await app.SendAsync(HttpMethod.Post, $"api/cycles/{cycleId}/publish", Staff, JsonContent.Create(new { snapshotId = older.SnapshotId })), HttpStatusCode.Conflict, ProblemCodes.SnapshotSuperseded);
        Assert.Equal(newer.SnapshotId, (await OkAsync(await app.SendAsync(HttpMethod.Post, $"api/cycles/{cycleId}/publish", Staff))).GetProperty("snapshotId").GetString());
    }

    // A publication with a release time is embargoed: nothing for Readers until a durable timer releases it, then the
    // snapshot; the cycle shows the embargo, then the publication.
    [Fact]
    public async Task Publish_ReleaseAtInFuture_EmbargoedUntilDurableTimerReleases()
    {
        var cycleId = await ClosedCycleAsync();
        var final = await FinalSnapshotAsync(cycleId, 50);
        var releaseAt = DateTimeOffset.UtcNow.AddSeconds(3);

        var embargo = await OkAsync(await app.SendAsync(HttpMethod.Post, $"api/cycles/{cycleId}/publish", Staff, JsonContent.Create(new { releaseAt })), HttpStatusCode.Accepted);

        Assert.Equal(("embargoed", final.SnapshotId), (embargo.GetProperty("status").GetString(), embargo.GetProperty("embargoedSnapshotId").GetString()));
        await ProblemAsync(await app.SendAsync(HttpMethod.Get, $"api/cycles/{cycleId}/benchmarks", Reader), HttpStatusCode.NotFound, ProblemCodes.NoSnapshot);
        Assert.Equal("embargoed", (await OkAsync(await app.SendAsync(HttpMethod.Get, $"api/cycles/{cycleId}", Reader))).GetProperty("publication").GetProperty("status").GetString());
        var released = await LocalHostFixture.PollAsync(app.Http, $"api/cycles/{cycleId}/benchmarks", Reader, _ => true, seconds: 60, expectFound: false);
        Assert.Equal((final.SnapshotId, 50.0), (released.GetProperty("snapshotId").GetString(), GlobalMean(released)));
        var cycle = await OkAsync(await app.SendAsync(HttpMethod.Get, $"api/cycles/{cycleId}", Staff));
        var publication = cycle.GetProperty("publication");
        Assert.Equal(("published", final.SnapshotId, JsonValueKind.Null), (publication.GetProperty("status").GetString(), publication.GetProperty("snapshotId").GetString(), publication.GetProperty("embargoedSnapshotId").ValueKind));
    }

    // A correction after publication: recompute makes a new final snapshot (checked against the published one); Readers
    // keep the published one until staff publish the new one; both stay in the history. From the same inputs, the new
    // snapshot's rows hash is the same as the first's.
    [Fact]
    public async Task Recompute_AfterPublication_NewSnapshotSameHashPublishedAgain()
    {
        var cycleId = TestStorage.Unique("rec");
        await app.SendAsync(HttpMethod.Post, "api/cycles", Staff, JsonContent.Create(new { cycleId, reportingYear = Year, deadline = DateTimeOffset.UtcNow.AddDays(1) }));
        var accepted = new Dictionary<string, (string SubmissionId, string ContentHash)>();
        foreach (var (member, electronic) in new[] { ("FRA", 900), ("DEU", 950), ("BEL", 1000) })
        {
            var token = app.Token(AppRoles.Member, member);
            var upload = await app.SendAsync(HttpMethod.Post, $"api/cycles/{cycleId}/members/{member}/submissions", token, LocalHostFixture.Csv(LocalHostFixture.ValidCsv(Year, 1000, electronic)));
            Assert.Equal(HttpStatusCode.Accepted, upload.StatusCode);
            var verdict = await LocalHostFixture.PollAsync(app.Http, upload.Headers.Location!.ToString().TrimStart('/'), token, s => s.GetProperty("status").GetString() == "accepted");
            accepted[member] = (verdict.GetProperty("submissionId").GetString()!, verdict.GetProperty("contentHash").GetString()!);
        }

        await app.SendAsync(HttpMethod.Post, $"api/cycles/{cycleId}/close", Staff);
        await LocalHostFixture.PollAsync(app.Http, $"api/cycles/{cycleId}", Staff, c => c.GetProperty("status").GetString() == "closed");
        var first = (await OkAsync(await app.SendAsync(HttpMethod.Post, $"api/cycles/{cycleId}/publish", Staff))).GetProperty("snapshotId").GetString()!;

        // The manifest names each contributing Member's current submission and its content hash.
        var manifest = (await Store.ReadManifestAsync(cycleId, first))!;
        Assert.Equal(accepted.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => (a.Key, a.Value.SubmissionId, (string?)a.Value.ContentHash)), manifest.Members.Select(m => (m.MemberCode, m.SubmissionId, m.ContentHash)));
        Assert.Equal((BenchmarkKind.Final, 3), (manifest.Kind, manifest.Respondents));

        var recompute = await OkAsync(await app.SendAsync(HttpMethod.Post, $"api/cycles/{cycleId}/recompute", Staff), HttpStatusCode.Accepted);
        var second = recompute.GetProperty("snapshotId").GetString()!;
        var history = await LocalHostFixture.PollAsync(app.Http, $"api/cycles/{cycleId}/snapshots", Staff, h => h.GetProperty("current").GetProperty("final").GetString() == second);

        Assert.NotEqual(first, second);
        var records = history.GetProperty("snapshots").EnumerateArray().Where(s => s.GetProperty("kind").GetString() == "final").ToDictionary(s => s.GetProperty("snapshotId").GetString()!);
        Assert.Equal(records[first].GetProperty("rowsHash").GetString(), records[second].GetProperty("rowsHash").GetString());
        Assert.Equal((JsonValueKind.String, JsonValueKind.Null), (records[first].GetProperty("publishedAt").ValueKind, records[second].GetProperty("publishedAt").ValueKind));
        Assert.Equal(first, (await OkAsync(await app.SendAsync(HttpMethod.Get, $"api/cycles/{cycleId}/benchmarks", Reader))).GetProperty("snapshotId").GetString());

        await OkAsync(await app.SendAsync(HttpMethod.Post, $"api/cycles/{cycleId}/publish", Staff));

        var now = await OkAsync(await app.SendAsync(HttpMethod.Get, $"api/cycles/{cycleId}/benchmarks", Reader));
        Assert.Equal((second, 95.0), (now.GetProperty("snapshotId").GetString(), GlobalMean(now)));
        Assert.Equal(2, (await OkAsync(await app.SendAsync(HttpMethod.Get, $"api/cycles/{cycleId}/snapshots", Staff))).GetProperty("snapshots").EnumerateArray().Count(s => s.GetProperty("publishedAt").ValueKind == JsonValueKind.String));
    }
}
