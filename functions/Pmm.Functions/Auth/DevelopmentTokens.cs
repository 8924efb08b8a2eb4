using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Pmm.Functions.Configuration;

namespace Pmm.Functions.Auth;

/// <summary>
/// Mints tokens signed with the local development key, for the local host, the demo and tests.
/// Refuses to work when the app is configured for Entra ID (no signing key).
/// </summary>
public static class DevelopmentTokens
{
    public static string Mint(AuthOptions options, string role, string? memberCode = null, TimeSpan? lifetime = null, string? subject = null)
    {
        if (string.IsNullOrWhiteSpace(options.SigningKey) || !AuthOptions.TryDecode(options.SigningKey, out var key))
        {
            throw new InvalidOperationException("No development signing key is configured (Pmm:Auth:SigningKey); development tokens only work locally.");
        }

        var now = DateTime.UtcNow;
        var claims = new Dictionary<string, object>
        {
            ["sub"] = subject ?? $"dev-{role.ToLowerInvariant()}{(memberCode is null ? "" : "-" + memberCode.ToLowerInvariant())}",
            [options.RoleClaim] = new[] { role },
        };
        if (memberCode is not null)
        {
            claims[options.MemberClaim] = memberCode;
        }

        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = options.Issuer,
            Audience = options.Audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + (lifetime ?? TimeSpan.FromHours(8)),
            Claims = claims,
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(key), SecurityAlgorithms.HmacSha256),
        });
    }

    /// <summary>A fresh random signing key (base64 of 32 bytes).</summary>
    public static string NewSigningKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
}
