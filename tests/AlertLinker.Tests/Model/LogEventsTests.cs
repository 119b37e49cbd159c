using System.Reflection;
using Microsoft.Extensions.Logging;

namespace AlertLinker.Tests.Model;

public sealed class LogEventsTests
{
    private static readonly IReadOnlyList<(int Id, string Method)> Declared = typeof(LogEvents).Assembly.GetTypes()
        .SelectMany(type => type.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly))
        .Select(method => (Method: method, Attribute: method.GetCustomAttribute<LoggerMessageAttribute>()))
        .Where(m => m.Attribute is not null)
        .Select(m => (m.Attribute!.EventId, $"{m.Method.DeclaringType!.FullName}.{m.Method.Name}"))
        .ToList();

    [Fact]
    public void TheAssemblyDeclaresLogMessages()
    {
        Assert.True(Declared.Count > 50, $"found only {Declared.Count} [LoggerMessage] methods: the scan is broken");
    }

    [Fact]
    public void NoTwoLogMessagesShareAnEventId()
    {
        var duplicates = Declared.GroupBy(d => d.Id).Where(g => g.Count() > 1)
            .Select(g => $"{g.Key}: {string.Join(", ", g.Select(d => d.Method))}")
            .ToList();

        Assert.True(duplicates.Count == 0, "event ids used twice:\n" + string.Join("\n", duplicates));
    }

    [Fact]
    public void EveryEventIdIsInTheRangeOfItsArea()
    {
        var outside = Declared
            .Where(d => !LogEvents.Areas.Any(area => d.Id >= area.First && d.Id <= area.Last
                && area.Namespaces.Any(ns => d.Method.StartsWith(ns + ".", StringComparison.Ordinal))))
            .Select(d => $"{d.Id}: {d.Method}")
            .ToList();

        Assert.True(outside.Count == 0, "event ids outside their area's range in LogEvents.Areas:\n" + string.Join("\n", outside));
    }

    [Fact]
    public void TheAreasDoNotOverlap()
    {
        var areas = LogEvents.Areas.OrderBy(a => a.First).ToList();

        Assert.All(areas, a => Assert.True(a.First <= a.Last, a.Name));
        Assert.All(areas.Zip(areas.Skip(1)), pair => Assert.True(pair.First.Last < pair.Second.First, $"{pair.First.Name} overlaps {pair.Second.Name}"));
    }
}
