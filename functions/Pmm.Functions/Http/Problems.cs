using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Pmm.Core.Submissions;

namespace Pmm.Functions.Http;

/// <summary>Stable codes of request-level errors (RFC 9457 problem details, member <c>code</c>).</summary>
public static class ProblemCodes
{
    public const string MissingToken = "PMM-AUTH-001";
    public const string InvalidToken = "PMM-AUTH-002";
    public const string WrongRole = "PMM-AUTH-003";
    public const string OtherMember = "PMM-AUTH-004";
    public const string AudienceNotAllowed = "PMM-AUTH-005";
    public const string UnpublishedBenchmarks = "PMM-AUTH-006";
    public const string BadRequestBody = "PMM-REQ-001";
    public const string InvalidField = "PMM-REQ-002";
    public const string UnsupportedMediaType = "PMM-REQ-003";
    public const string TooLarge = "PMM-REQ-004";
    public const string EmptyFile = "PMM-REQ-005";
    public const string OtherTemplate = "PMM-REQ-006";
    public const string CycleNotFound = "PMM-CYCLE-001";
    public const string CycleExists = "PMM-CYCLE-002";
    public const string CycleNotOpen = "PMM-CYCLE-003";
    public const string DeadlinePassed = "PMM-CYCLE-004";
    public const string UnpublishedReferenceVersion = "PMM-CYCLE-005";
    public const string CycleNotFailed = "PMM-CYCLE-006";
    public const string CycleNotClosed = "PMM-CYCLE-007";
    public const string UnknownMember = "PMM-MEMBER-001";
    public const string SubmissionNotFound = "PMM-SUB-001";
    public const string ConcurrentUploads = "PMM-SUB-002";
    public const string SnapshotNotFound = "PMM-SNAP-001";
    public const string NoSnapshot = "PMM-SNAP-002";
    public const string SnapshotNotPublishable = "PMM-SNAP-003";
    public const string SnapshotSuperseded = "PMM-SNAP-004";
    public const string InvalidCatalogue = "PMM-REF-001";
    public const string InvalidMemberSet = "PMM-REF-002";
    public const string VersionMismatch = "PMM-REF-003";
    public const string VersionExists = "PMM-REF-004";
    public const string VersionNotFound = "PMM-REF-005";
    public const string ServerError = "PMM-SERVER-001";
    public const string Unhealthy = "PMM-HEALTH-001";
}

/// <summary>Builds <c>application/problem+json</c> responses.</summary>
public static class Problems
{
    public const string ContentType = "application/problem+json";

    public static ObjectResult Create(int status, string code, string title, string detail, string? pointer = null, object? errors = null)
    {
        var problem = new ProblemDetails
        {
            Status = status,
            Type = $"https://pmm.wcoomd.org/problems/{code}",
            Title = title,
            Detail = detail,
        };
        problem.Extensions["code"] = code;
        if (pointer is not null)
        {
            problem.Extensions["pointer"] = pointer;
        }

        if (errors is not null)
        {
            problem.Extensions["errors"] = errors;
        }

        var result = new ObjectResult(problem) { StatusCode = status };
        result.ContentTypes.Add(ContentType);
        return result;
    }

    public static ObjectResult BadRequest(string code, string detail, string? pointer = null, object? errors = null) =>
        Create(StatusCodes.Status400BadRequest, code, "The request is not valid.", detail, pointer, errors);

    /// <summary>400 <c>PMM-REQ-002</c>: always lists its problems in <c>errors</c> (the detail alone when there is one).</summary>
    public static ObjectResult InvalidField(string detail, string? pointer = null, IReadOnlyList<string>? errors = null) =>
        BadRequest(ProblemCodes.InvalidField, detail, pointer, errors is { Count: > 0 } ? errors : [detail]);

    /// <summary>413 <c>PMM-REQ-004</c>: a body larger than the endpoint accepts.</summary>
    public static ObjectResult TooLarge(string detail) =>
        Create(StatusCodes.Status413PayloadTooLarge, ProblemCodes.TooLarge, "The request body is too large.", detail);

    /// <summary>500 <c>PMM-SERVER-001</c>: says nothing about the cause, which is logged.</summary>
    public static ObjectResult ServerError() =>
        Create(StatusCodes.Status500InternalServerError, ProblemCodes.ServerError, "Internal error.", "The server could not complete the request; it has been logged.");

    /// <summary>
    /// 404 <c>PMM-MEMBER-001</c> for a value that is not a Member code at all. Member codes have one form only, so
    /// <c>ken</c> or <c>KEN </c> name no Member (they are never folded to <c>KEN</c>, which would count it twice).
    /// </summary>
    public static ObjectResult UnknownMember(string? memberCode) =>
        NotFound(ProblemCodes.UnknownMember, $"'{Shown(memberCode)}' is not a Member code; Member codes are ISO 3166-1 alpha-3 in upper case, e.g. KEN.");

    /// <summary>
    /// A user's value shown in a problem detail: the core's <see cref="UserText.Excerpt(string?, int)"/> (never half a
    /// character, control characters visible), kept to 40 characters, so a detail never grows with the input.
    /// </summary>
    public static string Shown(string? value) => UserText.Excerpt(value, 40);

    public static ObjectResult Forbidden(string code, string detail) =>
        Create(StatusCodes.Status403Forbidden, code, "Not allowed.", detail);

    public static ObjectResult NotFound(string code, string detail) =>
        Create(StatusCodes.Status404NotFound, code, "Not found.", detail);

    public static ObjectResult Conflict(string code, string detail) =>
        Create(StatusCodes.Status409Conflict, code, "The request conflicts with the current state.", detail);
}
