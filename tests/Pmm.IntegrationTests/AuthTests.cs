using System.Net;
using System.Net.Http.Json;
using System.Reflection;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Pmm.Functions.Auth;
using Pmm.Functions.Http;

namespace Pmm.IntegrationTests;

/// <summary>Who may call what, checked over HTTP against the local host.</summary>
[Collection(LocalHostFixture.Collection)]
public class AuthTests(LocalHostFixture app)
{
    static async Task<string?> CodeOf(HttpResponseMessage response)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString();
    }

    string Forged(Action<SecurityTokenDescriptor> change, byte[]? key = null)
    {
        AuthOptionsKey(out var realKey);
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = app.Auth.Issuer,
            Audience = app.Auth.Audience,
            IssuedAt = DateTime.UtcNow,
            NotBefore = DateTime.UtcNow,
            Expires = DateTime.UtcNow.AddHours(1),
            Claims = new Dictionary<string, object> { ["sub"] = "x", ["roles"] = new[] { AppRoles.Staff } },
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(key ?? realKey), SecurityAlgorithms.HmacSha256),
        };
        change(descriptor);
        return new JsonWebTokenHandler().CreateToken(descriptor);
    }

    void AuthOptionsKey(out byte[] key) => key = Convert.FromBase64String(app.Auth.SigningKey!);

    // No token: 401 problem+json with a hint on how to get one.
    [Fact]
    public async Task AnyEndpoint_NoToken_401()
    {
        var response = await app.SendAsync(HttpMethod.Get, "api/cycles", token: null);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("PMM-AUTH-001", await CodeOf(response));
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
    }

    /// <summary>Every HTTP function of the app that needs a token (all but those declared anonymous), by verb and route with its parameters filled in.</summary>
    public static TheoryData<string, string> HttpEndpoints()
    {
        var data = new TheoryData<string, string>();
        foreach (var function in Pmm.LocalHost.FunctionIndex.Build(typeof(Pmm.Functions.Cycles.CycleFunctions).Assembly).Http
            .Where(f => f.Method.GetCustomAttribute<AccessAttribute>() is not { Anonymous: true }))
        {
            var path = System.Text.RegularExpressions.Regex.Replace(function.Route, "{[^}]+}", "x");
            foreach (var verb in function.Verbs)
            {
                data.Add(verb.ToUpperInvariant(), "api/" + path);
            }
        }

        return data;
    }

    // Every endpoint, present and future, refuses a call without a token before doing anything else.
    [Theory]
    [MemberData(nameof(HttpEndpoints))]
    public async Task EveryEndpoint_NoToken_401(string method, string path)
    {
        var response = await app.SendAsync(new HttpMethod(method), path, token: null, method is "POST" or "PUT" ? new StringContent("{}") : null);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("PMM-AUTH-001", await CodeOf(response));
    }

    // The JSON Schema of the submission format is served to any authenticated role.
    [Fact]
    public async Task SubmissionSchema_Reader_200()
    {
        var response = await app.SendAsync(HttpMethod.Get, "api/schemas/submission", app.Token(AppRoles.Reader));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/schema+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("https://json-schema.org/draft/2020-12/schema", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("$schema").GetString());
    }

    // Tokens that fail validation (signature, lifetime, audience, issuer) are refused with 401.
    [Theory]
    [InlineData("signature")]
    [InlineData("expired")]
    [InlineData("audience")]
    [InlineData("issuer")]
    [InlineData("garbage")]
    public async Task AnyEndpoint_InvalidToken_401(string flaw)
    {
        var token = flaw switch
        {
            "signature" => Forged(_ => { }, key: new byte[32]),
            "expired" => Forged(d => { d.IssuedAt = d.NotBefore = DateTime.UtcNow.AddHours(-3); d.Expires = DateTime.UtcNow.AddHours(-2); }),
            "audience" => Forged(d => d.Audience = "api://someone-else"),
            "issuer" => Forged(d => d.Issuer = "https://evil.example"),
            _ => "not-a-jwt",
        };

        var response = await app.SendAsync(HttpMethod.Get, "api/cycles", token);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("PMM-AUTH-002", await CodeOf(response));
    }

    // The right token is accepted (guards the tests above against refusing everything).
    [Fact]
    public async Task AnyEndpoint_ValidForgedShape_200()
    {
        var response = await app.SendAsync(HttpMethod.Get, "api/cycles", Forged(_ => { }));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    // Roles: readers and Members cannot run cycles or publish reference versions; readers cannot upload.
    [Theory]
    [InlineData("Reader", null, "POST", "api/cycles")]
    [InlineData("Member", "KEN", "POST", "api/cycles")]
    [InlineData("Member", "KEN", "POST", "api/cycles/any/close")]
    [InlineData("Reader", null, "POST", "api/cycles/any/members/KEN/submissions")]
    [InlineData("Reader", null, "GET", "api/cycles/any/members/KEN/submissions")]
    [InlineData("Member", "KEN", "PUT", "api/catalogues/2099.1")]
    [InlineData("Reader", null, "PUT", "api/catalogues/2099.1")]
    [InlineData("Member", "KEN", "PUT", "api/members/2099.1")]
    [InlineData("Reader", null, "PUT", "api/members/2099.1")]
    public async Task Endpoint_WrongRole_403(string role, string? member, string method, string path)
    {
        var response = await app.SendAsync(new HttpMethod(method), path, app.Token(role, member), JsonContent.Create(new { }));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("PMM-AUTH-003", await CodeOf(response));
    }

    // A Member cannot upload or read another Member's data.
    [Theory]
    [InlineData("POST", "api/cycles/any/members/FRA/submissions")]
    [InlineData("GET", "api/cycles/any/members/FRA/submissions")]
    [InlineData("GET", "api/cycles/any/members/FRA/submissions/0123")]
    public async Task MemberEndpoint_OtherMember_403(string method, string path)
    {
        var response = await app.SendAsync(new HttpMethod(method), path, app.Token(AppRoles.Member, "KEN"), LocalHostFixture.Csv("item,year,value\n"));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("PMM-AUTH-004", await CodeOf(response));
    }
}
