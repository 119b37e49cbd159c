using AlertLinker.Analysis;
using AlertLinker.Backends.Zipkin;
using AlertLinker.Tests.TestSupport;

namespace AlertLinker.Tests.Analysis;

public sealed class ContextBreaksTests
{
    [Fact]
    public void ARealKafkaTraceRootedAtAConsumerWithoutParentIsBrokenContextAtItsTopic()
    {
        // openzipkin's messaging test trace: its root is the CONSUMER "poll" of topic "messages", with no parent.
        var trace = ZipkinTraceParser.Parse(SharedFixtures.Read("backends/zipkin/trace_by_id_messaging_kafka_with_error.json"));

        var insights = TraceAnalyzer.Analyze(trace);

        var broken = insights.BrokenContext.First(b => b.Break == ContextBreak.ConsumerRoot);
        Assert.Equal("0562809467078eab", broken.Span.SpanId);
        Assert.Equal("messages", broken.Destination);
        Assert.StartsWith("broken context: the trace starts at the queue messages: poll (servicea) has no parent; ", broken.Summary, StringComparison.Ordinal);
        Assert.Contains("trace context has to travel in the message attributes", broken.Summary, StringComparison.Ordinal);
        Assert.Contains(broken, insights.Findings);
    }

    [Fact]
    public void AProducerWhoseMessageNoConsumerInTheTraceTookIsWhereTheTraceEnds()
    {
        var trace = new TraceBuilder();
        var root = trace.Add(null, "checkout", "POST /orders", 0, 50);
        trace.Add(root, "checkout", "orders publish", 10, 2, attributes: [("messaging.system", "kafka"), ("messaging.destination.name", "orders")]);
        var built = trace.Build();
        built = built with { Spans = [built.Spans[0] with { Kind = "server" }, built.Spans[1] with { Kind = "producer" }] };

        var broken = Assert.Single(TraceAnalyzer.Analyze(built).BrokenContext);

        Assert.Equal(ContextBreak.ProducerWithoutConsumer, broken.Break);
        Assert.Equal("broken context: the trace ends at the queue orders (kafka): orders publish (checkout) has no consumer in this trace; "
            + "the consumer has to take the trace context from the message attributes (headers)", broken.Summary);
    }

    [Fact]
    public void AProducerAndItsConsumerInOneTraceAreNoBreak()
    {
        var trace = new TraceBuilder();
        var root = trace.Add(null, "checkout", "POST /orders", 0, 50);
        var send = trace.Add(root, "checkout", "orders publish", 10, 2, attributes: [("messaging.destination.name", "orders")]);
        trace.Add(send, "billing", "orders process", 20, 30, attributes: [("messaging.destination.name", "orders")]);
        var built = trace.Build();
        built = built with { Spans = [built.Spans[0] with { Kind = "server" }, built.Spans[1] with { Kind = "producer" }, built.Spans[2] with { Kind = "consumer" }] };

        Assert.Empty(TraceAnalyzer.Analyze(built).BrokenContext);
    }

    [Fact]
    public void ARequestTraceHasNoBrokenContext()
    {
        Assert.Empty(TraceAnalyzer.Analyze(TraceBuilder.Seed()).BrokenContext);
    }

    [Fact]
    public void ABackgroundJobRootStartsAFreshTrace()
    {
        var trace = new TraceBuilder();
        var root = trace.Add(null, "reports", "ReportJob.run", 0, 900, attributes: [("code.function", "ReportJob.run"), ("job.name", "nightly-report")]);
        trace.Add(root, "reports", "SELECT", 5, 800, attributes: [("db.statement", "SELECT * FROM orders")]);

        var broken = Assert.Single(TraceAnalyzer.Analyze(trace.Build()).BrokenContext);

        Assert.Equal(ContextBreak.JobRoot, broken.Break);
        Assert.Equal("nightly-report", broken.Destination);
        Assert.StartsWith("broken context: the trace starts fresh at the background job ReportJob.run (reports) at 14:02:00 UTC", broken.Summary, StringComparison.Ordinal);
    }
}
