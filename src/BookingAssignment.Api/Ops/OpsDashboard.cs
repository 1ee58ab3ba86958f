using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Extensions.FileProviders;

namespace BookingAssignment.Api.Ops;

/// <summary>
/// Serves the ops dashboard (built from /web into ops-dashboard/ beside the binary by the Api project's build)
/// at /ops/dashboard/. The page itself is public; it asks for the ops key and sends it as
/// X-Api-Key on every API call, so the data stays behind the ops policy.
/// </summary>
internal static class OpsDashboard
{
    private static readonly FileExtensionContentTypeProvider ContentTypes = new();

    public static RouteGroupBuilder MapOpsDashboard(this RouteGroupBuilder ops)
    {
        var root = Path.Combine(AppContext.BaseDirectory, "ops-dashboard");
        // Routing ignores a trailing slash, so "/ops/dashboard" and "/ops/dashboard/" both land here;
        // only the first is redirected (relative asset URLs in index.html need the slash).
        ops.MapGet("/dashboard/{**path}", (string? path, HttpContext http) =>
        {
            if (string.IsNullOrEmpty(path) && http.Request.Path.Value?.EndsWith('/') != true) return Results.Redirect("/ops/dashboard/");
            if (!Directory.Exists(root))
                return Results.Text("The dashboard is not built: run `npm ci && npm run build` in web/ (the Api build does this when npm is installed).",
                    statusCode: StatusCodes.Status503ServiceUnavailable);
            using var files = new PhysicalFileProvider(root);
            var file = files.GetFileInfo(string.IsNullOrEmpty(path) ? "index.html" : path);
            if (!file.Exists || file.IsDirectory || file.PhysicalPath is null) return Results.NotFound();
            var type = ContentTypes.TryGetContentType(file.Name, out var t) ? t : "application/octet-stream";
            return Results.File(file.PhysicalPath, type);
        }).AllowAnonymous().ExcludeFromDescription();
        return ops;
    }
}
