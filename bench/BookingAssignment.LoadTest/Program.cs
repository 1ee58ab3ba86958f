// End-to-end benchmark of POST /bookings against a running API (SPEC §7):
//   1. ceiling: the same booking + assignment + event insert done by a bare Npgsql client, same concurrency;
//   2. steady load: many restaurants, N concurrent clients, latency percentiles and throughput;
//   3. drops: 2,000 requests for one restaurant's evening as fast as possible, twice, each on its own
//      restaurant: the first meets refusal code the warm-up never ran (cold), the second is the measured one;
// then SQL checks: no overlapping live assignments, every acknowledged booking stored, every booking terminal.
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;

var opts = Args.Parse(args);
using var http = new HttpClient { BaseAddress = new Uri(opts.Url), Timeout = TimeSpan.FromSeconds(30) };
http.DefaultRequestHeaders.Add("X-Api-Key", opts.ClientKey);
using var ops = new HttpClient { BaseAddress = new Uri(opts.Url) };
ops.DefaultRequestHeaders.Add("X-Api-Key", opts.OpsKey);
await using var data = NpgsqlDataSource.Create(opts.Postgres + ";Maximum Pool Size=4");

Console.WriteLine($"Creating {opts.Restaurants} restaurants (+2 for the drops) ...");
var restaurants = new List<Guid>();
for (var i = 0; i < opts.Restaurants + 2; i++) restaurants.Add(await CreateRestaurantAsync(ops, $"Bench {i}"));
// Two drops, each on its own restaurant: the first one the API meets since it started (its refusal
// paths are still cold: tiered JIT), then the measured one.
var (firstDropRestaurant, dropRestaurant) = (restaurants[^2], restaurants[^1]);
restaurants.RemoveRange(restaurants.Count - 2, 2);
var zone = TimeZoneInfo.FindSystemTimeZoneById("Europe/London");
if (opts.IdsOut is not null)
{
    // --ids-out FILE: only create the restaurants, one id per line, for an outside load tool (bench/wrk).
    await File.WriteAllLinesAsync(opts.IdsOut, restaurants.Select(r => r.ToString()));
    return 0;
}

// Warm-up — not measured. At full concurrency and long enough for tiered compilation to finish:
// the API JIT-compiles for its first ~30-40 s under load (up to 0.8 of a core, with tiered PGO), and
// a shorter warm-up measured that instead of the steady state (docs/benchmarks.md). --warmup-seconds.
await RunLoadAsync(http, restaurants, zone, opts.Clients, TimeSpan.FromSeconds(opts.WarmupSeconds), dayOffset: 300);

if (opts.RedisPids.Length > 0)
{
    // Longer warm-up: tiered JIT and PostgreSQL caches otherwise make the first scenario the slowest.
    await RunLoadAsync(http, restaurants, zone, opts.Clients, TimeSpan.FromSeconds(15), dayOffset: 200);
    return await RedisFaultsAsync(http, restaurants, zone, opts, data);
}

double ceiling;
await using (var ceilingData = NpgsqlDataSource.Create(opts.Postgres + ";Maximum Pool Size=" + opts.Clients))
    ceiling = await CeilingAsync(ceilingData, opts.Clients, TimeSpan.FromSeconds(opts.Seconds)); // disposed: its connections close before the API is measured
if (opts.SoakMinutes > 0) return await SoakAsync(http, restaurants, zone, opts, data, ceiling);
if (opts.DropOnly) return await DropOnlyAsync(http, firstDropRestaurant, dropRestaurant, zone, opts, data, ceiling);
Console.WriteLine($"Ceiling {ceiling:F1}/s; steady load: {opts.Clients} clients for {opts.Seconds} s ...");
var cpuBefore = opts.ApiPid > 0 ? CpuSeconds(opts.ApiPid) : 0;
var postgresBefore = PostgresCpuSeconds();
var selfBefore = Environment.CpuUsage.TotalTime.TotalSeconds;
var load = await RunLoadAsync(http, restaurants, zone, opts.Clients, TimeSpan.FromSeconds(opts.Seconds), dayOffset: 1);
double? apiCpuMsPerRequest = opts.ApiPid > 0 ? Math.Round(1000 * (CpuSeconds(opts.ApiPid) - cpuBefore) / load.Requests, 2) : null;
// Where the rest of the two cores goes over the same steady phase: PostgreSQL's processes and this load test.
var postgresCpuMsPerRequest = Math.Round(1000 * PostgresCpuSeconds().Sum(p => p.Value - postgresBefore.GetValueOrDefault(p.Key)) / load.Requests, 2);
var loadTestCpuMsPerRequest = Math.Round(1000 * (Environment.CpuUsage.TotalTime.TotalSeconds - selfBefore) / load.Requests, 2);
// --open-loop-share P: requests at P % of the ceiling's rate, sent on schedule whatever the answers do.
object? openLoop = null;
Run? open = null;
if (opts.OpenLoopShare > 0)
{
    var rate = ceiling * opts.OpenLoopShare / 100;
    open = await OpenLoopAsync(http, restaurants, zone, rate, TimeSpan.FromSeconds(opts.Seconds), dayOffset: 120);
    openLoop = new { sharePct = opts.OpenLoopShare, offeredPerSecond = Math.Round(rate, 1), run = open.Summary() };
}
// --steady-only (the A/B comparison): the ceiling and the steady load, no drop and no sell-out.
var firstDrop = opts.SteadyOnly ? null : await DropAsync(http, firstDropRestaurant, zone, opts.DropRequests, opts.Clients);
var drop = opts.SteadyOnly ? null : await DropAsync(http, dropRestaurant, zone, opts.DropRequests, opts.Clients);
var sellOut = opts.SteadyOnly ? null : await SellOutAsync(http, ops, data, zone, restaurants: 5, opts.Clients);

var (invariants, hold) = await InvariantsAsync(data,
    load.Acknowledged.Concat(firstDrop?.Acknowledged ?? []).Concat(drop?.Acknowledged ?? []).Concat(open?.Acknowledged ?? []).ToArray());
double? rss = opts.ApiPid > 0 ? Math.Round(RssMb(opts.ApiPid), 1) : null;

var report = new
{
    machine = $"{Environment.ProcessorCount} cores, {Environment.OSVersion}",
    clients = opts.Clients,
    seconds = opts.Seconds,
    restaurants = opts.Restaurants,
    ceiling = new { perSecond = Math.Round(ceiling, 1) },
    load = load.Summary(),
    loadShareOfCeiling = Math.Round(100 * load.PerSecond / ceiling, 1),
    apiCpuMsPerRequest,
    postgresCpuMsPerRequest,
    loadTestCpuMsPerRequest,
    openLoop,
    firstDrop = firstDrop?.Summary(),
    drop = drop?.Summary(),
    dropByStatus = drop?.SummaryByStatus(),
    sellOut,
    invariants,
    apiRssMb = rss,
};
await WriteReportAsync(report, opts.Output);
return hold && load.ServerErrors == 0 && (firstDrop?.ServerErrors ?? 0) == 0 && (drop?.ServerErrors ?? 0) == 0 && (open?.ServerErrors ?? 0) == 0 ? 0 : 1;

// --redis-pids p1,p2,p3: the same steady load with lock servers hung (SIGSTOP) or killed, beside
// no-fault runs before and between them (the machine is noisy: compare within one run).
static async Task<int> RedisFaultsAsync(HttpClient http, List<Guid> restaurants, TimeZoneInfo zone, Args opts, NpgsqlDataSource data)
{
    var p = opts.RedisPids;
    (string Name, string Signal, int[] Pids, bool Undo)[] scenarios =
    [
        ("no fault", "", [], false),
        ("1 of 3 hung (SIGSTOP)", "STOP", [p[0]], true),
        ("no fault, again", "", [], false),
        ("2 of 3 hung (SIGSTOP)", "STOP", [p[0], p[1]], true),
        ("no fault, third", "", [], false),
        ("1 of 3 killed", "KILL", [p[0]], false),
        ("2 of 3 killed", "KILL", [p[1]], false),
    ];
    var results = new List<object>();
    using var ops = new HttpClient { BaseAddress = new Uri(opts.Url) };
    ops.DefaultRequestHeaders.Add("X-Api-Key", opts.OpsKey);
    foreach (var (name, signal, pids, undo) in scenarios)
    {
        // Fresh restaurants per scenario: every scenario books the same kind of empty evenings.
        var fresh = new List<Guid>();
        for (var i = 0; i < restaurants.Count; i++) fresh.Add(await CreateRestaurantAsync(ops, $"{name} {i}"));
        foreach (var pid in pids) Signal(signal, pid);
        var run = await RunLoadAsync(http, fresh, zone, opts.Clients, TimeSpan.FromSeconds(opts.Seconds), dayOffset: 1);
        if (undo) foreach (var pid in pids) Signal("CONT", pid);
        Console.WriteLine($"{name,-24} {run.PerSecond,8:F1} req/s  p50 {run.Percentile(0.5),8:F1} ms  p99 {run.Percentile(0.99),8:F1} ms  max {run.Percentile(1),8:F1} ms  5xx {run.ServerErrors}");
        results.Add(new { scenario = name, run = run.Summary() });
    }
    var overlaps = await OverlapsAsync(data);
    await WriteReportAsync(new { machine = $"{Environment.ProcessorCount} cores, {Environment.OSVersion}", clients = opts.Clients,
        secondsPerScenario = opts.Seconds, results, overlappingLiveAssignments = overlaps }, opts.Output, print: false);
    return overlaps == 0 ? 0 : 1;

    static void Signal(string signal, int pid)
    {
        using var kill = Process.Start("kill", $"-{signal} {pid}");
        kill.WaitForExit();
    }
}

// --soak-minutes M (issue 13, "running for weeks"): the open loop at --open-loop-share % of the
// ceiling for M minutes, one line per minute with its latency, the API's RSS and the tables' sizes,
// then the invariants. Each minute books its own 20 days, so every minute meets the same kind of
// mostly empty evenings (the API needs Bookings__MaxDaysAhead ≥ 10 + 20 M).
static async Task<int> SoakAsync(HttpClient http, List<Guid> restaurants, TimeZoneInfo zone, Args opts, NpgsqlDataSource data, double ceiling)
{
    var rate = ceiling * opts.OpenLoopShare / 100;
    Console.WriteLine($"Soak: {opts.SoakMinutes} min at {opts.OpenLoopShare} % of the ceiling ({ceiling:F1}/s) = {rate:F1} req/s offered");
    var minutes = new List<object>();
    var acknowledged = new List<Guid>();
    var serverErrors = 0;
    for (var k = 0; k < opts.SoakMinutes; k++)
    {
        var run = await OpenLoopAsync(http, restaurants, zone, rate, TimeSpan.FromMinutes(1), dayOffset: 10 + 20 * k, days: 20);
        acknowledged.AddRange(run.Acknowledged);
        serverErrors += run.ServerErrors;
        var sizes = await SizesAsync(data);
        var rss = opts.ApiPid > 0 ? Math.Round(RssMb(opts.ApiPid), 1) : double.NaN;
        Console.WriteLine($"minute {k + 1,3}: {run.PerSecond,6:F1} req/s  p50 {run.Percentile(0.5),8:F1} ms  p99 {run.Percentile(0.99),8:F1} ms  5xx {run.ServerErrors}  RSS {rss} MB  "
            + $"bookings {sizes["bookings_rows"]}  events {sizes["events_rows"]} rows / {sizes["events_bytes"] / 1048576.0:F1} MB");
        minutes.Add(new { minute = k + 1, run = run.Summary(), apiRssMb = rss, sizes });
    }
    var (invariants, hold) = await InvariantsAsync(data, acknowledged.ToArray());
    await WriteReportAsync(new
    {
        machine = $"{Environment.ProcessorCount} cores, {Environment.OSVersion}", ceiling = new { perSecond = Math.Round(ceiling, 1) },
        sharePct = opts.OpenLoopShare, offeredPerSecond = Math.Round(rate, 1), minutes, invariants, serverErrors,
    }, opts.Output, print: false);
    return hold && serverErrors == 0 ? 0 : 1;
}

// Let the worker finish any 202s (up to 60 s), then the invariants: no overlapping live assignments,
// every acknowledged booking stored, every booking terminal.
static async Task<(object Report, bool Hold)> InvariantsAsync(NpgsqlDataSource data, Guid[] acknowledged)
{
    var deadline = DateTime.UtcNow.AddSeconds(60);
    long nonTerminal;
    do
    {
        await Task.Delay(500);
        nonTerminal = await ScalarAsync(data, "SELECT count(*) FROM bookings WHERE assignment_state IN ('created','capacity_verified','assignment_pending','assignment_in_progress','assigned')");
    } while (nonTerminal > 0 && DateTime.UtcNow < deadline);
    var overlaps = await OverlapsAsync(data);
    var stored = await ScalarAsync(data, "SELECT count(*) FROM bookings WHERE id = ANY($1)", acknowledged);
    return (new { overlappingLiveAssignments = overlaps, acknowledged = acknowledged.Length, acknowledgedStored = stored, nonTerminalAfter60s = nonTerminal },
        overlaps == 0 && stored == acknowledged.Length && nonTerminal == 0);
}

// Sizes (bytes, with indexes and TOAST) and row counts of what grows per booking.
static async Task<Dictionary<string, long>> SizesAsync(NpgsqlDataSource data)
{
    await using var cmd = data.CreateCommand("""
        SELECT (SELECT coalesce(sum(pg_total_relation_size(inhrelid)), 0) FROM pg_inherits WHERE inhparent = 'observability_events'::regclass) AS events_bytes,
               (SELECT count(*) FROM observability_events) AS events_rows,
               pg_total_relation_size('bookings') AS bookings_bytes, (SELECT count(*) FROM bookings) AS bookings_rows,
               pg_total_relation_size('booking_assignment_state_history') AS history_bytes,
               pg_total_relation_size('booking_assignment_attempts') AS attempts_bytes,
               pg_total_relation_size('booking_table_assignments') AS assignments_bytes
        """);
    await using var reader = await cmd.ExecuteReaderAsync();
    await reader.ReadAsync();
    return Enumerable.Range(0, reader.FieldCount).ToDictionary(reader.GetName, reader.GetInt64);
}

static Task<long> OverlapsAsync(NpgsqlDataSource data) => ScalarAsync(data, """
    SELECT count(*) FROM booking_table_assignments a JOIN booking_table_assignments b
      ON a.table_id = b.table_id AND a.id < b.id AND a.during && b.during
    WHERE a.released_at IS NULL AND b.released_at IS NULL
    """);

// Sell-out: several restaurants' evenings driven past capacity through the API (issue 9). Reports
// the seed's metrics over those bookings: confirmation rate, manual-review share, share answered 409.
static async Task<object> SellOutAsync(HttpClient http, HttpClient ops, NpgsqlDataSource data, TimeZoneInfo zone, int restaurants, int clients)
{
    var ids = new List<Guid>();
    for (var i = 0; i < restaurants; i++) ids.Add(await CreateRestaurantAsync(ops, $"Sell-out {i}"));
    // About three times what 40 tables can seat between 18:00 and 21:00.
    var perRestaurant = 360;
    var run = new Run();
    var next = -1;
    var stop = Stopwatch.StartNew();
    await Task.WhenAll(Enumerable.Range(0, clients).Select(async c =>
    {
        var random = new Random(7000 + c);
        int n;
        while ((n = Interlocked.Increment(ref next)) < perRestaurant * restaurants)
            await run.SendAsync(http, Booking(ids[n % restaurants], random.Next(1, 7), Local(zone, 21, new TimeOnly(18, 0).AddMinutes(15 * random.Next(13)))));
    }));
    run.Elapsed = stop.Elapsed;
    // Let the worker finish any 202s before counting.
    for (var i = 0; i < 120 && await ScalarAsync(data, "SELECT count(*) FROM bookings WHERE restaurant_id = ANY($1) AND assignment_state IN ('created','capacity_verified','assignment_pending','assignment_in_progress','assigned')", ids.ToArray()) > 0; i++)
        await Task.Delay(500);
    var stored = await ScalarAsync(data, "SELECT count(*) FROM bookings WHERE restaurant_id = ANY($1)", ids.ToArray());
    var confirmed = await ScalarAsync(data, "SELECT count(*) FROM bookings WHERE restaurant_id = ANY($1) AND status = 'confirmed'", ids.ToArray());
    var manualReview = await ScalarAsync(data, "SELECT count(*) FROM bookings WHERE restaurant_id = ANY($1) AND assignment_state = 'manual_review'", ids.ToArray());
    var summary = run.Summary();
    var refused = run.StatusCount(409);
    var reviewReasons = new Dictionary<string, long>();
    await using (var cmd = data.CreateCommand("SELECT coalesce(assignment_reason, '-'), count(*) FROM bookings WHERE restaurant_id = ANY($1) AND assignment_state = 'manual_review' GROUP BY 1"))
    {
        cmd.Parameters.AddWithValue(ids.ToArray());
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync()) reviewReasons[reader.GetString(0)] = reader.GetInt64(1);
    }
    return new
    {
        restaurants, requests = run.Requests, admitted = stored, manualReviewReasons = reviewReasons,
        confirmationRatePct = stored == 0 ? double.NaN : Math.Round(100.0 * confirmed / stored, 2),
        manualReviewSharePct = stored == 0 ? double.NaN : Math.Round(100.0 * manualReview / stored, 2),
        answered409Pct = Math.Round(100.0 * refused / Math.Max(1, run.Requests), 2),
        run = summary,
    };
}

static async Task<Guid> CreateRestaurantAsync(HttpClient ops, string name)
{
    // 40 tables: 10 two-tops, 24 four-tops in pairs that join, 6 six-tops; open 11:00–23:00 every day.
    var tables = new List<object>();
    var adjacency = new List<string[]>();
    for (var i = 1; i <= 10; i++) tables.Add(new { label = $"S{i}", zone = "main", minCovers = 1, maxCovers = 2 });
    for (var i = 1; i <= 24; i++) tables.Add(new { label = $"F{i}", zone = "main", minCovers = 1, maxCovers = 4 });
    for (var i = 1; i <= 24; i += 2) adjacency.Add([$"F{i}", $"F{i + 1}"]);
    for (var i = 1; i <= 6; i++) tables.Add(new { label = $"L{i}", zone = "terrace", minCovers = 3, maxCovers = 6 });
    var body = new
    {
        name, timeZone = "Europe/London",
        services = new[] { new { name = "all day", start = "11:00", end = "23:30", lastSeating = "22:00" } },
        turnMinutesByPartySize = new Dictionary<string, int> { ["2"] = 75, ["4"] = 90, ["6"] = 105, ["8"] = 120 },
        bufferMinutes = 10, tables, adjacency, maxTablesPerBooking = 2,
    };
    var response = await ops.PostAsJsonAsync("/restaurants", body);
    response.EnsureSuccessStatusCode();
    return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
}

static DateTimeOffset Local(TimeZoneInfo zone, int daysAhead, TimeOnly time)
{
    var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, zone).DateTime);
    var wall = today.AddDays(daysAhead).ToDateTime(time);
    return new DateTimeOffset(wall, zone.GetUtcOffset(wall));
}

static object Booking(Guid restaurant, int party, DateTimeOffset start) => new
{
    restaurantId = restaurant, partySize = party, startsAt = start.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture),
    customer = new { name = "Load Test", email = "load@example.com" },
};

static async Task<Run> RunLoadAsync(HttpClient http, List<Guid> restaurants, TimeZoneInfo zone, int clients, TimeSpan duration, int dayOffset)
{
    var run = new Run();
    var stop = Stopwatch.StartNew();
    var workers = Enumerable.Range(0, clients).Select(async c =>
    {
        var random = new Random(c * 7919 + dayOffset);
        while (stop.Elapsed < duration)
        {
            // Spread over 60 days × 45 start times × many restaurants: mostly seatable requests.
            var start = Local(zone, dayOffset + random.Next(60), new TimeOnly(11, 0).AddMinutes(15 * random.Next(45)));
            await run.SendAsync(http, Booking(restaurants[random.Next(restaurants.Count)], random.Next(1, 7), start));
        }
    });
    await Task.WhenAll(workers);
    run.Elapsed = stop.Elapsed;
    return run;
}

// Open loop (issue 13, target 2): requests at a fixed rate whatever the answers do, each one's latency
// counted from its intended send time, so queueing (in this client or in the API) is not hidden.
static async Task<Run> OpenLoopAsync(HttpClient http, List<Guid> restaurants, TimeZoneInfo zone, double rate, TimeSpan duration, int dayOffset, int days = 60)
{
    var run = new Run();
    var random = new Random(4242 + dayOffset);
    var sent = new List<Task>();
    var start = Stopwatch.GetTimestamp();
    var total = (int)(rate * duration.TotalSeconds);
    for (var i = 0; i < total; i++)
    {
        var intended = start + (long)(i / rate * Stopwatch.Frequency);
        var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), intended);
        if (wait > TimeSpan.Zero) await Task.Delay(wait);
        var day = Local(zone, dayOffset + random.Next(days), new TimeOnly(11, 0).AddMinutes(15 * random.Next(45)));
        sent.Add(run.SendAsync(http, Booking(restaurants[random.Next(restaurants.Count)], random.Next(1, 7), day), intended));
    }
    await Task.WhenAll(sent);
    run.Elapsed = Stopwatch.GetElapsedTime(start);
    return run;
}

// --drop-only: the ceiling, then the two drops alone (--drop N requests each), with the CPU the second took per request.
static async Task<int> DropOnlyAsync(HttpClient http, Guid firstRestaurant, Guid restaurant, TimeZoneInfo zone, Args opts, NpgsqlDataSource data, double ceiling)
{
    Console.WriteLine($"Ceiling {ceiling:F1}/s; drops: {opts.DropRequests} requests each, {opts.Clients} clients ...");
    var first = await DropAsync(http, firstRestaurant, zone, opts.DropRequests, opts.Clients);
    var apiBefore = opts.ApiPid > 0 ? CpuSeconds(opts.ApiPid) : 0;
    var postgresBefore = PostgresCpuSeconds();
    var drop = await DropAsync(http, restaurant, zone, opts.DropRequests, opts.Clients);
    var postgres = PostgresCpuSeconds().Sum(p => p.Value - postgresBefore.GetValueOrDefault(p.Key));
    var (invariants, hold) = await InvariantsAsync(data, first.Acknowledged.Concat(drop.Acknowledged).ToArray());
    var report = new
    {
        machine = $"{Environment.ProcessorCount} cores, {Environment.OSVersion}",
        clients = opts.Clients,
        ceiling = new { perSecond = Math.Round(ceiling, 1) },
        firstDrop = first.Summary(),
        firstDropByStatus = first.SummaryByStatus(),
        drop = drop.Summary(),
        dropShareOfCeiling = Math.Round(100 * drop.PerSecond / ceiling, 1),
        dropByStatus = drop.SummaryByStatus(),
        apiCpuMsPerRequest = opts.ApiPid > 0 ? Math.Round(1000 * (CpuSeconds(opts.ApiPid) - apiBefore) / drop.Requests, 2) : (double?)null,
        postgresCpuMsPerRequest = Math.Round(1000 * postgres / drop.Requests, 2),
        invariants,
        apiRssMb = opts.ApiPid > 0 ? Math.Round(RssMb(opts.ApiPid), 1) : (double?)null,
    };
    await WriteReportAsync(report, opts.Output);
    return hold && first.ServerErrors == 0 && drop.ServerErrors == 0 ? 0 : 1;
}

// The run's JSON in --out's file and, unless the run printed its own lines (the soak, the lock faults), on stdout.
static async Task WriteReportAsync(object report, string? output, bool print = true)
{
    var json = JsonSerializer.Serialize(report, new JsonSerializerOptions { WriteIndented = true });
    if (print) Console.WriteLine(json);
    if (output is not null) await File.WriteAllTextAsync(output, json);
}

static async Task<Run> DropAsync(HttpClient http, Guid restaurant, TimeZoneInfo zone, int requests, int clients)
{
    // Everyone wants the same evening (19:00–21:00) the moment bookings open.
    var run = new Run();
    var next = -1;
    var stop = Stopwatch.StartNew();
    await Task.WhenAll(Enumerable.Range(0, clients).Select(async c =>
    {
        var random = new Random(c);
        while (Interlocked.Increment(ref next) < requests)
            await run.SendAsync(http, Booking(restaurant, random.Next(1, 7), Local(zone, 14, new TimeOnly(19, 0).AddMinutes(15 * random.Next(9)))));
    }));
    run.Elapsed = stop.Elapsed;
    return run;
}

static async Task<double> CeilingAsync(NpgsqlDataSource data, int clients, TimeSpan duration)
{
    // The minimal write a booking needs: booking row + assignment row + one event, one transaction,
    // as in every earlier session: the triggers that count a day's changes for availability
    // (migrations/0010) are off while it runs, so the API pays for them and the ceiling does not.
    var restaurant = Guid.CreateVersion7();
    var table = Guid.CreateVersion7();
    var zoneId = Guid.CreateVersion7();
    await using (var setup = data.CreateBatch())
    {
        setup.BatchCommands.Add(new("INSERT INTO restaurants (id, name, time_zone, services, turn_minutes_by_party_size, buffer_minutes, max_tables_per_booking) VALUES ($1, 'ceiling', 'UTC', '[]', '{}', 0, 1)") { Parameters = { new() { Value = restaurant } } });
        setup.BatchCommands.Add(new("INSERT INTO zones (id, restaurant_id, name) VALUES ($1, $2, 'main')") { Parameters = { new() { Value = zoneId }, new() { Value = restaurant } } });
        setup.BatchCommands.Add(new("INSERT INTO restaurant_tables (id, restaurant_id, zone_id, label, min_covers, max_covers) VALUES ($1, $2, $3, 'T', 1, 4)") { Parameters = { new() { Value = table }, new() { Value = restaurant }, new() { Value = zoneId } } });
        await setup.ExecuteNonQueryAsync();
    }
    await ScheduleTriggersAsync(data, "DISABLE");
    long done = 0;
    var slot = 0L;
    var stop = Stopwatch.StartNew();
    await Task.WhenAll(Enumerable.Range(0, clients).Select(async _ =>
    {
        while (stop.Elapsed < duration)
        {
            var start = new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero).AddMinutes(Interlocked.Increment(ref slot) * 100);
            await using var conn = await data.OpenConnectionAsync();
            await using var tx = await conn.BeginTransactionAsync();
            var id = Guid.CreateVersion7();
            await using var batch = new NpgsqlBatch(conn, tx)
            {
                BatchCommands =
                {
                    new("INSERT INTO bookings (id, restaurant_id, reference, party_size, start_at, end_at, status, assignment_state, assignment_pipeline, customer_name) VALUES ($1, $2, $3, 2, $4, $5, 'confirmed', 'confirmed', 'v3', 'x')")
                        { Parameters = { new() { Value = id }, new() { Value = restaurant }, new() { Value = id.ToString("N") }, new() { Value = start }, new() { Value = start.AddMinutes(90) } } },
                    new("INSERT INTO booking_table_assignments (booking_id, table_id, held_from, held_until, assigned_by) VALUES ($1, $2, $3, $4, 'ceiling')")
                        { Parameters = { new() { Value = id }, new() { Value = table }, new() { Value = start }, new() { Value = start.AddMinutes(90) } } },
                    new("INSERT INTO observability_events (source, event_type, severity, context, restaurant_id, booking_id) VALUES ('bench', 'ceiling', 'info', '{}', $1, $2)")
                        { Parameters = { new() { Value = restaurant }, new() { Value = id } } },
                },
            };
            await batch.ExecuteNonQueryAsync();
            await tx.CommitAsync();
            Interlocked.Increment(ref done);
        }
    }));
    var perSecond = done / stop.Elapsed.TotalSeconds;
    await using (var cleanup = data.CreateBatch())
    {
        cleanup.BatchCommands.Add(new("DELETE FROM booking_table_assignments WHERE assigned_by = 'ceiling'"));
        cleanup.BatchCommands.Add(new("DELETE FROM observability_events WHERE source = 'bench'"));
        cleanup.BatchCommands.Add(new("DELETE FROM bookings WHERE restaurant_id = $1") { Parameters = { new() { Value = restaurant } } });
        await cleanup.ExecuteNonQueryAsync();
    }
    await ScheduleTriggersAsync(data, "ENABLE");
    return perSecond;
}

// The schema of an earlier commit measured beside this one (bench/run-ab-bench.sh) has no such triggers.
static async Task ScheduleTriggersAsync(NpgsqlDataSource data, string enableOrDisable)
{
    await using var cmd = data.CreateCommand($"""
        DO $$ BEGIN IF to_regclass('schedule_versions') IS NOT NULL THEN
            ALTER TABLE bookings {enableOrDisable} TRIGGER bookings_schedule_insert, {enableOrDisable} TRIGGER bookings_schedule_delete;
            ALTER TABLE booking_table_assignments {enableOrDisable} TRIGGER assignments_schedule_insert, {enableOrDisable} TRIGGER assignments_schedule_delete;
        END IF; END $$
        """);
    await cmd.ExecuteNonQueryAsync();
}

static async Task<long> ScalarAsync(NpgsqlDataSource data, string sql, params object[] parameters)
{
    await using var cmd = data.CreateCommand(sql);
    foreach (var p in parameters) cmd.Parameters.AddWithValue(p);
    return Convert.ToInt64(await cmd.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
}

// utime + stime of a process, in seconds (Linux /proc; clock ticks are 100 Hz).
static double CpuSeconds(int pid)
{
    var fields = File.ReadAllText($"/proc/{pid}/stat").Split(')')[1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
    return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0;
}

// utime + stime of every process named postgres, per pid: the benchmark's server and its backends, and any
// other PostgreSQL on the machine (run nothing else beside a benchmark). A backend started during the
// phase counts from zero; one that ended during it is lost (the API's pool keeps its connections).
static Dictionary<int, double> PostgresCpuSeconds()
{
    var cpu = new Dictionary<int, double>();
    foreach (var dir in Directory.EnumerateDirectories("/proc"))
    {
        if (!int.TryParse(Path.GetFileName(dir), out var pid)) continue;
        try
        {
            if (File.ReadAllText($"{dir}/comm").Trim() == "postgres") cpu[pid] = CpuSeconds(pid);
        }
        catch (IOException) { } // the process ended meanwhile
        catch (UnauthorizedAccessException) { }
    }
    return cpu;
}

static double RssMb(int pid)
{
    var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
    return line is null ? double.NaN : double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024;
}

internal sealed class Run
{
    private readonly ConcurrentBag<(int Status, double Ms)> _samples = []; // status 0: no answer (connection error, timeout)
    public ConcurrentBag<Guid> Acknowledged { get; } = [];
    public TimeSpan Elapsed { get; set; }
    public int Requests => _samples.Count;
    public int ServerErrors => _samples.Count(x => x.Status >= 500 || x.Status == 0);
    public double PerSecond => Requests / Elapsed.TotalSeconds;

    /// <param name="intended">Open loop: the timestamp the request was due; latency counts from it, not from the send.</param>
    public async Task SendAsync(HttpClient http, object body, long? intended = null)
    {
        var from = intended ?? Stopwatch.GetTimestamp();
        int code;
        try
        {
            using var response = await http.PostAsJsonAsync("/bookings", body);
            code = (int)response.StatusCode;
            if (code is 201 or 202)
                Acknowledged.Add((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid());
        }
        catch (HttpRequestException) { code = 0; }
        catch (TaskCanceledException) { code = 0; }
        _samples.Add((code, Stopwatch.GetElapsedTime(from).TotalMilliseconds));
    }

    public int StatusCount(int code) => _samples.Count(x => x.Status == code);

    public double Percentile(double q) => At(Sorted(_samples), q);

    /// <summary>p50 / p99 / max per status code (the drop: do refusals wait behind admissions?).</summary>
    public object SummaryByStatus() => _samples.GroupBy(x => x.Status).OrderBy(g => g.Key).ToDictionary(
        g => g.Key.ToString(CultureInfo.InvariantCulture),
        g =>
        {
            var sorted = Sorted(g);
            return new { count = sorted.Length, p50Ms = Math.Round(At(sorted, 0.50), 1), p99Ms = Math.Round(At(sorted, 0.99), 1), maxMs = Math.Round(sorted[^1], 1) };
        });

    public object Summary()
    {
        var sorted = Sorted(_samples);
        double P(double q) => Math.Round(At(sorted, q), 1);
        return new
        {
            requests = Requests, seconds = Math.Round(Elapsed.TotalSeconds, 2), perSecond = Math.Round(PerSecond, 1),
            p50Ms = P(0.50), p95Ms = P(0.95), p99Ms = P(0.99), maxMs = sorted.Length == 0 ? double.NaN : Math.Round(sorted[^1], 1),
            status = _samples.GroupBy(x => x.Status).OrderBy(g => g.Key).ToDictionary(g => g.Key.ToString(CultureInfo.InvariantCulture), g => g.Count()),
            serverErrors = ServerErrors,
        };
    }

    private static double[] Sorted(IEnumerable<(int Status, double Ms)> samples) => samples.Select(x => x.Ms).Order().ToArray();

    private static double At(double[] sorted, double q) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Length) - 1, 0, sorted.Length - 1)];
}

internal sealed record Args(string Url, string ClientKey, string OpsKey, string Postgres, int Clients, int Seconds, int Restaurants, int DropRequests, int ApiPid, string? Output,
    int[] RedisPids, bool SteadyOnly, string? IdsOut, double OpenLoopShare, int SoakMinutes, int WarmupSeconds, bool DropOnly)
{
    public static Args Parse(string[] a)
    {
        string Get(string name, string fallback) { var i = Array.IndexOf(a, name); return i >= 0 && i + 1 < a.Length ? a[i + 1] : fallback; }
        return new Args(Get("--url", "http://127.0.0.1:5090"), Get("--client-key", "bench-client-key"), Get("--ops-key", "bench-ops-key"),
            Get("--postgres", "Host=127.0.0.1;Port=55435;Database=booking;Username=booking;Password=booking"),
            int.Parse(Get("--clients", "200"), CultureInfo.InvariantCulture), int.Parse(Get("--seconds", "20"), CultureInfo.InvariantCulture),
            int.Parse(Get("--restaurants", "20"), CultureInfo.InvariantCulture), int.Parse(Get("--drop", "2000"), CultureInfo.InvariantCulture),
            int.Parse(Get("--api-pid", "0"), CultureInfo.InvariantCulture), a.Contains("--out") ? Get("--out", "") : null,
            Get("--redis-pids", "").Split(',', StringSplitOptions.RemoveEmptyEntries).Select(x => int.Parse(x, CultureInfo.InvariantCulture)).ToArray(),
            a.Contains("--steady-only"), a.Contains("--ids-out") ? Get("--ids-out", "") : null,
            double.Parse(Get("--open-loop-share", a.Contains("--soak-minutes") ? "25" : "0"), CultureInfo.InvariantCulture),
            int.Parse(Get("--soak-minutes", "0"), CultureInfo.InvariantCulture), int.Parse(Get("--warmup-seconds", "45"), CultureInfo.InvariantCulture),
            a.Contains("--drop-only"));
    }
}
