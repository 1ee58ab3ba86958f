using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using BookingAssignment.Api.Tests.Infrastructure;

namespace BookingAssignment.Api.Tests.Docs;

public sealed partial class OpenApiDocumentTests
{
    private static string RepoFile(string relative)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "BookingAssignment.sln"))) return Path.Combine(dir.FullName, relative);
        throw new InvalidOperationException("repository root not found");
    }

    /// <summary>The file as committed at HEAD, or null outside a git checkout.</summary>
    private static async Task<string?> CommittedAsync(string relative)
    {
        try
        {
            var git = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("git", ["show", $"HEAD:{relative}"])
            {
                WorkingDirectory = Path.GetDirectoryName(RepoFile("BookingAssignment.sln"))!, RedirectStandardOutput = true, RedirectStandardError = true,
            })!;
            var text = await git.StandardOutput.ReadToEndAsync();
            await git.WaitForExitAsync();
            return git.ExitCode == 0 ? text : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null; // no git here
        }
    }

    /// <summary>The document without what depends on the request (the server URL).</summary>
    private static JsonNode Comparable(string json)
    {
        var node = JsonNode.Parse(json)!;
        node.AsObject().Remove("servers");
        return node;
    }

    [Fact]
    public async Task TheServedDocumentIsOpenApi31WithTheKeySchemeAndMatchesDocsOpenapiJson()
    {
        await using var api = await ApiHost.StartAsync();
        var served = await api.Bookings.GetAsync("/openapi/v1.json", api.CreateClient(null)); // public: integrators read it without a key
        Assert.Equal(HttpStatusCode.OK, served.Status);
        var doc = Comparable(served.Text);
        Assert.StartsWith("3.1", (string)doc["openapi"]!);
        Assert.Equal("X-Api-Key", (string)doc["components"]!["securitySchemes"]!["ApiKey"]!["name"]!);
        var create = doc["paths"]!["/bookings"]!["post"]!;
        foreach (var status in new[] { "201", "202", "400", "401", "404", "409", "422", "429", "503" })
            Assert.NotNull(create["responses"]![status]);
        Assert.NotNull(create["requestBody"]!["content"]!["application/json"]!["example"]);
        Assert.NotNull(doc["paths"]!["/bookings/{id}"]!["patch"]!["responses"]!["412"]);

        // The committed copy (the build rewrites the working file, so a stale commit would otherwise go unseen).
        var committed = Comparable(await CommittedAsync("docs/openapi.json") ?? await File.ReadAllTextAsync(RepoFile("docs/openapi.json")));
        Assert.True(JsonNode.DeepEquals(doc, committed),
            "docs/openapi.json (as committed) differs from /openapi/v1.json: build the solution (dotnet build -c Release writes it) and commit it.");
    }

    [Fact]
    public async Task TheReferencePageIsServedWithItsOwnAssetsAndNoCdn()
    {
        await using var api = await ApiHost.StartAsync();
        var anonymous = api.CreateClient(null);
        Assert.Equal(HttpStatusCode.Found, (await api.Bookings.GetAsync("/docs", anonymous)).Status); // → /docs/
        var page = await api.Bookings.GetAsync("/docs/", anonymous);
        Assert.Equal(HttpStatusCode.OK, page.Status);
        var scripts = ScriptSources().Matches(page.Text).Select(m => m.Groups[1].Value).ToArray();
        Assert.NotEmpty(scripts);
        Assert.All(scripts, src => Assert.DoesNotMatch("^(https?:)?//", src));
        foreach (var src in scripts)
        {
            var path = src.StartsWith('/') ? src : "/docs/" + src.TrimStart('.', '/');
            Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync(path)).StatusCode);
        }
    }

    [Fact]
    public async Task BookingAssignmentHttpHasARequestForEveryEndpoint()
    {
        var http = await File.ReadAllTextAsync(RepoFile("BookingAssignment.http"));
        var doc = JsonNode.Parse(await File.ReadAllTextAsync(RepoFile("docs/openapi.json")))!;
        var requests = RequestLines().Matches(http).Select(m => (m.Groups[1].Value, Regex.Replace(m.Groups[2].Value.Split('?')[0], @"\{\{[^}]+\}\}", "{x}"))).ToHashSet();
        foreach (var (path, operations) in doc["paths"]!.AsObject())
            foreach (var (method, _) in operations!.AsObject())
            {
                var wanted = (method.ToUpperInvariant(), Regex.Replace(path, @"\{[^}]+\}", "{x}"));
                Assert.True(requests.Contains(wanted), $"BookingAssignment.http has no {wanted.Item1} {path}");
            }
    }

    [GeneratedRegex("<script[^>]*src=\"([^\"]+)\"")]
    private static partial Regex ScriptSources();

    [GeneratedRegex(@"^(GET|POST|PUT|PATCH|DELETE) \{\{api\}\}(\S+)", RegexOptions.Multiline)]
    private static partial Regex RequestLines();
}
