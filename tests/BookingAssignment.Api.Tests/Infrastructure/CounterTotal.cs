using System.Diagnostics.Metrics;

namespace BookingAssignment.Api.Tests.Infrastructure;

/// <summary>
/// The running total of one of an API host's counters (its own meters only, not another host's in
/// the same process), optionally only the measurements carrying one tag value.
/// </summary>
public sealed class CounterTotal : IDisposable
{
    private readonly MeterListener _listener = new();
    private long _total;

    public CounterTotal(ApiHost api, string instrument, (string Key, string Value)? tag = null)
    {
        var factory = api.Services.GetRequiredService<IMeterFactory>();
        _listener.InstrumentPublished = (published, l) =>
        {
            if (published.Name == instrument && ReferenceEquals(published.Meter.Scope, factory)) l.EnableMeasurementEvents(published);
        };
        _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            if (tag is not { } wanted) { Interlocked.Add(ref _total, value); return; }
            foreach (var t in tags)
                if (t.Key == wanted.Key && Equals(t.Value, wanted.Value)) Interlocked.Add(ref _total, value);
        });
        _listener.Start();
    }

    public long Total => Interlocked.Read(ref _total);

    public void Dispose() => _listener.Dispose();
}
