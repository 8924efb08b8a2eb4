using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;
using Pmm.Core.Benchmarks;

namespace Pmm.Functions.Configuration;

/// <summary>Where data lives. Locally a connection string (Azurite); in Azure service URIs and a managed identity, no keys.</summary>
public sealed class StorageOptions : IValidatableObject
{
    public const string Section = "Pmm:Storage";

    public string? ConnectionString { get; set; }

    public Uri? BlobServiceUri { get; set; }

    public Uri? TableServiceUri { get; set; }

    /// <summary>Client id of a user-assigned managed identity; empty for the system-assigned one or developer credentials.</summary>
    public string? ManagedIdentityClientId { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (string.IsNullOrWhiteSpace(ConnectionString) && (BlobServiceUri is null || TableServiceUri is null))
        {
            yield return new ValidationResult("Set Pmm:Storage:ConnectionString, or both Pmm:Storage:BlobServiceUri and Pmm:Storage:TableServiceUri.");
        }
    }
}

/// <summary>
/// Bearer token validation. In Azure: <see cref="Authority"/> (Entra ID), whose signing keys come from its
/// OpenID metadata. Locally: a development <see cref="SigningKey"/> (base64, at least 32 bytes) generated
/// into the git-ignored local.settings.json; never both.
/// </summary>
public sealed class AuthOptions : IValidatableObject
{
    public const string Section = "Pmm:Auth";

    [Required]
    public string Issuer { get; set; } = "";

    [Required]
    public string Audience { get; set; } = "";

    public string? Authority { get; set; }

    public string? SigningKey { get; set; }

    /// <summary>Claim holding the app roles (Entra ID puts app roles in <c>roles</c>).</summary>
    public string RoleClaim { get; set; } = "roles";

    /// <summary>Claim binding a Member-role caller to its Member code.</summary>
    public string MemberClaim { get; set; } = "pmm_member";

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        var hasKey = !string.IsNullOrWhiteSpace(SigningKey);
        var hasAuthority = !string.IsNullOrWhiteSpace(Authority);
        if (hasKey == hasAuthority)
        {
            yield return new ValidationResult("Set exactly one of Pmm:Auth:Authority (Entra ID) or Pmm:Auth:SigningKey (local development).");
        }

        byte[] bytes = [];
        if (hasKey && (!TryDecode(SigningKey!, out bytes) || bytes.Length < 32))
        {
            yield return new ValidationResult("Pmm:Auth:SigningKey must be base64 of at least 32 random bytes.");
        }
        else if (hasKey && bytes.All(b => b == bytes[0]))
        {
            // All zero (or one repeated byte): anyone could sign a Staff token with it.
            yield return new ValidationResult("Pmm:Auth:SigningKey is one byte repeated (e.g. all zero), which anyone can guess; generate a random key (./pmm init writes one).");
        }
    }

    internal static bool TryDecode(string base64, out byte[] bytes)
    {
        bytes = new byte[base64.Length];
        return Convert.TryFromBase64String(base64, bytes, out var written) && (bytes = bytes[..written]).Length > 0;
    }
}

/// <summary>How benchmarks are published: the disclosure control's thresholds (README, "Disclosure control").</summary>
public sealed class BenchmarkOptions
{
    public const string Section = "Pmm:Benchmarks";

    /// <summary>A group's count and mean are published only when at least this many Members' values are in it.</summary>
    public int MeanThreshold { get; set; } = DisclosureParameters.DefaultMeanThreshold;

    /// <summary>A group's median and quartiles are published only when at least this many Members' values are in it.</summary>
    public int QuantileThreshold { get; set; } = DisclosureParameters.DefaultQuantileThreshold;

    public DisclosureParameters Disclosure => new(MeanThreshold, QuantileThreshold);
}

/// <summary>Start-up refuses disclosure thresholds that could let one Member's value be read off a published group.</summary>
sealed class BenchmarkOptionsValidation : IValidateOptions<BenchmarkOptions>
{
    public ValidateOptionsResult Validate(string? name, BenchmarkOptions options) =>
        options.Disclosure.Problems() is { Count: > 0 } problems
            ? ValidateOptionsResult.Fail(problems.Select(p => $"{BenchmarkOptions.Section}: {p}"))
            : ValidateOptionsResult.Success;
}

/// <summary>Limits on uploads.</summary>
public sealed class UploadOptions
{
    public const string Section = "Pmm:Uploads";

    [Range(1, 256 * 1024 * 1024)]
    public long MaxBytes { get; set; } = 10 * 1024 * 1024;

    /// <summary>Largest total an Excel upload may expand to (its zip entries' declared sizes); refused unopened above it.</summary>
    [Range(1, 1024L * 1024 * 1024)]
    public long ExcelMaxUncompressedBytes { get; set; } = 50 * 1024 * 1024;

    /// <summary>Most zip entries an Excel upload may have.</summary>
    [Range(1, 100_000)]
    public int ExcelMaxEntries { get; set; } = 1000;

    public Pmm.Core.Formats.Excel.ExcelLimits ExcelLimits => new(ExcelMaxUncompressedBytes, ExcelMaxEntries);
}

/// <summary>App settings that bindings read by name (<c>%NAME%</c>); one place for the names.</summary>
public static class AppSettingNames
{
    /// <summary>NCRONTAB schedule (six fields) of the provisional benchmark recomputation.</summary>
    public const string BenchmarkSchedule = "PMM_BENCHMARK_SCHEDULE";
}
