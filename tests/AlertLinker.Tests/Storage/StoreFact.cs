using AlertLinker.Tests.EndToEnd;
using AlertLinker.Tests.Storage.Postgres;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace AlertLinker.Tests.Storage;

/// <summary>
/// A fact of the store contract. The contract's tests are declared once, on <see cref="AlertStoreContract"/>; a store
/// that needs a server (PostgreSQL) marks its concrete test class with a <see cref="StoreRequiresAttribute"/>, and
/// where that server cannot run the inherited tests are reported skipped with the reason instead of failing.
/// </summary>
[XunitTestCaseDiscoverer("AlertLinker.Tests.Storage.StoreFactDiscoverer", "AlertLinker.Tests")]
[AttributeUsage(AttributeTargets.Method)]
public sealed class StoreFactAttribute : FactAttribute;

/// <summary>On a test class: what it needs to run; <see cref="Missing"/> says why it cannot, or null when it can.</summary>
[AttributeUsage(AttributeTargets.Class)]
public abstract class StoreRequiresAttribute : Attribute
{
    public abstract string? Missing { get; }
}

/// <summary>The class needs PostgreSQL's server binaries. Never skipped under CI=true (there a missing install fails).</summary>
public sealed class RequiresPostgresAttribute : StoreRequiresAttribute
{
    public override string? Missing => EndToEndBinaries.InCi ? null : PostgresBinaries.Missing();
}

/// <summary>A <see cref="FactAttribute"/> in a [StoreRequires…] class whose requirement is missing becomes a skipped test.</summary>
public sealed class StoreFactDiscoverer(IMessageSink diagnostics) : IXunitTestCaseDiscoverer
{
    private readonly FactDiscoverer _facts = new(diagnostics);

    public IEnumerable<IXunitTestCase> Discover(ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod, IAttributeInfo factAttribute)
    {
        var missing = testMethod.TestClass.Class.ToRuntimeType()?
            .GetCustomAttributes(typeof(StoreRequiresAttribute), inherit: true)
            .Cast<StoreRequiresAttribute>()
            .Select(requirement => requirement.Missing)
            .FirstOrDefault(reason => reason is not null);
        return missing is null
            ? _facts.Discover(discoveryOptions, testMethod, factAttribute)
            : [new SkippedStoreTestCase(diagnostics, discoveryOptions.MethodDisplayOrDefault(), discoveryOptions.MethodDisplayOptionsOrDefault(), testMethod, missing)];
    }
}

/// <summary>A contract test reported as skipped, with the reason (serialised with the test case for the runner).</summary>
public sealed class SkippedStoreTestCase : XunitTestCase
{
    private string _reason = "";

    [Obsolete("Called by the de-serializer; should only be called by deriving classes for de-serialization purposes")]
    public SkippedStoreTestCase()
    {
    }

    public SkippedStoreTestCase(IMessageSink diagnostics, TestMethodDisplay display, TestMethodDisplayOptions displayOptions, ITestMethod testMethod, string reason)
        : base(diagnostics, display, displayOptions, testMethod) => _reason = reason;

    protected override string GetSkipReason(IAttributeInfo factAttribute) => _reason;

    public override void Serialize(IXunitSerializationInfo data)
    {
        data.AddValue("StoreSkipReason", _reason);
        base.Serialize(data);
    }

    public override void Deserialize(IXunitSerializationInfo data)
    {
        _reason = data.GetValue<string>("StoreSkipReason");
        base.Deserialize(data);
    }
}
