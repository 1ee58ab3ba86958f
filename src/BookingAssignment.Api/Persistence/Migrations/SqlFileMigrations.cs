using System.Reflection;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace BookingAssignment.Api.Persistence.Migrations;

/// <summary>
/// An EF Core migration whose Up is a reviewable SQL file from /migrations (embedded in this
/// assembly). EF records applied ids in "__EFMigrationsHistory" and takes its migration lock, so
/// two instances starting at once do not race.
/// </summary>
internal abstract class SqlFileMigration(string fileName) : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder) => migrationBuilder.Sql(Read(fileName));

    internal static string Read(string fileName)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream($"migrations.{fileName}")
            ?? throw new InvalidOperationException($"Migration script {fileName} is not embedded.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}

[DbContext(typeof(BookingDb))]
[Migration("20261128000001_Initial")]
internal sealed class Initial() : SqlFileMigration("0001_initial.sql");

[DbContext(typeof(BookingDb))]
[Migration("20261201000002_IdempotencyKeyOnBooking")]
internal sealed class IdempotencyKeyOnBooking() : SqlFileMigration("0002_idempotency_key_on_booking.sql");

[DbContext(typeof(BookingDb))]
[Migration("20261201000003_StaffKeys")]
internal sealed class StaffKeys() : SqlFileMigration("0003_staff_keys.sql");

[DbContext(typeof(BookingDb))]
[Migration("20261201000004_BookingLifecycle")]
internal sealed class BookingLifecycle() : SqlFileMigration("0004_booking_lifecycle.sql");

[DbContext(typeof(BookingDb))]
[Migration("20261201000005_RunbookColumns")]
internal sealed class RunbookColumns() : SqlFileMigration("0005_runbook_columns.sql");

[DbContext(typeof(BookingDb))]
[Migration("20261201000006_Webhooks")]
internal sealed class Webhooks() : SqlFileMigration("0006_webhooks.sql");

[DbContext(typeof(BookingDb))]
[Migration("20261201000007_EventPartitions")]
internal sealed class EventPartitions() : SqlFileMigration("0007_event_partitions.sql");

[DbContext(typeof(BookingDb))]
[Migration("20261201000008_ScheduleIndexes")]
internal sealed class ScheduleIndexes() : SqlFileMigration("0008_schedule_indexes.sql");

[DbContext(typeof(BookingDb))]
[Migration("20261202000009_YieldProtection")]
internal sealed class YieldProtection() : SqlFileMigration("0009_yield_protection.sql");

[DbContext(typeof(BookingDb))]
[Migration("20261203000010_ScheduleVersions")]
internal sealed class ScheduleVersions() : SqlFileMigration("0010_schedule_versions.sql");
