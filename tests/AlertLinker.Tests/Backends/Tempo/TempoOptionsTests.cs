using AlertLinker.Backends.Tempo;
using Microsoft.Extensions.Options;

namespace AlertLinker.Tests.Backends.Tempo;

public sealed class TempoOptionsTests
{
    [Fact]
    public void MissingGrafanaAndDatasourceAreReportedTogether()
    {
        var error = Assert.Throws<OptionsValidationException>(() =>
            new BackendTestHost(BackendTestHost.Settings("tempo", ("Type", "Tempo"), ("ApiUrl", "http://127.0.0.1:3200/"), ("OrgId", "0"))));

        Assert.Contains(error.Failures, f => f.Contains("UiUrl is required: the Grafana base URL", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("DatasourceUid is required", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("OrgId must be 1 or more", StringComparison.Ordinal));
    }

    [Fact]
    public void DefaultsAreOrgOneAndHalfASecond()
    {
        var options = new TempoOptions();
        Assert.Equal(1, options.OrgId);
        Assert.Equal(TimeSpan.FromMilliseconds(500), options.SlowThreshold);
    }
}
