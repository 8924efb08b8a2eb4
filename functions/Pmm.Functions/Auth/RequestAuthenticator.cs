using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;
using Pmm.Core;
using Pmm.Functions.Configuration;
using Pmm.Functions.Http;

namespace Pmm.Functions.Auth;

/// <summary>Either an authenticated caller or the problem response to send.</summary>
public readonly record struct AuthResult(Caller? Caller, IActionResult? Failure);

/// <summary>
/// Validates the bearer JWT of a request (issuer, audience, signature, lifetime, a canonical Member claim) and
/// checks the caller's role. Called by <see cref="HttpPipeline"/> for every HTTP function, under both hosts.
/// </summary>
public sealed class RequestAuthenticator
{
    readonly AuthOptions options;
    readonly JsonWebTokenHandler handler = new() { MapInboundClaims = false };
    readonly TokenValidationParameters parameters;

    public RequestAuthenticator(IOptions<AuthOptions> options)
    {
        this.options = options.Value;
        parameters = new TokenValidationParameters
        {
            ValidIssuer = this.options.Issuer,
            ValidAudience = this.options.Audience,
            ValidateIssuer = true,
            ValidateAudience = true,
            ValidateLifetime = true,
            RequireExpirationTime = true,
            RequireSignedTokens = true,
            ValidateIssuerSigningKey = true,
            ClockSkew = TimeSpan.FromMinutes(1),
            RoleClaimType = this.options.RoleClaim,
        };
        if (!string.IsNullOrWhiteSpace(this.options.Authority))
        {
            parameters.ConfigurationManager = new ConfigurationManager<OpenIdConnectConfiguration>(
                $"{this.options.Authority.TrimEnd('/')}/.well-known/openid-configuration",
                new OpenIdConnectConfigurationRetriever(),
                new HttpDocumentRetriever { RequireHttps = true });
        }
        else
        {
            AuthOptions.TryDecode(this.options.SigningKey!, out var key);
            parameters.IssuerSigningKey = new SymmetricSecurityKey(key);
            parameters.ValidAlgorithms = [SecurityAlgorithms.HmacSha256];
        }
    }

    /// <summary>Authenticates the request and requires one of <paramref name="allowedRoles"/>.</summary>
    public async Task<AuthResult> AuthenticateAsync(HttpRequest request, params string[] allowedRoles)
    {
        var header = request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) || header.Length <= 7)
        {
            request.HttpContext.Response.Headers.WWWAuthenticate = "Bearer";
            return new(null, Problems.Create(StatusCodes.Status401Unauthorized, ProblemCodes.MissingToken, "Authentication required.", "Send an 'Authorization: Bearer <token>' header. Locally, mint a development token with './pmm token <role>'."));
        }

        var validation = await handler.ValidateTokenAsync(header[7..].Trim(), parameters);
        if (!validation.IsValid)
        {
            request.HttpContext.Response.Headers.WWWAuthenticate = "Bearer error=\"invalid_token\"";
            return new(null, Problems.Create(StatusCodes.Status401Unauthorized, ProblemCodes.InvalidToken, "The bearer token is not valid.", Describe(validation.Exception)));
        }

        var identity = validation.ClaimsIdentity;
        var roles = identity.FindAll(options.RoleClaim).Select(c => c.Value).Where(AppRoles.All.Contains).ToHashSet(StringComparer.Ordinal);
        var member = identity.FindFirst(options.MemberClaim)?.Value;
        if (member is not null && !Identifiers.IsMemberCode(member))
        {
            // Never folded to upper case: one Member has one code, so 'ken' would be a second Kenya.
            request.HttpContext.Response.Headers.WWWAuthenticate = "Bearer error=\"invalid_token\"";
            return new(null, Problems.Create(StatusCodes.Status401Unauthorized, ProblemCodes.InvalidToken, "The bearer token is not valid.", $"The token's '{options.MemberClaim}' claim '{Problems.Shown(member)}' is not a Member code; it must be ISO 3166-1 alpha-3 in upper case (e.g. KEN). Ask for a token with the canonical code."));
        }

        var caller = new Caller(identity.FindFirst("sub")?.Value ?? identity.FindFirst("oid")?.Value ?? "unknown", roles, member);
        if (!allowedRoles.Any(roles.Contains))
        {
            return new(caller, Forbidden(ProblemCodes.WrongRole, $"This operation needs the role {string.Join(" or ", allowedRoles)}; the token has {(roles.Count == 0 ? "no application role" : string.Join(", ", roles))}."));
        }

        if (roles.Contains(AppRoles.Member) && !caller.IsStaff && string.IsNullOrEmpty(member))
        {
            return new(caller, Forbidden(ProblemCodes.OtherMember, $"A Member token must carry the '{options.MemberClaim}' claim naming its Member."));
        }

        return new(caller, null);
    }

    static ObjectResult Forbidden(string code, string detail) => Problems.Forbidden(code, detail);

    static string Describe(Exception? ex) => ex switch
    {
        SecurityTokenExpiredException => "The token has expired; get a new one.",
        SecurityTokenInvalidAudienceException => "The token was issued for another audience.",
        SecurityTokenInvalidIssuerException => "The token was issued by an issuer this service does not trust.",
        SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidSignatureException => "The token's signature does not verify.",
        SecurityTokenMalformedException => "The token is not a well-formed JWT.",
        _ => "The token could not be validated.",
    };
}
