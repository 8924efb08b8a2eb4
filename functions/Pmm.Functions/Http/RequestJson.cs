using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Pmm.Functions.Http;

/// <summary>Reads JSON command bodies: bounded in size, malformed JSON a pointed 400 that never echoes the parser's message.</summary>
public static class RequestJson
{
    /// <summary>The largest JSON command body (opening a cycle, a new deadline): far above any real one.</summary>
    public const int CommandMaxBytes = 64 * 1024;

    /// <summary>Enums by name only: <c>7</c> or <c>-1</c> is not a status.</summary>
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(allowIntegerValues: false) },
    };

    public static Task<(T? Value, IActionResult? Problem)> ReadAsync<T>(HttpRequest request, CancellationToken cancellationToken)
        where T : class => ReadAsync<T>(request, null, cancellationToken);

    /// <summary>Like <see cref="ReadAsync{T}(HttpRequest, CancellationToken)"/>, but an empty body is <paramref name="whenEmpty"/> (a command whose every field is optional).</summary>
    public static async Task<(T? Value, IActionResult? Problem)> ReadAsync<T>(HttpRequest request, T? whenEmpty, CancellationToken cancellationToken)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(request);
        var (content, tooLarge) = await RequestBody.ReadLimitedAsync(request, CommandMaxBytes, cancellationToken);
        if (tooLarge)
        {
            return (null, Problems.TooLarge($"This request's JSON body is limited to {CommandMaxBytes} bytes."));
        }

        try
        {
            var value = content.Length == 0 ? whenEmpty : JsonSerializer.Deserialize<T>(content, Options);
            return value is null
                ? (null, Problems.BadRequest(ProblemCodes.BadRequestBody, "The request body is empty; send a JSON object."))
                : (value, null);
        }
        catch (JsonException ex)
        {
            // The parser's message names .NET types; the path and position are what a caller can act on.
            var where = ex.LineNumber is { } line ? $" (line {line + 1}, byte {ex.BytePositionInLine + 1})" : "";
            return (null, Problems.BadRequest(ProblemCodes.BadRequestBody, $"The body is not valid JSON for this request at {ex.Path ?? "$"}{where}: check the syntax and that the value there has the documented type.", pointer: $"{ex.Path ?? "$"}{where}"));
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException)
        {
            return (null, Problems.BadRequest(ProblemCodes.BadRequestBody, "The body is not valid UTF-8 JSON; send a JSON object encoded as UTF-8."));
        }
    }
}
