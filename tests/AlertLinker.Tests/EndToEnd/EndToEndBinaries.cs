namespace AlertLinker.Tests.EndToEnd;

/// <summary>
/// Where the real programs of the end-to-end tests are. Debian's packages install them in /usr/bin;
/// PROMETHEUS_BIN / ALERTMANAGER_BIN override (e.g. upstream tarballs).
/// </summary>
internal static class EndToEndBinaries
{
    public static string Prometheus => Environment.GetEnvironmentVariable("PROMETHEUS_BIN") is { Length: > 0 } path ? path : "/usr/bin/prometheus";

    public static string Alertmanager => Environment.GetEnvironmentVariable("ALERTMANAGER_BIN") is { Length: > 0 } path ? path : "/usr/bin/prometheus-alertmanager";

    /// <summary>The service, built next to this test assembly because the test project references it.</summary>
    public static string AlertLinkerDll => Path.Combine(AppContext.BaseDirectory, "AlertLinker.dll");

    /// <summary>True when running under CI (CI=true), where end-to-end tests must run, never skip.</summary>
    public static bool InCi =>
        string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase)
        || Environment.GetEnvironmentVariable("CI") == "1";

    /// <summary>What is missing to run the end-to-end tests, or null when everything is there.</summary>
    public static string? Missing()
    {
        var missing = new List<string>();
        if (!File.Exists(Prometheus))
            missing.Add($"{Prometheus} (apt-get install prometheus)");
        if (!File.Exists(Alertmanager))
            missing.Add($"{Alertmanager} (apt-get install prometheus-alertmanager)");
        if (!File.Exists(AlertLinkerDll))
            missing.Add($"{AlertLinkerDll} (the service's build output)");
        return missing.Count == 0
            ? null
            : "End-to-end binaries missing: " + string.Join("; ", missing) + ". `.ci/run` installs them.";
    }

    /// <summary>Fails the test when the service's build output is missing (it is built with this test project).</summary>
    public static void RequireService() =>
        Assert.True(File.Exists(AlertLinkerDll), $"{AlertLinkerDll} is missing: build the test project");

    /// <summary>Fails the test with a clear message when a binary is missing (reached only in CI; elsewhere the test is skipped).</summary>
    public static void Require()
    {
        if (Missing() is { } message)
            Assert.Fail(message);
    }
}

/// <summary>
/// A fact that needs the real Prometheus, Alertmanager and service binaries. Outside CI it is skipped (with the reason)
/// when they are missing; under CI=true it always runs, so a missing install fails instead of silently skipping.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class EndToEndFactAttribute : FactAttribute
{
    public EndToEndFactAttribute()
    {
        if (!EndToEndBinaries.InCi && EndToEndBinaries.Missing() is { } message)
            Skip = message + " Skipped outside CI.";
    }
}
