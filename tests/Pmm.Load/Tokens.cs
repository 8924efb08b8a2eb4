using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Pmm.Functions.Auth;
using Pmm.Functions.Configuration;

namespace Pmm.Load;

/// <summary>
/// Mints bearer tokens for the host under test, good and bad: the same issuer, audience, claim names and
/// development key the host reads (from the environment ./pmm sets), or deliberately not.
/// </summary>
sealed class Tokens(AuthOptions auth)
{
    readonly byte[] key = Convert.FromBase64String(auth.SigningKey ?? throw new InvalidOperationException("Pmm__Auth__SigningKey is not set; run through ./pmm fuzz or ./pmm probe."));
    readonly byte[] otherKey = SHA256.HashData("a key the host does not know"u8);

    public string Staff => Mint(AppRoles.Staff);

    public string Reader => Mint(AppRoles.Reader);

    public string Member(string code) => Mint(AppRoles.Member, code);

    /// <summary>A token with the given role and member claim (any JSON value, to try claims of the wrong type).</summary>
    public string Mint(
        string? role,
        object? member = null,
        TimeSpan? validFrom = null,
        TimeSpan? lifetime = null,
        bool wrongKey = false,
        string? issuer = null,
        string? audience = null,
        object? roles = null)
    {
        var now = DateTime.UtcNow;
        var notBefore = now + (validFrom ?? TimeSpan.Zero);
        var claims = new Dictionary<string, object> { ["sub"] = "pmm-load" };
        if (roles is not null || role is not null)
        {
            claims[auth.RoleClaim] = roles ?? new[] { role! };
        }

        if (member is not null)
        {
            claims[auth.MemberClaim] = member;
        }

        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer ?? auth.Issuer,
            Audience = audience ?? auth.Audience,
            IssuedAt = notBefore,
            NotBefore = notBefore,
            Expires = notBefore + (lifetime ?? TimeSpan.FromHours(8)),
            Claims = claims,
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(wrongKey ? otherKey : key), SecurityAlgorithms.HmacSha256),
        });
    }
}
