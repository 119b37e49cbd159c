namespace AlertLinker.Tests.EndToEnd;

/// <summary>End-to-end tests run one after another: each starts several real processes on a small machine.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class EndToEndCollection
{
    public const string Name = "EndToEnd";
}
