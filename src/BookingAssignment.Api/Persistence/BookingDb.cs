using Microsoft.EntityFrameworkCore.ChangeTracking;
using BookingAssignment.Api.Webhooks;

namespace BookingAssignment.Api.Persistence;

/// <summary>
/// EF Core view of the schema. The schema itself is owned by the SQL files in /migrations, so
/// this model only maps names and keys; generated and database-defaulted columns are marked so
/// EF never writes them.
/// </summary>
internal sealed class BookingDb(DbContextOptions<BookingDb> options) : DbContext(options)
{
    public DbSet<Restaurant> Restaurants => Set<Restaurant>();
    public DbSet<Zone> Zones => Set<Zone>();
    public DbSet<RestaurantTable> Tables => Set<RestaurantTable>();
    public DbSet<TableAdjacency> Adjacency => Set<TableAdjacency>();
    public DbSet<Booking> Bookings => Set<Booking>();
    public DbSet<BookingTableAssignment> Assignments => Set<BookingTableAssignment>();
    public DbSet<ObservabilityEvent> Events => Set<ObservabilityEvent>();
    public DbSet<StateHistoryEntry> StateHistory => Set<StateHistoryEntry>();
    public DbSet<AssignmentAttempt> Attempts => Set<AssignmentAttempt>();
    public DbSet<IdempotencyRecord> IdempotencyKeys => Set<IdempotencyRecord>();
    public DbSet<StaffKey> StaffKeys => Set<StaffKey>();
    public DbSet<TableBlock> Blocks => Set<TableBlock>();
    public DbSet<BookingHold> Holds => Set<BookingHold>();
    public DbSet<WebhookSubscription> WebhookSubscriptions => Set<WebhookSubscription>();
    public DbSet<WebhookOutboxEntry> WebhookOutbox => Set<WebhookOutboxEntry>();
    public DbSet<WebhookDelivery> WebhookDeliveries => Set<WebhookDelivery>();

    /// <summary>Every save also writes the webhook outbox rows for the booking changes it carries (same transaction).</summary>
    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        using var _ = PrepareSave();
        return base.SaveChanges(acceptAllChangesOnSuccess);
    }

    public override async Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        using var _ = PrepareSave();
        return await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
    }

    /// <summary>
    /// No savepoint around a save in a transaction: every caller whose save fails abandons the
    /// transaction (and re-plans, if it does, in a fresh one), so rolling back to a savepoint is never
    /// used, and releasing it was a round trip per save, under the day's lock on the hot path. Set per
    /// save: a pooled context's <c>Database</c> is reset to the default when it goes back to the pool.
    /// Then the outbox.
    /// </summary>
    private DetectionPaused PrepareSave()
    {
        Database.AutoSavepointsEnabled = false;
        return StageOutbox();
    }

    /// <summary>
    /// One DetectChanges per save (if the caller has not turned detection off): the outbox reads the
    /// booking entries after it, and the save itself (which would detect again) then only adds the
    /// outbox rows, which need no detection.
    /// </summary>
    private DetectionPaused StageOutbox()
    {
        if (ChangeTracker.AutoDetectChangesEnabled) ChangeTracker.DetectChanges();
        var paused = new DetectionPaused(ChangeTracker);
        try { BookingOutbox.Stage(this); }
        catch { paused.Dispose(); throw; }
        return paused;
    }

    /// <summary>Automatic DetectChanges off until disposed (then as it was).</summary>
    private readonly struct DetectionPaused : IDisposable
    {
        private readonly ChangeTracker _tracker;
        private readonly bool _was;
        public DetectionPaused(ChangeTracker tracker) { _tracker = tracker; _was = tracker.AutoDetectChangesEnabled; tracker.AutoDetectChangesEnabled = false; }
        public void Dispose() => _tracker.AutoDetectChangesEnabled = _was;
    }

    protected override void OnModelCreating(ModelBuilder b)
    {
        b.Entity<Restaurant>(e =>
        {
            e.ToTable("restaurants");
            e.Property(x => x.Services).HasColumnType("jsonb");
            e.Property(x => x.TurnMinutesByPartySize).HasColumnType("jsonb");
            e.Property(x => x.CreatedAt).ValueGeneratedOnAdd().HasDefaultValueSql("now()");
            e.HasMany(x => x.Zones).WithOne().HasForeignKey(x => x.RestaurantId);
            e.HasMany(x => x.Tables).WithOne().HasForeignKey(x => x.RestaurantId);
            e.HasMany(x => x.Adjacency).WithOne().HasForeignKey(x => x.RestaurantId);
        });
        b.Entity<Zone>().ToTable("zones");
        b.Entity<RestaurantTable>(e =>
        {
            e.ToTable("restaurant_tables");
            e.HasOne(x => x.Zone).WithMany().HasForeignKey(x => x.ZoneId);
        });
        b.Entity<TableAdjacency>(e =>
        {
            e.ToTable("table_adjacency");
            e.HasKey(x => new { x.TableA, x.TableB });
            // Declared so EF inserts tables before the pairs that reference them.
            e.HasOne<RestaurantTable>().WithMany().HasForeignKey(x => x.TableA);
            e.HasOne<RestaurantTable>().WithMany().HasForeignKey(x => x.TableB);
        });
        b.Entity<Booking>(e =>
        {
            e.ToTable("bookings");
            e.Property(x => x.AssignmentStateVersion).IsConcurrencyToken();
            // The contract's snake_case spelling (SPEC §4.1), one definition: StateNames.
            e.Property(x => x.AssignmentState).HasConversion(s => StateNames.Of(s), s => StateNames.Parse(s));
            // Maintained by a trigger (migration 0004): read back after every save, never written.
            e.Property(x => x.RowVersion).ValueGeneratedOnAddOrUpdate().HasDefaultValueSql("1")
                .Metadata.SetAfterSaveBehavior(Microsoft.EntityFrameworkCore.Metadata.PropertySaveBehavior.Ignore);
        });
        b.Entity<BookingTableAssignment>(e =>
        {
            e.ToTable("booking_table_assignments");
            e.Property(x => x.Id).UseIdentityAlwaysColumn();
            e.HasOne<Booking>().WithMany().HasForeignKey(x => x.BookingId);
            e.HasOne<RestaurantTable>().WithMany().HasForeignKey(x => x.TableId);
        });
        b.Entity<ObservabilityEvent>(e =>
        {
            e.ToTable("observability_events"); // partitioned by day (migrations/0007); the id comes from a sequence
            e.Property(x => x.Id).ValueGeneratedOnAdd();
            e.Property(x => x.Context).HasColumnType("jsonb");
        });
        b.Entity<StateHistoryEntry>(e =>
        {
            e.ToTable("booking_assignment_state_history");
            e.Property(x => x.Id).UseIdentityAlwaysColumn();
            e.Property(x => x.Metadata).HasColumnType("jsonb");
            e.HasOne<Booking>().WithMany().HasForeignKey(x => x.BookingId);
        });
        b.Entity<AssignmentAttempt>(e =>
        {
            e.ToTable("booking_assignment_attempts");
            e.Property(x => x.Id).UseIdentityAlwaysColumn();
            e.HasOne<Booking>().WithMany().HasForeignKey(x => x.BookingId);
        });
        b.Entity<TableBlock>(e =>
        {
            e.ToTable("table_blocks");
            e.Property(x => x.CreatedAt).ValueGeneratedOnAdd().HasDefaultValueSql("now()");
        });
        b.Entity<BookingHold>(e =>
        {
            e.ToTable("booking_holds");
            e.Property(x => x.CreatedAt).ValueGeneratedOnAdd().HasDefaultValueSql("now()");
        });
        b.Entity<WebhookSubscription>(e =>
        {
            e.ToTable("webhook_subscriptions");
            e.Property(x => x.CreatedAt).ValueGeneratedOnAdd().HasDefaultValueSql("now()");
        });
        b.Entity<WebhookOutboxEntry>(e =>
        {
            e.ToTable("webhook_outbox");
            e.Property(x => x.Id).UseIdentityAlwaysColumn();
            e.Property(x => x.Payload).HasColumnType("jsonb");
            e.Property(x => x.OccurredAt).ValueGeneratedOnAdd().HasDefaultValueSql("now()");
        });
        b.Entity<WebhookDelivery>(e =>
        {
            e.ToTable("webhook_deliveries");
            e.Property(x => x.Id).UseIdentityAlwaysColumn();
        });
        b.Entity<IdempotencyRecord>(e =>
        {
            e.ToTable("idempotency_keys");
            e.HasKey(x => new { x.ClientKeyHash, x.Key });
        });
        b.Entity<StaffKey>(e =>
        {
            e.ToTable("staff_keys");
            e.HasOne<Restaurant>().WithMany().HasForeignKey(x => x.RestaurantId);
        });
        // Array columns (uuid[], text[]) compare by content with comparers compiled once. EF Core's own
        // array comparer builds and compiles a new element comparer on every comparison
        // (dotnet/efcore#35239), which cost a JIT compilation per SaveChanges (docs/benchmarks.md).
        foreach (var property in b.Model.GetEntityTypes().SelectMany(t => t.GetProperties()))
            if (property.ClrType == typeof(Guid[])) property.SetValueComparer(ArrayComparer<Guid>.Instance);
            else if (property.ClrType == typeof(string[])) property.SetValueComparer(ArrayComparer<string>.Instance);
    }

    /// <summary>T[] by content (snapshot: a copy), for change tracking.</summary>
    private static class ArrayComparer<T>
    {
        public static readonly ValueComparer<T[]> Instance = new(
            (a, b) => a == null ? b == null : b != null && a.SequenceEqual(b),
            v => v.Aggregate(0, (hash, x) => HashCode.Combine(hash, x)),
            v => v.ToArray());
    }

    /// <summary>
    /// Entries of <typeparamref name="T"/> as tracked, without the full DetectChanges that <c>Local</c> and
    /// <c>Entries</c> run: for code that reads what it staged itself or what was just saved.
    /// </summary>
    public List<T> TrackedWithoutDetect<T>() where T : class
    {
        using var _ = new DetectionPaused(ChangeTracker);
        return Set<T>().Local.ToList();
    }
}
