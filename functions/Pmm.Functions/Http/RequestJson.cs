using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Pmm.Functions.Http;

/// <summary>Reads JSON request bodies, turning malformed JSON into a pointed 400.</summary>
public static class RequestJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);

    public static async Task<(T? Value, IActionResult? Problem)> ReadAsync<T>(HttpRequest request, CancellationToken cancellationToken)
        where T : class
    {
        try
        {
            var value = await JsonSerializer.DeserializeAsync<T>(request.Body, Options, cancellationToken);
            return value is null
                ? (null, Problems.BadRequest(ProblemCodes.BadRequestBody, "The request body is empty; send a JSON object."))
                : (value, null);
        }
        catch (JsonException ex)
        {
            return (null, Problems.BadRequest(ProblemCodes.BadRequestBody, $"The body is not valid JSON for this request: {ex.Message}", pointer: $"{ex.Path} (line {ex.LineNumber + 1}, byte {ex.BytePositionInLine + 1})"));
        }
    }
}
