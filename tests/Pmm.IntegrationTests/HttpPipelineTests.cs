using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;
using Pmm.Functions.Auth;
using Pmm.Functions.Cycles;
using Pmm.Functions.Http;
using Pmm.Storage;

namespace Pmm.IntegrationTests;

/// <summary>What every HTTP call goes through (HttpPipeline and the request readers), checked over HTTP against the local host.</summary>
[Collection(LocalHostFixture.Collection)]
public class HttpPipelineTests(LocalHostFixture app)
{
    static readonly int Year = DateTime.UtcNow.Year - 1;

    string Staff => app.Token(AppRoles.Staff);

    /// <summary>
    /// One open cycle for every test here: nothing they send is stored, and each open cycle costs the provisional
    /// benchmark timer (every 2 s in this fixture) a computation, which would slow the other tests' orchestrations.
    /// </summary>
    static Task<string>? sharedCycle;

    Task<string> OpenCycleAsync() => LazyInitializer.EnsureInitialized(ref sharedCycle, async () =>
    {
        var cycleId = TestStorage.Unique("pipe");
        var open = await app.SendAsync(HttpMethod.Post, "api/cycles", Staff, JsonContent.Create(new { cycleId, reportingYear = Year, deadline = DateTimeOffset.UtcNow.AddDays(1) }));
        Assert.Equal(HttpStatusCode.Created, open.StatusCode);
        return cycleId;
    });

    static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal(Problems.ContentType, response.Content.Headers.ContentType?.MediaType);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(code, body.GetProperty("code").GetString());
        return body;
    }

    // Member codes have one form: any other spelling names no Member, for Staff as for the Member itself, and nothing
    // is stored under it (Kenya cannot be counted twice).
    [Theory]
    [InlineData("ken", "ken")]
    [InlineData("Ken", "Ken")]
    [InlineData("kEN", "kEN")]
    [InlineData("KEN%20", "KEN ")]
    [InlineData("KEN%0A", "KEN\n")]
    public async Task Upload_NonCanonicalMemberCode_404AndNothingStored(string inUrl, string decoded)
    {
        var cycleId = await OpenCycleAsync();
        foreach (var token in new[] { Staff, app.Token(AppRoles.Member, "KEN") })
        {
            var upload = await app.SendAsync(HttpMethod.Post, $"api/cycles/{cycleId}/members/{inUrl}/submissions", token, LocalHostFixture.Csv(LocalHostFixture.ValidCsv(Year, 1000, 980)));
            await ProblemAsync(upload, HttpStatusCode.NotFound, ProblemCodes.UnknownMember);
            var read = await app.SendAsync(HttpMethod.Get, $"api/cycles/{cycleId}/members/{inUrl}/submissions", token);
            await ProblemAsync(read, HttpStatusCode.NotFound, ProblemCodes.UnknownMember);
        }

        var store = app.Host.Services.GetRequiredService<SubmissionStore>();
        Assert.Empty(await store.ListAsync(cycleId, decoded));
        Assert.Empty(await store.ListAsync(cycleId, "KEN"));
    }

    // A non-canonical Member code is refused before anything is looked up: even where the cycle does not exist.
    [Theory]
    [InlineData("GET", "template")]
    [InlineData("POST", "validate")]
    [InlineData("GET", "submissions/0123")]
    public async Task MemberRoute_NonCanonical_404BeforeDataAccess(string method, string rest)
    {
        var response = await app.SendAsync(new HttpMethod(method), $"api/cycles/no-such-cycle/members/ken/{rest}", Staff, LocalHostFixture.Csv("item,year,value\n"));

        await ProblemAsync(response, HttpStatusCode.NotFound, ProblemCodes.UnknownMember);
    }

    // A token whose Member claim is not the canonical code is refused outright, with a detail naming the claim.
    [Theory]
    [InlineData("ken")]
    [InlineData("Ken")]
    [InlineData("KEN ")]
    [InlineData("KENYA")]
    public async Task MemberToken_NonCanonicalClaim_401(string claim)
    {
        var token = DevelopmentTokens.Mint(app.Auth, AppRoles.Member, claim);

        foreach (var path in new[] { "api/cycles", "api/cycles/any/members/KEN/submissions" })
        {
            var body = await ProblemAsync(await app.SendAsync(HttpMethod.Get, path, token), HttpStatusCode.Unauthorized, ProblemCodes.InvalidToken);
            Assert.Contains(app.Auth.MemberClaim, body.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }
    }

    // The canonical claim is accepted (guards the test above against refusing every Member token).
    [Fact]
    public async Task MemberToken_CanonicalClaim_200()
    {
        Assert.Equal(HttpStatusCode.OK, (await app.SendAsync(HttpMethod.Get, "api/cycles", app.Token(AppRoles.Member, "KEN"))).StatusCode);
    }

    // A 30 MB body on a JSON command is refused from its Content-Length, before it is read. The client asks to
    // continue first (as curl does for large bodies), so it hears the 413 instead of sending 30 MB the server will not read.
    [Theory]
    [InlineData("api/cycles")]
    [InlineData("api/cycles/any/deadline")]
    public async Task Command_30MegabyteBody_413(string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonBytes(new byte[30 * 1024 * 1024]) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Staff);
        request.Headers.ExpectContinue = true;

        var body = await ProblemAsync(await app.Http.SendAsync(request, TestStorage.Timeout()), HttpStatusCode.RequestEntityTooLarge, ProblemCodes.TooLarge);

        Assert.Contains(RequestJson.CommandMaxBytes.ToString(System.Globalization.CultureInfo.InvariantCulture), body.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    // A body a little over the command limit, sent whole without asking first, is answered 413 too.
    [Fact]
    public async Task Command_OneMegabyteBody_413()
    {
        await ProblemAsync(await app.SendAsync(HttpMethod.Post, "api/cycles", Staff, JsonBytes(new byte[1024 * 1024])), HttpStatusCode.RequestEntityTooLarge, ProblemCodes.TooLarge);
    }

    static ByteArrayContent JsonBytes(byte[] bytes)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }

    // A chunked JSON command (no Content-Length) is cut off at the limit while it is read.
    [Fact]
    public async Task Command_ChunkedBodyOverLimit_413()
    {
        var json = "{\"cycleId\":\"x\",\"comment\":\"" + new string('a', RequestJson.CommandMaxBytes) + "\"}";

        await ProblemAsync(await app.SendAsync(HttpMethod.Post, "api/cycles", Staff, new ChunkedContent(Encoding.UTF8.GetBytes(json), "application/json")), HttpStatusCode.RequestEntityTooLarge, ProblemCodes.TooLarge);
    }

    // Bodies beyond the server's own limit (Kestrel's, set to Pmm:Uploads:MaxBytes) are 413 too, chunked or declared.
    // The chunked body is only a few bytes over, so the client has written all of it before the server answers
    // (a large overflow races the server's close against the client's writes: a broken pipe, not an answer).
    // The declared body asks "Expect: 100-continue", and Kestrel refuses its length before the body is sent.
    [Fact]
    public async Task Upload_BeyondServerLimit_413()
    {
        var cycleId = await OpenCycleAsync();
        var tooBig = new byte[(10 * 1024 * 1024) + 16];

        var chunked = await app.SendAsync(HttpMethod.Post, $"api/cycles/{cycleId}/members/KEN/submissions", Staff, new ChunkedContent(tooBig, "text/csv"));
        await ProblemAsync(chunked, HttpStatusCode.RequestEntityTooLarge, ProblemCodes.TooLarge);
        var reference = await app.SendAsync(HttpMethod.Put, "api/catalogues/2099.9", Staff, new ChunkedContent(tooBig, "application/json"));
        await ProblemAsync(reference, HttpStatusCode.RequestEntityTooLarge, ProblemCodes.TooLarge);

        using var declared = new HttpRequestMessage(HttpMethod.Post, $"api/cycles/{cycleId}/members/KEN/submissions") { Content = new ByteArrayContent(tooBig) };
        declared.Content.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        declared.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Staff);
        declared.Headers.ExpectContinue = true;
        await ProblemAsync(await app.Http.SendAsync(declared, TestStorage.Timeout()), HttpStatusCode.RequestEntityTooLarge, ProblemCodes.TooLarge);

        Assert.Empty(await app.Host.Services.GetRequiredService<SubmissionStore>().ListAsync(cycleId, "KEN"));
    }

    // Enums are read by name only: numbers (in or out of range) and flag combinations are not a status.
    [Theory]
    [InlineData("-1")]
    [InlineData("7")]
    [InlineData("1")]
    [InlineData("0")]
    [InlineData("Final,Provisional")]
    [InlineData(" final")]
    public async Task Benchmarks_StatusNotAName_400WithErrors(string status)
    {
        var cycleId = await OpenCycleAsync();

        var body = await ProblemAsync(await app.SendAsync(HttpMethod.Get, $"api/cycles/{cycleId}/benchmarks?status={Uri.EscapeDataString(status)}", Staff), HttpStatusCode.BadRequest, ProblemCodes.InvalidField);

        Assert.Equal("?status", body.GetProperty("pointer").GetString());
        Assert.NotEmpty(body.GetProperty("errors").EnumerateArray());
    }

    // The names themselves still work, in any case (guards the test above): no snapshot yet is a 404 with its own code, not a 400.
    [Theory]
    [InlineData("final")]
    [InlineData("PROVISIONAL")]
    [InlineData("Published")]
    public async Task Benchmarks_StatusByName_NotInvalid(string status)
    {
        var cycleId = await OpenCycleAsync();

        var response = await app.SendAsync(HttpMethod.Get, $"api/cycles/{cycleId}/benchmarks?status={status}", Staff);

        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        if (response.StatusCode == HttpStatusCode.OK)
        {
            Assert.Equal(status.ToLowerInvariant(), body.GetProperty("status").GetString());
        }
        else
        {
            Assert.Equal((HttpStatusCode.NotFound, ProblemCodes.NoSnapshot), (response.StatusCode, body.GetProperty("code").GetString()));
        }
    }

    // PMM-REQ-002 always lists its problems in errors, as the README says.
    [Fact]
    public async Task InvalidField_Everywhere_ListsErrors()
    {
        var cycleId = await OpenCycleAsync();
        var responses = new[]
        {
            await app.SendAsync(HttpMethod.Get, $"api/cycles/{cycleId}/benchmarks?audience=everyone", Staff),
            await app.SendAsync(HttpMethod.Post, $"api/cycles/{cycleId}/deadline", Staff, JsonContent.Create(new { deadline = DateTimeOffset.UtcNow.AddDays(-1) })),
            await app.SendAsync(HttpMethod.Put, "api/catalogues/-bad", Staff, JsonContent.Create(new { version = "-bad" })),
            await app.SendAsync(HttpMethod.Post, "api/cycles", Staff, JsonContent.Create(new { cycleId = "x", reportingYear = 1, deadline = DateTimeOffset.UtcNow.AddDays(1) })),
        };

        foreach (var response in responses)
        {
            var body = await ProblemAsync(response, HttpStatusCode.BadRequest, ProblemCodes.InvalidField);
            Assert.True(body.TryGetProperty("errors", out var errors), body.ToString());
            Assert.NotEmpty(errors.EnumerateArray());
        }
    }

    // Malformed JSON gets a pointer, never the parser's own message (which names .NET types).
    [Theory]
    [InlineData("{\"cycleId\":\"abc\",\"reportingYear\":\"x\"}", "$.reportingYear")]
    [InlineData("{\"cycleId\":\"abc\",\"deadline\":12}", "$.deadline")]
    [InlineData("{\"cycleId\":", "$")]
    public async Task OpenCycle_MalformedJson_400WithPointerOnly(string json, string path)
    {
        var body = await ProblemAsync(await app.SendAsync(HttpMethod.Post, "api/cycles", Staff, new StringContent(json, Encoding.UTF8, "application/json")), HttpStatusCode.BadRequest, ProblemCodes.BadRequestBody);

        var detail = body.GetProperty("detail").GetString()!;
        Assert.DoesNotContain("System.", detail, StringComparison.Ordinal);
        Assert.DoesNotContain("LineNumber", detail, StringComparison.Ordinal);
        Assert.StartsWith(path, body.GetProperty("pointer").GetString(), StringComparison.Ordinal);
    }

    // Invalid UTF-8 inside a JSON command is a 400, not a 500.
    [Fact]
    public async Task OpenCycle_InvalidUtf8_400()
    {
        var bytes = Encoding.UTF8.GetBytes("{\"cycleId\":\"ab?\",\"reportingYear\":2025}");
        bytes[Array.IndexOf(bytes, (byte)'?')] = 0xFF;
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");

        await ProblemAsync(await app.SendAsync(HttpMethod.Post, "api/cycles", Staff, content), HttpStatusCode.BadRequest, ProblemCodes.BadRequestBody);
    }

    // Responses build their URLs from the route constants and the route prefix: the Location of a new cycle is GET-able.
    [Fact]
    public async Task OpenCycle_Location_IsTheCycle()
    {
        var cycleId = TestStorage.Unique("loc");
        var open = await app.SendAsync(HttpMethod.Post, "api/cycles", Staff, JsonContent.Create(new { cycleId, reportingYear = Year, deadline = DateTimeOffset.UtcNow.AddDays(1) }));

        Assert.Equal(Routes.Url(Routes.Cycle, cycleId), open.Headers.Location?.ToString());
        Assert.Equal(HttpStatusCode.OK, (await app.SendAsync(HttpMethod.Get, open.Headers.Location!.ToString().TrimStart('/'), Staff)).StatusCode);
        var close = await app.SendAsync(HttpMethod.Post, $"api/cycles/{cycleId}/close", Staff);
        Assert.Equal(Routes.Url(Routes.Cycle, cycleId), close.Headers.Location?.ToString());
    }

    // An unexpected exception in a function becomes PMM-SERVER-001 problem+json that says nothing about it: the same
    // pipeline object the worker middleware runs under Azure Functions.
    [Fact]
    public async Task Pipeline_FunctionThrows_ServerErrorWithoutExceptionText()
    {
        var pipeline = app.Host.Services.GetRequiredService<HttpPipeline>();
        var http = new DefaultHttpContext { RequestServices = app.Host.Services };
        http.Request.Headers.Authorization = $"Bearer {Staff}";

        var result = await pipeline.RunAsync(typeof(CycleFunctions).GetMethod(nameof(CycleFunctions.ListCycles))!, http, new Dictionary<string, object?>(), () => throw new InvalidOperationException("Nullable object must have a value."));

        var problem = Assert.IsType<ObjectResult>(result);
        Assert.Equal(StatusCodes.Status500InternalServerError, problem.StatusCode);
        var details = Assert.IsType<ProblemDetails>(problem.Value);
        Assert.Equal(ProblemCodes.ServerError, details.Extensions["code"]);
        Assert.DoesNotContain("Nullable", details.Detail, StringComparison.Ordinal);
    }

    // The caller the function sees is the one the pipeline authenticated.
    [Fact]
    public async Task Pipeline_Admitted_CallerOnContext()
    {
        var pipeline = app.Host.Services.GetRequiredService<HttpPipeline>();
        var http = new DefaultHttpContext { RequestServices = app.Host.Services };
        http.Request.Headers.Authorization = $"Bearer {app.Token(AppRoles.Member, "KEN")}";

        var result = await pipeline.RunAsync(typeof(CycleFunctions).GetMethod(nameof(CycleFunctions.ListCycles))!, http, new Dictionary<string, object?>(), () => Task.FromResult<object?>(http.GetCaller()));

        Assert.Equal("KEN", Assert.IsType<Caller>(result).MemberCode);
    }

    // Under Azure Functions the binding data the pipeline reads also holds query values: a "memberCode" there is not
    // a Member route, so a function without one is not refused (nor failed) because of it.
    [Fact]
    public async Task Pipeline_MemberCodeOutsideRoute_Ignored()
    {
        var pipeline = app.Host.Services.GetRequiredService<HttpPipeline>();
        var http = new DefaultHttpContext { RequestServices = app.Host.Services };
        http.Request.Headers.Authorization = $"Bearer {Staff}";

        var result = await pipeline.RunAsync(typeof(CycleFunctions).GetMethod(nameof(CycleFunctions.ListCycles))!, http, new Dictionary<string, object?> { ["memberCode"] = "ken" }, () => Task.FromResult<object?>("admitted"));

        Assert.Equal("admitted", result);
    }

    /// <summary>A body sent chunked: no Content-Length, so only reading it tells its size.</summary>
    sealed class ChunkedContent : HttpContent
    {
        readonly byte[] bytes;

        public ChunkedContent(byte[] bytes, string mediaType)
        {
            this.bytes = bytes;
            Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        }

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            for (var offset = 0; offset < bytes.Length; offset += 64 * 1024)
            {
                await stream.WriteAsync(bytes.AsMemory(offset, Math.Min(64 * 1024, bytes.Length - offset)));
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
