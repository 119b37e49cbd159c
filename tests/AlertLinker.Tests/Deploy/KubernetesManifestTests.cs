using System.Net;
using AlertLinker.Operability;
using AlertLinker.Tests.TestSupport;
using YamlDotNet.RepresentationModel;

namespace AlertLinker.Tests.Deploy;

/// <summary>deploy/kubernetes, rendered by kustomize, against the service it deploys.</summary>
public sealed class KubernetesManifestTests
{
    public static TheoryData<string> Overlays => new() { Kustomize.Sqlite, Kustomize.Postgres };

    [KustomizeTheory]
    [MemberData(nameof(Overlays))]
    public void BothOverlaysRenderEveryObjectTheServiceNeeds(string overlay)
    {
        var objects = Kustomize.Render(overlay);

        foreach (var kind in new[] { "Deployment", "Service", "PodDisruptionBudget" })
            Assert.Single(objects.OfKind(kind));
        Assert.Contains(objects.OfKind("ConfigMap"), c => c.Text("metadata", "name").StartsWith("alertlinker-runbooks-", StringComparison.Ordinal));
        // Every object carries the app label, and the selectors select the pods.
        Assert.All(objects, o => Assert.Equal("alertlinker", o.Text("metadata", "labels", "app.kubernetes.io/name")));
        var podLabels = objects.Single("Deployment").At("spec", "template", "metadata", "labels");
        foreach (var selector in new[]
                 {
                     objects.Single("Deployment").At("spec", "selector", "matchLabels"),
                     objects.Single("Service").At("spec", "selector"),
                     objects.Single("PodDisruptionBudget").At("spec", "selector", "matchLabels"),
                 })
        {
            Assert.NotEmpty(selector.Keys());
            Assert.All(selector.Keys(), key => Assert.Equal(selector.Text(key), podLabels.Text(key)));
        }
    }

    [KustomizeTheory]
    [MemberData(nameof(Overlays))]
    public void TheContainerPortIsThePortTheServiceListensOnAndTheServiceTargetsIt(string overlay)
    {
        var objects = Kustomize.Render(overlay);
        var port = Assert.Single(objects.Container().At("ports").Items());

        Assert.Equal(ListenAddress.DefaultPort.ToString(System.Globalization.CultureInfo.InvariantCulture), port.Text("containerPort"));
        var servicePort = Assert.Single(objects.Single("Service").At("spec", "ports").Items());
        Assert.Contains(servicePort.Text("targetPort"), new[] { port.Text("name"), port.Text("containerPort") });

        // The Alertmanager receiver example reaches it at the Service's name and port.
        var receiver = new Uri(DeployFiles.Yaml("deploy/alertmanager/alertmanager.yml")
            .At("receivers").Items().Single().At("webhook_configs").Items().Single().Text("url"));
        Assert.Equal(objects.Single("Service").Text("metadata", "name"), receiver.Host);
        Assert.Equal(servicePort.Text("port"), receiver.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [KustomizeTheory]
    [MemberData(nameof(Overlays))]
    public async Task EveryProbeAsksAPathTheServiceMapsAndThatAnswers200WhenHealthy(string overlay)
    {
        var container = Kustomize.Render(overlay).Container();
        var probes = new[] { "startupProbe", "livenessProbe", "readinessProbe" }
            .Select(name => (Name: name, Probe: container.At(name, "httpGet")))
            .ToList();

        Assert.Equal("/readyz", probes.Single(p => p.Name == "readinessProbe").Probe.Text("path"));
        Assert.Equal("/healthz", probes.Single(p => p.Name == "livenessProbe").Probe.Text("path"));
        await using var app = new AlertLinkerApp();
        using var client = app.CreateClient();
        foreach (var (name, probe) in probes)
        {
            var path = probe.Text("path");
            Assert.True(await AppRoutes.MapsAsync("GET", path), $"{name} asks GET {path}, which the service does not map ({await AppRoutes.DescribeAsync()})");
            Assert.Equal(container.At("ports").Items().Single().Text("name"), probe.Text("port"));
            using var response = await client.GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }

    [KustomizeTheory]
    [MemberData(nameof(Overlays))]
    public void ThePodRunsAsNonRootOnAReadOnlyRootFilesystemWithAWritableTmpAndLimits(string overlay)
    {
        var objects = Kustomize.Render(overlay);
        var pod = objects.Single("Deployment").At("spec", "template", "spec");
        var container = objects.Container();

        Assert.Equal("true", pod.Text("securityContext", "runAsNonRoot"));
        Assert.NotEqual("0", pod.Text("securityContext", "runAsUser"));
        Assert.Equal("true", container.Text("securityContext", "readOnlyRootFilesystem"));
        Assert.Equal("false", container.Text("securityContext", "allowPrivilegeEscalation"));
        Assert.Contains("ALL", container.At("securityContext", "capabilities", "drop").Items().Select(i => i.Text()));
        Assert.Equal("/tmp", objects.MountPath("tmp"));
        Assert.NotNull(pod.At("volumes").Items().Single(v => v.Text("name") == "tmp").Get("emptyDir"));
        foreach (var part in new[] { "cpu", "memory" })
            Assert.False(string.IsNullOrEmpty(container.Text("resources", "requests", part)));
        Assert.False(string.IsNullOrEmpty(container.Text("resources", "limits", "memory")));
    }

    [KustomizeTheory]
    [MemberData(nameof(Overlays))]
    public void TheRunbookConfigMapHoldsExactlyTheShippedTemplatesWhereTheServiceLoadsThem(string overlay)
    {
        var objects = Kustomize.Render(overlay);
        var volume = objects.Single("Deployment").At("spec", "template", "spec", "volumes").Items().Single(v => v.Text("name") == "runbooks");
        var configMap = objects.Named("ConfigMap", volume.Text("configMap", "name"));
        var shipped = Directory.EnumerateFiles(DeployFiles.PathOf("templates/runbooks"), "*.sbn").Select(Path.GetFileName).Order(StringComparer.Ordinal);

        Assert.True(shipped.SequenceEqual(configMap.At("data").Keys().Order(StringComparer.Ordinal)),
            $"templates/kustomization.yaml lists {string.Join(", ", configMap.At("data").Keys())}; templates/runbooks has {string.Join(", ", shipped)}: list every template there");
        foreach (var file in shipped)
            Assert.Equal(File.ReadAllText(DeployFiles.PathOf("templates/runbooks/" + file)), configMap.Text("data", file!));
        Assert.Equal(objects.MountPath("runbooks"), objects.Container().EnvValue("AlertLinker__Runbooks__Directory"));
    }

    [KustomizeTheory]
    [MemberData(nameof(Overlays))]
    public void EveryEnvironmentVariableIsARealConfigurationKey(string overlay)
    {
        var variables = EnvironmentOf(Kustomize.Render(overlay), overlay);
        Assert.NotEmpty(variables);

        // Keys the PostgreSQL store (issue 12) brings; this build may not have it yet.
        Skip.If(overlay == Kustomize.Postgres && !ConfigurationKeys.IsKnown("AlertLinker:Storage:Provider"),
            "AlertLinker:Storage:Provider is not a configuration key of this build yet (the PostgreSQL store)");
        var problems = variables.Select(ConfigurationKeys.ProblemWith).OfType<string>().ToList();
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [KustomizeFact]
    public void TheSqliteOverlayRunsOneReplicaRecreatedOnAClaimHoldingTheDatabase()
    {
        var objects = Kustomize.Render(Kustomize.Sqlite);
        var deployment = objects.Single("Deployment");

        Assert.Equal("1", deployment.Text("spec", "replicas"));
        Assert.Equal("Recreate", deployment.Text("spec", "strategy", "type"));
        var claim = objects.Single("PersistentVolumeClaim");
        var data = deployment.At("spec", "template", "spec", "volumes").Items().Single(v => v.Get("persistentVolumeClaim") is not null);
        Assert.Equal(claim.Text("metadata", "name"), data.Text("persistentVolumeClaim", "claimName"));
        Assert.Equal("ReadWriteOnce", claim.At("spec", "accessModes").Items().Single().Text());
        var database = objects.Container().EnvValue("AlertLinker__Storage__Path");
        Assert.Equal(objects.MountPath(data.Text("name")), Path.GetDirectoryName(database));
    }

    [KustomizeFact]
    public void ThePostgresOverlayRunsSeveralReplicasOnPostgresWithTheConnectionStringFromASecret()
    {
        var objects = Kustomize.Render(Kustomize.Postgres);
        var deployment = objects.Single("Deployment");
        var container = objects.Container();

        Assert.True(int.Parse(deployment.Text("spec", "replicas"), System.Globalization.CultureInfo.InvariantCulture) >= 2);
        Assert.Empty(objects.OfKind("PersistentVolumeClaim"));
        Assert.Equal("Postgres", container.EnvValue("AlertLinker__Storage__Provider"));
        var connection = container.At("env").Items().Single(e => e.Text("name") == "AlertLinker__Storage__ConnectionString");
        Assert.Null(connection.Get("value"));
        var reference = connection.At("valueFrom", "secretKeyRef");
        var secret = SecretExamples(Kustomize.Postgres).Single(s => s.Text("metadata", "name") == reference.Text("name"));
        Assert.Contains(reference.Text("key"), secret.At("stringData").Keys());
    }

    [Fact]
    public void TheSecretExamplesAreNotRenderedSoApplyingNeverOverwritesRealTokens()
    {
        foreach (var overlay in new[] { Kustomize.Sqlite, Kustomize.Postgres })
        {
            foreach (var kustomization in new[] { overlay, "deploy/kubernetes/base" })
                Assert.DoesNotContain("example", DeployFiles.Read(Path.Combine(kustomization, "kustomization.yaml"))
                    .Split('\n').Where(line => !line.TrimStart().StartsWith('#')).Aggregate("", (a, b) => a + b + "\n"), StringComparison.Ordinal);
        }
        Assert.NotEmpty(SecretExamples(Kustomize.Postgres));
    }

    /// <summary>The variables the container gets: its env entries, and the keys of the ConfigMaps and Secrets it takes whole.</summary>
    private static List<string> EnvironmentOf(IReadOnlyList<YamlMappingNode> objects, string overlay)
    {
        var container = objects.Container();
        var names = container.Get("env").Items().Select(e => e.Text("name")).ToList();
        foreach (var source in container.Get("envFrom").Items())
        {
            if (source.Get("configMapRef") is { } configMap)
                names.AddRange(objects.Named("ConfigMap", configMap.Text("name")).At("data").Keys());
            if (source.Get("secretRef") is { } secret)
            {
                var example = SecretExamples(overlay).SingleOrDefault(s => s.Text("metadata", "name") == secret.Text("name"))
                    ?? throw new Xunit.Sdk.XunitException($"the pod takes Secret {secret.Text("name")}, and no *.example.yaml shows it");
                names.AddRange(example.At("stringData").Keys());
            }
        }
        return names;
    }

    /// <summary>The Secret examples of an overlay and of the base (kept out of the kustomization on purpose).</summary>
    private static List<YamlMappingNode> SecretExamples(string overlay) =>
        new[] { overlay, "deploy/kubernetes/base" }
            .SelectMany(dir => Directory.EnumerateFiles(DeployFiles.PathOf(dir), "*.example.yaml"))
            .SelectMany(file => DeployFiles.YamlDocuments(File.ReadAllText(file)))
            .Where(o => o.Get("kind").Text() == "Secret")
            .ToList();
}
