using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Extensions.FileProviders;

namespace BookingAssignment.Api.Ops;

/// <summary>
/// Serves the ops dashboard (built from /web into ops-dashboard/ beside the binary by the Api project's build)
/// at /ops/dashboard/. The page itself is public; it asks for the ops key and sends it as
/// X-Api-Key on every API call, so the data stays behind the ops policy. The host-stand page at
/// /ops/floor/ is served the same way; it works with a staff key too (its data is /restaurants/…).
/// </summary>
internal static class OpsDashboard
{
    private static readonly FileExtensionContentTypeProvider ContentTypes = new();

    public static RouteGroupBuilder MapOpsDashboard(this RouteGroupBuilder ops)
    {
        var root = Path.Combine(AppContext.BaseDirectory, "ops-dashboard");
        MapPage(ops, "dashboard", root);
        // The host-stand page (web/src/floor, built into floor/): its data needs a staff or ops key, not the ops policy.
        MapPage(ops, "floor", Path.Combine(root, "floor"));
        return ops;
    }

    private static void MapPage(RouteGroupBuilder ops, string name, string root) =>
        // Routing ignores a trailing slash, so "/ops/{name}" and "/ops/{name}/" both land here;
        // only the first is redirected (relative asset URLs in index.html need the slash).
        ops.MapGet($"/{name}/{{**path}}", (string? path, HttpContext http) =>
        {
            if (string.IsNullOrEmpty(path) && http.Request.Path.Value?.EndsWith('/') != true) return Results.Redirect($"/ops/{name}/");
            if (!Directory.Exists(root))
                return Results.Text($"The {name} page is not built: run `npm ci && npm run build` in web/ (the Api build does this when npm is installed).",
                    statusCode: StatusCodes.Status503ServiceUnavailable);
            using var files = new PhysicalFileProvider(root);
            var file = files.GetFileInfo(string.IsNullOrEmpty(path) ? "index.html" : path);
            if (!file.Exists || file.IsDirectory || file.PhysicalPath is null) return Results.NotFound();
            var type = ContentTypes.TryGetContentType(file.Name, out var t) ? t : "application/octet-stream";
            return Results.File(file.PhysicalPath, type);
        }).AllowAnonymous().ExcludeFromDescription();
}
