using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace BookingAssignment.Api.Http;

/// <summary>
/// Reads a JSON body ourselves so that malformed JSON and wrongly typed fields come back as a
/// 400 ProblemDetails naming the field (from <see cref="JsonException.Path"/>), like every other
/// validation error. (The framework's body binding answers those with a bare 400.)
/// </summary>
internal static class JsonBody
{
    /// <summary>The API's JSON: web defaults, nulls omitted. Also configured as the framework's HTTP JSON options.</summary>
    public static void Configure(JsonSerializerOptions o)
    {
        o.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
        o.AllowTrailingCommas = false;
        o.UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip;
        // A JSON API, never embedded in HTML: keep "+44" and "don't" readable instead of \u002B / \u0027.
        o.Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;
    }

    public static readonly JsonSerializerOptions Options = Create();

    private static JsonSerializerOptions Create()
    {
        var o = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        Configure(o);
        return o;
    }

    /// <summary>The request body, read once per request: the idempotency filter and the handler share it.</summary>
    public static async Task<byte[]> BufferAsync(HttpRequest request, CancellationToken ct)
    {
        if (request.HttpContext.Items[typeof(JsonBody)] is byte[] read) return read;
        request.EnableBuffering();
        request.Body.Position = 0;
        using var ms = new MemoryStream();
        await request.Body.CopyToAsync(ms, ct);
        request.Body.Position = 0;
        var body = ms.ToArray();
        request.HttpContext.Items[typeof(JsonBody)] = body;
        return body;
    }

    public static (T? Value, Dictionary<string, string[]>? Errors) Read<T>(HttpRequest request, byte[] body) where T : class
    {
        if (body.Length == 0) return (null, Problem("body", "A JSON body is required."));
        if (request.ContentType is { } ct && !ct.Contains("json", StringComparison.OrdinalIgnoreCase))
            return (null, Problem("body", "Content-Type must be application/json."));
        try
        {
            // Syntax first: a truncated or broken document is the body's fault, not the field the
            // reader stopped in (deserializing alone would report "partySize has the wrong type").
            using var document = JsonDocument.Parse(body);
            // Then text PostgreSQL cannot store (NUL, an unpaired surrogate): a 400 for that field, never a 500.
            if (UnstorableString(document.RootElement, "$") is { } path)
                return (null, Problem(FieldFromPath(path), "Contains a character that cannot be stored (NUL or an unpaired surrogate)."));
        }
        catch (JsonException ex)
        {
            return (null, Problem("body", $"The body is not valid JSON (line {ex.LineNumber + 1}, byte {ex.BytePositionInLine + 1})."));
        }
        try
        {
            var value = JsonSerializer.Deserialize<T>(body, Options);
            return value is null ? (null, Problem("body", "A JSON object is required.")) : (value, null);
        }
        catch (JsonException ex)
        {
            var field = FieldFromPath(ex.Path);
            return (null, Problem(field, field == "body" ? "The body is not valid JSON." : $"'{field}' has a value of the wrong type or format."));
        }
    }

    /// <returns>The JSON path of the first string value that holds NUL or an unpaired surrogate, or null.</returns>
    private static string? UnstorableString(JsonElement e, string path)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.String:
                string value;
                try { value = e.GetString()!; }
                catch (InvalidOperationException) { return path; } // invalid UTF-16 in an escape
                return IsStorable(value) ? null : path;
            case JsonValueKind.Object:
                foreach (var p in e.EnumerateObject())
                    if (UnstorableString(p.Value, $"{path}.{p.Name}") is { } found) return found;
                return null;
            case JsonValueKind.Array:
                var i = 0;
                foreach (var item in e.EnumerateArray())
                    if (UnstorableString(item, $"{path}[{i++}]") is { } found) return found;
                return null;
            default:
                return null;
        }
    }

    /// <summary>No NUL (PostgreSQL text refuses it) and no unpaired surrogate (not encodable as UTF-8).</summary>
    internal static bool IsStorable(string s)
    {
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            if (c == '\0') return false;
            if (char.IsHighSurrogate(c) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1])) { i++; continue; }
            if (char.IsSurrogate(c)) return false;
        }
        return true;
    }

    /// <summary>"$.customer.email" → "customer.email"; "$" or null → "body".</summary>
    internal static string FieldFromPath(string? path)
    {
        if (string.IsNullOrEmpty(path) || path == "$") return "body";
        return path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');
    }

    private static Dictionary<string, string[]> Problem(string field, string message) => new() { [field] = [message] };
}
